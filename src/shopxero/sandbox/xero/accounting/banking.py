"""Spend and receive money (bank transactions) and transfers between bank accounts: the rules.

[xero-api-notes §13]
- A bank transaction (§13.2) needs a Type, a Contact (by Name, ContactID or ContactNumber), a
  BankAccount (an ACTIVE account of Type BANK, by Code or AccountID) and at least one line; lines
  go through the invoices' line rules and arithmetic (``lines.build_lines``, ``arithmetic``), with
  no discounts, Quantity >= 0 and UnitAmount > 0. SubTotal/TotalTax/Total are computed; a sent
  SubTotal or Total that disagrees with the lines is refused with Xero's message. The simulator
  creates SPEND and RECEIVE only; a POST updates one (Status DELETED deletes it).
- A bank transfer (§13.1) moves Amount (> 0) between two different ACTIVE bank accounts of the
  same currency, dated Date (today when left out). It is stored with its two sides, a
  SPEND-TRANSFER on the From account and a RECEIVE-TRANSFER on the To account, which GET
  /BankTransactions lists. POST with Status DELETED soft-deletes a transfer and both sides.
- Nothing may be dated on or before the PeriodLockDate or the EndOfYearLockDate (§13.3), with
  the texts integrators quote.
Messages without a published source are the simulator's own (xero-api-notes §13.1 says which).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from shopxero.sandbox.xero.accounting.arithmetic import totals
from shopxero.sandbox.xero.accounting.contacts import find_contact, save_contact
from shopxero.sandbox.xero.accounting.lines import build_lines
from shopxero.sandbox.xero.accounting.problems import ElementInvalid
from shopxero.sandbox.xero.accounting.serialize import money
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.accounting.validation import (
    Errors,
    check_length,
    optional_bool,
    optional_date,
    optional_decimal,
    optional_guid,
    optional_text,
)

__all__ = [
    "BANK_TRANSACTION_TYPES",
    "CREATE_TYPES",
    "REFERENCE_LIMIT",
    "account_currency",
    "create_bank_transfer",
    "delete_bank_transfer",
    "lock_date_errors",
    "save_bank_transaction",
]

ZERO = Decimal(0)
# The spec's BankTransaction.Type enum [xero-api-notes §13.2].
BANK_TRANSACTION_TYPES = (
    "RECEIVE",
    "RECEIVE-OVERPAYMENT",
    "RECEIVE-PREPAYMENT",
    "SPEND",
    "SPEND-OVERPAYMENT",
    "SPEND-PREPAYMENT",
    "RECEIVE-TRANSFER",
    "SPEND-TRANSFER",
)
CREATE_TYPES = ("SPEND", "RECEIVE")
# The spec gives Reference no maximum; 255 as on invoices (UNCONFIRMED, xero-api-notes §13.2).
REFERENCE_LIMIT = 255
# Which side of the ledger a line is on: item defaults and tax classes as for a bill / an invoice.
_LINE_SIDE = {"SPEND": "ACCPAY", "RECEIVE": "ACCREC"}
_LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CONTACT_KEYS = "Name, ContactID, ContactNumber"


def lock_date_errors(org: XeroOrg, when: date) -> list[str]:
    """Xero's refusals of a date on or before a lock date [xero-api-notes §13.3]."""
    out: list[str] = []
    for lock, name in (
        (org.period_lock_date, "period lock date"),
        (org.end_of_year_lock_date, "end of year lock date"),
    ):
        if lock is not None and when <= lock:
            shown = f"{lock.day:02d}-{_MONTHS[lock.month - 1]}-{lock.year}"
            out.append(f"The document date cannot be before the {name}, currently set at {shown}.")
    return out


def account_currency(org: XeroOrg, account: Mapping[str, Any]) -> str:
    return str(account.get("CurrencyCode") or org.base_currency)


