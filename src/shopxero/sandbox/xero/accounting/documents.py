"""Invoices and credit notes: create/update, numbering, status transitions, paid-document locks.

[xero-api-notes §6.3, §6.5]
- PUT creates only; POST updates the document matched by its ID, or (ACCREC / ACCRECCREDIT
  without an ID) by its number, and otherwise creates [xero-api-notes §4, I-pyxero328].
- ACCREC InvoiceNumber unique (``Invoice # must be unique.``), <= 255 printable ASCII,
  auto-generated (``INV-0001``) when absent; ACCRECCREDIT CreditNoteNumber likewise (``CN-``).
- Status on create: DRAFT, SUBMITTED or AUTHORISED. Transitions: DRAFT -> DRAFT/SUBMITTED/
  AUTHORISED/DELETED; SUBMITTED -> SUBMITTED/AUTHORISED/DRAFT/DELETED; AUTHORISED ->
  AUTHORISED/VOIDED (VOIDED only without payments or allocations). PAID is set by the sandbox
  when the amount due reaches zero.
- A document with payments or allocations only lets Reference, DueDate, the number, Contact,
  Url, BrandingThemeID and line Description/AccountCode/Tracking change.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from shopxero.sandbox.xero.accounting.arithmetic import totals
from shopxero.sandbox.xero.accounting.contacts import find_contact, save_contact
from shopxero.sandbox.xero.accounting.doc_kinds import (
    CREDIT_NOTE,
    INVOICE,
    DocumentKind,
    has_money_applied,
    refresh_balance,
)
from shopxero.sandbox.xero.accounting.lines import build_lines
from shopxero.sandbox.xero.accounting.problems import ElementInvalid
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.accounting.validation import (
    Errors,
    check_length,
    check_printable_ascii,
    optional_bool,
    optional_date,
    optional_decimal,
    optional_guid,
    optional_text,
)

__all__ = ["CREDIT_NOTE", "INVOICE", "DocumentKind", "refresh_balance", "save_document"]

ZERO = Decimal(0)


_CREATE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
_TRANSITIONS = {
    "DRAFT": ("DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"),
    "SUBMITTED": ("SUBMITTED", "AUTHORISED", "DRAFT", "DELETED"),
    "AUTHORISED": ("AUTHORISED", "VOIDED"),
    "PAID": ("PAID", "AUTHORISED"),  # "AUTHORISED" re-sent on an edit of a paid doc: no change
    "VOIDED": ("VOIDED",),
    "DELETED": ("DELETED",),
}
_LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")
# What may change once money is applied [xero-api-notes §6.3, R16].
_PAID_EDITABLE = {
    "Reference",
    "DueDate",
    "BrandingThemeID",
    "Contact",
    "Url",
    "SentToContact",
    "Status",
    "LineItems",
    "Type",
    "ExpectedPaymentDate",
}
_PAID_LINE_EDITABLE = {"LineItemID", "Description", "AccountCode", "Tracking"}
# Computed by Xero; a client echoing them back is not asking for a change.
_READ_ONLY = {
    "SubTotal",
    "TotalTax",
    "Total",
    "TotalDiscount",
    "AmountDue",
    "AmountPaid",
    "AmountCredited",
    "RemainingCredit",
    "UpdatedDateUTC",
    "UpdatedDateUTCString",
    "HasAttachments",
    "HasErrors",
    "IsDiscounted",
    "Payments",
    "CreditNotes",
    "Allocations",
    "Prepayments",
    "Overpayments",
    "FullyPaidOnDate",
    "DateString",
    "DueDateString",
    "StatusAttributeString",
    "ValidationErrors",
    "Warnings",
}


def _find_by_number(kind: DocumentKind, org: XeroOrg, number: str) -> dict[str, Any] | None:
    folded = number.casefold()
    for doc in kind.table(org).values():
        if (
            doc["Type"] == kind.unique_type
            and doc["Status"] != "DELETED"
            and str(doc.get(kind.number_field, "")).casefold() == folded
        ):
            return doc
    return None


def _same(key: str, sent: Any, stored: Any) -> bool:
    """Whether a re-sent value equals the stored one (dates and numbers compared by value)."""
    if key in ("Date", "DueDate") and stored is not None:
        return bool(optional_date({key: sent}, key, []) == stored)
    if isinstance(stored, Decimal) and sent is not None:
        try:
            return Decimal(str(sent)) == stored
        except ArithmeticError:
            return False
    same: bool = sent == stored
    return same


def _check_paid_edit(
    element: Mapping[str, Any], existing: Mapping[str, Any], kind: DocumentKind, errors: Errors
) -> None:
    changed = [
        key
        for key in element
        if key not in _PAID_EDITABLE
        and key not in (kind.id_field, kind.number_field)
        and key not in _READ_ONLY
        and not _same(key, element[key], existing.get(key))
    ]
    sent_lines = element.get("LineItems")
    if isinstance(sent_lines, list):
        old = {line["LineItemID"]: line for line in existing.get("LineItems", [])}
        ids = [
            str(line.get("LineItemID", "")).lower() for line in sent_lines if isinstance(line, dict)
        ]
        if sorted(ids) != sorted(old):
            changed.append("LineItems")
        else:
            for line in sent_lines:
                base = old[str(line["LineItemID"]).lower()]
                for key, value in line.items():
                    if key in _PAID_LINE_EDITABLE:
                        continue
                    if not _same(key, value, base.get(key)):
                        changed.append(f"LineItems.{key}")
    if changed:
        errors.append(
            f"This {kind.label.lower()} cannot be edited as it has a payment or credit note "
            f"allocated to it (changed: {', '.join(sorted(set(changed)))})."
        )


def _resolve_contact(
    org: XeroOrg, element: Mapping[str, Any], errors: Errors
) -> tuple[str | None, str | None]:
    """(existing ContactID, or None plus the name of a contact to create)."""
    raw = element.get("Contact")
    if not isinstance(raw, dict):
        errors.append("A Contact must be specified for this type of transaction")
        return None, None
    contact_id = optional_guid(raw, "ContactID", errors)
    if contact_id:
        if contact_id not in org.contacts:
            errors.append(f"The contact with ID {contact_id} could not be found.")
            return None, None
        return contact_id, None
    number, name = raw.get("ContactNumber"), raw.get("Name")
    found = find_contact(org, number=number or None, name=name or None)
    if found is not None:
        return str(found["ContactID"]), None
    if name and isinstance(name, str) and name.strip():
        check_length(name, "Contact name", 255, errors)
        return None, name.strip()  # Xero creates a contact named on a document [R16]
    errors.append("A Contact must be specified for this type of transaction")
    return None, None


def save_document(
    org: XeroOrg,
    kind: DocumentKind,
    element: Mapping[str, Any],
    *,
    create_only: bool,
    unitdp: int = 2,
    path_id: str | None = None,
) -> dict[str, Any]:
    """Validate and store one invoice / credit note; raise ``ElementInvalid`` with the problems."""
    errors: Errors = []
    table = kind.table(org)
    doc_id = path_id or optional_guid(element, kind.id_field, errors)
    number = optional_text(element, kind.number_field, errors)
    doc_type = element.get("Type")

    existing: dict[str, Any] | None = None
    if doc_id:
        existing = table.get(doc_id)
        if existing is None:
            raise ElementInvalid(*errors, f"{kind.label} with ID {doc_id} could not be found.")
        if create_only:
            raise ElementInvalid(*errors, f"A {kind.label.lower()} with this ID already exists.")
    elif not create_only and number and doc_type in (None, kind.unique_type):
        existing = _find_by_number(kind, org, number)

    if existing is not None:
        if doc_type is not None and doc_type != existing["Type"]:
            errors.append(f"The {kind.label.lower()} type cannot be changed.")
        doc_type = existing["Type"]
    if doc_type not in kind.types:
        errors.append(f"{kind.label} Type must be one of {', '.join(kind.types)}.")
        raise ElementInvalid(*errors)
    assert isinstance(doc_type, str)

    old_status = existing["Status"] if existing else None
    status = element.get("Status") or old_status or "DRAFT"
    if existing is None and status not in _CREATE_STATUSES:
        errors.append(f"{kind.label} not of valid status for creation")
    elif old_status is not None and status not in _TRANSITIONS[old_status]:
        if status == "DELETED":
            errors.append(
                f"Only {kind.label.lower()}s with a status of DRAFT or SUBMITTED can be deleted."
            )
        elif status == "VOIDED":
            errors.append(f"Only AUTHORISED {kind.label.lower()}s can be voided.")
        else:
            errors.append(f"{kind.label} status cannot be changed from {old_status} to {status}.")
    if old_status in ("VOIDED", "DELETED") and set(element) - {
        kind.id_field,
        kind.number_field,
        "Status",
        "Type",
    }:
        # A voided or deleted document is final; only a repeat of the same status is harmless.
        errors.append(f"This {kind.label.lower()} cannot be edited as it is {old_status}.")
    if existing is not None and has_money_applied(existing):
        if status == "VOIDED":
            errors.append(
                f"This {kind.label.lower()} cannot be voided as it has payments or "
                "credit notes allocated to it."
            )
        _check_paid_edit(element, existing, kind, errors)
    if old_status == "PAID" and status == "AUTHORISED":
        status = "PAID"  # an edit of a paid document re-sending AUTHORISED changes nothing

    if number is not None:
        check_length(number, kind.number_field, 255, errors)
        check_printable_ascii(number, kind.number_field, errors)
        if doc_type == kind.unique_type:
            clash = _find_by_number(kind, org, number)
            if clash is not None and clash is not existing:
                errors.append(kind.duplicate_message)

    contact_id, new_contact_name = (
        (existing["_contact_id"], None)
        if (existing is not None and "Contact" not in element)
        else _resolve_contact(org, element, errors)
    )

    line_amount_types = element.get("LineAmountTypes") or (existing or {}).get(
        "LineAmountTypes", "Exclusive"
    )
    if line_amount_types not in _LINE_AMOUNT_TYPES:
        errors.append(
            f"LineAmountTypes '{line_amount_types}' is not valid; use Exclusive, "
            "Inclusive or NoTax."
        )
        line_amount_types = "Exclusive"

    values: dict[str, Any] = {}
    for key in ("Date", "DueDate", "ExpectedPaymentDate"):
        if key in element:
            values[key] = optional_date(element, key, errors)
    for key, limit in (("Reference", 255), ("Url", 2000), ("BrandingThemeID", 50)):
        if key in element:
            text = optional_text(element, key, errors)
            check_length(text, key, limit, errors)
            values[key] = text
    warnings: list[str] = []
    if "SentToContact" in element:
        sent = optional_bool(element, "SentToContact", errors)
        if sent and status != "AUTHORISED":
            # Saved, but with a warning, and the flag is not set [xero-api-notes §7, R13].
            warnings.append(
                f"Only AUTHORISED {kind.collection.lower()} may have SentToContact updated."
            )
        else:
            values["SentToContact"] = sent
    currency = (
        element.get("CurrencyCode") or (existing or {}).get("CurrencyCode") or (org.base_currency)
    )
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        errors.append(f"CurrencyCode '{currency}' is not a valid currency code.")
    elif currency not in org.currencies:
        # Only the base currency and those the organisation added (GET /Currencies) are usable.
        errors.append(f"Organisation is not subscribed to currency {currency}")
    if "CurrencyRate" in element:
        values["CurrencyRate"] = optional_decimal(element, "CurrencyRate", errors)

    lock = org.period_lock_date
    doc_date = values.get("Date") or (existing or {}).get("Date") or org.today()
    if lock is not None and (
        doc_date <= lock or (existing is not None and existing["Date"] <= lock)
    ):
        # Nothing dated on or before the lock date can be created or changed [xero-api-notes §6.8].
        errors.append(
            f"The document date cannot be on or before the period lock date ({lock.isoformat()})."
        )
    if kind is CREDIT_NOTE and existing is None and element.get("Allocations"):
        # Allocation is a second call, PUT /CreditNotes/{id}/Allocations [xero-api-notes §6.5, R19].
        errors.append("You cannot create and allocate a credit note in a single call.")
    discounts_allowed = doc_type == "ACCREC"
    if "LineItems" in element or existing is None:
        if existing is None and not element.get("LineItems"):
            errors.append(f"The {kind.label.lower()} must have at least one line item.")
        lines, results = build_lines(
            org,
            element.get("LineItems") or [],
            (existing or {}).get("LineItems", []),
            doc_type=doc_type,
            line_amount_types=line_amount_types,
            unitdp=unitdp,
            discounts_allowed=discounts_allowed,
            errors=errors,
        )
    else:
        lines = existing["LineItems"]
        # Recompute from stored lines: LineAmountTypes may have changed.
        lines, results = build_lines(
            org,
            [{"LineItemID": line["LineItemID"]} for line in lines],
            lines,
            doc_type=doc_type,
            line_amount_types=line_amount_types,
            unitdp=unitdp,
            discounts_allowed=discounts_allowed,
            errors=errors,
        )
    if status in ("SUBMITTED", "AUTHORISED") and status != old_status:
        for line in lines:
            if line["LineAmount"] != 0 and not line.get("AccountCode"):
                errors.append(
                    "Account code must be specified for each line item before the "
                    f"{kind.label.lower()} can be approved."
                )
                break
    sums = totals(results, line_amount_types)
    if sums.total < 0:
        errors.append(f"The {kind.label.lower()} total cannot be negative.")
    if errors:
        raise ElementInvalid(*errors)

    # -- commit ---------------------------------------------------------------------------------
    if new_contact_name is not None:
        # Xero creates the contact a document names [R16]; it passed the same rules above.
        contact_id = str(
            save_contact(org, {"Name": new_contact_name}, create_only=True)["ContactID"]
        )
    record: dict[str, Any] = (
        dict(existing)
        if existing
        else {
            kind.id_field: org.new_id(),
            "Type": doc_type,
            "Date": org.today(),
            "HasAttachments": False,
            "_payment_ids": [],
            "_allocation_ids": [],
            "_iso_updated": True,
        }
    )
    if number is None and existing is None and doc_type == kind.unique_type:
        taken = {str(d.get(kind.number_field, "")).casefold() for d in table.values()}
        number = org.next_number(kind.prefix, taken)
    if number is not None:
        record[kind.number_field] = number
    record.update(values)
    record.update(
        _contact_id=contact_id,
        Status=status,
        LineAmountTypes=line_amount_types,
        CurrencyCode=currency,
        LineItems=lines,
        SubTotal=sums.sub_total,
        TotalTax=sums.total_tax,
        Total=sums.total,
        UpdatedDateUTC=org.now(),
    )
    record.setdefault("CurrencyRate", Decimal(1))
    if record.get("CurrencyRate") is None:
        record["CurrencyRate"] = Decimal(1)
    if kind is INVOICE:
        record["TotalDiscount"] = sums.total_discount
        record["IsDiscounted"] = sums.total_discount != 0
    table[record[kind.id_field]] = record
    if warnings:
        record["_warnings"] = warnings  # read (and removed) by the batch writer
    refresh_balance(org, kind, record)
    who = org.contacts[contact_id]["Name"] if contact_id in org.contacts else ""
    label = record.get(kind.number_field) or kind.label
    if existing is None:
        org.record_history(
            record[kind.id_field], "Created", f"{label} to {who} for {record['Total']}."
        )
    elif status != old_status:
        org.record_history(
            record[kind.id_field],
            status.capitalize(),
            f"{label} changed from {old_status} to {status}.",
        )
    else:
        org.record_history(record[kind.id_field], "Edited", f"{label} edited.")
    return record
