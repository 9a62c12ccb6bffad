"""Default account codes resolved from the organisation's own chart of accounts.

A standard Xero organisation (UK, AU, NZ, US) must work with no mapping settings at all
(docs/architecture.md, "Seeds"), so every account the mapping needs has a default found in the
chart; a setting overrides it and is checked to exist. Pure: the accounts list comes in as Xero's
JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shopxero.errors import ConfigError

__all__ = ["ResolvedAccounts", "is_active_account", "item_sales_accounts", "resolve_accounts"]

_REVENUE_TYPES = frozenset({"REVENUE", "SALES"})
# Standard charts: UK/AU/NZ "200 Sales", US "400 Sales".
_PREFERRED_SALES_CODES = ("200", "400")
_SHIPPING_NAME = re.compile(r"shipping|freight|postage|delivery|carriage", re.IGNORECASE)


@dataclass(frozen=True)
class ResolvedAccounts:
    """The account codes a run uses; ``None`` where the chart has no candidate."""

    sales: str
    shipping: str
    rounding: str | None
    payment: str | None


def is_active_account(account: Mapping[str, Any]) -> bool:
    """Whether Xero lets new documents use this account (one record of ``GET /Accounts``).

    Xero's ``Status`` is ACTIVE, ARCHIVED or DELETED; an account without the field counts as
    active. The one test of it: the defaults picked here, the preflight's check of configured
    codes and the payment-account check of an order's life all use this.
    """
    return bool(account.get("Status", "ACTIVE") == "ACTIVE")


def _active(accounts: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [a for a in accounts if is_active_account(a) and a.get("Code")]


def _check(code: str, setting: str, accounts: Sequence[Mapping[str, Any]]) -> str:
    if not any(a.get("Code") == code for a in _active(accounts)):
        raise ConfigError(
            f"SHOPXERO_{setting.upper()}={code} is not an active account code in the Xero "
            "organisation's chart of accounts"
        )
    return code


def resolve_accounts(
    accounts: Sequence[Mapping[str, Any]],
    *,
    sales: str | None = None,
    shipping: str | None = None,
    rounding: str | None = None,
    payment: str | None = None,
) -> ResolvedAccounts:
    """Pick the sales, shipping, rounding and payment accounts (settings win when given).

    sales: the first ACTIVE REVENUE/SALES account with code 200 or 400, else the lowest-coded
    revenue account; shipping: a revenue account named like shipping/freight/postage, else the
    sales account; rounding: the SystemAccount ROUNDING; payment: the first BANK account or one
    with EnablePaymentsToAccount.
    """
    active = _active(accounts)
    revenue = sorted(
        (a for a in active if a.get("Type") in _REVENUE_TYPES), key=lambda a: str(a["Code"])
    )
    if sales is not None:
        sales_code = _check(sales, "sales_account", accounts)
    else:
        preferred = [a for a in revenue if a["Code"] in _PREFERRED_SALES_CODES]
        candidates = preferred or revenue
        if not candidates:
            raise ConfigError(
                "the Xero organisation has no active revenue account: set SHOPXERO_SALES_ACCOUNT"
            )
        sales_code = str(candidates[0]["Code"])
    if shipping is not None:
        shipping_code = _check(shipping, "shipping_account", accounts)
    else:
        named = [a for a in revenue if _SHIPPING_NAME.search(str(a.get("Name", "")))]
        shipping_code = str(named[0]["Code"]) if named else sales_code
    if rounding is not None:
        rounding_code: str | None = _check(rounding, "rounding_account", accounts)
    else:
        found = [a for a in active if a.get("SystemAccount") == "ROUNDING"]
        rounding_code = str(found[0]["Code"]) if found else None
    if payment is not None:
        payment_code: str | None = _check(payment, "payment_account", accounts)
    else:
        banks = [a for a in active if a.get("Type") == "BANK"]
        enabled = [a for a in active if a.get("EnablePaymentsToAccount")]
        payable = banks or enabled
        payment_code = str(payable[0]["Code"]) if payable else None
    return ResolvedAccounts(
        sales=sales_code, shipping=shipping_code, rounding=rounding_code, payment=payment_code
    )


def item_sales_accounts(payloads: Mapping[str, Mapping[str, Any] | None]) -> dict[int, str]:
    """Variant id -> the sales AccountCode its Item was sent with (``SalesDetails.AccountCode``),
    from the state DB's item mappings (shopify_id -> last payload). Order lines have no product
    type, so ``account_by_product_type`` reaches invoices through this."""
    found: dict[int, str] = {}
    for shopify_id, payload in payloads.items():
        details = (payload or {}).get("SalesDetails") or {}
        code = details.get("AccountCode") if isinstance(details, Mapping) else None
        if code and shopify_id.isdigit():
            found[int(shopify_id)] = str(code)
    return found
