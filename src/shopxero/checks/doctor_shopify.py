"""``shopxero doctor``'s Shopify checks, through the API the sync uses (``SHOPXERO_SHOPIFY_API``).

The shop, the API version Shopify served against the pinned one (an unsupported version "falls
forward", shopify-api-notes §1; REST and GraphQL answers both carry ``X-Shopify-API-Version``,
§10), the granted scopes (``read_all_orders`` for orders older than 60 days, §4), the token's
lifetime, and a sample of orders whose taxes the Xero checks compare with the tax map.

On REST: ``shop.json``, ``access_scopes.json`` and one page of orders. On GraphQL the same three
reads are three queries and no REST call: ``shop``, ``currentAppInstallation { accessScopes }``
and ``TAX_SAMPLE`` (fewer orders a query than REST's page: the 1,000-point cost cap), plus the
cost bucket the answers report. At most one token grant before them, on either API.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from shopxero.checks.findings import Check, Collector
from shopxero.checks.fixes import SET_SHOPIFY_CREDENTIALS, shopify_credentials_fix, unreachable_fix
from shopxero.checks.payouts_doctor import payout_scope_findings
from shopxero.checks.preflight import SeenTax, seen_in_orders
from shopxero.clients import shopify_auth, shopify_client
from shopxero.config import Settings
from shopxero.errors import ApiAuthError, AuthError, ConfigError, ShopxeroError, TransientApiError
from shopxero.http.calllog import ListSink
from shopxero.http.clock import Clock
from shopxero.http.retry import RetryPolicy
from shopxero.shopify.client import ShopifyClient
from shopxero.shopify.graphql_client import ShopifyGraphQLClient

__all__ = ["ALL_ORDERS_SCOPE", "REQUIRED_SHOPIFY_SCOPES", "TAX_SAMPLE", "check_shopify"]

REQUIRED_SHOPIFY_SCOPES = ("read_customers", "read_products", "read_orders")
ALL_ORDERS_SCOPE = "read_all_orders"
# Enough orders to meet the shop's usual taxes; one Shopify call. GraphQL reads fewer in its one
# query (``graphql_queries.TAX_SAMPLE_PAGE``).
TAX_SAMPLE = 100
_TAX_FIELDS = ("id", "line_items", "shipping_lines", "shipping_address", "billing_address")

Client = ShopifyClient | ShopifyGraphQLClient


@dataclass(frozen=True)
class _Read:
    """What the checks read from Shopify; ``sample`` the error when orders could not be read."""

    shop: dict[str, Any]
    served: str | None
    scopes: list[str]
    sample: list[dict[str, Any]] | ShopxeroError


async def check_shopify(
    settings: Settings,
    out: list[Check],
    transport: httpx.AsyncBaseTransport | None,
    clock: Clock,
    now: datetime,
    retry: RetryPolicy,
) -> tuple[dict[str, Any] | None, list[SeenTax]]:
    """The shop (None when Shopify cannot be read) and the tax lines of a sample of orders."""
    c = Collector("shopify", out)
    try:
        shop_url = settings.shopify_url
        auth = shopify_auth(settings, transport, clock)
    except ConfigError as exc:
        c.error("settings", str(exc), SET_SHOPIFY_CREDENTIALS)
        return None, []
    sink = ListSink()
    graphql = settings.shopify_api == "graphql"
    client = shopify_client(
        settings,
        auth=auth,
        transport=transport,
        clock=clock,
        call_sink=sink,
        timeout=min(settings.http_timeout_seconds, 15.0),
        retry=retry,
    )
    async with client:
        try:
            read = await _read(client)
        except ShopxeroError as exc:
            _unreadable(c, settings, exc, graphql=graphql)
            return None, []
    mode = "static admin token" if settings.shopify_access_token else "client credentials"
    c.ok("connection", f"shop {read.shop.get('name')} at {shop_url} answered ({mode})")
    if isinstance(client, ShopifyGraphQLClient):
        bucket = client.bucket
        c.ok(
            "graphql",
            f"the GraphQL Admin API answered ({len(read.scopes)} scopes); cost bucket "
            f"{bucket.maximum or 0:g} points, restoring {bucket.restore_rate or 0:g} a second",
        )
    _version(c, settings.shopify_api_version, read.served)
    _scopes(c, read.scopes)
    for finding in payout_scope_findings(settings, shopify_scopes=read.scopes, xero_scopes=None):
        c.warning("payouts", finding.detail, finding.fix)
    _token(c, settings, sink, now)
    return read.shop, _sampled_tax(c, read.sample)


async def _read(client: Client) -> _Read:
    shop = await client.get_shop()
    # Read now: REST's access_scopes.json is unversioned and answers without the header.
    served = client.served_api_version
    scopes = await client.get_access_scopes()
    try:
        if isinstance(client, ShopifyGraphQLClient):
            sample = await client.sample_order_taxes(TAX_SAMPLE)
        else:
            sample = await client.sample_orders(TAX_SAMPLE, fields=_TAX_FIELDS)
    except ShopxeroError as exc:
        return _Read(shop, served, scopes, exc)
    return _Read(shop, served, scopes, sample)


def _unreadable(c: Collector, settings: Settings, exc: ShopxeroError, *, graphql: bool) -> None:
    """Shopify could not be read: credentials, the network, or (GraphQL) a refused query."""
    if graphql and not isinstance(exc, AuthError | ApiAuthError | TransientApiError):
        c.error(
            "graphql",
            f"the GraphQL Admin API did not answer: {exc}",
            "check the app's scopes, or set SHOPXERO_SHOPIFY_API=rest",
        )
        return
    c.failure(
        "Shopify",
        exc,
        shopify_credentials_fix(settings, exc),
        network_fix=unreachable_fix(settings, "shopify"),
    )


def _sampled_tax(c: Collector, orders: list[dict[str, Any]] | ShopxeroError) -> list[SeenTax]:
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


def _version(c: Collector, pinned: str, served: str | None) -> None:
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


def _scopes(c: Collector, scopes: Sequence[str]) -> None:
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
        # Sorted: REST lists them as granted, GraphQL in its own order; the line is the same.
        c.ok("scopes", " ".join(sorted(scopes)))


def _token(c: Collector, settings: Settings, sink: ListSink, now: datetime) -> None:
    """The token's lifetime, from the grant's answer in the call log (either API's client logs
    its auth's token requests to the same sink)."""
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
