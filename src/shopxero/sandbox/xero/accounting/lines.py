"""Line items of invoices and credit notes: LineItemID semantics, item defaults, account and
tax checks, and the per-line arithmetic.

- Update semantics [xero-api-notes §6.3]: a line with a known ``LineItemID`` is updated, a line
  without one is new, an existing line left out is deleted; an unknown ``LineItemID`` is an error.
- ``ItemCode`` without ``UnitAmount``/``AccountCode``/``TaxType``/``Description`` takes the
  item's sales (or purchase) defaults; explicit values win [xero-api-notes §6.3].
- Account must exist, be ACTIVE and be one a line may post to (not BANK, not a control
  account); TaxType must exist, be ACTIVE and fit the account's class (a revenue account needs
  ``CanApplyToRevenue``...) or, without an account, the transaction [xero-api-notes §7 messages].
- Discounts only where Xero has them: ACCREC invoices, never credit notes [xero-api-notes §6.3, §9].
- ``TaxAmount`` overrides the computed tax on invoices and credit notes (the spec's LineItem, and
  a Xero staff answer: the tax type is still recorded, its rate is not used); on spend and
  receive money Xero refuses one that differs: "Tax amount 52.23 is incorrect for INPUT2 tax
  type, should be 52.28" [xero-api-notes §6.6a].
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from shopxero.sandbox.xero.accounting.arithmetic import LineResult, line_amount, line_tax
from shopxero.sandbox.xero.accounting.serialize import money, quantize
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.accounting.validation import (
    Errors,
    check_length,
    optional_decimal,
    optional_guid,
    optional_text,
)

__all__ = ["build_lines", "tax_rate_percent"]

MAX_LINE_AMOUNT = Decimal("9999999999.99")  # spec LineItem.LineAmount [xero-api-notes §6.3]
_SALES_TYPES = ("ACCREC", "ACCRECCREDIT")

# Control accounts Xero maintains itself; no document line may post to them.
_NO_LINE_SYSTEM_ACCOUNTS = frozenset(
    {
        "DEBTORS",
        "CREDITORS",
        "GST",
        "GSTONIMPORTS",
        "RETAINEDEARNINGS",
        "UNPAIDEXPCLM",
        "BANKCURRENCYGAIN",
        "REALISEDCURRENCYGAIN",
        "UNREALISEDCURRENCYGAIN",
        "HISTORICAL",
        "TRACKINGTRANSFERS",
        "WAGEPAYABLES",
    }
)
_CLASS_BY_TYPE = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYGLIABILITY": "LIABILITY",
    "SUPERANNUATIONLIABILITY": "LIABILITY",
    "WAGESPAYABLELIABILITY": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "SUPERANNUATIONEXPENSE": "EXPENSE",
    "WAGESEXPENSE": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}
_APPLIES_FLAG = {
    "ASSET": "CanApplyToAssets",
    "EQUITY": "CanApplyToEquity",
    "EXPENSE": "CanApplyToExpenses",
    "LIABILITY": "CanApplyToLiabilities",
    "REVENUE": "CanApplyToRevenue",
}


def tax_rate_percent(rate: Mapping[str, Any]) -> Decimal:
    """The rate in percent: EffectiveRate, else DisplayTaxRate, else the components' sum."""
    for key in ("EffectiveRate", "DisplayTaxRate"):
        if rate.get(key) is not None:
            return Decimal(str(rate[key]))
    components = rate.get("TaxComponents") or []
    return sum((Decimal(str(c.get("Rate", 0))) for c in components), Decimal(0))


def _account_class(account: Mapping[str, Any]) -> str:
    return str(account.get("Class") or _CLASS_BY_TYPE.get(str(account.get("Type")), "ASSET"))


def _check_account(org: XeroOrg, code: str, errors: Errors) -> dict[str, Any] | None:
    account = org.account_by_code(code)
    if (
        account is None
        or account.get("Status", "ACTIVE") != "ACTIVE"
        or account.get("Type") == "BANK"
        or account.get("SystemAccount") in _NO_LINE_SYSTEM_ACCOUNTS
    ):
        errors.append(f"Account code '{code}' is not a valid code for this document.")
        return None
    return account


