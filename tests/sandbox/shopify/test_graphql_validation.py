"""The GraphQL endpoint refuses what Shopify refuses, the way Shopify words it (HTTP 200 with
``errors``; shopify-api-notes §10), and answers only what the simulator fills."""

from __future__ import annotations

import pytest
from tests.sandbox.shopify.graphql_helpers import DEMO_TOKEN, demo_sandbox, first_error, graphql
from tests.sandbox.shopify.helpers import client_for

from shopxero.sandbox.shopify.app import ShopifyCredentials

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("query", "message", "code"),
    [
        ("{ foo }", "Field 'foo' doesn't exist on type 'QueryRoot'", "undefinedField"),
        (
            "{ orders(first: 1, colour: 2) { nodes { id } } }",
            "Field 'orders' doesn't accept argument 'colour'",
            "argumentNotAccepted",
        ),
        (
            "{ order { id } }",
            "Field 'order' is missing required arguments: id",
            "missingRequiredArguments",
        ),
        (
            "{ orders(first: 1) }",
            "Field must have selections (field 'orders' returns "
            "OrderConnection! but has no selections. Did you mean 'orders { ... }'?)",
            "selectionMismatch",
        ),
    ],
)
async def test_schema_refusals_are_shopify_shaped(query: str, message: str, code: str) -> None:
    async with client_for(demo_sandbox()) as c:
        body = await graphql(c, query)
    error = first_error(body)
    assert error["message"] == message
    assert error["extensions"]["code"] == code
    assert error["locations"][0]["line"] == 1
    assert "data" not in body  # a query that fails validation is not run (nor charged)


async def test_a_syntax_error_names_its_place() -> None:
    async with client_for(demo_sandbox()) as c:
        body = await graphql(c, "{ orders(first: 1) { nodes { id } }")
    error = first_error(body)
    assert "Syntax Error" in error["message"]
    assert error["locations"] == [{"line": 1, "column": 36}]


async def test_http_level_refusals_match_rest() -> None:
    query = {"query": "{ shop { name } }"}
    async with client_for(demo_sandbox()) as c:
        no_token = await c.post("/admin/api/2026-10/graphql.json", json=query)
        bad_version = await c.post(
            "/admin/api/2031-01/graphql.json", json=query, headers=DEMO_TOKEN
        )
        bad_body = await c.post(
            "/admin/api/2026-10/graphql.json", content=b"not json", headers=DEMO_TOKEN
        )
    assert no_token.status_code == 401
    assert "Invalid API key or access token" in no_token.json()["errors"]
    assert bad_version.status_code == 404
    assert bad_body.status_code == 400
    assert bad_body.json() == {"errors": {"query": "Required parameter missing or invalid"}}


async def test_a_missing_scope_is_access_denied_naming_it() -> None:
    credentials = ShopifyCredentials(
        access_token="shpat_" + "7" * 32,
        client_id="id",
        client_secret="secret",
        scopes=("read_products",),
    )
    async with client_for(demo_sandbox(credentials=credentials)) as c:
        body = await graphql(
            c,
            "{ orders(first: 1) { nodes { id } } }",
            headers={"X-Shopify-Access-Token": credentials.access_token},
        )
        products = await graphql(
            c,
            "{ products(first: 1) { nodes { id } } }",
            headers={"X-Shopify-Access-Token": credentials.access_token},
        )
    error = first_error(body)
    assert error["message"] == (
        "Access denied for orders field. Required access: `read_orders` access scope."
    )
    assert error["extensions"]["code"] == "ACCESS_DENIED"
    assert error["path"] == ["orders"]
    assert body["data"] is None
    assert products["data"]["products"]["nodes"][0]["id"].startswith("gid://shopify/Product/")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("", "you must provide one of first or last"),
        ("(first: 251)", "first cannot exceed 250."),
        ("(last: 300)", "last cannot exceed 250."),
    ],
)
async def test_connection_sizes_are_checked(arguments: str, message: str) -> None:
    async with client_for(demo_sandbox()) as c:
        body = await graphql(c, f"{{ customers{arguments} {{ nodes {{ id }} }} }}")
    assert first_error(body)["message"].startswith(message)
    assert first_error(body)["path"] == ["customers"]


async def test_a_field_the_simulator_does_not_fill_is_named() -> None:
    async with client_for(demo_sandbox()) as c:
        body = await graphql(c, "{ orders(first: 1) { nodes { id risk { recommendation } } } }")
    error = first_error(body)
    assert error["message"] == "Order.risk is not simulated by the shopxero Shopify sandbox"
    assert error["extensions"]["code"] == "NOT_SIMULATED"


async def test_ids_must_be_global_ids_of_the_right_type() -> None:
    async with client_for(demo_sandbox()) as c:
        wrong_type = await graphql(c, '{ order(id: "gid://shopify/Customer/1") { id } }')
        garbage = await graphql(c, '{ order(id: "123") { id } }')
        missing = await graphql(c, '{ order(id: "gid://shopify/Order/1") { id } }')
    assert "expected a Order id" in first_error(wrong_type)["message"]
    assert first_error(garbage)["message"] == "Invalid global id '123'"
    assert missing["data"] == {"order": None}
    assert "errors" not in missing
