"""Cursor pagination via the ``Link`` header (shopify-api-notes §4), in process and over HTTP."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tests.sandbox.shopify.helpers import (
    api,
    auth_headers,
    build_sandbox,
    client_for,
    make_customer,
    make_order,
    make_seed,
)

from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.shopify.pagination import Cursor, encode_cursor

pytestmark = pytest.mark.anyio

# How Shopify's own clients parse it (shopify-api-notes §4).
LINK = re.compile(r'<([^<]+)>; rel="([^"]+)"')


def links(response: httpx.Response) -> dict[str, str]:
    header = response.headers.get("link")
    if header is None:
        return {}
    return {rel: url for url, rel in (LINK.match(p).groups() for p in header.split(", "))}  # type: ignore[union-attr]


def seed_with(n_orders: int) -> dict[str, Any]:
    # Ids ascending while created_at descends, so the two sort orders differ.
    return make_seed(orders=[make_order(5000 + i, days_ago=1 + i / 10) for i in range(n_orders)])


async def walk(client: httpx.AsyncClient, first: str) -> tuple[list[list[int]], list[str]]:
    """Follow rel=next verbatim from ``first``; the pages' ids and the URLs used."""
    pages: list[list[int]] = []
    urls = [first]
    url: str | None = first
    while url is not None:
        r = await client.get(url, headers=auth_headers())
        assert r.status_code == 200, r.text
        pages.append([o["id"] for o in r.json()["orders"]])
        url = links(r).get("next")
        if url is not None:
            urls.append(url)
        assert len(pages) < 50, "pagination loop"
    return pages, urls


async def test_pages_follow_the_link_header_to_the_end() -> None:
    async with client_for(build_sandbox(seed_with(23))) as c:
        pages, urls = await walk(c, api("orders.json?status=any&limit=5&fields=id"))
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [i for p in pages for i in p] == list(range(5000, 5023))
    # Shopify's shape: the next URL has only limit, fields and page_info (shopify-api-notes §4).
    for url in urls[1:]:
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.netloc == "jsmith.myshopify.com"
        assert parts.path == "/admin/api/2026-07/orders.json"
        assert list(parse_qs(parts.query)) == ["limit", "fields", "page_info"]
        assert parse_qs(parts.query)["limit"] == ["5"]


async def test_no_link_header_when_everything_fits_on_one_page() -> None:
    async with client_for(build_sandbox(seed_with(5))) as c:
        r = await c.get(api("orders.json?status=any&limit=5"), headers=auth_headers())
        assert len(r.json()["orders"]) == 5
        assert "link" not in r.headers


async def test_previous_links_walk_back_and_filters_survive_the_cursor() -> None:
    async with client_for(build_sandbox(seed_with(12))) as c:
        first = api("orders.json?status=any&limit=4&since_id=5001&order=created_at%20desc")
        r1 = await c.get(first, headers=auth_headers())
        assert "previous" not in links(r1)
        r2 = await c.get(links(r1)["next"], headers=auth_headers())
        r3 = await c.get(links(r2)["next"], headers=auth_headers())
        ids = [[o["id"] for o in r.json()["orders"]] for r in (r1, r2, r3)]
        # created_at desc = id asc here; since_id=5001 keeps applying on later pages.
        assert ids == [[5002, 5003, 5004, 5005], [5006, 5007, 5008, 5009], [5010, 5011]]
        assert "next" not in links(r3)
        back = await c.get(links(r3)["previous"], headers=auth_headers())
        assert [o["id"] for o in back.json()["orders"]] == ids[1]
        back = await c.get(links(back)["previous"], headers=auth_headers())
        assert [o["id"] for o in back.json()["orders"]] == ids[0]
        assert "previous" not in links(back)


async def test_repeated_traversals_are_identical() -> None:
    async with client_for(build_sandbox(seed_with(17))) as c:
        first = api("orders.json?status=any&limit=4")
        assert await walk(c, first) == await walk(c, first)


async def test_records_added_during_a_traversal_are_not_repeated_or_skipped() -> None:
    app = build_sandbox(seed_with(10))
    async with client_for(app) as c:
        r1 = await c.get(api("orders.json?status=any&limit=4"), headers=auth_headers())
        app.upsert_records({"orders": [make_order(4000), make_order(9000)]})
        rest, _ = await walk(c, links(r1)["next"])
    seen = [o["id"] for o in r1.json()["orders"]] + [i for p in rest for i in p]
    assert seen == [*range(5000, 5010), 9000]


@pytest.mark.parametrize(
    "extra", ["status=any", "created_at_min=2026-01-01", "since_id=1", "order=id%20desc"]
)
async def test_page_info_with_a_filter_is_refused(extra: str) -> None:
    async with client_for(build_sandbox(seed_with(8))) as c:
        r1 = await c.get(api("orders.json?status=any&limit=3"), headers=auth_headers())
        r = await c.get(f"{links(r1)['next']}&{extra}", headers=auth_headers())
    assert r.status_code == 400
    name = extra.split("=")[0]
    assert r.json() == {
        "errors": {"page_info": [f"{name} cannot be passed when page_info is present"]}
    }


async def test_limit_and_fields_may_change_between_pages() -> None:
    async with client_for(build_sandbox(seed_with(8))) as c:
        r1 = await c.get(api("orders.json?status=any&limit=3"), headers=auth_headers())
        info = parse_qs(urlsplit(links(r1)["next"]).query)["page_info"][0]
        r2 = await c.get(
            api(f"orders.json?page_info={info}&limit=10&fields=id"), headers=auth_headers()
        )
    assert r2.json()["orders"] == [{"id": i} for i in range(5003, 5008)]


@pytest.mark.parametrize(
    "page_info",
    [
        "garbage",
        "eyJub3QiOiJhIGN1cnNvciJ9",  # base64 of {"not":"a cursor"}
        encode_cursor(Cursor("customers", {}, "id asc", "next", (1.0, 1))),  # another resource
    ],
)
async def test_a_page_info_not_made_here_is_refused(page_info: str) -> None:
    async with client_for(build_sandbox(seed_with(3))) as c:
        r = await c.get(api(f"orders.json?page_info={page_info}"), headers=auth_headers())
    assert (r.status_code, r.json()) == (400, {"errors": {"page_info": ["Invalid value."]}})


async def test_customers_paginate_too() -> None:
    seed = make_seed(customers=[make_customer(100 + i) for i in range(7)])
    async with client_for(build_sandbox(seed)) as c:
        r = await c.get(api("customers.json?limit=3&fields=id"), headers=auth_headers())
        ids = [x["id"] for x in r.json()["customers"]]
        while "next" in links(r):
            r = await c.get(links(r)["next"], headers=auth_headers())
            ids += [x["id"] for x in r.json()["customers"]]
    assert ids == list(range(100, 107))


def test_link_header_over_real_http_points_at_the_server_itself() -> None:
    """The Link URL is absolute and usable verbatim against the real socket."""
    app = build_sandbox(seed_with(7))
    with serve_in_thread(app) as server, httpx.Client(base_url=server.url) as c:
        r = c.get(api("orders.json?status=any&limit=3&fields=id"), headers=auth_headers())
        assert r.headers["link"].startswith(f"<{server.url}/admin/api/2026-07/orders.json?limit=3")
        ids = [o["id"] for o in r.json()["orders"]]
        while "next" in links(r):
            r = c.get(links(r)["next"], headers=auth_headers())
            ids += [o["id"] for o in r.json()["orders"]]
    assert ids == list(range(5000, 5007))
