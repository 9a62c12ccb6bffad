"""Bulk operations end to end (shopify-api-notes §10): submit, poll on the sandbox clock,
download the JSONL with no Shopify token, rebuild the tree from ``__parentId``; Shopify's limits
on the query and on concurrent operations; and the faults a test can inject."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from tests.sandbox.shopify.graphql_helpers import DEMO_TOKEN, demo_sandbox, graphql
from tests.sandbox.shopify.helpers import client_for

from shopxero.sandbox.shopify.app import ShopifySandbox

pytestmark = pytest.mark.anyio

RUN = """mutation($q: String!) { bulkOperationRunQuery(query: $q) {
  bulkOperation { id status } userErrors { field message code } } }"""
POLL = """query($id: ID!) { node(id: $id) { ... on BulkOperation {
  id status errorCode objectCount rootObjectCount fileSize url createdAt completedAt } } }"""
ORDERS = """{ orders { edges { node { id name totalPriceSet { shopMoney { amount } }
  transactions { id kind amountSet { presentmentMoney { amount } } }
  refunds { id note }
  lineItems { edges { node { id quantity sku } } }
  shippingLines { nodes { title } } } } } }"""


async def submit(client: httpx.AsyncClient, query: str, version: str = "2026-10") -> dict[str, Any]:
    body = await graphql(client, RUN, {"q": query}, version=version)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["bulkOperationRunQuery"]
    return result


async def poll(client: httpx.AsyncClient, op_id: str) -> dict[str, Any]:
    node: dict[str, Any] = (await graphql(client, POLL, {"id": op_id}))["data"]["node"]
    return node


async def finish(sandbox: ShopifySandbox, client: httpx.AsyncClient, op_id: str) -> dict[str, Any]:
    """Let the run end (real time) and the operation's time pass (sandbox time)."""
    sandbox.graphql.bulk.wait()
    sandbox.clock.advance(3600)
    return await poll(client, op_id)


async def test_a_bulk_query_end_to_end() -> None:
    sandbox = demo_sandbox()
    async with client_for(sandbox) as c:
        started = await submit(c, ORDERS)
        assert started["userErrors"] == []
        op_id = started["bulkOperation"]["id"]
        assert op_id.startswith("gid://shopify/BulkOperation/")
        assert started["bulkOperation"]["status"] == "CREATED"
        sandbox.clock.advance(0.5)
        running = await poll(c, op_id)
        assert (running["status"], running["url"]) == ("RUNNING", None)
        done = await finish(sandbox, c, op_id)
        current = (await graphql(c, "{ currentBulkOperation { id status } }"))["data"]
        download = await c.get(done["url"].removeprefix("https://jsmith.myshopify.com"))
        rest = await c.get(
            "/admin/api/2026-10/orders.json?status=any&limit=250", headers=DEMO_TOKEN
        )
    assert current == {"currentBulkOperation": {"id": op_id, "status": "COMPLETED"}}
    assert done["status"] == "COMPLETED" and done["errorCode"] is None
    assert done["completedAt"] is not None
    assert download.status_code == 200  # no Shopify token was sent
    assert download.headers["content-type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in download.text.splitlines()]
    assert done["objectCount"] == str(len(lines))
    assert done["fileSize"] == str(len(download.content))
    rest_orders = {o["admin_graphql_api_id"]: o for o in rest.json()["orders"]}
    assert done["rootObjectCount"] == str(len(rest_orders)) == "60"
    # Rebuild the tree: a child comes after its parent and names it in __parentId.
    seen: dict[str, dict[str, Any]] = {}
    for line in lines:
        parent = line.pop("__parentId", None)
        if parent is None:
            seen[line["id"]] = {**line, "lineItems": [], "shippingLines": []}
            continue
        assert parent in seen, "a child line came before its parent"
        key = "shippingLines" if "title" in line else "lineItems"
        seen[parent][key].append(line)
    assert set(seen) == set(rest_orders)
    for gid, order in seen.items():
        rest_order = rest_orders[gid]
        assert [li["id"] for li in order["lineItems"]] == [
            f"gid://shopify/LineItem/{li['id']}" for li in rest_order["line_items"]
        ]
        assert [s["title"] for s in order["shippingLines"]] == [
            s["title"] for s in rest_order["shipping_lines"]
        ]
        assert [r["id"] for r in order["refunds"]] == [
            r["admin_graphql_api_id"] for r in rest_order["refunds"]
        ]
        assert order["totalPriceSet"]["shopMoney"]["amount"].rstrip("0").rstrip(".") == rest_order[
            "total_price"
        ].rstrip("0").rstrip(".")


GROUPED = """mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: true) {
  bulkOperation { id status } userErrors { field message code } } }"""


async def _lines(sandbox: ShopifySandbox, run: str) -> list[dict[str, Any]]:
    async with client_for(sandbox) as c:
        body = await graphql(c, run, {"q": ORDERS})
        done = await finish(
            sandbox, c, body["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]
        )
        download = await c.get(done["url"].removeprefix("https://jsmith.myshopify.com"))
    return [json.loads(line) for line in download.text.splitlines()]


async def test_grouped_objects_follow_their_parent_and_ungrouped_ones_come_after_every_root() -> (
    None
):
    # groupObjects (shopify-api-notes §10): true puts each order's lines right after it, so a
    # reader can hand on an order once the next one begins; Shopify's default since 2026-01
    # (false) gives no such promise: here every order comes first, then every nested line.
    sandbox = demo_sandbox()
    grouped = await _lines(sandbox, GROUPED)
    current = None
    for line in grouped:
        if "__parentId" not in line:
            current = line["id"]
        else:
            assert line["__parentId"] == current, "a nested line strayed from its order"
    ungrouped = await _lines(sandbox, RUN)
    roots = [i for i, line in enumerate(ungrouped) if "__parentId" not in line]
    assert roots == list(range(len(roots))) and len(roots) == 60 < len(ungrouped)
    assert sorted(map(json.dumps, ungrouped)) == sorted(map(json.dumps, grouped))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ shop { name } }", "Bulk queries must contain at least one connection."),
        (
            '{ node(id: "gid://shopify/Order/1") { id } }',
            "Bulk queries cannot contain a top level `node` or `nodes` field.",
        ),
        (
            "{ customers { edges { node { id orders { edges { node { id lineItems { edges { node "
            "{ id } } } } } } } } } }",
            "Bulk queries cannot contain connections with a nesting depth greater than 2.",
        ),
        (
            "{ products { edges { node { id variants { edges { node { id } } } "
            "collections { edges { node { id } } } media { edges { node { id } } } "
            "metafields { edges { node { id } } } events { edges { node { id } } } } } } }",
            "Bulk queries cannot contain more than 5 connections.",
        ),
        (
            "{ orders { edges { node { name lineItems { edges { node { id } } } } } } }",
            "The parent 'node' field for a nested connection must select the 'id' field without "
            "an alias and must be of 'Node' type. Connection field: 'lineItems'",
        ),
        (
            "{ orders { edges { node { colour } } } }",
            "Invalid bulk query: Field 'colour' doesn't exist on type 'Order'",
        ),
        (
            "{ orders { edges { node { id risk { recommendation } } } } }",
            "Invalid bulk query: Order.risk is not simulated by the shopxero Shopify sandbox",
        ),
    ],
)
async def test_the_query_is_checked_before_it_runs(query: str, message: str) -> None:
    async with client_for(demo_sandbox()) as c:
        result = await submit(c, query)
    assert result["bulkOperation"] is None
    assert result["userErrors"] == [{"field": ["query"], "message": message, "code": "INVALID"}]


