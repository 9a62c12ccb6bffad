"""``shopifyPaymentsAccount`` in the simulator (shopify-api-notes §9, §10), as a client sees it
over HTTP: the REST records in GraphQL's shape, the search fields Shopify lists for these
connections (``payments_transfer_id`` for a payout's transactions, ``OR`` across payouts; an
unknown field such as ``payout_id`` ignored with a warning), the cost of each connection,
``ACCESS_DENIED`` without the scope and a null account for a shop without Shopify Payments."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.sandbox.shopify.graphql_helpers import demo_sandbox, first_error, graphql
from tests.sandbox.shopify.helpers import client_for, make_seed

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.shopify.app import DEFAULT_CREDENTIALS, create_shopify_app

pytestmark = pytest.mark.anyio

PAYOUTS = """query($first: Int!, $query: String) { shopifyPaymentsAccount {
  payouts(first: $first, query: $query, sortKey: ISSUED_AT, reverse: true) {
    nodes { id legacyResourceId status issuedAt transactionType net { amount currencyCode }
      summary { chargesGross { amount } chargesFee { amount } refundsFeeGross { amount } } }
    pageInfo { hasNextPage } } } }"""
TRANSACTIONS = """query($first: Int!, $query: String) { shopifyPaymentsAccount {
  balanceTransactions(first: $first, query: $query) {
    nodes { id type amount { amount currencyCode } fee { amount } net { amount } sourceType
      associatedOrder { id name } associatedPayout { id status } transactionDate }
  } } }"""


def payouts_of(body: dict[str, Any]) -> list[int | None]:
    """The payout id of each balance transaction answered (None: not paid out yet)."""
    nodes = body["data"]["shopifyPaymentsAccount"]["balanceTransactions"]["nodes"]
    ids = [n["associatedPayout"]["id"] for n in nodes]
    return [int(i.rsplit("/", 1)[1]) if i else None for i in ids]


async def test_payouts_are_the_rest_records_in_graphqls_shape() -> None:
    sandbox = demo_sandbox()
    state = sandbox.state()
    zone = ZoneInfo(state["shop"]["iana_timezone"])
    async with client_for(sandbox) as c:
        body = await graphql(c, PAYOUTS, {"first": 100})
    nodes = body["data"]["shopifyPaymentsAccount"]["payouts"]["nodes"]
    by_id = {p["id"]: p for p in state["payouts"]}
    assert len(nodes) == len(by_id)
    issued = [datetime.fromisoformat(n["issuedAt"].replace("Z", "+00:00")) for n in nodes]
    assert issued == sorted(issued, reverse=True)  # reverse: newest first, as REST lists them
    for node, moment in zip(nodes, issued, strict=True):
        rest = by_id[int(node["legacyResourceId"])]
        assert node["id"] == f"gid://shopify/ShopifyPaymentsPayout/{rest['id']}"
        assert node["status"] == rest["status"].upper()
        assert moment.astimezone(zone).date().isoformat() == rest["date"]  # midnight, shop zone
        assert (moment.astimezone(zone).hour, moment.astimezone(zone).minute) == (0, 0)
        assert Decimal(node["net"]["amount"]) == Decimal(rest["amount"])
        assert node["net"]["currencyCode"] == rest["currency"]
        assert node["transactionType"] == "DEPOSIT"
        summary = node["summary"]
        assert Decimal(summary["refundsFeeGross"]["amount"]) == Decimal(
            rest["summary"]["refunds_gross_amount"]
        )
        assert Decimal(summary["chargesFee"]["amount"]) == Decimal(
            rest["summary"]["charges_fee_amount"]
        )


async def test_a_payouts_transactions_by_payments_transfer_id_and_several_with_or() -> None:
    sandbox = demo_sandbox()
    state = sandbox.state()
    paid = [p["id"] for p in state["payouts"] if p["status"] == "paid"][:3]
    async with client_for(sandbox) as c:
        one = await graphql(
            c, TRANSACTIONS, {"first": 100, "query": f"payments_transfer_id:{paid[0]}"}
        )
        several = " OR ".join(f"payments_transfer_id:{p}" for p in paid)
        many = await graphql(c, TRANSACTIONS, {"first": 100, "query": several})
        wrong = await graphql(c, TRANSACTIONS, {"first": 100, "query": f"payout_id:{paid[0]}"})

    expected = [bt for bt in state["balance_transactions"] if bt["payout_id"] == paid[0]]
    assert payouts_of(one) == [paid[0]] * len(expected) and expected
    assert set(payouts_of(many)) == set(paid)
    assert len(payouts_of(many)) == sum(
        1 for bt in state["balance_transactions"] if bt["payout_id"] in paid
    )
    # REST's payout_id is no search field here: ignored (every row), with Shopify's warning.
    assert len(payouts_of(wrong)) == len(state["balance_transactions"])
    (warning,) = wrong["extensions"]["search"]
    assert warning["warnings"] == [
        {"field": "payout_id", "message": "Invalid search field for this query."}
    ]


async def test_transaction_kinds_signs_and_links_follow_the_rest_record() -> None:
    sandbox = demo_sandbox()
    state = sandbox.state()
    orders = {o["id"]: o for o in state["orders"]}
    async with client_for(sandbox) as c:
        body = await graphql(c, TRANSACTIONS, {"first": 100})
    nodes = {
        int(n["id"].rsplit("/", 1)[1]): n
        for n in body["data"]["shopifyPaymentsAccount"]["balanceTransactions"]["nodes"]
    }
    seen = set()
    for bt in state["balance_transactions"]:
        node = nodes[bt["id"]]
        negative = Decimal(bt["amount"]) < 0
        expected = {
            "charge": "CHARGE",
            "refund": "REFUND",
            "adjustment": "ADJUSTMENT",
            "dispute": "DISPUTE_WITHDRAWAL" if negative else "DISPUTE_REVERSAL",
            "reserve": "RESERVED_FUNDS" if negative else "RESERVED_FUNDS_REVERSAL",
        }[bt["type"]]
        seen.add(expected)
        assert node["type"] == expected
        assert Decimal(node["net"]["amount"]) == Decimal(bt["net"])
        assert node["associatedPayout"]["status"] == bt["payout_status"].upper()
        if bt["source_order_id"] is not None:
            order = orders[bt["source_order_id"]]
            assert node["associatedOrder"] == {
                "id": f"gid://shopify/Order/{order['id']}",
                "name": order["name"],
            }
        else:
            assert node["associatedOrder"] is None
    assert {"DISPUTE_WITHDRAWAL", "DISPUTE_REVERSAL", "RESERVED_FUNDS"} <= seen


async def test_the_cost_counts_each_connection_by_its_page_size() -> None:
    async with client_for(demo_sandbox()) as c:
        body = await graphql(c, PAYOUTS, {"first": 10})
    cost = body["extensions"]["cost"]
    # account 1; connection 2 + 10 x (payout 1 + net 1 + summary 1 + three amounts)
    assert cost["requestedQueryCost"] == 1 + 2 + 10 * 6
    assert cost["actualQueryCost"] <= cost["requestedQueryCost"]


async def test_without_the_scope_the_account_is_access_denied() -> None:
    scopes = tuple(s for s in DEFAULT_CREDENTIALS.scopes if "payments" not in s)
    credentials = dataclasses.replace(DEFAULT_CREDENTIALS, scopes=scopes)
    sandbox = demo_sandbox(credentials=credentials)
    async with client_for(sandbox) as c:
        body = await graphql(c, PAYOUTS, {"first": 5})
    error = first_error(body)
    assert error["extensions"]["code"] == "ACCESS_DENIED"
    assert error["path"] == ["shopifyPaymentsAccount"]
    assert "`read_shopify_payments_payouts` access scope" in error["message"]
    assert body["data"] == {"shopifyPaymentsAccount": None}


async def test_a_shop_without_shopify_payments_has_a_null_account_and_rest_404s() -> None:
    sandbox = create_shopify_app(make_seed(), clock=SandboxClock(speed=1e-6))
    async with client_for(sandbox) as c:
        body = await graphql(c, PAYOUTS, {"first": 5})
        rest = await c.get(
            "/admin/api/2026-10/shopify_payments/balance.json",
            headers={"X-Shopify-Access-Token": DEFAULT_CREDENTIALS.access_token},
        )
    assert "errors" not in body
    assert body["data"] == {"shopifyPaymentsAccount": None}
    assert rest.status_code == 404 and rest.json() == {"errors": "Not Found"}
