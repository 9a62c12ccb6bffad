"""``customers/search.json``: Shopify's query syntax as the simulator reads it (issue 16 §7;
the rules are in ``sandbox/shopify/customer_search.py``, the sources in shopify-api-notes §4a)."""

from __future__ import annotations

from typing import Any

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

pytestmark = pytest.mark.anyio


def _customers() -> list[dict[str, Any]]:
    ada = make_customer(1)
    ada.update(first_name="Ada", last_name="Lovelace", email="ada@analytical.example", tags="VIP")
    bob = make_customer(2)
    bob.update(first_name="Bob", last_name="Norman", email="bob@mail.example.com", tags="")
    cy = make_customer(3)
    cy.update(first_name="Cy", last_name="Young", email="cy@mail.example.com", tags="VIP, New")
    cy["verified_email"] = False
    return [ada, bob, cy]


async def _ids(c: httpx.AsyncClient, query: str, **params: str) -> list[int]:
    r = await c.get(
        api("customers/search.json"), params={"query": query, **params}, headers=auth_headers()
    )
    assert r.status_code == 200, r.text
    return sorted(customer["id"] for customer in r.json()["customers"])


async def test_email_terms_whole_and_with_a_wildcard() -> None:
    async with client_for(build_sandbox(make_seed(customers=_customers(), orders=[]))) as c:
        assert await _ids(c, "email:bob@mail.example.com") == [2]
        assert await _ids(c, "email:BOB@MAIL.EXAMPLE.COM") == [2]
        assert await _ids(c, "email:*@mail.example.com") == [2, 3]
        assert await _ids(c, "email:bob@mail") == []  # not a prefix unless it ends with *
        assert await _ids(c, "email:bob*") == [2]


async def test_free_text_matches_whole_words_of_any_field_and_terms_all_apply() -> None:
    async with client_for(build_sandbox(make_seed(customers=_customers(), orders=[]))) as c:
        assert await _ids(c, "lovelace") == [1]
        assert await _ids(c, "vip") == [1, 3]
        assert await _ids(c, "vip young") == [3]
        assert await _ids(c, "tag:VIP verified_email:true") == [1]
        assert await _ids(c, "Norm") == []
        assert await _ids(c, "") == [1, 2, 3]


async def test_a_documented_term_the_simulator_does_not_evaluate_is_refused_by_name() -> None:
    async with client_for(build_sandbox(make_seed(customers=_customers(), orders=[]))) as c:
        r = await c.get(
            api("customers/search.json"),
            params={"query": "orders_count:>5"},
            headers=auth_headers(),
        )
    assert r.status_code == 400
    assert "orders_count" in r.json()["errors"]["query"][0]


async def test_default_order_is_last_order_date_desc_and_pages_link_on() -> None:
    older, newer = make_order(5001, days_ago=9), make_order(5002, days_ago=2)
    older["customer"] = {**older["customer"], "id": 1}
    newer["customer"] = {**newer["customer"], "id": 2}
    seed = make_seed(customers=_customers(), orders=[older, newer])
    async with client_for(build_sandbox(seed)) as c:
        first = await c.get(
            api("customers/search.json"),
            params={"query": "", "limit": "2"},
            headers=auth_headers(),
        )
        assert [x["id"] for x in first.json()["customers"]] == [3, 2]  # no order yet, newest
        next_url = first.headers["Link"].split(";")[0].strip("<>")
        second = await c.get(next_url, headers=auth_headers())
    assert [x["id"] for x in second.json()["customers"]] == [1]
    assert 'rel="previous"' in second.headers["Link"]
