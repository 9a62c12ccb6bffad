"""Customers and products: filters (shopify-api-notes §4), counts, REST's 100-variant cap."""

from __future__ import annotations

from typing import Any

import pytest
from tests.sandbox.shopify.helpers import (
    api,
    auth_headers,
    build_sandbox,
    client_for,
    make_customer,
    make_product,
    make_seed,
)

pytestmark = pytest.mark.anyio


def _catalog() -> dict[str, Any]:
    products = [make_product(10 + n, days_ago=30 - n) for n in range(5)]
    products[1].update(status="draft", vendor="Acme", product_type="Shirts", published_at=None)
    products[2].update(status="archived", title="Blue Mug", vendor="acme")
    products[3].update(handle="special-one")
    customers = [make_customer(100 + n, days_ago=40 - 5 * n) for n in range(5)]
    return make_seed(products=products, customers=customers)


async def _get(path: str) -> Any:
    async with client_for(build_sandbox(_catalog())) as c:
        r = await c.get(api(path), headers=auth_headers())
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [10, 11, 12, 13, 14]),
        ("ids=14,10", [10, 14]),
        ("since_id=12", [13, 14]),
        ("status=draft", [11]),
        ("status=active,archived", [10, 12, 13, 14]),
        ("vendor=ACME", [11, 12]),  # Shopify matches vendor case-insensitively here
        ("product_type=Shirts", [11]),
        ("title=Blue%20Mug", [12]),
        ("handle=special-one,product-14", [13, 14]),
        ("published_status=unpublished", [11]),
        ("published_status=published", [10, 12, 13, 14]),
        # created 30..26 days before NOW; 28 days ago = 2026-10-29 11:00 in New York (EDT)
        ("created_at_min=2026-10-29T11:00:00-04:00", [12, 13, 14]),
        ("updated_at_max=2026-10-29T11:00:00-04:00", [10, 11, 12]),
        ("order=created_at%20desc&limit=2", [14, 13]),
    ],
)
async def test_product_filters(query: str, expected: list[int]) -> None:
    body = await _get(f"products.json?{query}")
    assert [p["id"] for p in body["products"]] == expected
    count = await _get(f"products/count.json?{query}".replace("&limit=2", ""))
    if "order=" not in query:
        assert count == {"count": len(expected)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [100, 101, 102, 103, 104]),
        ("ids=103", [103]),
        ("since_id=101", [102, 103, 104]),
        # created 40, 35, 30, 25, 20 days before NOW; 30 days ago = 2026-10-27 11:00 EDT
        ("created_at_min=2026-10-27T11:00:00-04:00", [102, 103, 104]),
        ("created_at_max=2026-10-27 11:00:00", [100, 101, 102]),
        ("updated_at_min=2026-11-01T15:00:00Z", [103, 104]),
        ("limit=2", [100, 101]),
    ],
)
async def test_customer_filters(query: str, expected: list[int]) -> None:
    body = await _get(f"customers.json?{query}")
    assert [c["id"] for c in body["customers"]] == expected


async def test_customer_count_and_get() -> None:
    assert await _get("customers/count.json") == {"count": 5}
    assert await _get("customers/count.json?updated_at_min=2026-11-01") == {"count": 2}
    customer = (await _get("customers/102.json?fields=id,email"))["customer"]
    assert customer == {"id": 102, "email": "c102@example.com"}
    async with client_for(build_sandbox(_catalog())) as c:
        r = await c.get(api("customers/999.json"), headers=auth_headers())
        assert (r.status_code, r.json()) == (404, {"errors": "Not Found"})


async def test_rest_serves_at_most_100_variants_per_product() -> None:
    """shopify-api-notes §1: "The REST API won't return more than 100 variants for each product"."""
    seed = make_seed(products=[make_product(7, variants=130), make_product(8, variants=100)])
    app = build_sandbox(seed)
    async with client_for(app) as c:
        listed = (await c.get(api("products.json"), headers=auth_headers())).json()["products"]
        single = (await c.get(api("products/7.json"), headers=auth_headers())).json()["product"]
    assert [len(p["variants"]) for p in listed] == [100, 100]
    assert [v["position"] for v in single["variants"]] == list(range(1, 101))
    # The store keeps them all; only REST hides the rest.
    assert len(app.state()["products"][0]["variants"]) == 130
