"""Calculated query cost and its bucket, as Shopify documents them (shopify-api-notes §3, §10):
requested cost from the query (connections by ``first``, objects 1, scalars 0, mutations 10),
actual cost from the answer with the difference refunded, ``MAX_COST_EXCEEDED`` over 1,000,
``THROTTLED`` when the bucket cannot pay, and the bucket refilling on the sandbox clock."""

from __future__ import annotations

import pytest
from tests.sandbox.shopify.graphql_helpers import demo_sandbox, first_error, graphql
from tests.sandbox.shopify.helpers import client_for

pytestmark = pytest.mark.anyio

# orders: 2 + 10 x (order 1 + totalPriceSet (1 + shopMoney 1) + lineItems (2 + 5 x 1)) = 102
TEN_ORDERS = """{ orders(first: 10) { edges { node { id name
  totalPriceSet { shopMoney { amount } }
  lineItems(first: 5) { nodes { id quantity } } } } } }"""


async def test_requested_and_actual_cost_follow_shopifys_rules() -> None:
    async with client_for(demo_sandbox()) as c:
        body = await graphql(c, TEN_ORDERS)
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 102
    orders = body["data"]["orders"]["edges"]
    # actual: 2 + per returned order (1 + 2 + 2 + its returned lines)
    lines = sum(len(e["node"]["lineItems"]["nodes"]) for e in orders)
    assert cost["actualQueryCost"] == 2 + 5 * len(orders) + lines
    assert cost["actualQueryCost"] < cost["requestedQueryCost"]
    # The requested cost was taken and the unused points given back.
    assert cost["throttleStatus"] == {
        "maximumAvailable": 2000.0,
        "currentlyAvailable": 2000 - cost["actualQueryCost"],
        "restoreRate": 100.0,
    }


async def test_scalars_cost_nothing_and_a_mutation_costs_ten() -> None:
    async with client_for(demo_sandbox()) as c:
        shop = await graphql(c, "{ shop { name currencyCode ianaTimezone } }")
        mutation = await graphql(
            c,
            'mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/9") '
            "{ userErrors { message } } }",
        )
    assert shop["extensions"]["cost"]["requestedQueryCost"] == 1
    assert mutation["extensions"]["cost"]["requestedQueryCost"] == 10


async def test_a_query_over_1000_points_is_refused_unrun() -> None:
    async with client_for(demo_sandbox()) as c:
        body = await graphql(
            c, "{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }"
        )
    error = first_error(body)
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["cost"] == 2 + 250 * (1 + 2 + 250)
    assert error["extensions"]["maxCost"] == 1000
    assert error["message"].startswith("Query cost is 63252, which exceeds the single query max")
    assert "data" not in body


async def test_an_empty_bucket_throttles_until_it_refills() -> None:
    sandbox = demo_sandbox(graphql_bucket=250, graphql_restore_rate=50)
    big = "{ customers(first: 80) { nodes { id amountSpent { amount } } } }"  # 2 + 80 x 2
    async with client_for(sandbox) as c:
        first = await graphql(c, big)  # takes 162, refunds what 25 customers did not cost
        spent = first["extensions"]["cost"]
        assert spent["actualQueryCost"] == 2 + 25 * 2
        left = spent["throttleStatus"]["currentlyAvailable"]
        assert left == 250 - 52
        second = await graphql(c, big)  # 162 <= 198: admitted
        left = second["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
        assert left == 198 - 52
        refused = await graphql(c, big)  # 162 > 146: throttled, nothing charged
        sandbox.clock.advance(1.0)  # 50 points come back a second
        again = await graphql(c, big)
    assert refused["errors"] == [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ]
    assert "data" not in refused
    assert refused["extensions"]["cost"] == {
        "requestedQueryCost": 162,
        "actualQueryCost": None,
        "throttleStatus": {
            "maximumAvailable": 250.0,
            "currentlyAvailable": 146,
            "restoreRate": 50.0,
        },
    }
    assert "errors" not in again
    assert again["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 146 + 50 - 52


async def test_each_app_has_its_own_bucket() -> None:
    sandbox = demo_sandbox(graphql_bucket=200, graphql_restore_rate=10)
    async with client_for(sandbox) as c:
        grant = await c.post(
            "/admin/oauth/access_token",
            data={
                "grant_type": "client_credentials",
                "client_id": sandbox.credentials.client_id,
                "client_secret": sandbox.credentials.client_secret,
            },
        )
        other = {"X-Shopify-Access-Token": grant.json()["access_token"]}
        big = "{ orders(first: 60) { nodes { id customer { id } } } }"  # 2 + 60 x 2 = 122
        assert "errors" not in await graphql(c, big)
        assert "errors" not in await graphql(c, big, headers=other)
        assert first_error(await graphql(c, big))["message"] == "Throttled"
