"""Items: create (PUT), create-or-update (POST) matched by ItemID or Code, and delete.

Rules [xero-api-notes §6.2, spec Item schema]: Code required, <= 30, unique (Xero's message
``Price List Item with Code 'abc' already exists``, spec l.9036); Name <= 50; Description and
PurchaseDescription <= 4000; ``SalesDetails``/``PurchaseDetails`` account codes and tax types
must exist; UnitPrice is rounded to 2 dp, or 4 with ``unitdp=4``; ``IsSold: false`` clears the
sales description and details (``IsPurchased: false`` the purchase ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shopxero.sandbox.xero.accounting.problems import ElementInvalid
from shopxero.sandbox.xero.accounting.serialize import quantize
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.accounting.validation import (
    Errors,
    check_length,
    optional_bool,
    optional_decimal,
    optional_guid,
    optional_text,
)

__all__ = ["save_item"]

_TEXT_LIMITS = {"Code": 30, "Name": 50, "Description": 4000, "PurchaseDescription": 4000}


def _details(
    org: XeroOrg, element: Mapping[str, Any], key: str, unitdp: int, errors: Errors
) -> dict[str, Any] | None:
    raw = element.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.append(f"{key} must be an object.")
        return None
    details: dict[str, Any] = {}
    price = optional_decimal(raw, "UnitPrice", errors)
    if price is not None:
        details["UnitPrice"] = quantize(price, unitdp)
    code = optional_text(raw, "AccountCode", errors)
    if code:
        account = org.account_by_code(code)
        if account is None or account.get("Status", "ACTIVE") != "ACTIVE":
            errors.append(f"Account code '{code}' is not a valid code for this document.")
        details["AccountCode"] = code
    cogs = optional_text(raw, "COGSAccountCode", errors)
    if cogs:
        if org.account_by_code(cogs) is None:
            errors.append(f"Account code '{cogs}' is not a valid code for this document.")
        details["COGSAccountCode"] = cogs
    tax_type = optional_text(raw, "TaxType", errors)
    if tax_type:
        rate = org.tax_rate(tax_type)
        if rate is None or rate.get("Status", "ACTIVE") != "ACTIVE":
            errors.append(
                f"The TaxType code {tax_type} does not exist or cannot be used for this type "
                "of transaction."
            )
        details["TaxType"] = tax_type
    return details


def save_item(
    org: XeroOrg,
    element: Mapping[str, Any],
    *,
    create_only: bool,
    unitdp: int = 2,
    path_id: str | None = None,
) -> dict[str, Any]:
    """Validate and store one item element; raise ``ElementInvalid`` with every problem."""
    errors: Errors = []
    item_id = path_id or optional_guid(element, "ItemID", errors)
    values: dict[str, Any] = {}
    for key, limit in _TEXT_LIMITS.items():
        if key in element:
            text = optional_text(element, key, errors)
            check_length(text, key, limit, errors)
            values[key] = text
    for key in ("IsSold", "IsPurchased"):
        if key in element:
            values[key] = optional_bool(element, key, errors)
    sales = _details(org, element, "SalesDetails", unitdp, errors)
    purchase = _details(org, element, "PurchaseDetails", unitdp, errors)
    if element.get("InventoryAssetAccountCode"):
        # Tracked inventory needs stock movements the sandbox does not model; refuse plainly
        # rather than pretend (a shop sync uses untracked items, xero-api-notes §6.2).
        errors.append("Tracked inventory items are not supported by this sandbox.")

    existing: dict[str, Any] | None = None
    if item_id:
        existing = org.items.get(item_id)
        if existing is None:
            raise ElementInvalid(*errors, f"The item with ID {item_id} could not be found.")
        if create_only:
            raise ElementInvalid(*errors, "An item with this ItemID already exists.")
    elif not create_only and values.get("Code"):
        existing = org.item_by_code(values["Code"])

    code = values.get("Code") if "Code" in values else (existing or {}).get("Code")
    if not code or not str(code).strip():
        errors.append("Item code is required.")
    else:
        clash = org.item_by_code(code)
        if clash is not None and clash is not existing:
            errors.append(f"Price List Item with Code '{code}' already exists")
    if errors:
        raise ElementInvalid(*errors)

    record: dict[str, Any] = (
        dict(existing)
        if existing
        else {
            "ItemID": org.new_id(),
            "IsSold": True,
            "IsPurchased": True,
            "IsTrackedAsInventory": False,
            "SalesDetails": {},
            "PurchaseDetails": {},
        }
    )
    for key, value in values.items():
        if value is not None:
            record[key] = value
    if sales is not None:
        record["SalesDetails"] = {**record.get("SalesDetails", {}), **sales}
    if purchase is not None:
        record["PurchaseDetails"] = {**record.get("PurchaseDetails", {}), **purchase}
    if record.get("IsSold") is False:
        record.pop("Description", None)
        record["SalesDetails"] = {}
    if record.get("IsPurchased") is False:
        record.pop("PurchaseDescription", None)
        record["PurchaseDetails"] = {}
    record["Code"] = str(code)
    record["UpdatedDateUTC"] = org.now()
    org.items[record["ItemID"]] = record
    org.record_history(
        record["ItemID"], "Created" if existing is None else "Edited", f"Item {code} saved."
    )
    return record
