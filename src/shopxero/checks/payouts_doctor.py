"""``doctor``'s payouts checks: the Shopify scope, the Xero scope, the accounts payouts post to,
and the note for a state DB from before payouts (docs/payouts.md).

Pure: the doctor reads the scopes and the chart and passes them in, with ``legacy`` from the
state DB (``engine.payment_routing.legacy_routing``, read by the CLI).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from shopxero.config import Settings
from shopxero.translate.payouts import (
    SHOPIFY_PAYMENTS_GATEWAY,
    PayoutRefused,
    clearing_route,
    resolve_payout_accounts,
)

__all__ = ["PayoutFinding", "payout_findings", "payout_scope_findings"]

SHOPIFY_SCOPE = "read_shopify_payments_payouts"  # shopify-api-notes §9
# Either grants bank transfers and spend/receive money (xero-api-notes §13.5).
XERO_SCOPES = ("accounting.banktransactions", "accounting.transactions")
OFF_FIX = "or set SHOPXERO_SYNC_PAYOUTS=false if Shopify Payments is recorded another way"


@dataclass(frozen=True)
class PayoutFinding:
    service: Literal["shopify", "xero"]
    status: Literal["ok", "warning"]
    detail: str
    fix: str = ""


def payout_scope_findings(
    settings: Settings,
    *,
    shopify_scopes: Sequence[str] | None,
    xero_scopes: Sequence[str] | None,
) -> list[PayoutFinding]:
    """Warnings for a missing payouts scope (None: not known, e.g. a Custom Connection's)."""
    if not settings.sync_payouts:
        return []
    found: list[PayoutFinding] = []
    if shopify_scopes is not None and SHOPIFY_SCOPE not in shopify_scopes:
        found.append(
            PayoutFinding(
                "shopify",
                "warning",
                f"{SHOPIFY_SCOPE} is not granted: Shopify Payments payouts cannot be read",
                f"add {SHOPIFY_SCOPE} to the app's Admin API scopes and reinstall it, {OFF_FIX}",
            )
        )
    if xero_scopes and not any(s in xero_scopes for s in XERO_SCOPES):
        found.append(
            PayoutFinding(
                "xero",
                "warning",
                "the connection lacks accounting.banktransactions: payouts cannot be posted",
                f"run `shopxero auth xero` again to grant it, {OFF_FIX}",
            )
        )
    return found


def payout_findings(
    settings: Settings,
    accounts: Sequence[Mapping[str, Any]],
    default_payment: str | None,
    *,
    legacy: bool,
) -> list[PayoutFinding]:
    """Which accounts payouts post to, or what stops them and the fix."""
    s = settings
    if not s.sync_payouts:
        return [PayoutFinding("xero", "ok", "payouts are off (SHOPXERO_SYNC_PAYOUTS=false)")]
    if not s.sync_payments:
        return [PayoutFinding("xero", "ok", "payouts are off: SHOPXERO_SYNC_PAYMENTS is false")]
    named = s.account_by_gateway.get(SHOPIFY_PAYMENTS_GATEWAY) or s.payment_account
    route = clearing_route(
        accounts, clearing=s.clearing_account, named_by_setting=bool(named), legacy=legacy
    )
    resolved = resolve_payout_accounts(
        accounts,
        gateway_account=route or named or default_payment,
        explicit_gateway_account=named,
        clearing=s.clearing_account,
        bank=s.payout_bank_account,
        fees=s.payout_fees_account,
        dispute=s.dispute_account,
        adjustment=s.payout_adjustment_account,
        reserve=s.reserve_account,
        opening=s.payout_opening_account,
    )
    if isinstance(resolved, PayoutRefused):
        fix = f"set {resolved.setting}" if resolved.setting else "see docs/payouts.md"
        if legacy and resolved.setting == "SHOPXERO_ACCOUNT_BY_GATEWAY":
            fix = (
                "payments so far went to the account above and stay there; to post payouts "
                "from now on, set SHOPXERO_CLEARING_ACCOUNT to the clearing account "
                "(docs/payouts.md, 'Turning payouts on for a shop already syncing')"
            )
        return [PayoutFinding("xero", "warning", resolved.reason, f"{fix}, {OFF_FIX}")]
    a = resolved
    detail = (
        f"Shopify Payments money goes to {a.clearing}; each paid payout: a transfer to {a.bank}, "
        f"fees to {a.fees}, disputes to {a.dispute}, adjustments to {a.adjustment}, reserves to "
        f"{a.reserve or '- (such payouts wait)'}"
    )
    return [PayoutFinding("xero", "ok", detail)]
