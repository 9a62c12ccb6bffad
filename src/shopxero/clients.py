"""Build the Shopify and Xero clients a run needs from ``Settings``.

The CLI is the composition root; this module is the part of it that only depends on settings,
so tests and ``shopxero demo`` build clients the same way the real command does. Building does no
IO: a Xero token is only fetched when the first Xero request is made. ``check_xero_connection``
is the one exception a run makes on purpose, before its work: it gets a token and (web apps)
lists the app's connections, so a run with nothing to write still notices broken Xero
credentials the day they break, not when the next order arrives (issue 16 §4). Neither call is
an Accounting API call: the day and minute budgets of the organisation are untouched
(xero-api-notes §1.5, §2).

Given the state DB, ``build_clients`` carries the GraphQL client's cost bucket from one run to
the next (``store.rate_limits``): the bucket is only known from an answer, so without the last
run's reading a run started right after one that drained it has its first query refused
(``THROTTLED``) and sent again; with it, the client waits first (``GraphQLCostBucket.resume``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shopxero.config import Settings
from shopxero.errors import AuthError, ConfigError
from shopxero.http.calllog import CallRecord, CallSink
from shopxero.http.clock import Clock, SystemClock
from shopxero.http.graphql_throttle import BucketStatus
from shopxero.http.retry import RetryPolicy
from shopxero.shopify.auth import ClientCredentialsAuth, ShopifyAuth, StaticTokenAuth
from shopxero.shopify.client import ShopifyClient
from shopxero.shopify.graphql_client import ShopifyGraphQLClient
from shopxero.store import StateStore
from shopxero.store.calls import StoredCall
from shopxero.store.rate_limits import StoredBucket
from shopxero.xero.auth import ClientCredentialsTokens, OAuthTokenManager
from shopxero.xero.client import XeroClient, XeroTokenProvider
from shopxero.xero.identity import IdentityClient

__all__ = [
    "Clients",
    "build_clients",
    "check_xero_connection",
    "shopify_auth",
    "shopify_client",
    "store_call_sink",
    "xero_tokens",
]

log = logging.getLogger(__name__)


@dataclass
class Clients:
    shopify: ShopifyClient | ShopifyGraphQLClient  # SHOPXERO_SHOPIFY_API picks
    xero: XeroClient
    xero_tokens: XeroTokenProvider | None = None
    xero_tenant_id: str | None = None  # web apps: the organisation the run writes to


def store_call_sink(store: StateStore, run_id: Callable[[], int | None] | None = None) -> CallSink:
    """A CallSink writing each (already redacted) call to the state DB's API-call log."""

    def sink(record: CallRecord) -> None:
        # Bodies only of failed calls (no answer, or 4xx/5xx): what `shopxero log --bodies` needs
        # to explain a failure, without keeping every synced customer's data in the log.
        failed = (record.status is None or record.status >= 400) and not record.expected
        store.calls.add(
            StoredCall(
                time=record.time,
                service=record.service,
                method=record.method,
                path=record.path,
                query=record.query,
                status=record.status,
                duration_ms=record.duration_ms,
                attempt=record.attempt,
                request_id=record.request_id,
                error=record.error,
                request_body=record.request_body if failed else None,
                response_body=record.response_body if failed else None,
                expected=record.expected,
            ),
            run_id=run_id() if run_id else None,
        )

    return sink


def shopify_auth(settings: Settings, transport: Any, clock: Clock) -> ShopifyAuth:
    if settings.shopify_access_token:
        return StaticTokenAuth(settings.shopify_access_token)
    if settings.shopify_client_id and settings.shopify_client_secret:
        return ClientCredentialsAuth(
            settings.shopify_url,
            settings.shopify_client_id,
            settings.shopify_client_secret,
            transport=transport,
            clock=clock,
        )
    raise ConfigError(
        "no Shopify credentials: set SHOPXERO_SHOPIFY_ACCESS_TOKEN, or "
        "SHOPXERO_SHOPIFY_CLIENT_ID and SHOPXERO_SHOPIFY_CLIENT_SECRET"
    )


def xero_tokens(settings: Settings, transport: Any, clock: Clock) -> XeroTokenProvider:
    if not settings.xero_client_id or not settings.xero_client_secret:
        raise ConfigError(
            "no Xero app credentials: set SHOPXERO_XERO_CLIENT_ID and SHOPXERO_XERO_CLIENT_SECRET"
        )
    if settings.xero_mode == "custom_connection":
        return ClientCredentialsTokens(
            settings.xero_client_id,
            settings.xero_client_secret,
            settings.xero_identity_base_url,
            clock,
            transport,
        )
    return OAuthTokenManager(
        settings.token_file_path,
        settings.xero_client_id,
        settings.xero_client_secret,
        settings.xero_identity_base_url,
        clock,
        transport,
    )


