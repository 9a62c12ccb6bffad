"""Fixtures for the Shopify client tests: a simulator on a sped-up clock, and clients for it.

The client and the simulator share one ``SandboxClock`` (speed 50), so the leaky bucket's
seconds pass fast for both and pacing can be measured on the clock both sides agree on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shopxero.http.calllog import ListSink
from shopxero.http.retry import RetryPolicy
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import (
    SHOPIFY_ACCESS_TOKEN,
    SHOPIFY_CLIENT_ID,
    SHOPIFY_CLIENT_SECRET,
    shopify_credentials,
)
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.shopify.auth import ClientCredentialsAuth, StaticTokenAuth
from shopxero.shopify.client import ShopifyClient

SHOP_URL = "http://shop.test"  # in-process: any origin works, the Link URLs echo it back

# Short waits so retried tests stay fast even on a real clock.
FAST_RETRY = RetryPolicy(attempts=4, timeout=120.0, wait_initial=0.2, wait_max=1.0, wait_jitter=0.1)


@pytest.fixture
def sandbox_clock() -> SandboxClock:
    return SandboxClock(speed=50)


@pytest.fixture
def demo_shop() -> dict[str, Any]:
    seed: dict[str, Any] = load_seed("demo")["shopify"]
    return seed


@pytest.fixture
def shop_sandbox(demo_shop: dict[str, Any], sandbox_clock: SandboxClock) -> ShopifySandbox:
    return create_shopify_app(demo_shop, clock=sandbox_clock, credentials=shopify_credentials())


ClientFactory = Callable[..., ShopifyClient]


@pytest.fixture
def make_client(
    shop_sandbox: ShopifySandbox, sandbox_clock: SandboxClock
) -> Callable[..., tuple[ShopifyClient, ListSink, list[str]]]:
    """``make_client(auth="static"|"cc", sandbox=..., **kwargs)`` -> (client, sink, warnings)."""

    def factory(
        auth: str = "static", sandbox: ShopifySandbox | None = None, **kwargs: Any
    ) -> tuple[ShopifyClient, ListSink, list[str]]:
        app = sandbox or shop_sandbox
        transport = SandboxASGITransport(app=app)
        clock = kwargs.pop("clock", app.clock)
        sink = ListSink()
        warnings: list[str] = []
        if auth == "static":
            credentials: Any = StaticTokenAuth(kwargs.pop("token", SHOPIFY_ACCESS_TOKEN))
        else:
            credentials = ClientCredentialsAuth(
                SHOP_URL,
                kwargs.pop("client_id", SHOPIFY_CLIENT_ID),
                kwargs.pop("client_secret", SHOPIFY_CLIENT_SECRET),
                transport=transport,
                clock=clock,
                retry=FAST_RETRY,
            )
        client = ShopifyClient(
            shop_url=SHOP_URL,
            auth=credentials,
            transport=transport,
            clock=clock,
            call_sink=sink,
            retry=kwargs.pop("retry", FAST_RETRY),
            warn=warnings.append,
            **kwargs,
        )
        return client, sink, warnings

    return factory
