"""GraphQL connections page the way Shopify's do: ``first/after`` and ``last/before`` with opaque
cursors and ``pageInfo``, ``reverse`` and ``sortKey``, the ``query:`` search filter an
incremental sync uses (``updated_at:>…``), and a product's every variant (2,048), not REST's 100."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from tests.sandbox.shopify.graphql_helpers import DEMO_TOKEN, demo_sandbox, graphql
from tests.sandbox.shopify.helpers import (
    CREDENTIALS,
    auth_headers,
    build_sandbox,
    client_for,
    make_product,
    make_seed,
)

pytestmark = pytest.mark.anyio

PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $q: String,
  $reverse: Boolean, $sort: OrderSortKeys) {
  orders(first: $first, after: $after, last: $last, before: $before, query: $q,
         reverse: $reverse, sortKey: $sort) {
    edges { cursor node { id legacyResourceId updatedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }"""


async def walk(client: httpx.AsyncClient, **variables: Any) -> list[dict[str, Any]]:
    """Every page of orders forward; each page's pageInfo checked against its edges."""
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        body = await graphql(client, PAGE, {"first": 7, "after": after, **variables})
        assert "errors" not in body, body
        page = body["data"]["orders"]
        pages.append(page)
        if page["edges"]:
            assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]


def ids(pages: list[dict[str, Any]]) -> list[int]:
    return [int(e["node"]["legacyResourceId"]) for p in pages for e in p["edges"]]


async def test_pages_cover_every_order_once_in_order() -> None:
    async with client_for(demo_sandbox(graphql_bucket=10**6)) as c:
        by_id = await walk(c, sort="ID")
        by_update = await walk(c, sort="UPDATED_AT", reverse=True)
        rest = await c.get(
            "/admin/api/2026-10/orders.json?status=any&limit=250", headers=DEMO_TOKEN
        )
    expected = sorted(o["id"] for o in rest.json()["orders"])
    assert len(by_id) == 9  # 60 orders, 7 a page
    assert ids(by_id) == expected
    newest_first = sorted(
        rest.json()["orders"],
        key=lambda o: (datetime.fromisoformat(o["updated_at"]), o["id"]),
        reverse=True,
    )
    assert ids(by_update) == [o["id"] for o in newest_first]


async def test_last_and_before_page_backwards() -> None:
    async with client_for(demo_sandbox(graphql_bucket=10**6)) as c:
        tail = (await graphql(c, PAGE, {"last": 5, "sort": "ID"}))["data"]["orders"]
        before = (
            await graphql(
                c, PAGE, {"last": 5, "before": tail["pageInfo"]["startCursor"], "sort": "ID"}
            )
        )["data"]["orders"]
        everything = ids(await walk(c, sort="ID"))
    assert ids([tail]) == everything[-5:]
    assert tail["pageInfo"] == {**tail["pageInfo"], "hasNextPage": False, "hasPreviousPage": True}
    assert ids([before]) == everything[-10:-5]
    assert before["pageInfo"]["hasNextPage"] is True


async def test_updated_at_search_finds_what_changed_since() -> None:
    sandbox = demo_sandbox(graphql_bucket=10**6)
    async with client_for(sandbox) as c:
        since = sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        sandbox.clock.advance(60)
        changed = await c.post(
            "/_sandbox/records",
            json={
                "orders": [
                    {"id": 5500000000003, "note": "changed"},
                    {"id": 5500000000042, "note": "changed"},
                ]
            },
        )
        assert changed.status_code == 200, changed.text
        found = await walk(c, q=f"updated_at:>'{since}'")
        nothing = await walk(c, q=f"updated_at:>'{sandbox.clock.now().isoformat()}'")
        old = await walk(c, q=f"updated_at:<='{since}'")
    assert ids(found) == [5500000000003, 5500000000042]
    assert ids(nothing) == []
    assert len(ids(old)) == 58


async def test_an_unknown_search_field_is_ignored_with_a_warning() -> None:
    async with client_for(demo_sandbox()) as c:
        body = await graphql(c, '{ orders(first: 3, query: "colour:blue") { nodes { id } } }')
    assert len(body["data"]["orders"]["nodes"]) == 3
    assert body["extensions"]["search"] == [
        {
            "path": ["orders"],
            "query": "colour:blue",
            "warnings": [{"field": "colour", "message": "Invalid search field for this query."}],
        }
    ]


async def test_a_product_with_2048_variants_is_read_whole() -> None:
    seed = make_seed(products=[make_product(10, variants=2048)])
    variants_page = """query($after: String) { product(id: "gid://shopify/Product/10") {
        variantsCount { count precision }
        variants(first: 250, after: $after) { nodes { id sku }
          pageInfo { hasNextPage endCursor } } } }"""
    async with client_for(build_sandbox(seed, graphql_bucket=10**6)) as c:
        rest = await c.get("/admin/api/2026-07/products/10.json", headers=auth_headers())
        skus: list[str] = []
        after = None
        while True:
            body = await graphql(
                c,
                variants_page,
                {"after": after},
                headers={"X-Shopify-Access-Token": CREDENTIALS.access_token},
            )
            product = body["data"]["product"]
            skus += [v["sku"] for v in product["variants"]["nodes"]]
            if not product["variants"]["pageInfo"]["hasNextPage"]:
                break
            after = product["variants"]["pageInfo"]["endCursor"]
    assert len(rest.json()["product"]["variants"]) == 100  # REST's cap (shopify-api-notes §1)
    assert product["variantsCount"] == {"count": 2048, "precision": "EXACT"}
    assert skus == [f"SKU-10-{n}" for n in range(2048)]
