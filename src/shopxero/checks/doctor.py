"""``shopxero doctor``: every check that catches a configuration mistake before it costs a run.

Each check yields a ``Check`` (ok, warning or error, what was found, and the fix). The checks:
Shopify's (``checks.doctor_shopify``: connectivity and credentials, the API version served, the
scopes, the token's lifetime, a sample of the taxes charged, on the API the sync uses); the Xero
token file (access-token expiry, refresh-token age: 60 days unused kills it, xero-api-notes
§1.3), the tenant, connectivity, the account codes and tax types
(``sync.preflight.check_tax_and_accounts``), the payment account (Type BANK or payments enabled,
as Xero requires of a payment's account), the organisation's base currency against the shop's,
and the day budget left (``X-DayLimit-Remaining``, xero-api-notes §2).

The checks only read: on Shopify one token grant at most, then the shop, the scopes and a page of
orders (``doctor_shopify``); on Xero one token request at most, then ``Organisation``,
``Accounts`` and ``TaxRates``. A failing service does not stop the other's checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from shopxero.checks.doctor_shopify import REQUIRED_SHOPIFY_SCOPES, check_shopify
from shopxero.checks.findings import Check, Collector, Status
from shopxero.checks.fixes import unreachable_fix
from shopxero.checks.payouts_doctor import payout_findings, payout_scope_findings
from shopxero.checks.preflight import SeenTax, check_tax_and_accounts
from shopxero.clients import xero_tokens
from shopxero.config import Settings
from shopxero.errors import ConfigError, ShopxeroError
from shopxero.http.clock import Clock, SystemClock
from shopxero.http.retry import RetryPolicy
from shopxero.translate.accounts import resolve_accounts
from shopxero.xero.client import XeroClient
from shopxero.xero.tokens import REFRESH_TOKEN_LIFETIME, load_token_file, refresh_token_warning

__all__ = [
    "DAY_BUDGET_WARN_BELOW",
    "REQUIRED_SHOPIFY_SCOPES",
    "Check",
    "DoctorReport",
    "run_doctor",
]

# A first import of a big shop needs a good part of the 5,000-call day (xero-api-notes §2); below
# this a run is likely to stop on the budget part way.
DAY_BUDGET_WARN_BELOW = 1000
# The checks should answer within seconds, not sit in a sync's 10-minute retry budget.
CHECK_RETRY = RetryPolicy(attempts=2, timeout=20.0, wait_initial=0.5, wait_max=2.0, wait_jitter=0.2)


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def status(self) -> Status:
        statuses = {c.status for c in self.checks}
        if "error" in statuses:
            return "error"
        return "warning" if "warning" in statuses else "ok"

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "checks": [asdict(c) for c in self.checks]}


async def run_doctor(
    settings: Settings,
    *,
    legacy_payments: bool = False,
    shopify_transport: httpx.AsyncBaseTransport | None = None,
    xero_transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
    now: datetime | None = None,
) -> DoctorReport:
    """Run every check; never raises for a problem it can describe as a ``Check``.

    ``legacy_payments``: the state DB holds payments from before payouts
    (``engine.payment_routing.legacy_routing``), which changes the payouts' advice."""
    moment = now or datetime.now(UTC)
    used_clock = clock or SystemClock()
    report = DoctorReport()
    shop, seen = await check_shopify(
        settings, report.checks, shopify_transport, used_clock, moment, CHECK_RETRY
    )
    await _check_xero(
        settings, report.checks, xero_transport, used_clock, moment, shop, seen, legacy_payments
    )
    return report


# --- Xero ---------------------------------------------------------------------------------------