async def test_one_running_query_before_2026_01_and_five_from_it() -> None:
    sandbox = demo_sandbox()
    query = "{ customers { edges { node { id } } } }"
    async with client_for(sandbox) as c:
        first = await submit(c, query, version="2025-10")
        second = await submit(c, query, version="2025-10")
        newer = [await submit(c, query) for _ in range(4)]
        sixth = await submit(c, query)
        await finish(sandbox, c, first["bulkOperation"]["id"])
        after = await submit(c, query, version="2025-10")
    assert second["bulkOperation"] is None
    assert second["userErrors"][0]["code"] == "OPERATION_IN_PROGRESS"
    assert first["bulkOperation"]["id"] in second["userErrors"][0]["message"]
    assert all(n["userErrors"] == [] for n in newer)  # five running now, with the first
    assert sixth["userErrors"][0]["code"] == "OPERATION_IN_PROGRESS"
    assert after["userErrors"] == []


async def test_an_injected_failure_and_a_slow_operation() -> None:
    sandbox = demo_sandbox()
    query = "{ products { edges { node { id variants { edges { node { id sku } } } } } } }"
    async with client_for(sandbox) as c:
        sandbox.graphql.bulk.fail_next("INTERNAL_SERVER_ERROR")
        failed_id = (await submit(c, query))["bulkOperation"]["id"]
        failed = await finish(sandbox, c, failed_id)
        sandbox.graphql.bulk.slow_next(600)
        slow_id = (await submit(c, query))["bulkOperation"]["id"]
        sandbox.graphql.bulk.wait()
        sandbox.clock.advance(300)
        still = await poll(c, slow_id)
        sandbox.clock.advance(400)
        done = await poll(c, slow_id)
    assert (failed["status"], failed["errorCode"], failed["url"]) == (
        "FAILED",
        "INTERNAL_SERVER_ERROR",
        None,
    )
    assert still["status"] == "RUNNING"
    assert done["status"] == "COMPLETED" and done["url"]


async def test_results_expire_after_seven_days_and_a_run_can_be_cancelled() -> None:
    sandbox = demo_sandbox()
    query = "{ customers { edges { node { id email } } } }"
    async with client_for(sandbox) as c:
        op_id = (await submit(c, query))["bulkOperation"]["id"]
        done = await finish(sandbox, c, op_id)
        path = done["url"].removeprefix("https://jsmith.myshopify.com")
        assert (await c.get(path)).status_code == 200
        sandbox.clock.advance(7 * 24 * 3600)
        expired = await poll(c, op_id)
        gone = await c.get(path)
        running = (await submit(c, query))["bulkOperation"]["id"]
        cancel = await graphql(
            c,
            """mutation($id: ID!) { bulkOperationCancel(id: $id) {
            bulkOperation { status } userErrors { message } } }""",
            {"id": running},
        )
        sandbox.clock.advance(1)
        cancelled = await poll(c, running)
    assert (expired["status"], expired["url"]) == ("EXPIRED", None)
    assert gone.status_code == 404
    assert cancel["data"]["bulkOperationCancel"] == {
        "bulkOperation": {"status": "CANCELING"},
        "userErrors": [],
    }
    assert cancelled["status"] == "CANCELED"
