"""Helpers for the Shopify simulator tests: small seeds made from Shopify's own 2026-07 fixture
records, a frozen clock, and an in-process client."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from tests.vendored import SHOPIFY_REST_FIXTURES

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.shopify.app import ShopifyCredentials, ShopifySandbox, create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport

# Shopify's own 2026-07 REST bodies, beside the repository (as tests/shopify and tests/seeds use).
FIXTURES = SHOPIFY_REST_FIXTURES
# A fixed "now" so the 60-day window and the shop's -05:00 offset are deterministic.
NOW = datetime(2026, 11, 26, 15, 0, 0, tzinfo=UTC)
VERSION = "2026-07"
SHOP_TZ = ZoneInfo("America/New_York")  # the shop fixture's iana_timezone
CREDENTIALS = ShopifyCredentials(
    access_token="shpat_test" + "1" * 28,
    client_id="test-client-id",
    client_secret="test-client-secret",
)
GRANT_FORM = {
    "grant_type": "client_credentials",
    "client_id": CREDENTIALS.client_id,
    "client_secret": CREDENTIALS.client_secret,
}


@cache
def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())["response"]
    return data


def fixture(name: str) -> dict[str, Any]:
    """The ``response`` body of one fixture file, as a fresh copy."""
    return copy.deepcopy(_fixture(name))


def shop_local(moment: datetime) -> str:
    """A time as Shopify writes it for a shop in New York in November (-05:00)."""
    return moment.astimezone(SHOP_TZ).replace(microsecond=0).isoformat()


def make_order(
    order_id: int,
    *,
    days_ago: float = 1.0,
    financial_status: str = "paid",
    fulfillment_status: str | None = None,
    closed: bool = False,
    cancelled: bool = False,
    customer: bool = True,
) -> dict[str, Any]:
    """The fixture order re-identified and re-dated; refunds and transactions kept inside."""
    order = fixture("order_test_8.json")["order"]
    created = NOW - timedelta(days=days_ago)
    order["id"] = order_id
    order["admin_graphql_api_id"] = f"gid://shopify/Order/{order_id}"
    order["name"] = f"#{order_id}"
    order["order_number"] = order_id
    order["created_at"] = order["updated_at"] = order["processed_at"] = shop_local(created)
    order["financial_status"] = financial_status
    order["fulfillment_status"] = fulfillment_status
    order["closed_at"] = shop_local(created + timedelta(hours=1)) if closed else None
    order["cancelled_at"] = shop_local(created + timedelta(hours=2)) if cancelled else None
    if not customer:
        order["customer"] = None
    transactions = fixture("transaction_test_1.json")["transactions"]
    for tx in transactions:
        tx["order_id"] = order_id
    order["transactions"] = transactions
    return order


def make_customer(customer_id: int, *, days_ago: float = 10.0) -> dict[str, Any]:
    customer = fixture("customer_test_12.json")["customer"]
    stamp = shop_local(NOW - timedelta(days=days_ago))
    customer.update(
        id=customer_id,
        email=f"c{customer_id}@example.com",
        created_at=stamp,
        updated_at=stamp,
        admin_graphql_api_id=f"gid://shopify/Customer/{customer_id}",
    )
    return customer


def make_product(product_id: int, *, variants: int = 1, days_ago: float = 20.0) -> dict[str, Any]:
    product = fixture("product_test_9.json")["product"]
    stamp = shop_local(NOW - timedelta(days=days_ago))
    template = product["variants"][0]
    product.update(
        id=product_id,
        handle=f"product-{product_id}",
        title=f"Product {product_id}",
        created_at=stamp,
        updated_at=stamp,
        admin_graphql_api_id=f"gid://shopify/Product/{product_id}",
    )
    product["variants"] = [
        {
            **copy.deepcopy(template),
            "id": product_id * 1000 + n,
            "product_id": product_id,
            "position": n + 1,
            "sku": f"SKU-{product_id}-{n}",
        }
        for n in range(variants)
    ]
    return product


def make_seed(
    *,
    orders: list[dict[str, Any]] | None = None,
    customers: list[dict[str, Any]] | None = None,
    products: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "shop": fixture("shop_test_1.json")["shop"],
        "customers": customers if customers is not None else [make_customer(1)],
        "products": products if products is not None else [make_product(10)],
        "orders": orders if orders is not None else [make_order(1001)],
    }


def frozen_clock() -> SandboxClock:
    """A clock at NOW that barely moves (the bucket does not leak during a burst of calls)."""
    return SandboxClock(start=NOW, speed=1e-6)


SandboxFactory = Callable[..., ShopifySandbox]


def build_sandbox(seed: dict[str, Any] | None = None, **options: Any) -> ShopifySandbox:
    """A sandbox on a frozen clock with the test credentials (options as create_shopify_app)."""
    options.setdefault("clock", frozen_clock())
    options.setdefault("credentials", CREDENTIALS)
    return create_shopify_app(seed if seed is not None else make_seed(), **options)


def client_for(app: ShopifySandbox) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=SandboxASGITransport(app=app),
        base_url="https://jsmith.myshopify.com",
    )


def api(path: str, version: str = VERSION) -> str:
    return f"/admin/api/{version}/{path}"


def auth_headers(token: str = CREDENTIALS.access_token) -> dict[str, str]:
    return {"X-Shopify-Access-Token": token}