async def _check_xero(
    settings: Settings,
    out: list[Check],
    transport: httpx.AsyncBaseTransport | None,
    clock: Clock,
    now: datetime,
    shop: dict[str, Any] | None,
    seen: Sequence[SeenTax] = (),
    legacy_payments: bool = False,
) -> None:
    c = Collector("xero", out)
    fix_app = (
        "set SHOPXERO_XERO_CLIENT_ID and SHOPXERO_XERO_CLIENT_SECRET from your app at "
        "developer.xero.com (`shopxero init` asks for them)"
    )
    tenant_id = settings.xero_tenant_id
    if settings.xero_mode == "web":
        try:
            tenant_id = _xero_token_file(c, settings, now) or tenant_id
        except ConfigError as exc:
            c.error("token file", str(exc), "run `shopxero auth xero` to connect again")
            return
        if tenant_id is None:
            return
    try:
        tokens = xero_tokens(settings, transport, clock)
    except ConfigError as exc:
        c.error("settings", str(exc), fix_app)
        return
    client = XeroClient(
        api_base_url=settings.xero_api_base_url,
        tokens=tokens,
        tenant_id=tenant_id if settings.xero_mode == "web" else None,
        transport=transport,
        clock=clock,
        timeout=min(settings.http_timeout_seconds, 15.0),
        retry=CHECK_RETRY,
    )
    async with client:
        try:
            org = await client.get_organisation()
        except ShopxeroError as exc:
            fix = (
                "run `shopxero auth xero` (web app) or check the Custom Connection's client id "
                "and secret and that it is connected to an organisation"
            )
            c.failure("Xero", exc, fix, network_fix=unreachable_fix(settings, "xero"))
            return
        c.ok("organisation", f"{org.get('Name')} ({org.get('CountryCode') or '?'})")
        _xero_day_budget(c, client.throttle.day_remaining)
        _xero_currency(c, org, shop)
        try:
            accounts = await client.list_accounts()
            tax_rates = await client.list_tax_rates()
        except ShopxeroError as exc:
            c.failure("chart of accounts", exc, "check the app has the accounting.settings scope")
            return
    default_payment = _accounts_and_tax(c, settings, org, accounts, tax_rates, shop or {}, seen)
    for finding in payout_findings(settings, accounts, default_payment, legacy=legacy_payments):
        if finding.status == "ok":
            c.ok("payouts", finding.detail)
        else:
            c.warning("payouts", finding.detail, finding.fix)


def _xero_token_file(c: Collector, settings: Settings, now: datetime) -> str | None:
    """Check the web app's token file; the tenant id it holds, or None when unusable."""
    tokens = load_token_file(settings.token_file_path)  # ConfigError when damaged
    if tokens is None:
        c.error(
            "token file",
            f"no Xero token file at {settings.token_file_path}: shopxero is not connected",
            "run `shopxero auth xero` (or `shopxero init`)",
        )
        return None
    if tokens.expires_at <= now:
        state = f"expired {tokens.expires_at:%Y-%m-%d %H:%M} UTC (renewed automatically)"
    else:
        state = f"expires {tokens.expires_at:%Y-%m-%d %H:%M} UTC"
    dies = tokens.refreshed_at + REFRESH_TOKEN_LIFETIME
    warning = refresh_token_warning(tokens, now)
    if tokens.refresh_token is None:
        c.error(
            "tokens",
            f"access token {state}; no refresh token (offline_access was not granted)",
            "run `shopxero auth xero` again",
        )
    elif now >= dies:
        c.error("tokens", warning or "the refresh token has expired", "run `shopxero auth xero`")
        return None
    elif warning:
        c.warning("tokens", f"access token {state}; {warning}", "run `shopxero sync` soon")
    else:
        c.ok(
            "tokens",
            f"access token {state}; refresh token last used {tokens.refreshed_at:%Y-%m-%d} "
            f"(expires {dies:%Y-%m-%d} if unused)",
        )
    for finding in payout_scope_findings(settings, shopify_scopes=None, xero_scopes=tokens.scopes):
        c.warning("payouts", finding.detail, finding.fix)
    tenant = settings.xero_tenant_id or tokens.tenant_id
    if tenant is None:
        c.error(
            "tenant",
            "no Xero organisation chosen",
            "run `shopxero auth xero --tenant <id>` or set SHOPXERO_XERO_TENANT_ID",
        )
        return None
    c.ok("tenant", f"{tokens.tenant_name or '?'} ({tenant})")
    return tenant