def _check_tax(
    org: XeroOrg, tax_type: str, account: Mapping[str, Any] | None, doc_type: str, errors: Errors
) -> dict[str, Any] | None:
    rate = org.tax_rate(tax_type)
    wanted_class = "REVENUE" if doc_type in _SALES_TYPES else "EXPENSE"
    if account is not None:
        wanted_class = _account_class(account)
    # A rate that does not say what it applies to (a hand-written seed) is taken as applicable.
    applies = rate is not None and rate.get(_APPLIES_FLAG[wanted_class], True) is not False
    if (
        rate is None
        or rate.get("Status", "ACTIVE") != "ACTIVE"
        or (account is None and not applies)
    ):
        errors.append(
            f"The TaxType code {tax_type} does not exist or cannot be used for this type of "
            "transaction."
        )
        return None
    if not applies:
        errors.append(
            f"The TaxType code '{tax_type}' cannot be used with account code "
            f"'{account.get('Code') if account else ''}'."
        )
        return None
    return rate


def _one_line(
    org: XeroOrg,
    sent: Mapping[str, Any],
    base: Mapping[str, Any],
    *,
    doc_type: str,
    line_amount_types: str,
    unitdp: int,
    discounts_allowed: bool,
    tax_overrides: bool,
    errors: Errors,
) -> tuple[dict[str, Any], LineResult]:
    line: dict[str, Any] = dict(base)
    for key in ("Description", "ItemCode", "AccountCode", "TaxType"):
        if key in sent:
            line[key] = optional_text(sent, key, errors)
    for key in (
        "Quantity",
        "UnitAmount",
        "LineAmount",
        "TaxAmount",
        "DiscountRate",
        "DiscountAmount",
    ):
        if key in sent:
            line[key] = optional_decimal(sent, key, errors)
    if "Tracking" in sent:
        tracking = sent["Tracking"]
        if not isinstance(tracking, list) or len(tracking) > 2:
            errors.append("A line item can have a maximum of 2 tracking categories.")
        line["Tracking"] = tracking if isinstance(tracking, list) else []

    item = None
    if not line.get("ItemCode"):
        line.pop("Item", None)
    if line.get("ItemCode"):
        item = org.item_by_code(line["ItemCode"])
        if item is None:
            errors.append(f"Item code '{line['ItemCode']}' is not valid.")
        else:
            # Xero echoes the item on the line (LineItemItem in the spec).
            line["Item"] = {"ItemID": item["ItemID"], "Code": item["Code"]}
            if item.get("Name"):
                line["Item"]["Name"] = item["Name"]
            details = item.get("SalesDetails" if doc_type in _SALES_TYPES else "PurchaseDetails")
            details = details or {}
            if line.get("UnitAmount") is None and details.get("UnitPrice") is not None:
                line["UnitAmount"] = details["UnitPrice"]
            for key in ("AccountCode", "TaxType"):
                if not line.get(key) and details.get(key):
                    line[key] = details[key]
            description_key = "Description" if doc_type in _SALES_TYPES else "PurchaseDescription"
            if not line.get("Description") and item.get(description_key):
                line["Description"] = item[description_key]
    if not line.get("Description") and not line.get("ItemCode"):
        errors.append("Description must be specified.")
    check_length(line.get("Description"), "Description", 4000, errors)

    if not discounts_allowed and (line.get("DiscountRate") or line.get("DiscountAmount")):
        errors.append("Discounts are not supported on this type of document.")
    rate_off = line.get("DiscountRate")
    if rate_off is not None and not Decimal(0) <= rate_off <= Decimal(100):
        errors.append("DiscountRate must be between 0 and 100.")
    if line.get("DiscountRate") is not None and line.get("DiscountAmount") is not None:
        errors.append("A line item cannot have both a DiscountRate and a DiscountAmount.")

    account = _check_account(org, line["AccountCode"], errors) if line.get("AccountCode") else None
    if not line.get("TaxType") and account is not None and account.get("TaxType"):
        line["TaxType"] = account["TaxType"]
    if line_amount_types == "NoTax" and not line.get("TaxType"):
        line["TaxType"] = "NONE" if org.tax_rate("NONE") else None
    rate = (
        _check_tax(org, line["TaxType"], account, doc_type, errors) if line.get("TaxType") else None
    )

    quantity = line.get("Quantity")
    unit = line.get("UnitAmount")
    given_amount = line.get("LineAmount") if "LineAmount" in sent else None
    if unit is not None and unit != base.get("UnitAmount"):
        # Rounded at the precision of the request that sets it; a stored 4 dp amount is not
        # re-rounded by a later 2 dp edit of another field.
        unit = quantize(unit, unitdp)
    if quantity is not None:
        quantity = quantize(quantity, 4)
    # Xero fills whichever of Quantity / UnitAmount is missing from LineAmount (spec LineItem).
    if given_amount is not None and (quantity is None or unit is None):
        if unit is None and quantity not in (None, Decimal(0)):
            assert quantity is not None
            unit = quantize(given_amount / quantity, unitdp)
        elif quantity is None and unit not in (None, Decimal(0)):
            assert unit is not None
            quantity = quantize(given_amount / unit, 4)
        elif quantity is None and unit is None:
            quantity, unit = Decimal(1), quantize(given_amount, unitdp)
    if quantity is None:
        quantity = Decimal(1) if unit is not None else Decimal(0)
    if unit is None:
        unit = Decimal(0)
    amount, discount = line_amount(
        quantity,
        unit,
        discount_rate=line.get("DiscountRate"),
        discount_amount=line.get("DiscountAmount"),
    )
    if given_amount is not None and abs(money(given_amount) - amount) >= Decimal("0.01"):
        errors.append(
            f"The line amount {money(given_amount)} does not equal Quantity x UnitAmount "
            f"less discount ({amount})."
        )
    if abs(amount) > MAX_LINE_AMOUNT:
        errors.append("LineAmount must not be more than 9,999,999,999.99.")
    percent = tax_rate_percent(rate) if rate is not None else Decimal(0)
    tax = line_tax(amount, percent, line_amount_types)
    if "TaxAmount" in sent and line.get("TaxAmount") is not None:
        given = money(line["TaxAmount"])
        if tax_overrides:
            tax = given  # a client may override the computed tax (spec LineItem.TaxAmount)
        elif given != tax:
            errors.append(
                f"Tax amount {given} is incorrect for {line.get('TaxType') or 'NONE'} tax type, "
                f"should be {tax}"
            )
    line.update(Quantity=quantity, UnitAmount=unit, LineAmount=amount, TaxAmount=tax)
    line.setdefault("Tracking", [])
    return line, LineResult(amount, tax, discount)


