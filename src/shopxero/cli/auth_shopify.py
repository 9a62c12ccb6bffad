"""The work behind ``shopxero auth shopify``: check the Shopify credentials against the shop.

Builds the auth the settings describe (a static admin token, or a Dev Dashboard app's client id
and secret, shopify-api-notes §2), asks the shop for its name and our granted scopes through the
API the sync uses (``SHOPXERO_SHOPIFY_API``), and reports what a sync would miss:
``read_all_orders`` absent means orders older than 60 days are invisible (§4); a served API
version other than the pinned one means Shopify fell forward (§1).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from shopxero.clients import shopify_client
from shopxero.config import Settings
from shopxero.errors import ConfigError
from shopxero.http.clock import Clock
from shopxero.http.retry import RetryPolicy
from shopxero.shopify.auth import ClientCredentialsAuth, ShopifyAuth, StaticTokenAuth

__all__ = ["REQUIRED_SCOPES", "check_shopify", "shopify_auth_from_settings"]

REQUIRED_SCOPES = ("read_customers", "read_products", "read_orders")
ALL_ORDERS_SCOPE = "read_all_orders"
# A credentials check should answer within seconds, not sit in a sync's 10-minute retry budget.
CHECK_RETRY = RetryPolicy(attempts=3, timeout=30.0, wait_initial=0.5, wait_max=5.0, wait_jitter=0.5)


def shopify_auth_from_settings(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
) -> tuple[ShopifyAuth, str]:
    """The auth for ``settings`` and a short name of its mode."""
    if settings.shopify_access_token:
        return StaticTokenAuth(settings.shopify_access_token), "static admin token"
    if settings.shopify_client_id and settings.shopify_client_secret:
        auth = ClientCredentialsAuth(
            settings.shopify_url,
            settings.shopify_client_id,
            settings.shopify_client_secret,
            transport=transport,
            clock=clock,
            timeout=settings.http_timeout_seconds,
            retry=CHECK_RETRY,
        )
        return auth, "client credentials (Dev Dashboard app)"
    raise ConfigError(
        "no Shopify credentials: set SHOPXERO_SHOPIFY_ACCESS_TOKEN, or "
        "SHOPXERO_SHOPIFY_CLIENT_ID and SHOPXERO_SHOPIFY_CLIENT_SECRET"
    )


async def _check(
    settings: Settings, transport: httpx.AsyncBaseTransport | None, clock: Clock | None
) -> dict[str, Any]:
    _ = settings.shopify_url  # the ConfigError naming the shop comes before the credentials'
    auth, mode = shopify_auth_from_settings(settings, transport=transport, clock=clock)
    # The API the sync uses (SHOPXERO_SHOPIFY_API): on GraphQL no REST call, the scopes from
    # currentAppInstallation and the served version from the GraphQL answer's header
    # (shopify-api-notes §10).
    client = shopify_client(
        settings, auth=auth, transport=transport, clock=clock, retry=CHECK_RETRY
    )
    async with client:
        shop = await client.get_shop()
        served = client.served_api_version  # REST: access_scopes.json answers without it
        # Sorted: REST lists them as granted, GraphQL in its own order; the output is the same.
        scopes = sorted(await client.get_access_scopes())
    warnings: list[str] = []
    missing = [s for s in REQUIRED_SCOPES if s not in scopes]
    if missing:
        warnings.append(f"missing scopes {', '.join(missing)}: the sync cannot read those records")
    if ALL_ORDERS_SCOPE not in scopes:
        warnings.append(
            "read_all_orders is not granted: Shopify shows only the last 60 days of orders, "
            "so older orders will not be synced"
        )
    if served and served != settings.shopify_api_version:
        warnings.append(
            f"Shopify answered with API version {served}, not the pinned "
            f"{settings.shopify_api_version} (it is no longer supported; Shopify fell forward)"
        )
    return {
        "shop_name": shop.get("name"),
        "domain": shop.get("myshopify_domain") or shop.get("domain"),
        "mode": mode,
        "api_version": settings.shopify_api_version,
        "served_api_version": served,
        "scopes": scopes,
        "warnings": warnings,
    }


def check_shopify(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
) -> dict[str, Any]:
    """Shop name, auth mode, API version, granted scopes and warnings; raises shopxero errors."""
    return asyncio.run(_check(settings, transport, clock))
