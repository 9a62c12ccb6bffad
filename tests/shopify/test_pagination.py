"""Link-header pagination: parsing, following verbatim, and refusing loops
(shopify-api-notes §4)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from shopxero.errors import PermanentApiError
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import SHOPIFY_ACCESS_TOKEN, shopify_credentials
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.shopify.auth import StaticTokenAuth
from shopxero.shopify.client import ShopifyClient
from shopxero.shopify.pagination import (
    CursorGuard,
    PaginationLoopError,
    next_link,
    page_info_of,
    parse_link_header,
)

pytestmark = pytest.mark.anyio

BASE = "https://s.myshopify.com/admin/api/2026-10/orders.json"
LINK = f'<{BASE}?limit=2&page_info=abc>; rel="previous", <{BASE}?limit=2&page_info=def>; rel="next"'


def test_link_header_is_parsed_like_shopifys_clients_do() -> None:
    links = parse_link_header(LINK)
    assert links["previous"].endswith("page_info=abc")
    assert (
        next_link(LINK)
        == "https://s.myshopify.com/admin/api/2026-10/orders.json?limit=2&page_info=def"
    )
    assert next_link(None) is None
    assert next_link('<https://x/y?page_info=a>; rel="previous"') is None
    assert page_info_of(next_link(LINK) or "") == "def"


def test_cursor_guard_refuses_a_repeat() -> None:
    guard = CursorGuard()
    guard.check("https://x/o.json?page_info=a")
    guard.check("https://x/o.json?page_info=b")
    with pytest.raises(PaginationLoopError, match="pagination loop"):
        guard.check("https://x/o.json?limit=9&page_info=a")


async def test_pages_follow_the_link_url_verbatim(make_client, shop_sandbox) -> None:
    """Filters go on the first request only; every later request is exactly the Link URL."""
    client, _, _ = make_client()
    pages = [
        p
        async for p in client.iter_pages(
            "customers", {"limit": "7", "updated_at_min": "2000-01-01T00:00:00Z"}
        )
    ]
    total = len(shop_sandbox.state()["customers"])
    assert [len(p) for p in pages][:-1] == [7] * (len(pages) - 1)
    assert sum(len(p) for p in pages) == total
    ids = [c["id"] for p in pages for c in p]
    assert len(set(ids)) == total  # no record twice, none skipped
    requests = [r for r in shop_sandbox.log.entries() if r["path"].endswith("/customers.json")]
    assert len(requests) == len(pages)
    first = parse_qs(requests[0]["query"])
    assert first["updated_at_min"] == ["2000-01-01T00:00:00Z"] and "page_info" not in first
    for request in requests[1:]:
        query = parse_qs(request["query"])
        assert set(query) == {"limit", "page_info"}  # the cursor carries the filters
    await client.aclose()


async def test_page_requests_are_the_link_urls_byte_for_byte() -> None:
    seen: list[str] = []
    pages = {
        None: (
            '<https://s.test/admin/api/2026-10/orders.json?page_info=A%2Bb&limit=250>; rel="next"',
            [1],
        ),
        "A%2Bb": (
            '<https://s.test/admin/api/2026-10/orders.json?page_info=C_d-&limit=250>; rel="next"',
            [2],
        ),
        "C_d-": (None, [3]),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/admin/oauth/access_scopes.json":
            return httpx.Response(200, json={"access_scopes": [{"handle": "read_all_orders"}]})
        seen.append(str(request.url))
        raw = request.url.query.decode()
        info = dict(p.split("=", 1) for p in raw.split("&")).get("page_info")
        link, ids = pages[info]
        headers = {"Link": link} if link else {}
        return httpx.Response(200, json={"orders": [{"id": i} for i in ids]}, headers=headers)

    client = ShopifyClient(
        shop_url="https://s.test",
        auth=StaticTokenAuth("shpat_test_token_0000"),
        transport=httpx.MockTransport(handler),
    )
    ids = [o["id"] async for o in client.iter_orders()]
    await client.aclose()
    assert ids == [1, 2, 3]
    assert seen[0] == "https://s.test/admin/api/2026-10/orders.json?limit=250&status=any"
    assert seen[1] == "https://s.test/admin/api/2026-10/orders.json?page_info=A%2Bb&limit=250"
    assert seen[2] == "https://s.test/admin/api/2026-10/orders.json?page_info=C_d-&limit=250"


async def test_a_repeated_cursor_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        link = (
            '<https://s.test/admin/api/2026-10/customers.json?limit=250&page_info=same>; rel="next"'
        )
        return httpx.Response(200, json={"customers": [{"id": 1}]}, headers={"Link": link})

    client = ShopifyClient(
        shop_url="https://s.test",
        auth=StaticTokenAuth("shpat_test_token_0000"),
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(PermanentApiError, match="pagination loop"):
        _ = [c async for c in client.iter_customers()]
    await client.aclose()


async def test_a_link_to_another_host_is_not_followed() -> None:
    """The token travels with the request, so a Link to a foreign host is refused."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.host)
        link = '<https://evil.test/admin/api/2026-10/customers.json?page_info=x>; rel="next"'
        return httpx.Response(200, json={"customers": []}, headers={"Link": link})

    client = ShopifyClient(
        shop_url="https://s.test",
        auth=StaticTokenAuth("shpat_test_token_0000"),
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(PermanentApiError, match="another host"):
        _ = [c async for c in client.iter_customers()]
    await client.aclose()
    assert calls == ["s.test"]


async def test_default_page_size_is_250_across_several_pages(sandbox_clock) -> None:
    seed = load_seed("bench:customers=600,products=1,orders=1")["shopify"]
    sandbox = create_shopify_app(seed, clock=sandbox_clock, credentials=shopify_credentials())
    from shopxero.sandbox.transport import SandboxASGITransport

    client = ShopifyClient(
        shop_url="http://shop.test",
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=SandboxASGITransport(app=sandbox),
        clock=sandbox_clock,
    )
    sizes = [len(p) async for p in client.iter_pages("customers", {})]
    await client.aclose()
    assert sizes == [250, 250, 100]
    queries = [r["query"] for r in sandbox.log.entries()]
    assert all("limit=250" in q for q in queries)
    assert urlsplit("http://x/?" + queries[0]).query == "limit=250"