def build_lines(
    org: XeroOrg,
    sent_lines: Any,
    existing_lines: list[dict[str, Any]],
    *,
    doc_type: str,
    line_amount_types: str,
    unitdp: int,
    discounts_allowed: bool,
    errors: Errors,
    tax_overrides: bool = True,
) -> tuple[list[dict[str, Any]], list[LineResult]]:
    """The document's new lines (with ids and amounts) and their arithmetic results.

    ``tax_overrides``: whether a line's ``TaxAmount`` replaces the computed tax (invoices,
    credit notes) or must equal it (spend and receive money).
    """
    if not isinstance(sent_lines, list) or not all(isinstance(x, dict) for x in sent_lines):
        errors.append("LineItems must be a list of line items.")
        return [], []
    by_id = {line["LineItemID"]: line for line in existing_lines}
    lines: list[dict[str, Any]] = []
    results: list[LineResult] = []
    for sent in sent_lines:
        line_id = optional_guid(sent, "LineItemID", errors)
        base: dict[str, Any] = {}
        if line_id is not None:
            if line_id not in by_id:
                errors.append(f"LineItemID {line_id} is not valid for this document.")
                continue
            base = by_id[line_id]
        else:
            line_id = org.new_id()
        line, result = _one_line(
            org,
            sent,
            base,
            doc_type=doc_type,
            line_amount_types=line_amount_types,
            unitdp=unitdp,
            discounts_allowed=discounts_allowed,
            tax_overrides=tax_overrides,
            errors=errors,
        )
        line["LineItemID"] = line_id
        lines.append(line)
        results.append(result)
    return lines, results
