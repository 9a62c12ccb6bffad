"""``Order.agreements`` (shopify-api-notes §10 "Sales agreements"): each refund is a
``RefundAgreement`` whose sales hold an ``AdditionalFeeSale`` per additional fee it gave back,
negative as returns are in Shopify's sales model, from the same records as REST's refund
``additional_fees``; priced like every connection, and readable by a bulk query (two deep)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.fidelity import cases_refund_fees
from tests.fidelity.lifecycle import _seed
from tests.sandbox.shopify.graphql_helpers import DEMO_TOKEN, graphql
from tests.sandbox.shopify.helpers import client_for
from tests.sandbox.shopify.test_graphql_bulk import finish, submit

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app

pytestmark = pytest.mark.anyio

AGREEMENTS = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id
  agreements(first: 5) { nodes { __typename id happenedAt reason
    ... on RefundAgreement { refund { id } sales(first: 10) { nodes {
      __typename actionType lineType quantity
      totalAmount { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      totalTaxAmount { shopMoney { amount } presentmentMoney { amount } }
      ... on AdditionalFeeSale { additionalFee { id price { shopMoney { amount } } } }
    } } } } } } } }"""


def fee_sandbox() -> ShopifySandbox:
    seed, _ = _seed([c.life for c in cases_refund_fees.CASES], ())
    return create_shopify_app(seed["shopify"], clock=SandboxClock(speed=1e-6))


def _number(text: Any) -> Decimal:
    return Decimal(str(text))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


async def _rest_orders(sandbox: ShopifySandbox) -> list[dict[str, Any]]:
    async with client_for(sandbox) as c:
        answer = await c.get(
            "/admin/api/2026-10/orders.json?status=any&limit=250", headers=DEMO_TOKEN
        )
    orders: list[dict[str, Any]] = answer.json()["orders"]
    return orders


async def test_each_refund_is_an_agreement_with_the_fees_rest_says_it_gave_back() -> None:
    sandbox = fee_sandbox()
    refunded = [o for o in await _rest_orders(sandbox) if o["refunds"]]
    async with client_for(sandbox) as c:
        body = await graphql(c, AGREEMENTS, {"ids": [o["admin_graphql_api_id"] for o in refunded]})
    assert "errors" not in body, body
    nodes = {n["id"]: n for n in body["data"]["nodes"]}
    fees_seen = 0
    for order in refunded:
        agreements = nodes[order["admin_graphql_api_id"]]["agreements"]["nodes"]
        assert [(a["__typename"], a["reason"], a["refund"]["id"]) for a in agreements] == [
            ("RefundAgreement", "REFUND", r["admin_graphql_api_id"]) for r in order["refunds"]
        ]
        for agreement, refund in zip(agreements, order["refunds"], strict=True):
            assert _utc(agreement["happenedAt"]) == datetime.fromisoformat(refund["processed_at"])
            sales = agreement["sales"]["nodes"]
            expected = [
                (
                    f"gid://shopify/AdditionalFee/{fee['id']}",
                    -_number(fee["amount_set"]["shop_money"]["amount"]),
                    -_number(fee["amount_set"]["presentment_money"]["amount"]),
                    fee["amount_set"]["presentment_money"]["currency_code"],
                )
                for fee in refund["additional_fees"]
            ]
            assert [
                (
                    s["additionalFee"]["id"],
                    _number(s["totalAmount"]["shopMoney"]["amount"]),
                    _number(s["totalAmount"]["presentmentMoney"]["amount"]),
                    s["totalAmount"]["presentmentMoney"]["currencyCode"],
                )
                for s in sales
            ] == expected
            for sale in sales:
                assert (sale["__typename"], sale["actionType"], sale["lineType"]) == (
                    "AdditionalFeeSale",
                    "RETURN",
                    "ADDITIONAL_FEE",
                )
                # The seed's fees are untaxed: no tax, and "0.0", never "-0.0".
                assert sale["totalTaxAmount"]["shopMoney"]["amount"] == "0.0"
            total = refund["total_additional_fees_set"]["shop_money"]["amount"]
            assert -sum((_number(s["totalAmount"]["shopMoney"]["amount"]) for s in sales), 0) == (
                _number(total)
            )
            fees_seen += len(sales)
    assert fees_seen >= 2  # the corpus gives fees back in more than one case


async def test_agreements_and_their_sales_are_priced_as_connections() -> None:
    sandbox = fee_sandbox()
    refunded = [o for o in await _rest_orders(sandbox) if o["refunds"]][:1]
    async with client_for(sandbox) as c:
        body = await graphql(c, AGREEMENTS, {"ids": [refunded[0]["admin_graphql_api_id"]]})
    cost = body["extensions"]["cost"]
    # A sale: itself, two MoneyBags of two MoneyV2 each, its fee, the fee's price (one side).
    sale = 1 + 3 + 3 + 1 + 2
    agreement = 1 + 1 + (2 + 10 * sale)  # itself, its refund, its sales(first: 10)
    assert cost["requestedQueryCost"] == 1 + 2 + 5 * agreement
    assert cost["actualQueryCost"] < cost["requestedQueryCost"]


async def test_a_bulk_query_reads_agreements_but_not_their_sales_three_deep() -> None:
    """Why the client reads the fee sales apart (``nodes(ids:)``): orders -> agreements ->
    sales nests three connections deep, past the bulk limit of two."""
    sandbox = fee_sandbox()
    too_deep = """{ orders { edges { node { id agreements { edges { node { id
      sales { edges { node { lineType } } } } } } } } } }"""
    two_deep = """{ orders { edges { node { id agreements { edges { node { __typename id
      ... on RefundAgreement { refund { id } } } } } } } } }"""
    async with client_for(sandbox) as c:
        refused = await submit(c, too_deep)
        started = await submit(c, two_deep)
        assert started["userErrors"] == []
        done = await finish(sandbox, c, started["bulkOperation"]["id"])
        download = await c.get(done["url"].removeprefix("https://jsmith.myshopify.com"))
    assert refused["userErrors"] == [
        {
            "field": ["query"],
            "message": "Bulk queries cannot contain connections with a nesting depth greater "
            "than 2.",
            "code": "INVALID",
        }
    ]
    lines = [json.loads(line) for line in download.text.splitlines()]
    orders = {ln["id"] for ln in lines if "__parentId" not in ln}
    agreements = [ln for ln in lines if ln.get("__typename") == "RefundAgreement"]
    rest = await _rest_orders(sandbox)
    assert sorted((a["__parentId"], a["refund"]["id"]) for a in agreements) == sorted(
        (o["admin_graphql_api_id"], r["admin_graphql_api_id"]) for o in rest for r in o["refunds"]
    )
    assert all(a["__parentId"] in orders for a in agreements)
