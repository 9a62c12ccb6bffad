"""``shopxero doctor``: every check that catches a configuration mistake before it costs a run.

Each check yields a ``Check`` (ok, warning or error, what was found, and the fix). The checks:
Shopify connectivity and credentials, the API version Shopify served against the pinned one
(shopify-api-notes §1: an unsupported version "falls forward"), the granted scopes
(``read_all_orders`` for orders older than 60 days, §4), the Shopify token's lifetime; the Xero
token file (access-token expiry, refresh-token age: 60 days unused kills it, xero-api-notes
§1.3), the tenant, connectivity, the account codes and tax types
(``sync.preflight.check_tax_and_accounts``), the payment account (Type BANK or payments enabled,
as Xero requires of a payment's account), the organisation's base currency against the shop's,
and the day budget left (``X-DayLimit-Remaining``, xero-api-notes §2).

The checks only read: one Shopify token grant at most, then ``shop.json`` and
``access_scopes.json``; on Xero one token request at most, then ``Organisation``, ``Accounts``
and ``TaxRates``. A failing service does not stop the other's checks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from shopxero.checks.fixes import (
    SET_SHOPIFY_CREDENTIALS,
    shopify_credentials_fix,
    unreachable_fix,
)
from shopxero.checks.payouts_doctor import payout_findings, payout_scope_findings
from shopxero.checks.preflight import SeenTax, check_tax_and_accounts, seen_in_orders
from shopxero.clients import shopify_auth, xero_tokens
from shopxero.config import Settings
from shopxero.errors import (
    ApiAuthError,
    AuthError,
    ConfigError,
    ShopxeroError,
    TransientApiError,
)
from shopxero.http.calllog import ListSink
from shopxero.http.clock import Clock, SystemClock
from shopxero.http.retry import RetryPolicy
from shopxero.shopify.client import ShopifyClient
from shopxero.shopify.graphql_client import ShopifyGraphQLClient
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

Status = Literal["ok", "warning", "error"]
REQUIRED_SHOPIFY_SCOPES = ("read_customers", "read_products", "read_orders")
ALL_ORDERS_SCOPE = "read_all_orders"
# A first import of a big shop needs a good part of the 5,000-call day (xero-api-notes §2); below
# this a run is likely to stop on the budget part way.
DAY_BUDGET_WARN_BELOW = 1000
# The checks should answer within seconds, not sit in a sync's 10-minute retry budget.
CHECK_RETRY = RetryPolicy(attempts=2, timeout=20.0, wait_initial=0.5, wait_max=2.0, wait_jitter=0.2)


@dataclass(frozen=True)
class Check:
    """One finding: which service, what was checked, the outcome, what was found, the fix."""

    service: str  # "settings" | "shopify" | "xero"
    name: str
    status: Status
    detail: str
    fix: str = ""


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


class _Collector:
    def __init__(self, service: str, out: list[Check]) -> None:
        self.service = service
        self._out = out

    @property
    def count(self) -> int:
        return len(self._out)

    def ok(self, name: str, detail: str) -> None:
        self._out.append(Check(self.service, name, "ok", detail))

    def warning(self, name: str, detail: str, fix: str) -> None:
        self._out.append(Check(self.service, name, "warning", detail, fix))

    def error(self, name: str, detail: str, fix: str) -> None:
        self._out.append(Check(self.service, name, "error", detail, fix))

    def failure(
        self, name: str, exc: ShopxeroError, credentials_fix: str, *, network_fix: str = ""
    ) -> None:
        """An exception from a check call, sorted into credentials, connectivity or other."""
        if isinstance(exc, AuthError | ApiAuthError):
            self.error("credentials", f"{name}: {exc}", credentials_fix)
        elif isinstance(exc, TransientApiError):
            self.error(
                "connectivity",
                f"{name}: {exc}",
                network_fix
                or "check the network and the service status page, then run `shopxero doctor` "
                "again",
            )
        else:
            self.error(name, str(exc), credentials_fix)


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
    shop, seen = await _check_shopify(
        settings, report.checks, shopify_transport, used_clock, moment
    )
    await _check_xero(
        settings, report.checks, xero_transport, used_clock, moment, shop, seen, legacy_payments
    )
    return report


# --- Shopify ------------------------------------------------------------------------------------


async def _check_shopify(
    settings: Settings,
    out: list[Check],
    transport: httpx.AsyncBaseTransport | None,
    clock: Clock,
    now: datetime,
) -> tuple[dict[str, Any] | None, list[SeenTax]]:
    """The shop (None when Shopify cannot be read) and the tax lines of a sample of orders."""
    c = _Collector("shopify", out)
    try:
        shop_url = settings.shopify_url
        auth = shopify_auth(settings, transport, clock)
    except ConfigError as exc:
        c.error("settings", str(exc), SET_SHOPIFY_CREDENTIALS)
        return None, []
    sink = ListSink()
    client = ShopifyClient(
        shop_url=shop_url,
        api_version=settings.shopify_api_version,
        auth=auth,
        transport=transport,
        clock=clock,
        call_sink=sink,
        timeout=min(settings.http_timeout_seconds, 15.0),
        retry=CHECK_RETRY,
    )
    async with client:
        try:
            shop = await client.get_shop()
            # Read now: access_scopes.json is unversioned and answers without the header.
            served = client.served_api_version
            scopes = await client.get_access_scopes()
        except ShopxeroError as exc:
            c.failure(
                "Shopify",
                exc,
                shopify_credentials_fix(settings, exc),
                network_fix=unreachable_fix(settings, "shopify"),
            )
            return None, []
        sample = await _sample_orders(client)
    if settings.shopify_api == "graphql":
        await _shopify_graphql(c, settings, shop_url, transport, clock)
    mode = "static admin token" if settings.shopify_access_token else "client credentials"
    c.ok("connection", f"shop {shop.get('name')} at {shop_url} answered ({mode})")
    _shopify_version(c, settings.shopify_api_version, served)
    _shopify_scopes(c, scopes)
    for finding in payout_scope_findings(settings, shopify_scopes=scopes, xero_scopes=None):
        c.warning("payouts", finding.detail, finding.fix)
    _shopify_token(c, settings, sink, now)
    return shop, _sampled_tax(c, sample)


# Enough orders to meet the shop's usual taxes; one Shopify call.
_TAX_SAMPLE = 100
_TAX_FIELDS = ("id", "line_items", "shipping_lines", "shipping_address", "billing_address")


async def _sample_orders(client: ShopifyClient) -> list[dict[str, Any]] | ShopxeroError:
    try:
        return await client.sample_orders(_TAX_SAMPLE, fields=_TAX_FIELDS)
    except ShopxeroError as exc:
        return exc


def _sampled_tax(c: _Collector, orders: list[dict[str, Any]] | ShopxeroError) -> list[SeenTax]:
    """The taxes Shopify charged on a page of orders, so the tax map is checked against real
    rates (issue 5: "the same rate as Shopify charged"), not only the rates written in keys."""
    if isinstance(orders, ShopxeroError):
        c.warning(
            "orders",
            f"could not read orders to check the tax map against real taxes: {orders}",
            "grant the read_orders scope to the app, then run `shopxero doctor` again",
        )
        return []
    seen = seen_in_orders(orders)
    c.ok("orders", f"{len(orders)} order(s) read; {len(seen)} distinct tax combination(s)")
    return seen


def _shopify_version(c: _Collector, pinned: str, served: str | None) -> None:
    if served is None:
        c.warning(
            "api version",
            f"Shopify did not say which API version it served (pinned {pinned})",
            "check SHOPXERO_SHOPIFY_BASE_URL points at the shop itself, not a proxy",
        )
    elif served != pinned:
        c.warning(
            "api version",
            f"pinned {pinned} is no longer supported: Shopify answered with {served}",
            f"upgrade shopxero, or set SHOPXERO_SHOPIFY_API_VERSION={served} after reading "
            "Shopify's release notes for that version",
        )
    else:
        c.ok("api version", f"{pinned} is supported (Shopify answered with it)")


async def _shopify_graphql(
    c: _Collector, settings: Settings, shop_url: str, transport: Any, clock: Any
) -> None:
    """SHOPXERO_SHOPIFY_API=graphql: the GraphQL Admin API answers for this token, with the
    scopes it reports (``currentAppInstallation``) and the cost bucket it sets."""
    client = ShopifyGraphQLClient(
        shop_url=shop_url,
        api_version=settings.shopify_api_version,
        auth=shopify_auth(settings, transport, clock),  # its own: closing it closes the auth
        transport=transport,
        clock=clock,
        timeout=min(settings.http_timeout_seconds, 15.0),
        retry=CHECK_RETRY,
    )
    async with client:
        try:
            scopes = await client.get_access_scopes()
        except ShopxeroError as exc:
            c.error(
                "graphql",
                f"the GraphQL Admin API did not answer: {exc}",
                "check the app's scopes, or set SHOPXERO_SHOPIFY_API=rest",
            )
            return
    bucket = client.bucket
    c.ok(
        "graphql",
        f"the GraphQL Admin API answered ({len(scopes)} scopes); cost bucket "
        f"{bucket.maximum or 0:g} points, restoring {bucket.restore_rate or 0:g} a second",
    )


def _shopify_scopes(c: _Collector, scopes: Sequence[str]) -> None:
    missing = [s for s in REQUIRED_SHOPIFY_SCOPES if s not in scopes]
    if missing:
        c.error(
            "scopes",
            f"missing {', '.join(missing)}: the sync cannot read those records",
            "add the scopes to the app (Dev Dashboard > Versions, or the custom app's Admin API "
            "scopes) and reinstall it on the shop",
        )
    elif ALL_ORDERS_SCOPE not in scopes:
        c.warning(
            "scopes",
            "read_all_orders is not granted: only the last 60 days of orders are visible",
            "request read_all_orders for the app (Shopify must approve it for public apps) if "
            "older orders should reach Xero",
        )
    else:
        c.ok("scopes", " ".join(scopes))


def _shopify_token(c: _Collector, settings: Settings, sink: ListSink, now: datetime) -> None:
    if settings.shopify_access_token:
        c.ok("token", "legacy admin token: does not expire (revoked when the app is uninstalled)")
        return
    lifetime = None
    for record in sink.records:
        if record.method == "POST" and record.path.endswith("/oauth/access_token"):
            lifetime = _expires_in(record.response_body)
    if lifetime:
        until = now + timedelta(seconds=lifetime)
        c.ok(
            "token",
            f"client-credentials token valid for {lifetime / 3600:.0f} h (until "
            f"{until:%Y-%m-%d %H:%M} UTC); shopxero requests a new one when it runs out",
        )
    else:
        c.ok("token", "client-credentials token granted; shopxero requests a new one when needed")


def _expires_in(body: str | None) -> float | None:
    try:
        value = json.loads(body or "").get("expires_in")
        return float(value) if value else None
    except (ValueError, AttributeError, TypeError):
        return None


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
    c = _Collector("xero", out)
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


def _xero_token_file(c: _Collector, settings: Settings, now: datetime) -> str | None:
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


def _xero_day_budget(c: _Collector, remaining: int | None) -> None:
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


def _xero_currency(c: _Collector, org: dict[str, Any], shop: dict[str, Any] | None) -> None:
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
    c: _Collector,
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


def _payment_account(c: _Collector, code: str | None, accounts: list[dict[str, Any]]) -> None:
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
