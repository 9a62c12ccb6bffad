"""Orders list, count and get: status default, every filter, fields, ordering, the 60-day window."""

from __future__ import annotations

from typing import Any

import pytest
from tests.sandbox.shopify.helpers import (
    CREDENTIALS,
    api,
    auth_headers,
    build_sandbox,
    client_for,
    make_customer,
    make_order,
    make_seed,
)

from shopxero.sandbox.shopify.app import ShopifyCredentials

pytestmark = pytest.mark.anyio

# id -> how the order differs; every order is recent (inside the 60-day window) unless noted.
ORDERS: list[dict[str, Any]] = [
    make_order(1001, days_ago=1, financial_status="paid", fulfillment_status="fulfilled"),
    make_order(1002, days_ago=2, financial_status="pending"),
    make_order(1003, days_ago=3, financial_status="authorized"),
    make_order(1004, days_ago=4, financial_status="partially_paid", fulfillment_status="partial"),
    make_order(1005, days_ago=5, financial_status="refunded", closed=True),
    make_order(1006, days_ago=6, financial_status="voided", cancelled=True, closed=True),
    make_order(1007, days_ago=7, financial_status="partially_refunded", cancelled=True),
    make_order(1008, days_ago=90, financial_status="paid", closed=True),  # outside 60 days
]


async def _ids(path: str, *, credentials: ShopifyCredentials = CREDENTIALS) -> list[int]:
    app = build_sandbox(make_seed(orders=ORDERS), credentials=credentials)
    async with client_for(app) as c:
        r = await c.get(api(path), headers=auth_headers(credentials.access_token))
    assert r.status_code == 200, r.text
    return [o["id"] for o in r.json()["orders"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # shopify-api-notes §4 / §8 #1: without status, only open orders (not closed, not
        # cancelled).
        ("", [1001, 1002, 1003, 1004]),
        ("status=open", [1001, 1002, 1003, 1004]),
        ("status=closed", [1005, 1006, 1008]),
        ("status=cancelled", [1006, 1007]),
        ("status=any", [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]),
        ("status=any&financial_status=paid", [1001, 1008]),
        ("status=any&financial_status=pending", [1002]),
        ("status=any&financial_status=authorized", [1003]),
        ("status=any&financial_status=partially_paid", [1004]),
        ("status=any&financial_status=refunded", [1005]),
        ("status=any&financial_status=voided", [1006]),
        ("status=any&financial_status=partially_refunded", [1007]),
        # Shopify's reference: "unpaid: Show authorized and partially paid orders."
        ("status=any&financial_status=unpaid", [1003, 1004]),
        ("status=any&financial_status=any", [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]),
        ("status=any&fulfillment_status=shipped", [1001]),
        ("status=any&fulfillment_status=partial", [1004]),
        ("status=any&fulfillment_status=unshipped", [1002, 1003, 1005, 1006, 1007, 1008]),
        ("status=any&fulfillment_status=unfulfilled", [1002, 1003, 1004, 1005, 1006, 1007, 1008]),
        ("status=any&since_id=1005", [1006, 1007, 1008]),
        ("status=any&ids=1007,1002,9999", [1002, 1007]),
        ("status=any&name=%231003", [1003]),
        ("status=any&name=1003", [1003]),
        ("status=any&order=created_at%20desc&limit=3", [1001, 1002, 1003]),
        ("status=any&order=created_at%20asc&limit=2", [1008, 1007]),
    ],
)
async def test_order_list_filters(query: str, expected: list[int]) -> None:
    assert await _ids(f"orders.json?{query}") == expected


@pytest.mark.parametrize("field", ["created_at", "updated_at", "processed_at"])
async def test_order_time_windows_are_inclusive_and_read_offsets(field: str) -> None:
    """``*_min``/``*_max`` are inclusive; a time without an offset is the shop's local time."""
    target = next(o for o in ORDERS if o["id"] == 1003)[field]  # e.g. 2026-11-23T10:00:00-05:00
    naive_local = target[:19].replace("T", " ")  # the same instant, no offset (shop time)
    both = f"status=any&{field}_min={target.replace('+', '%2B')}&{field}_max={naive_local}"
    assert await _ids(f"orders.json?{both}") == [1003]
    assert await _ids(f"orders.json?status=any&{field}_min={naive_local}") == [1001, 1002, 1003]
    assert await _ids(f"orders.json?status=any&{field}_max=2026-09-01") == [1008]


async def test_fields_keeps_only_the_named_top_level_keys(client: Any, auth: Any) -> None:
    r = await client.get(api("orders.json?fields=id, name,total_price,nope"), headers=auth)
    assert r.json() == {"orders": [{"id": 1001, "name": "#1001", "total_price": "598.94"}]}
    r = await client.get(api("orders/1001.json?fields=id,line_items"), headers=auth)
    order = r.json()["order"]
    assert list(order) == ["id", "line_items"] and len(order["line_items"]) == 3


async def test_order_json_has_refunds_but_not_transactions(client: Any, auth: Any) -> None:
    order = (await client.get(api("orders/1001.json"), headers=auth)).json()["order"]
    assert "transactions" not in order
    assert order["refunds"] and order["refunds"][0]["order_id"] == 450789469
    # shopify-api-notes §5: the embedded customer has no order statistics.
    assert order["customer"]["id"] == 207119551
    for gone in ("orders_count", "total_spent", "last_order_id", "last_order_name"):
        assert gone not in order["customer"]