def _bank_account(org: XeroOrg, raw: Any, label: str, errors: Errors) -> dict[str, Any] | None:
    """The ACTIVE BANK account ``raw`` names by Code or, failing that, AccountID
    [xero-api-notes §13.1]."""
    if raw is None:
        errors.append(f"{label} must be specified.")
        return None
    if not isinstance(raw, dict):
        errors.append(f"{label} must be an account with a Code or an AccountID.")
        return None
    code = optional_text(raw, "Code", errors)
    account_id = optional_guid(raw, "AccountID", errors)
    if not code and not account_id:
        errors.append(f"{label} must have a Code or an AccountID.")
        return None
    account = org.account_by_code(code) if code else org.account_by_id(str(account_id))
    if account is None:
        errors.append(f"{label} could not be found.")
        return None
    if account.get("Type") != "BANK":
        errors.append(
            f"{label} must be a bank account: account code '{account.get('Code', '')}' is of "
            f"type {account.get('Type')}."
        )
        return None
    if account.get("Status", "ACTIVE") != "ACTIVE":
        errors.append(
            f"{label} '{account.get('Code', '')}' is {account.get('Status')}: only an active bank "
            "account can be used."
        )
        return None
    return account


def _contact(org: XeroOrg, raw: Any, errors: Errors) -> tuple[str | None, str | None]:
    """(existing ContactID, or None plus the name of a contact to create)."""
    if raw is None:
        errors.append("A Contact must be specified for this type of transaction")
        return None, None
    if not isinstance(raw, dict):
        errors.append(
            "The Contact must contain at least 1 of the following elements to identify the "
            f"contact: {_CONTACT_KEYS}"
        )
        return None, None
    contact_id = optional_guid(raw, "ContactID", errors)
    number = optional_text(raw, "ContactNumber", errors)
    name = optional_text(raw, "Name", errors)
    if not contact_id and not number and not (name and name.strip()):
        # The spec's own example message [xero-api-notes §13.2].
        errors.append(
            "The Contact must contain at least 1 of the following elements to identify the "
            f"contact: {_CONTACT_KEYS}"
        )
        return None, None
    if contact_id:
        if contact_id not in org.contacts:
            errors.append(f"The contact with ID {contact_id} could not be found.")
            return None, None
        return contact_id, None
    found = find_contact(org, number=number or None, name=name or None)
    if found is not None:
        return str(found["ContactID"]), None
    if name and name.strip():
        check_length(name, "Contact name", 255, errors)
        return None, name.strip()  # as on invoices, Xero makes the contact a document names
    errors.append(f"The contact with ContactNumber {number} could not be found.")
    return None, None


def _reference(element: Mapping[str, Any], errors: Errors) -> str | None:
    reference = optional_text(element, "Reference", errors)
    check_length(reference, "Reference", REFERENCE_LIMIT, errors)
    return reference


def _amount(element: Mapping[str, Any], errors: Errors) -> Decimal | None:
    amount = optional_decimal(element, "Amount", errors)
    if amount is None:
        if element.get("Amount") in (None, ""):
            errors.append("Amount must be specified.")
        return None
    if amount <= 0:
        errors.append("Amount must be greater than zero.")
        return None
    return money(amount)


def _tracking(element: Mapping[str, Any], key: str, errors: Errors) -> list[dict[str, str]]:
    """FromTracking / ToTracking: at most 2 TrackingReferences per account (spec)."""
    raw = element.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        errors.append(f"{key} must be a list of tracking references.")
        return []
    if len(raw) > 2:
        errors.append("A bank transfer can have a maximum of 2 tracking categories per account.")
        return []
    out: list[dict[str, str]] = []
    for entry in raw:
        category = optional_guid(entry, "TrackingCategoryID", errors)
        option = optional_guid(entry, "TrackingOptionID", errors)
        if not category or not option:
            errors.append(f"Each {key} entry needs a TrackingCategoryID and a TrackingOptionID.")
            continue
        out.append({"TrackingCategoryID": category, "TrackingOptionID": option})
    return out


# -- bank transfers ----------------------------------------------------------------------------


