"""Shopify's official Python library (``ShopifyAPI`` 12.7) against the simulator over real HTTP,
its REST resources and its GraphQL client.

The simulator is a product of its own: anyone testing a Shopify tool should be able to point
Shopify's own client at it. These are the calls an outside client found failing (issue 16 §7):
``Variant.find`` by id and by product, ``Refund.find`` and ``Transaction.find`` by id within an
order, ``Customer.search``, and ``Limits``, which reads ``X-Shopify-Shop-Api-Call-Limit`` from a
plain dict, so only Shopify's own spelling of the name is found.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import shopify  # type: ignore[import-untyped]
from pyactiveresource.connection import ResourceNotFound  # type: ignore[import-untyped]
from tests.sandbox.shopify.helpers import (
    CREDENTIALS,
    VERSION,
    build_sandbox,
    make_customer,
    make_order,
    make_product,
    make_seed,
)

from shopxero.sandbox.server import serve_in_thread


@pytest.fixture
def session() -> Iterator[None]:
    seed = make_seed(
        products=[make_product(10, variants=3), make_product(20)],
        customers=[make_customer(1), make_customer(2)],
        orders=[make_order(1001)],
    )
    with serve_in_thread(build_sandbox(seed)) as server:
        shopify.ShopifyResource.activate_session(
            shopify.Session("sandbox.myshopify.com", VERSION, CREDENTIALS.access_token)
        )
        # The library builds https://<name>.myshopify.com from a shop name; its README's other
        # way in, set_site, points it at the simulator's own address instead.
        shopify.ShopifyResource.set_site(f"{server.url}/admin/api/{VERSION}")
        try:
            yield
        finally:
            shopify.ShopifyResource.clear_session()


def test_variants_by_id_and_by_product(session: None) -> None:
    variant = shopify.Variant.find(10001)
    assert (variant.id, variant.product_id, variant.sku) == (10001, 10, "SKU-10-1")
    variants = shopify.Variant.find(product_id=10)
    assert [v.id for v in variants] == [10000, 10001, 10002]
    assert [v.id for v in shopify.Variant.find(product_id=20)] == [20000]
    with pytest.raises(ResourceNotFound):
        shopify.Variant.find(99999)


def test_refund_and_transaction_by_id_within_their_order(session: None) -> None:
    refund = shopify.Refund.find(509562969, order_id=1001)
    assert (refund.id, refund.order_id) == (509562969, 450789469)  # as the fixture records it
    transaction = shopify.Transaction.find(389404469, order_id=1001)
    assert (transaction.id, transaction.kind) == (389404469, "authorization")
    assert len(shopify.Transaction.find(order_id=1001)) == 3
    with pytest.raises(ResourceNotFound):
        shopify.Refund.find(1, order_id=1001)


def test_customer_search(session: None) -> None:
    found = shopify.Customer.search(query="email:c2@example.com")
    assert [c.id for c in found] == [2]


def test_limits_read_the_call_limit_header(session: None) -> None:
    shopify.Shop.current()
    assert shopify.Limits.credit_limit() == 40
    used = shopify.Limits.credit_used()
    assert 1 <= used <= 40
    shopify.Variant.find(10001)
    assert shopify.Limits.credit_used() == used + 1  # the clock is frozen: nothing leaks out
    assert shopify.Limits.credit_left() == 40 - used - 1


def test_graphql_through_the_librarys_own_client(session: None) -> None:
    """``shopify.GraphQL`` posts to ``{site}/graphql.json`` with the session's token."""
    answer = json.loads(
        shopify.GraphQL().execute(
            "query($id: ID!) { order(id: $id) { name lineItems(first: 5) { nodes { sku } } } "
            "shop { name } }",
            variables={"id": "gid://shopify/Order/1001"},
        )
    )
    assert answer["data"]["order"]["name"] == "#1001"
    assert answer["data"]["shop"]["name"]
    assert answer["extensions"]["cost"]["requestedQueryCost"] == 9  # 1 + (2 + 5 x 1) + 1
    refused = json.loads(shopify.GraphQL().execute("{ orders(first: 1) { nodes { colour } } }"))
    assert refused["errors"][0]["message"] == "Field 'colour' doesn't exist on type 'Order'"