async def test_transactions_and_refunds_endpoints(client: Any, auth: Any) -> None:
    r = await client.get(api("orders/1001/transactions.json"), headers=auth)
    assert [t["id"] for t in r.json()["transactions"]] == [179259969, 389404469, 801038806]
    assert {t["order_id"] for t in r.json()["transactions"]} == {1001}
    r = await client.get(api("orders/1001/transactions.json?since_id=389404469"), headers=auth)
    assert [t["id"] for t in r.json()["transactions"]] == [801038806]
    r = await client.get(api("orders/1001/refunds.json?fields=id,order_id"), headers=auth)
    assert r.json() == {"refunds": [{"id": 509562969, "order_id": 450789469}]}
    for path in ("orders/4242/transactions.json", "orders/4242/refunds.json", "orders/4242.json"):
        r = await client.get(api(path), headers=auth)
        assert (r.status_code, r.json()) == (404, {"errors": "Not Found"})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 4),
        ("status=any", 8),
        ("status=cancelled", 2),
        ("status=any&financial_status=unpaid", 2),
        ("status=any&created_at_min=2026-11-22", 4),
    ],
)
async def test_order_count_takes_the_same_filters(query: str, expected: int) -> None:
    app = build_sandbox(make_seed(orders=ORDERS))
    async with client_for(app) as c:
        r = await c.get(api(f"orders/count.json?{query}"), headers=auth_headers())
    assert r.json() == {"count": expected}


WITHOUT_ALL_ORDERS = ShopifyCredentials(
    access_token="shpat_recent" + "2" * 26,
    client_id="c",
    client_secret="s",
    scopes=("read_customers", "read_products", "read_orders"),
)


async def test_sixty_day_window_without_read_all_orders() -> None:
    """shopify-api-notes §4: only the last 60 days' orders exist for a token without
    read_all_orders."""
    ids = await _ids("orders.json?status=any", credentials=WITHOUT_ALL_ORDERS)
    assert ids == [1001, 1002, 1003, 1004, 1005, 1006, 1007]
    app = build_sandbox(make_seed(orders=ORDERS), credentials=WITHOUT_ALL_ORDERS)
    headers = auth_headers(WITHOUT_ALL_ORDERS.access_token)
    async with client_for(app) as c:
        count = await c.get(api("orders/count.json?status=any"), headers=headers)
        assert count.json() == {"count": 7}
        for path in ("orders/1008.json", "orders/1008/transactions.json"):
            assert (await c.get(api(path), headers=headers)).status_code == 404
        assert (await c.get(api("orders/1007.json"), headers=headers)).status_code == 200


async def test_sixty_day_window_moves_with_the_sandbox_clock() -> None:
    app = build_sandbox(make_seed(orders=ORDERS), credentials=WITHOUT_ALL_ORDERS)
    headers = auth_headers(WITHOUT_ALL_ORDERS.access_token)
    async with client_for(app) as c:
        assert (await c.get(api("orders/1007.json"), headers=headers)).status_code == 200
        app.clock.advance(54 * 86400)  # order 1007 is now 61 days old
        assert (await c.get(api("orders/1007.json"), headers=headers)).status_code == 404
    assert await _ids("orders.json?status=any") == [o["id"] for o in ORDERS]  # with the scope


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("limit=251", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("status=archived", "status"),
        ("status=open,closed", "status"),
        ("financial_status=paid,refunded", "financial_status"),
        ("financial_status=owed", "financial_status"),
        ("fulfillment_status=lost", "fulfillment_status"),
        ("created_at_min=yesterday", "created_at_min"),
        ("ids=1,two", "ids"),
        ("since_id=x", "since_id"),
        ("since_id=1,2", "since_id"),
        ("order=total_price%20asc", "order"),
    ],
)
async def test_bad_parameters_are_400_naming_the_parameter(
    client: Any, auth: Any, query: str, param: str
) -> None:
    r = await client.get(api(f"orders.json?{query}"), headers=auth)
    assert r.status_code == 400
    assert list(r.json()["errors"]) == [param]


async def test_limit_default_is_50_and_max_250_is_accepted() -> None:
    orders = [make_order(2000 + n, days_ago=1) for n in range(260)]
    app = build_sandbox(make_seed(orders=orders))
    async with client_for(app) as c:
        r = await c.get(api("orders.json?fields=id"), headers=auth_headers())
        assert len(r.json()["orders"]) == 50
        r = await c.get(api("orders.json?fields=id&limit=250"), headers=auth_headers())
        assert len(r.json()["orders"]) == 250


async def test_customer_orders_lists_only_that_customers_orders() -> None:
    """``customers/{id}/orders.json`` (shopify-api-notes §4) with the orders' status default and
    filters."""
    other = make_order(1010)
    other["customer"] = {**other["customer"], "id": 555}
    orders = [*ORDERS, other, make_order(1011, customer=False)]
    app = build_sandbox(make_seed(orders=orders, customers=[make_customer(207119551)]))
    async with client_for(app) as c:
        path = api("customers/207119551/orders.json")
        r = await c.get(path, headers=auth_headers())
        assert [o["id"] for o in r.json()["orders"]] == [1001, 1002, 1003, 1004]
        r = await c.get(f"{path}?status=any&limit=3&fields=id", headers=auth_headers())
        ids = [o["id"] for o in r.json()["orders"]]
        next_url = r.headers["link"].split(">;")[0].lstrip("<")
        assert "/customers/207119551/orders.json?" in next_url
        while next_url:
            r = await c.get(next_url, headers=auth_headers())
            ids += [o["id"] for o in r.json()["orders"]]
            link = r.headers.get("link", "")
            next_url = (
                link.split(", ")[-1].split(">;")[0].lstrip("<") if 'rel="next"' in link else ""
            )
        assert ids == list(range(1001, 1009))
        r = await c.get(api("customers/999/orders.json"), headers=auth_headers())
        assert r.status_code == 404