def _transfer_side(
    org: XeroOrg,
    transfer_id: str,
    account: Mapping[str, Any],
    kind: str,
    *,
    amount: Decimal,
    on: date,
    reference: str | None,
    reconciled: bool,
) -> dict[str, Any]:
    """One side of a transfer as the bank transaction GET /BankTransactions lists (§13.1)."""
    side: dict[str, Any] = {
        "BankTransactionID": org.new_id(),
        "Type": kind,
        "Date": on,
        "Status": "AUTHORISED",
        "LineAmountTypes": "NoTax",
        "LineItems": [],
        "SubTotal": amount,
        "TotalTax": money(ZERO),
        "Total": amount,
        "IsReconciled": reconciled,
        "CurrencyCode": account_currency(org, account),
        "CurrencyRate": Decimal(1),
        "HasAttachments": False,
        "UpdatedDateUTC": org.now(),
        "_account_id": account["AccountID"],
        "_contact_id": None,
        "_transfer_id": transfer_id,
    }
    if reference:
        side["Reference"] = reference
    org.bank_transactions[side["BankTransactionID"]] = side
    return side


def create_bank_transfer(org: XeroOrg, element: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and store one bank transfer and its two sides; ``ElementInvalid`` otherwise."""
    errors: Errors = []
    if element.get("BankTransferID"):
        errors.append("BankTransferID is allocated by Xero; leave it out to create a transfer.")
    source = _bank_account(org, element.get("FromBankAccount"), "FromBankAccount", errors)
    target = _bank_account(org, element.get("ToBankAccount"), "ToBankAccount", errors)
    if source is not None and target is not None:
        if source["AccountID"] == target["AccountID"]:
            errors.append("FromBankAccount and ToBankAccount must be different bank accounts.")
        elif account_currency(org, source) != account_currency(org, target):
            # No way to send a rate: CurrencyRate is read-only [xero-api-notes §13.1].
            errors.append(
                "Bank transfers between accounts in different currencies "
                f"({account_currency(org, source)} to {account_currency(org, target)}) are not "
                "supported: the transfer needs a currency rate the API cannot take."
            )
    amount = _amount(element, errors)
    date_errors = len(errors)
    when = optional_date(element, "Date", errors)
    date_ok = len(errors) == date_errors  # a date that did not parse is refused for that alone
    on = when or org.today()  # "Defaults to current date" [xero-api-notes §13.1]
    reference = _reference(element, errors)
    from_reconciled = optional_bool(element, "FromIsReconciled", errors)
    to_reconciled = optional_bool(element, "ToIsReconciled", errors)
    from_tracking = _tracking(element, "FromTracking", errors)
    to_tracking = _tracking(element, "ToTracking", errors)
    if date_ok:
        errors.extend(lock_date_errors(org, on))
    if errors:
        raise ElementInvalid(*errors)
    assert source is not None and target is not None and amount is not None

    transfer_id = org.new_id()
    spend = _transfer_side(
        org,
        transfer_id,
        source,
        "SPEND-TRANSFER",
        amount=amount,
        on=on,
        reference=reference,
        reconciled=bool(from_reconciled),
    )
    receive = _transfer_side(
        org,
        transfer_id,
        target,
        "RECEIVE-TRANSFER",
        amount=amount,
        on=on,
        reference=reference,
        reconciled=bool(to_reconciled),
    )
    transfer: dict[str, Any] = {
        "BankTransferID": transfer_id,
        "Date": on,
        "Amount": amount,
        "CurrencyRate": Decimal(1),
        "FromBankTransactionID": spend["BankTransactionID"],
        "ToBankTransactionID": receive["BankTransactionID"],
        "FromIsReconciled": bool(from_reconciled),
        "ToIsReconciled": bool(to_reconciled),
        "HasAttachments": False,
        "CreatedDateUTC": org.now(),
        "Status": "AUTHORISED",
        "FromTracking": from_tracking,
        "ToTracking": to_tracking,
        "_from_account_id": source["AccountID"],
        "_to_account_id": target["AccountID"],
        "_updated": org.now(),
    }
    if reference:
        transfer["Reference"] = reference
    org.bank_transfers[transfer_id] = transfer
    org.record_history(
        transfer_id,
        "Created",
        f"Transfer of {amount} from {source.get('Name', '')} to {target.get('Name', '')}.",
    )
    return transfer


def delete_bank_transfer(
    org: XeroOrg, transfer: dict[str, Any] | None, element: Mapping[str, Any]
) -> dict[str, Any]:
    """Soft-delete a transfer and both its sides (``Status: DELETED``) [xero-api-notes §13.1]."""
    errors: Errors = []
    if transfer is None:
        transfer_id = optional_guid(element, "BankTransferID", errors)
        if transfer_id is None and not errors:
            errors.append("BankTransferID must be specified.")
        elif transfer_id is not None:
            transfer = org.bank_transfers.get(transfer_id)
            if transfer is None:
                errors.append(f"Bank transfer with ID {transfer_id} could not be found.")
    if element.get("Status") != "DELETED":
        errors.append("Bank transfers can only be deleted: send Status DELETED.")
    if transfer is not None:
        if transfer["Status"] == "DELETED":
            errors.append("This bank transfer has already been deleted.")
        if transfer["FromIsReconciled"] or transfer["ToIsReconciled"]:
            # As in Xero's app: unreconcile first (UNCONFIRMED for the API, §13.1).
            errors.append("A reconciled bank transfer cannot be deleted; unreconcile it first.")
        errors.extend(lock_date_errors(org, transfer["Date"]))
    if errors:
        raise ElementInvalid(*errors)
    assert transfer is not None
    transfer["Status"] = "DELETED"
    transfer["_updated"] = org.now()
    for key in ("FromBankTransactionID", "ToBankTransactionID"):
        side = org.bank_transactions[transfer[key]]
        side["Status"] = "DELETED"
        side["UpdatedDateUTC"] = org.now()
    org.record_history(transfer["BankTransferID"], "Deleted", "Bank transfer deleted.")
    return transfer


# -- bank transactions (spend and receive money) -------------------------------------------------


def _check_type(raw: Any, errors: Errors) -> str | None:
    if raw is None or raw == "":
        errors.append("Type must be specified: SPEND or RECEIVE.")
        return None
    if raw not in BANK_TRANSACTION_TYPES:
        errors.append(f"Type '{raw}' is not a valid bank transaction type.")
        return None
    if raw.endswith("-TRANSFER"):
        errors.append(
            f"{raw} bank transactions are made by bank transfers: use the BankTransfers endpoint."
        )
        return None
    if raw not in CREATE_TYPES:
        # Over- and prepayments exist in Xero but not in this simulator (xero-api-notes §13.2).
        errors.append(
            f"{raw} bank transactions are not supported by the shopxero sandbox (only SPEND and "
            "RECEIVE)."
        )
        return None
    assert isinstance(raw, str)
    return raw


def _delete_transaction(org: XeroOrg, existing: dict[str, Any]) -> dict[str, Any]:
    errors = lock_date_errors(org, existing["Date"])
    if existing.get("IsReconciled"):
        errors.append("A reconciled bank transaction cannot be deleted; unreconcile it first.")
    if errors:
        raise ElementInvalid(*errors)
    existing["Status"] = "DELETED"
    existing["UpdatedDateUTC"] = org.now()
    org.record_history(existing["BankTransactionID"], "Deleted", "Bank transaction deleted.")
    return existing


def _postings(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What each line posts: account, tax type, amount and tax."""
    return [
        (line.get("AccountCode"), line.get("TaxType"), line["LineAmount"], line["TaxAmount"])
        for line in lines
    ]


def _reconciled_changes(existing: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    old = {
        "Type": existing["Type"],
        "BankAccount": existing["_account_id"],
        "Contact": existing["_contact_id"],
        "Date": existing["Date"],
        "LineAmountTypes": existing["LineAmountTypes"],
        "CurrencyRate": existing["CurrencyRate"],
        "LineItems": _postings(existing["LineItems"]),
    }
    return [key for key, value in new.items() if value != old[key]]


def _line_error(lines: list[dict[str, Any]]) -> str | None:
    """ "Quantity must be >= 0", "Lineitem unit amount must be > 0", an active AccountCode
    [xero-api-notes §13.2]: the first line that breaks one."""
    for line in lines:
        if line["Quantity"] < 0:
            return "Quantity must be zero or more."
        if line["UnitAmount"] <= 0:
            return "Line item unit amount must be greater than zero."
        if not line.get("AccountCode"):
            return "Account code must be specified for each line item."
    return None


def _check_totals(
    element: Mapping[str, Any], sub_total: Decimal, total: Decimal, errors: Errors
) -> None:
    """Xero computes the totals and refuses disagreeing ones [xero-api-notes §13.2, I-mcp190]."""
    checks = (
        ("SubTotal", sub_total, "The document sub total does not equal the sub total of the lines"),
        ("Total", total, "The document total does not equal the total of the lines"),
    )
    for key, computed, message in checks:
        if element.get(key) is None:
            continue
        sent = optional_decimal(element, key, errors)
        if sent is not None and money(sent) != computed:
            errors.append(message)


def save_bank_transaction(
    org: XeroOrg,
    element: Mapping[str, Any],
    *,
    create_only: bool,
    unitdp: int = 2,
    path_id: str | None = None,
) -> dict[str, Any]:
    """Validate and store one spend or receive money transaction (create, update or delete)."""
    errors: Errors = []
    transaction_id = path_id or optional_guid(element, "BankTransactionID", errors)
    existing: dict[str, Any] | None = None
    if transaction_id:
        existing = org.bank_transactions.get(transaction_id)
        if existing is None:
            raise ElementInvalid(
                *errors, f"Bank transaction with ID {transaction_id} could not be found."
            )
        if create_only:
            raise ElementInvalid(*errors, "A bank transaction with this ID already exists.")
        if existing.get("_transfer_id"):
            raise ElementInvalid(
                "This bank transaction is one side of a bank transfer; it cannot be changed here."
            )
        if existing["Status"] == "DELETED":
            raise ElementInvalid("This bank transaction cannot be edited as it is DELETED.")

    status = element.get("Status") or (existing or {}).get("Status") or "AUTHORISED"
    if existing is None and status != "AUTHORISED":
        errors.append("Bank transaction not of valid status for creation")
    elif existing is not None and status == "DELETED":
        return _delete_transaction(org, existing)
    elif status != "AUTHORISED":
        errors.append(f"Bank transaction status cannot be changed to {status}.")
    kind = _check_type(element.get("Type") or (existing or {}).get("Type"), errors)

    if existing is not None and "BankAccount" not in element:
        account = org.account_by_id(str(existing["_account_id"]))
    else:
        account = _bank_account(org, element.get("BankAccount"), "BankAccount", errors)
    if existing is not None and "Contact" not in element:
        contact_id, new_contact = existing["_contact_id"], None
    else:
        contact_id, new_contact = _contact(org, element.get("Contact"), errors)

    line_amount_types = element.get("LineAmountTypes") or (existing or {}).get(
        "LineAmountTypes", "Exclusive"
    )
    if line_amount_types not in _LINE_AMOUNT_TYPES:
        errors.append(
            f"LineAmountTypes '{line_amount_types}' is not valid; use Exclusive, Inclusive or "
            "NoTax."
        )
        line_amount_types = "Exclusive"

    values: dict[str, Any] = {}
    if "Reference" in element:
        values["Reference"] = _reference(element, errors)
    if "Url" in element:
        url = optional_text(element, "Url", errors)
        check_length(url, "Url", 2000, errors)
        values["Url"] = url
    if "IsReconciled" in element:
        values["IsReconciled"] = bool(optional_bool(element, "IsReconciled", errors))

    currency = account_currency(org, account) if account is not None else org.base_currency
    sent_currency = element.get("CurrencyCode")
    if sent_currency and sent_currency != currency:
        # "Setting currency is only supported on overpayments" [xero-api-notes §13.2].
        errors.append(
            f"CurrencyCode {sent_currency} is not the currency of the bank account ({currency}): "
            "a spend or receive money transaction is in its bank account's currency."
        )
    rate = optional_decimal(element, "CurrencyRate", errors) if "CurrencyRate" in element else None
    rate = rate or (existing or {}).get("CurrencyRate")
    if currency == org.base_currency:
        rate = Decimal(1)
    elif rate is None or rate <= 0:
        # Xero would use a day rate; the sandbox has none (xero-api-notes §13.2).
        errors.append(
            f"The shopxero sandbox has no day rates: send a CurrencyRate for a bank transaction "
            f"in {currency}."
        )

    date_errors = len(errors)
    when = optional_date(element, "Date", errors) if "Date" in element else None
    on = when or (existing or {}).get("Date") or org.today()
    if len(errors) == date_errors:  # a date that did not parse is refused for that alone
        errors.extend(lock_date_errors(org, on))
    if existing is not None and existing["Date"] != on:
        # Nor may a transaction be moved out of a locked period [xero-api-notes §13.3].
        errors.extend(m for m in lock_date_errors(org, existing["Date"]) if m not in errors)

    if existing is None and not element.get("LineItems"):
        errors.append("The bank transaction must have at least one line item.")
    sent_lines = (
        element.get("LineItems")
        if "LineItems" in element
        else [{"LineItemID": line["LineItemID"]} for line in (existing or {}).get("LineItems", [])]
    )
    lines, results = build_lines(
        org,
        sent_lines or [],
        (existing or {}).get("LineItems", []),
        doc_type=_LINE_SIDE.get(kind or "SPEND", "ACCPAY"),
        line_amount_types=line_amount_types,
        unitdp=unitdp,
        discounts_allowed=False,  # discounts are for ACCREC invoices only [R1 LineItem]
        errors=errors,
        tax_overrides=False,  # xero-api-notes §6.6a: refused on spend/receive money
    )
    if (
        existing is not None
        and existing.get("IsReconciled")
        and values.get("IsReconciled", True)
        and kind is not None
        and account is not None
    ):
        # An update re-sends the whole transaction (the spec requires Type, LineItems and
        # BankAccount): what may not change once reconciled is what it posts, not the fields sent.
        changed = _reconciled_changes(
            existing,
            {
                "Type": kind,
                "BankAccount": account["AccountID"],
                "Contact": contact_id if new_contact is None else None,
                "Date": on,
                "LineAmountTypes": line_amount_types,
                "CurrencyRate": rate,
                "LineItems": _postings(lines),
            },
        )
        if changed:
            errors.append(
                "This bank transaction cannot be edited as it has been reconciled "
                f"(changed: {', '.join(changed)})."
            )
    line_error = _line_error(lines)
    if line_error:
        errors.append(line_error)
    sums = totals(results, line_amount_types)
    _check_totals(element, sums.sub_total, sums.total, errors)
    if lines and not line_error and sums.total <= 0:
        errors.append("The total of a bank transaction must be greater than zero.")
    if errors:
        raise ElementInvalid(*errors)
    assert kind is not None and account is not None

    if new_contact is not None:
        contact_id = str(save_contact(org, {"Name": new_contact}, create_only=True)["ContactID"])
    record: dict[str, Any] = (
        dict(existing)
        if existing is not None
        else {
            "BankTransactionID": org.new_id(),
            "Status": "AUTHORISED",
            "IsReconciled": False,
            "HasAttachments": False,
            "_transfer_id": None,
        }
    )
    record.update(values)
    record.update(
        Type=kind,
        Date=on,
        LineAmountTypes=line_amount_types,
        LineItems=lines,
        SubTotal=sums.sub_total,
        TotalTax=sums.total_tax,
        Total=sums.total,
        CurrencyCode=currency,
        CurrencyRate=rate,
        UpdatedDateUTC=org.now(),
        _account_id=account["AccountID"],
        _contact_id=contact_id,
    )
    org.bank_transactions[record["BankTransactionID"]] = record
    verb = "Created" if existing is None else "Edited"
    money_word = "Spend" if kind == "SPEND" else "Receive"
    org.record_history(
        record["BankTransactionID"],
        verb,
        f"{money_word} money of {record['Total']} {verb.lower()}.",
    )
    return record
