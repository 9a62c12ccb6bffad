"""Refunded additional fees through the GraphQL client: not fields of the 2026-10 ``Refund``, they
are read from the orders' refund agreements (shopify-api-notes §10 "Sales agreements") and become
the same ``Refund.additional_fees`` / ``total_additional_fees_set`` as REST's, on every read path
(pages, a bulk operation, a run's prepared changes, orders by id), in one ``Agreements`` query for
all the orders that need it (a bulk read: in its refunds' request), and in none when no refunded
order has additional fees; an order with more agreements than a page holds is read whole through
REST."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.fidelity import cases_refund_fees
from tests.fidelity.lifecycle import _seed
from tests.shopify.test_graphql_calls import calls
from tests.shopify.test_graphql_client import SHOP_URL, clients, demo_sandbox
from tests.stepping_clock import SteppingClock

from shopxero.sandbox.seeds.credentials import SHOPIFY_ACCESS_TOKEN, shopify_credentials
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.shopify import graphql_queries as q
from shopxero.shopify import models
from shopxero.shopify.auth import StaticTokenAuth
from shopxero.shopify.graphql_client import ShopifyGraphQLClient

pytestmark = pytest.mark.anyio

FEES = ("additional_fees", "total_additional_fees_set")


def fee_sandbox() -> ShopifySandbox:
    seed, _ = _seed([c.life for c in cases_refund_fees.CASES], ())
    return create_shopify_app(
        seed["shopify"], clock=SteppingClock(), credentials=shopify_credentials()
    )


def refunded_fees(orders: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Each refund that gave fees back, as the domain model holds them."""
    out = {}
    for order in orders:
        for refund in models.Order.model_validate(order).refunds:
            if refund.additional_fees:
                out[refund.id] = refund.model_dump(include=set(FEES))
    return out


async def _read(graphql: ShopifyGraphQLClient, path: str) -> list[dict[str, Any]]:
    if path == "changed":  # a run's prepared reads: ids changed, then their records by id
        since = datetime(2000, 1, 1, tzinfo=UTC)
        await graphql.prepare_reads({"orders": since})
        return [o async for o in graphql.iter_orders(updated_at_min=since)]
    return [o async for o in graphql.iter_orders()]


@pytest.mark.parametrize("path", ["paged", "bulk", "changed"])
async def test_refunded_fees_read_as_rest_has_them_in_one_query(path: str) -> None:
    sandbox = fee_sandbox()
    rest, graphql = clients(sandbox, use_bulk=path == "bulk")
    async with rest, graphql:
        by_rest = [o async for o in rest.iter_orders()]
        mark = len(sandbox.log.entries())
        by_graphql = await _read(graphql, path)
    expected = refunded_fees(by_rest)
    assert len(expected) >= 2  # the corpus gives fees back in more than one order
    assert refunded_fees(by_graphql) == expected
    # Every order that needed its agreements, in one query (a bulk read's: the same request as
    # its refunds); nothing read through REST.
    made = calls(sandbox, mark)
    if path == "bulk":
        assert (made["RefundsAndAgreements"], made.get("Refunds"), made.get("Agreements")) == (
            1,
            None,
            None,
        )
    else:
        assert made["Agreements"] == 1
    assert not any(name.startswith("GET") and "orders" in name for name in made), made


async def test_orders_read_by_id_carry_their_refunded_fees() -> None:
    sandbox = fee_sandbox()
    rest, graphql = clients(sandbox)
    async with rest, graphql:
        by_rest = [o async for o in rest.iter_orders()]
        expected = refunded_fees(by_rest)
        owners = [o["id"] for o in by_rest if any(r.get("additional_fees") for r in o["refunds"])]
        mark = len(sandbox.log.entries())
        many = await graphql.get_orders(owners)
        assert calls(sandbox, mark) == {"OrderNodes": 1, "OrderNodesAgreements": 1}
        one = await graphql.get_order(owners[0])
    assert refunded_fees([o for o in many.values() if o]) == expected
    assert one is not None
    assert refunded_fees([one]) == {
        k: v for k, v in expected.items() if k in {r["id"] for r in one["refunds"]}
    }


async def test_no_agreements_are_read_when_no_refunded_order_has_additional_fees() -> None:
    sandbox = demo_sandbox(SteppingClock())
    _, graphql = clients(sandbox)
    async with graphql:
        orders = [o async for o in graphql.iter_orders()]
    assert any(o["refunds"] for o in orders)
    assert Counter(calls(sandbox, 0))["Agreements"] == 0


async def test_an_order_with_more_agreements_than_a_page_is_read_whole_through_rest() -> None:
    sandbox = fee_sandbox()
    rest, _ = clients(sandbox)
    async with rest:
        by_rest = [o async for o in rest.iter_orders()]
    order = next(o for o in by_rest if any(r.get("additional_fees") for r in o["refunds"]))
    # Refunds that give nothing back, each its own agreement: one more than a page holds.
    empty = [
        {**order["refunds"][0], "id": 9_900_000_000_000 + n, "admin_graphql_api_id": None}
        | {"refund_line_items": [], "transactions": [], "order_adjustments": []}
        | {"additional_fees": [], "total_additional_fees_set": None}
        for n in range(q.AGREEMENTS_PAGE)
    ]
    sandbox.upsert_records({"orders": [{**order, "refunds": [*order["refunds"], *empty]}]})
    warnings: list[str] = []
    rest, _ = clients(sandbox)
    graphql = ShopifyGraphQLClient(
        shop_url=SHOP_URL,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=SandboxASGITransport(app=sandbox),
        clock=sandbox.clock,
        warn=warnings.append,
    )
    async with rest, graphql:
        expected = await rest.get_order(order["id"])
        read = await graphql.get_order(order["id"])
    assert warnings == [
        f"order {order['name']} has more sales agreements than one GraphQL page holds: "
        "read through REST"
    ]
    assert read is not None and expected is not None
    assert refunded_fees([read]) == refunded_fees([expected]) != {}
