"""ShopifyClient reads against the simulator: records, filters, counts, and the warnings."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from shopxero.sandbox.seeds.credentials import shopify_credentials
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.shopify.auth import ShopifyCredentials

pytestmark = pytest.mark.anyio


def _queries(sandbox, suffix: str) -> list[dict[str, list[str]]]:
    return [parse_qs(r["query"]) for r in sandbox.log.entries() if r["path"].endswith(suffix)]


async def test_orders_are_listed_with_status_any(make_client, shop_sandbox):
    """Without status=any Shopify hides closed and cancelled orders (shopify-api-notes §8 #1)."""
    client, _, warnings = make_client()
    ids = [o["id"] async for o in client.iter_orders()]
    await client.aclose()
    state = shop_sandbox.state()["orders"]
    assert sorted(ids) == sorted(o["id"] for o in state)
    assert any(o.get("cancelled_at") for o in state) and any(o.get("closed_at") for o in state)
    assert _queries(shop_sandbox, "/orders.json")[0]["status"] == ["any"]
    assert warnings == []  # the demo app has read_all_orders


async def test_single_records_and_missing_ones(make_client, shop_sandbox):
    state = shop_sandbox.state()
    client, _, _ = make_client()
    customer = await client.get_customer(state["customers"][0]["id"])
    product = await client.get_product(state["products"][0]["id"])
    order = await client.get_order(state["orders"][0]["id"])
    assert customer is not None and customer["id"] == state["customers"][0]["id"]
    assert product is not None and product["variants"]
    assert order is not None and order["id"] == state["orders"][0]["id"]
    assert await client.get_customer(1) is None
    assert await client.get_product(1) is None
    assert await client.get_order(1) is None
    await client.aclose()


async def test_refunds_and_transactions_of_an_order(make_client, shop_sandbox):
    order = next(o for o in shop_sandbox.state()["orders"] if o.get("refunds"))
    client, _, _ = make_client()
    refunds = await client.list_refunds(order["id"])
    transactions = await client.list_transactions(order["id"])
    await client.aclose()
    assert [r["id"] for r in refunds] == [r["id"] for r in order["refunds"]]
    assert [t["id"] for t in transactions] == [t["id"] for t in order["transactions"]]


async def test_counts_with_filters(make_client, shop_sandbox):
    state = shop_sandbox.state()
    client, _, _ = make_client()
    assert await client.count("customers") == len(state["customers"])
    assert await client.count("orders", status="any") == len(state["orders"])
    future = datetime.now(UTC) + timedelta(days=400)
    assert await client.count("orders", status="any", created_at_min=future) == 0
    await client.aclose()


async def test_updated_at_min_returns_only_what_changed(make_client, shop_sandbox):
    first = shop_sandbox.state()["customers"][0]
    shop_sandbox.clock.advance(3600)
    since = shop_sandbox.clock.now() - timedelta(seconds=1)
    shop_sandbox.upsert_records({"customers": [{"id": first["id"], "note": "changed"}]})
    client, _, _ = make_client()
    changed = [c async for c in client.iter_customers(updated_at_min=since)]
    await client.aclose()
    assert [c["id"] for c in changed] == [first["id"]]
    sent = _queries(shop_sandbox, "/customers.json")[0]["updated_at_min"][0]
    assert datetime.fromisoformat(sent) == since.astimezone(UTC)


async def test_naive_datetimes_are_refused_naming_the_filter(make_client):
    client, _, _ = make_client()
    with pytest.raises(ValueError, match="updated_at_min must be timezone-aware"):
        _ = [c async for c in client.iter_customers(updated_at_min=datetime(2026, 1, 1))]
    await client.aclose()


async def test_a_product_with_exactly_100_variants_is_warned_about(make_client, shop_sandbox):
    """REST returns at most 100 variants (shopify-api-notes §1): 100 may mean "cut short"."""
    product = copy.deepcopy(shop_sandbox.state()["products"][0])
    template = product["variants"][0]
    product["variants"] = [
        {**template, "id": template["id"] * 1000 + i, "sku": f"V-{i}", "position": i + 1}
        for i in range(101)
    ]
    shop_sandbox.upsert_records({"products": [product]})
    client, _, warnings = make_client()
    products = [p async for p in client.iter_products()]
    single = await client.get_product(product["id"])
    await client.aclose()
    listed = next(p for p in products if p["id"] == product["id"])
    assert len(listed["variants"]) == 100 and single is not None
    mentions = [w for w in warnings if str(product["id"]) in w]
    assert len(mentions) == 2 and "100 variants" in mentions[0]
    assert all(str(p["id"]) not in " ".join(warnings) for p in products if p is not listed)


async def test_old_orders_without_read_all_orders_are_warned_about(
    make_client, demo_shop, sandbox_clock
):
    scopes = ("read_customers", "read_products", "read_orders")
    base = shopify_credentials()
    limited = ShopifyCredentials(base.access_token, base.client_id, base.client_secret, scopes)
    sandbox = create_shopify_app(demo_shop, clock=sandbox_clock, credentials=limited)
    client, _, warnings = make_client(sandbox=sandbox)
    recent = sandbox_clock.now() - timedelta(days=10)
    recent_orders = [o async for o in client.iter_orders(created_at_min=recent)]
    assert warnings == []  # a window inside the 60 days needs no warning
    all_orders = [o async for o in client.iter_orders()]
    _ = [o async for o in client.iter_orders()]
    await client.aclose()
    assert len(warnings) == 1  # once per client, not once per listing
    assert "read_all_orders" in warnings[0] and "60 days" in warnings[0]
    assert len(recent_orders) < len(all_orders) < len(demo_shop["orders"])


async def test_the_served_api_version_is_exposed(make_client):
    client, _, _ = make_client()
    assert client.served_api_version is None
    await client.get_shop()
    assert client.served_api_version == "2026-10"
    await client.aclose()


async def test_order_counts_default_to_status_any(make_client, shop_sandbox):
    client, _, _ = make_client()
    assert await client.count("orders") == len(shop_sandbox.state()["orders"])
    assert await client.count("orders", status="open") < len(shop_sandbox.state()["orders"])
    await client.aclose()


async def test_unreadable_scopes_give_a_hedged_warning(make_client, shop_sandbox):
    shop_sandbox.faults.add(
        {"path": "access_scopes", "kind": "status", "status": 403, "body": {"errors": "no"}}
    )
    client, _, warnings = make_client()
    orders = [o async for o in client.iter_orders()]
    await client.aclose()
    assert orders
    assert len(warnings) == 1 and warnings[0].startswith("could not read the granted scopes")
