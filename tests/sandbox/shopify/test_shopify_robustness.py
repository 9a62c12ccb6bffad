"""Whatever a client puts in the query string, the simulator answers 200 or a 400 naming the
parameter, never a 500 (a crash would look like a Shopify outage to the client under test)."""

from __future__ import annotations

from urllib.parse import urlencode

import anyio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.sandbox.shopify.helpers import api, auth_headers, build_sandbox, client_for

NAMES = [
    "limit",
    "fields",
    "ids",
    "since_id",
    "status",
    "financial_status",
    "fulfillment_status",
    "created_at_min",
    "updated_at_max",
    "processed_at_min",
    "order",
    "name",
    "page_info",
    "published_status",
    "handle",
]
VALUES = st.one_of(
    st.sampled_from(["", "1", "0", "-1", "250", "251", "any", "open", "a,b", "2026-01-01", ","]),
    st.text(max_size=12),
)
PATHS = [
    "orders.json",
    "orders/count.json",
    "products.json",
    "customers.json",
    "products/count.json",
]
APP = build_sandbox(bucket_size=1_000_000)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(PATHS),
    params=st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=4),
)
def test_any_query_gets_200_or_400(path: str, params: list[tuple[str, str]]) -> None:
    async def call() -> None:
        async with client_for(APP) as c:
            r = await c.get(f"{api(path)}?{urlencode(params)}", headers=auth_headers())
        assert r.status_code in (200, 400), (params, r.text)
        if r.status_code == 400:
            (param,) = r.json()["errors"]
            assert param in {name for name, _ in params} | {"page_info"}

    anyio.run(call)
