"""The control side: ``/_sandbox/records`` upserts and deletes, ``state``, ``reset``."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from tests.sandbox.shopify.helpers import (
    NOW,
    api,
    auth_headers,
    build_sandbox,
    client_for,
    make_customer,
    make_order,
    make_product,
    make_seed,
    shop_local,
)

pytestmark = pytest.mark.anyio


async def test_upsert_bumps_updated_at_in_shop_offset_and_shows_up_with_updated_at_min() -> None:
    seed = make_seed(customers=[make_customer(1), make_customer(2)])
    app = build_sandbox(seed)
    app.clock.advance(3600)
    now_text = shop_local(NOW + timedelta(hours=1))
    assert now_text == "2026-11-26T11:00:00-05:00"
    async with client_for(app) as c:
        r = await c.get(api(f"customers.json?updated_at_min={now_text}"), headers=auth_headers())
        assert r.json() == {"customers": []}
        r = await c.post("/_sandbox/records", json={"customers": [{"id": 2, "note": "VIP"}]})
        assert r.status_code == 200
        assert r.json()["updated"]["customers"] == 1
        r = await c.get(
            api("customers.json?updated_at_min=2026-11-26 11:00:00&fields=id,note,updated_at"),
            headers=auth_headers(),
        )
    [customer] = r.json()["customers"]
    assert customer["id"] == 2 and customer["note"] == "VIP"
    # Seconds precision and the shop's own offset, the way Shopify writes times
    # (shopify-api-notes §4).
    assert customer["updated_at"].startswith("2026-11-26T11:00:0")
    assert customer["updated_at"].endswith("-05:00")


async def test_upsert_merges_onto_the_existing_record_and_creates_new_ids() -> None:
    app = build_sandbox()
    before = app.state()["customers"][0]
    result = app.upsert_records(
        {
            "customers": [{"id": 1, "first_name": "Robert"}, {"id": 77, "email": "new@x.com"}],
            "orders": [make_order(1500, financial_status="pending")],
        }
    )
    assert result["created"] == {"customers": 1, "products": 0, "orders": 1}
    assert result["updated"] == {"customers": 1, "products": 0, "orders": 0}
    state = app.state()
    merged = next(c for c in state["customers"] if c["id"] == 1)
    assert merged["first_name"] == "Robert"
    assert merged["last_name"] == before["last_name"] and merged["email"] == before["email"]
    assert merged["updated_at"] != before["updated_at"]
    created = next(c for c in state["customers"] if c["id"] == 77)
    assert created["admin_graphql_api_id"] == "gid://shopify/Customer/77"
    assert created["created_at"] == created["updated_at"]
    assert [o["id"] for o in state["orders"]] == [1001, 1500]


async def test_deleted_products_vanish_and_orders_keep_their_lines() -> None:
    order = make_order(1001)  # its three lines are for the fixture product 632910392
    seed = make_seed(products=[make_product(632910392), make_product(11)], orders=[order])
    app = build_sandbox(seed)
    async with client_for(app) as c:
        r = await c.post("/_sandbox/records", json={"delete": {"products": [632910392, 999]}})
        assert r.json()["deleted"] == {"products": 1}
        r = await c.get(api("products/632910392.json"), headers=auth_headers())
        assert r.status_code == 404
        r = await c.get(api("products/count.json"), headers=auth_headers())
        assert r.json() == {"count": 1}
        r = await c.get(api("orders/1001.json"), headers=auth_headers())
    lines = r.json()["order"]["line_items"]
    assert len(lines) == 3
    # shopify-api-notes §8 pitfall 4: the line keeps title/sku/price but loses its links.
    for line in lines:
        assert line["product_id"] is None and line["variant_id"] is None
        assert line["product_exists"] is False
        assert line["sku"] and line["title"] and line["price"]


async def test_shop_fields_can_be_changed() -> None:
    app = build_sandbox()
    result = app.upsert_records({"shop": {"taxes_included": True, "currency": "EUR"}})
    assert result["updated"]["shop"] == 1
    async with client_for(app) as c:
        r = await c.get(
            api("shop.json?fields=taxes_included,currency,name"), headers=auth_headers()
        )
    assert r.json() == {
        "shop": {"name": "John Smith Test Store", "currency": "EUR", "taxes_included": True}
    }


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"customers": [{"email": "no-id@x.com"}]}, "customers[0].id"),
        ({"orders": [{"id": "12"}]}, "orders[0].id"),
        ({"orders": {"id": 1}}, "orders: expected a list"),
        ({"widgets": []}, "unknown record kinds"),
        ({"shop": ["x"]}, "shop: expected an object"),
        ({"delete": {"products": ["x"]}}, "delete.products"),
        ({"delete": {"variants": [1]}}, "delete: unknown record kind"),
    ],
)
async def test_bad_records_payload_is_400_naming_the_record(
    payload: dict[str, object], fragment: str
) -> None:
    app = build_sandbox()
    before = app.state()
    async with client_for(app) as c:
        r = await c.post("/_sandbox/records", json=payload)
    assert r.status_code == 400
    assert fragment in r.json()["error"]
    assert app.state() == before  # nothing half-applied


async def test_state_holds_transactions_inside_orders_and_reset_restores_the_seed() -> None:
    app = build_sandbox()
    async with client_for(app) as c:
        state = (await c.get("/_sandbox/state")).json()
        assert set(state) == {
            "shop", "customers", "products", "orders", "payouts", "balance_transactions",
        }  # fmt: skip
        order = state["orders"][0]
        assert [t["id"] for t in order["transactions"]] == [179259969, 389404469, 801038806]
        assert order["refunds"][0]["id"] == 509562969
        await c.post("/_sandbox/records", json={"customers": [{"id": 5, "email": "e@x.com"}]})
        assert len((await c.get("/_sandbox/state")).json()["customers"]) == 2
        assert (await c.post("/_sandbox/reset")).json() == {"reset": True}
        assert (await c.get("/_sandbox/state")).json() == state


async def test_reset_empties_the_buckets() -> None:
    app = build_sandbox()
    async with client_for(app) as c:
        for _ in range(40):
            await c.get(api("shop.json"), headers=auth_headers())
        await c.post("/_sandbox/reset")
        r = await c.get(api("shop.json"), headers=auth_headers())
    assert r.headers["x-shopify-shop-api-call-limit"] == "1/40"


async def test_faults_from_the_control_layer_apply_to_the_shopify_routes() -> None:
    app = build_sandbox()
    async with client_for(app) as c:
        await c.post(
            "/_sandbox/faults",
            json={"path": "/orders\\.json$", "kind": "status", "status": 503, "times": 1},
        )
        assert (await c.get(api("orders.json"), headers=auth_headers())).status_code == 503
        assert (await c.get(api("orders.json"), headers=auth_headers())).status_code == 200


def test_seed_is_copied_not_shared() -> None:
    seed = make_seed()
    app = build_sandbox(seed)
    seed["customers"][0]["email"] = "changed@x.com"
    app.upsert_records({"customers": [{"id": 1, "note": "n"}]})
    assert app.state()["customers"][0]["email"] != "changed@x.com"
    assert seed["customers"][0].get("note") != "n"


@pytest.mark.parametrize(
    ("seed_change", "fragment"),
    [
        ({"customers": [{"id": 1, "total_spent": Decimal("1.00")}]}, "plain JSON"),
        ({"products": [{"title": "no id"}]}, "products[0].id"),
        ({"orders": {"1": {}}}, "orders: expected a list"),
    ],
)
def test_a_bad_seed_is_refused_naming_the_record(seed_change: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        build_sandbox({**make_seed(), **seed_change})
