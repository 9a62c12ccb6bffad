"""A change written in plain REST amounts (as tests and the control endpoint write them) reaches
both APIs alike: the order's ``*_set`` MoneyBags follow the plain amounts, so GraphQL, which
serves only MoneyBags, never serves a stale figure or a null where the schema says non-null."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.sandbox.shopify.graphql_helpers import demo_sandbox, graphql
from tests.sandbox.shopify.helpers import client_for

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.shopify.app import create_shopify_app

pytestmark = pytest.mark.anyio

MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"
ORDER = f"""
query($id: ID!) {{ order(id: $id) {{
  totalPriceSet {{ {MONEY} }} currentTotalPriceSet {{ {MONEY} }}
  lineItems(first: 5) {{ nodes {{ quantity taxLines {{ priceSet {{ {MONEY} }} }} }} }}
  refunds {{ refundLineItems(first: 5) {{ nodes {{ quantity
    subtotalSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }} }} }} }}
}} }}"""


def _order(app: Any, name: str) -> dict[str, Any]:
    order: dict[str, Any] = next(o for o in app.state()["orders"] if o["name"] == name)
    return order


def _shop(bag: dict[str, Any]) -> tuple[Decimal, str]:
    return Decimal(bag["shopMoney"]["amount"]), bag["shopMoney"]["currencyCode"]


def _presentment(bag: dict[str, Any]) -> tuple[Decimal, str]:
    return Decimal(bag["presentmentMoney"]["amount"]), bag["presentmentMoney"]["currencyCode"]


async def test_an_edit_and_a_refund_in_plain_amounts_are_served_the_same_by_both_apis() -> None:
    app = demo_sandbox()
    order = _order(app, "#1048")
    line = order["line_items"][0]
    edited = {**line, "quantity": 3, "tax_lines": [{**line["tax_lines"][0], "price": "13.75"}]}
    refund = {  # no *_set anywhere: what a hand-written change usually looks like
        "id": 9899999999001,
        "order_id": order["id"],
        "created_at": "2026-11-01T09:00:00+00:00",
        "refund_line_items": [
            {
                "id": 5999999999001,
                "line_item_id": line["id"],
                "quantity": 1,
                "subtotal": 27.5,
                "total_tax": 4.58,
                "line_item": line,
            }
        ],
        "transactions": [],
    }
    change = {
        "id": order["id"],
        "line_items": [edited],
        "refunds": [refund],
        "total_price": "82.50",
        "current_total_price": "55.00",
    }
    app.upsert_records({"orders": [change]})
    rest = _order(app, "#1048")
    assert rest["total_price_set"]["shop_money"]["amount"] == "82.50"
    assert rest["line_items"][0]["tax_lines"][0]["price_set"]["presentment_money"] == {
        "amount": "13.75",
        "currency_code": "GBP",
    }
    async with client_for(app) as c:
        body = await graphql(c, ORDER, {"id": f"gid://shopify/Order/{order['id']}"})
    assert "errors" not in body, body["errors"]
    served = body["data"]["order"]
    assert _shop(served["totalPriceSet"]) == (Decimal("82.50"), "GBP")
    assert _shop(served["currentTotalPriceSet"]) == (Decimal("55.00"), "GBP")
    [tax] = served["lineItems"]["nodes"][0]["taxLines"]
    assert _shop(tax["priceSet"]) == (Decimal("13.75"), "GBP")
    [refunded] = served["refunds"][0]["refundLineItems"]["nodes"]
    assert _shop(refunded["subtotalSet"]) == (Decimal("27.5"), "GBP")
    assert _shop(refunded["totalTaxSet"]) == (Decimal("4.58"), "GBP")


async def test_a_changed_amount_on_a_foreign_currency_order_keeps_the_orders_rate() -> None:
    app = demo_sandbox()
    order = _order(app, "#1039")  # GBP shop, paid in EUR: 40.46 GBP = 47.00 EUR
    untouched = order["subtotal_price_set"]
    app.upsert_records({"orders": [{"id": order["id"], "total_price": "80.92"}]})
    rest = _order(app, "#1039")
    assert rest["total_price_set"] == {
        "shop_money": {"amount": "80.92", "currency_code": "GBP"},
        "presentment_money": {"amount": "94.00", "currency_code": "EUR"},
    }
    assert rest["subtotal_price_set"] == untouched  # in step already: left as it was
    async with client_for(app) as c:
        body = await graphql(c, ORDER, {"id": f"gid://shopify/Order/{order['id']}"})
    assert _presentment(body["data"]["order"]["totalPriceSet"]) == (Decimal("94.0"), "EUR")


async def test_a_hand_written_seed_order_without_money_bags_is_served_by_graphql() -> None:
    seed = load_seed("demo")["shopify"]
    order = next(o for o in seed["orders"] if o["name"] == "#1048")
    bare = {k: v for k, v in order.items() if k != "current_total_price_set"}
    app = create_shopify_app({**seed, "orders": [bare]}, clock=SandboxClock(speed=1e-6))
    async with client_for(app) as c:
        body = await graphql(c, ORDER, {"id": f"gid://shopify/Order/{order['id']}"})
    assert "errors" not in body, body["errors"]
    served = body["data"]["order"]["currentTotalPriceSet"]
    assert _shop(served) == (Decimal(order["current_total_price"]), "GBP")