def shopify_client(
    settings: Settings,
    *,
    auth: ShopifyAuth | None = None,
    transport: Any = None,
    clock: Clock | None = None,
    call_sink: CallSink | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    warn: Callable[[str], None] | None = None,
) -> ShopifyClient | ShopifyGraphQLClient:
    """The client of the Shopify Admin API the sync reads through (``SHOPXERO_SHOPIFY_API``),
    so the sync, ``doctor`` and ``auth shopify`` never read the shop through different APIs.
    ``auth``: the settings' unless given; ``timeout``: the settings' unless given (checks use a
    shorter one)."""
    shop_url = settings.shopify_url  # first: with no shop and no credentials, the shop is named
    client_class = ShopifyGraphQLClient if settings.shopify_api == "graphql" else ShopifyClient
    return client_class(
        shop_url=shop_url,
        api_version=settings.shopify_api_version,
        auth=auth or shopify_auth(settings, transport, clock or SystemClock()),
        transport=transport,
        clock=clock,
        call_sink=call_sink,
        timeout=settings.http_timeout_seconds if timeout is None else timeout,
        retry=retry,
        warn=warn,
    )


@asynccontextmanager
async def build_clients(
    settings: Settings,
    *,
    call_sink: CallSink | None = None,
    shopify_transport: Any = None,
    xero_transport: Any = None,
    clock: Clock | None = None,
    warn: Callable[[str], None] | None = None,
    store: StateStore | None = None,
) -> AsyncIterator[Clients]:
    """Both clients for ``settings``, closed on exit. Transports are for in-process tests.
    ``store``: the state DB, which keeps the GraphQL cost bucket's last reading between runs."""
    clock = clock or SystemClock()
    shopify = shopify_client(
        settings,
        transport=shopify_transport,
        clock=clock,
        call_sink=call_sink,
        warn=warn,
    )
    if store is not None and isinstance(shopify, ShopifyGraphQLClient):
        _resume_bucket(store, settings, shopify)
    tokens = xero_tokens(settings, xero_transport, clock)
    tenant_id = settings.xero_tenant_id if settings.xero_mode == "web" else None
    if settings.xero_mode == "web" and tenant_id is None:
        tenant_id = getattr(tokens, "tenant_id", None)
    xero = XeroClient(
        api_base_url=settings.xero_api_base_url,
        tokens=tokens,
        tenant_id=tenant_id,
        transport=xero_transport,
        clock=clock,
        call_sink=call_sink,
        timeout=settings.http_timeout_seconds,
    )
    try:
        yield Clients(shopify=shopify, xero=xero, xero_tokens=tokens, xero_tenant_id=tenant_id)
    finally:
        if store is not None and isinstance(shopify, ShopifyGraphQLClient):
            _keep_bucket(store, settings, shopify)
        await shopify.aclose()
        await xero.aclose()


def _bucket_key(settings: Settings) -> str:
    # Shopify's bucket is per app and shop; a data dir syncs one shop with one app.
    return f"shopify-graphql {settings.shopify_url}"


def _resume_bucket(store: StateStore, settings: Settings, client: ShopifyGraphQLClient) -> None:
    kept = store.rate_limits.get(_bucket_key(settings))
    if kept is not None:
        client.bucket.resume(
            BucketStatus(kept.maximum, kept.available, kept.restore_rate, kept.seen_at.timestamp())
        )


def _keep_bucket(store: StateStore, settings: Settings, client: ShopifyGraphQLClient) -> None:
    status = client.bucket.last_status()
    if status is None:
        return
    bucket = StoredBucket(
        status.maximum,
        status.available,
        status.restore_rate,
        datetime.fromtimestamp(status.seen_at, UTC),
    )
    try:
        store.rate_limits.put(_bucket_key(settings), bucket)
    except Exception:  # a reading not kept costs the next run one refused query, no more
        log.warning("could not keep the Shopify GraphQL bucket's last reading", exc_info=True)


async def check_xero_connection(
    settings: Settings, clients: Clients, xero_transport: Any = None
) -> None:
    """Raise ``AuthError`` (or ``ReauthorizeError``) when Xero no longer accepts this app.

    A Custom Connection gets a new token (one call to the token endpoint: a wrong or revoked
    secret fails here). A web app's token is refreshed if it is near its end; then
    ``GET /connections`` (no tenant's budget, xero-api-notes §1.5) must still list the
    organisation, which is gone when someone disconnected the app in Xero.
    """
    tokens = clients.xero_tokens
    if tokens is None:
        return
    access = await tokens.access_token()
    tenant = clients.xero_tenant_id
    if settings.xero_mode != "web" or tenant is None:
        return
    identity = IdentityClient(
        identity_base_url=settings.xero_identity_base_url,
        client_id=settings.xero_client_id or "",
        client_secret=settings.xero_client_secret or "",
        transport=xero_transport,
        timeout=settings.http_timeout_seconds,
    )
    try:
        connections = await identity.connections(settings.xero_connections_url, access)
    except AuthError:
        # Refused although our clock says the token is fresh (revoked, or the clocks differ):
        # refresh once and ask again, as every API call does after a 401.
        access = await tokens.refresh_after_401(access)
        connections = await identity.connections(settings.xero_connections_url, access)
    if not any(c.get("tenantId") == tenant for c in connections):
        raise AuthError(
            f"the Xero organisation {tenant} is no longer connected to this app (disconnected "
            "in Xero under Settings > Connected apps?): run `shopxero auth xero` to connect it "
            "again"
        )