def _xero_day_budget(c: Collector, remaining: int | None) -> None:
    if remaining is None:
        c.warning(
            "day budget",
            "Xero did not report X-DayLimit-Remaining",
            "none needed; the sync learns the budget from its own calls",
        )
    elif remaining < DAY_BUDGET_WARN_BELOW:
        c.warning(
            "day budget",
            f"{remaining} of 5,000 calls left today for this organisation",
            "a large run may stop on the budget and resume after midnight UTC; wait for the "
            "reset before a first import",
        )
    else:
        c.ok("day budget", f"{remaining} of 5,000 calls left today")


def _xero_currency(c: Collector, org: dict[str, Any], shop: dict[str, Any] | None) -> None:
    """Equal currencies are fine; a mismatch is the preflight's warning (``_accounts_and_tax``)."""
    base = org.get("BaseCurrency")
    shop_currency = (shop or {}).get("currency")
    if not shop_currency:
        c.warning(
            "currency",
            f"Xero base currency {base}; the shop's currency is unknown (Shopify not reached)",
            "fix the Shopify problem above, then run `shopxero doctor` again",
        )
    elif base == shop_currency:
        c.ok("currency", f"shop and organisation both use {base}")


def _topic(what: str) -> str:
    """Which doctor check a preflight problem belongs to (currency and payments have their own)."""
    if "currency" in what:
        return "currency"
    if "SHOPXERO_PAYMENT_ACCOUNT" in what or "SHOPXERO_ACCOUNT_BY_GATEWAY" in what:
        return "payment account"
    return "accounts and tax"


def _accounts_and_tax(
    c: Collector,
    settings: Settings,
    org: dict[str, Any],
    accounts: list[dict[str, Any]],
    tax_rates: list[dict[str, Any]],
    shop: dict[str, Any],
    seen: Sequence[SeenTax],
) -> str | None:
    """The preflight (the same checks a sync runs before its first write, plus the taxes seen
    on a sample of orders), then payments; the payment account payments go to by default."""
    problems = check_tax_and_accounts(settings, org, accounts, tax_rates, shop, seen_tax_lines=seen)
    for problem in problems:
        name = _topic(problem.what)
        if problem.severity == "error":
            c.error(name, problem.what, problem.fix)
        else:
            c.warning(name, problem.what, problem.fix)
    try:
        resolved = resolve_accounts(
            accounts,
            sales=settings.sales_account,
            shipping=settings.shipping_account,
            rounding=settings.rounding_account,
            payment=settings.payment_account,
        )
    except ConfigError:
        return None  # the preflight has named the account and the fix
    if not any(_topic(p.what) == "accounts and tax" for p in problems):
        c.ok(
            "accounts and tax",
            f"sales {resolved.sales}, shipping {resolved.shipping}, "
            f"rounding {resolved.rounding or '-'}; tax map and {len(tax_rates)} tax rates fit",
        )
    if settings.payment_account is None:
        _payment_account(c, resolved.payment, accounts)
    elif not any(_topic(p.what) == "payment account" for p in problems):
        c.ok("payment account", f"SHOPXERO_PAYMENT_ACCOUNT {resolved.payment} accepts payments")
    return resolved.payment


def _payment_account(c: Collector, code: str | None, accounts: list[dict[str, Any]]) -> None:
    """The default payment account (no setting): the preflight checks a configured one."""
    if code is None:
        c.warning(
            "payment account",
            "no bank account or account with payments enabled in the chart",
            "set SHOPXERO_PAYMENT_ACCOUNT to a BANK account (a 'Shopify clearing' account is "
            "usual), or tick 'Enable payments to this account' on one",
        )
        return
    # resolve_accounts only picks a BANK account or one with payments enabled.
    name = next((a.get("Name") for a in accounts if a.get("Code") == code), "?")
    c.ok("payment account", f"{code} ({name}) accepts payments (the first bank account)")
