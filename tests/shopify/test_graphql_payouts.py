"""The shop and Shopify Payments through the GraphQL client (``shopifyPaymentsAccount``,
shopify-api-notes §9, §10) against the simulator: the same payouts, balance transactions and
balance as REST reads from the same seed, record by record and filter by filter; a payout's
balance transactions for many payouts in one query; no Shopify Payments account is REST's 404 and
a missing scope its 403 (an ``ApiAuthError`` naming the scope)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from tests.sandbox.shopify.helpers import make_order, make_seed
from tests.shopify.test_graphql_client import clients, demo_sandbox
from tests.shopify.test_payouts import NO_PAYOUTS
from tests.stepping_clock import SteppingClock

from shopxero.errors import ApiAuthError, NotFoundError
from shopxero.http.calllog import ListSink
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import shopify_credentials
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.shopify.auth import StaticTokenAuth
from shopxero.shopify.client import PAYOUTS_SCOPE
from shopxero.shopify.graphql_client import ShopifyGraphQLClient
from shopxero.shopify.models import (
    parse_balance_transaction,
    parse_payments_balance,
    parse_payout,
)

pytestmark = pytest.mark.anyio

SHOP_URL = "http://shop.test"


def _payouts(records: list[dict[str, Any]]) -> list[Any]:
    return [parse_payout(r).model_dump() for r in records]


def _transactions(records: list[dict[str, Any]]) -> list[Any]:
    return [parse_balance_transaction(r).model_dump() for r in records]


async def test_payouts_and_balance_transactions_are_the_same_records_as_rest() -> None:
    sandbox = demo_sandbox(SteppingClock())
    rest, graphql = clients(sandbox)
    async with rest, graphql:
        by_rest = [p async for p in rest.iter_payouts()]
        by_graphql = [p async for p in graphql.iter_payouts()]
        ledger_rest = [t async for t in rest.iter_balance_transactions()]
        ledger_graphql = [t async for t in graphql.iter_balance_transactions()]
        balance = (await rest.get_payments_balance(), await graphql.get_payments_balance())
        one = by_rest[len(by_rest) // 2]["id"]
        single = (await rest.get_payout(one), await graphql.get_payout(one))
        missing = await graphql.get_payout(1)
    # Newest first on both, every field alike once parsed (amounts, dates, kinds, summaries).
    assert len(by_rest) > 5 and _payouts(by_graphql) == _payouts(by_rest)
    assert {p["status"] for p in by_graphql} == {"paid", "in_transit"}
    assert [p["date"] for p in by_graphql] == [p["date"] for p in by_rest]  # the shop's day
    assert len(ledger_rest) > 20 and _transactions(ledger_graphql) == _transactions(ledger_rest)
    kinds = {t["type"] for t in ledger_graphql}
    assert {"charge", "refund", "dispute", "adjustment", "reserve"} <= kinds
    assert [parse_payments_balance(b) for b in balance[1]] == [
        parse_payments_balance(b) for b in balance[0]
    ]
    assert single[0] is not None and single[1] is not None
    assert parse_payout(single[1]) == parse_payout(single[0])
    assert missing is None


def _days(records: list[dict[str, Any]]) -> list[date]:
    return sorted(date.fromisoformat(r["date"]) for r in records)


@pytest.mark.parametrize(
    "filters",
    [
        {"status": "in_transit"},
        {"status": "paid"},
        {"date_min": "middle"},
        {"date_max": "middle"},
        {"on_date": "middle"},
        {"date_min": "middle", "date_max": "later"},
        {"since_id": "middle"},
        {"last_id": "middle"},
    ],
    ids=lambda f: ",".join(f),
)
async def test_payout_filters_choose_the_same_payouts(filters: dict[str, Any]) -> None:
    sandbox = demo_sandbox(SteppingClock())
    rest, graphql = clients(sandbox)
    async with rest, graphql:
        everything = [p async for p in rest.iter_payouts()]
        middle = everything[len(everything) // 2]
        later = date.fromisoformat(middle["date"]) + timedelta(days=9)
        values = {"middle": date.fromisoformat(middle["date"]), "later": later}
        if "since_id" in filters or "last_id" in filters:
            values["middle"] = middle["id"]
        chosen = {k: values.get(v, v) for k, v in filters.items()}
        by_rest = [p async for p in rest.iter_payouts(**chosen)]
        by_graphql = [p async for p in graphql.iter_payouts(**chosen)]
    assert 0 < len(by_rest) < len(everything)
    assert _payouts(by_graphql) == _payouts(by_rest)


@pytest.mark.parametrize(
    "filters",
    [{"payout_status": "pending"}, {"test": False}, {"payout_id": "paid"}, {"since_id": "mid"}],
    ids=lambda f: ",".join(f),
)
async def test_balance_transaction_filters_choose_the_same_rows(filters: dict[str, Any]) -> None:
    sandbox = demo_sandbox(SteppingClock())
    rest, graphql = clients(sandbox)
    async with rest, graphql:
        ledger = [t async for t in rest.iter_balance_transactions()]
        paid = next(t["payout_id"] for t in ledger if t["payout_status"] == "paid")
        values = {"paid": paid, "mid": ledger[len(ledger) // 2]["id"]}
        chosen = {k: values.get(v, v) for k, v in filters.items()}
        by_rest = [t async for t in rest.iter_balance_transactions(**chosen)]
        by_graphql = [t async for t in graphql.iter_balance_transactions(**chosen)]
    assert by_rest and _transactions(by_graphql) == _transactions(by_rest)


async def test_walking_the_paid_payouts_reads_their_transactions_a_batch_a_query() -> None:
    """A run lists payouts, then asks for each paid one's balance transactions, oldest first:
    one query answers many payouts (``payments_transfer_id:a OR ...``), each handed out whole."""
    seed = load_seed("bench:customers=40,products=5,orders=700")["shopify"]
    sandbox = create_shopify_app(seed, clock=SteppingClock(), credentials=shopify_credentials())
    sink = ListSink()
    rest, graphql = clients(sandbox, sink)
    async with rest, graphql:
        payouts = [p async for p in graphql.iter_payouts()]
        paid = sorted((p for p in payouts if p["status"] == "paid"), key=lambda p: p["date"])
        before = len(sink.records)
        for payout in paid:
            mine = [t async for t in graphql.iter_balance_transactions(payout_id=payout["id"])]
            theirs = [t async for t in rest.iter_balance_transactions(payout_id=payout["id"])]
            assert _transactions(mine) == _transactions(theirs), payout["id"]
            assert mine and {t["payout_id"] for t in mine} == {payout["id"]}
        queries = sink.records[before:]
    rows = sum(1 for t in seed["balance_transactions"] if t["payout_status"] == "paid")
    assert len(paid) > 40
    # About one query per page of 120 rows (a batch of 20 payouts may end a page early),
    # never one a payout as REST needs.
    assert len(queries) <= rows // 120 + len(paid) // 20 + 2 < len(paid)
    assert all("operation=BalanceTransactions" in (r.query or "") for r in queries)


async def test_the_shop_is_read_through_graphql_with_the_fields_the_engine_uses() -> None:
    sandbox = demo_sandbox(SteppingClock())
    rest, graphql = clients(sandbox)
    async with rest, graphql:
        by_rest, by_graphql = await rest.get_shop(), await graphql.get_shop()
    used = ("id", "name", "currency", "country_code", "iana_timezone", "has_gift_cards")
    assert {k: by_graphql[k] for k in used} == {k: by_rest[k] for k in used}
    assert by_graphql["myshopify_domain"] == by_rest["myshopify_domain"]
    assert by_graphql["enabled_presentment_currencies"] == by_rest["enabled_presentment_currencies"]


def _graphql_client(sandbox: Any, token: str, sink: ListSink) -> ShopifyGraphQLClient:
    return ShopifyGraphQLClient(
        shop_url=SHOP_URL,
        auth=StaticTokenAuth(token),
        transport=SandboxASGITransport(app=sandbox),
        clock=sandbox.clock,
        call_sink=sink,
        use_bulk=False,
    )


async def _first(records: Any) -> Any:
    async for record in records:
        return record
    return None


READS = [
    lambda c: c.get_payments_balance(),
    lambda c: _first(c.iter_payouts()),
    lambda c: _first(c.iter_balance_transactions()),
    lambda c: _first(c.iter_balance_transactions(payout_id=7700000001)),
]
READ_IDS = ["balance", "iter_payouts", "iter_balance_transactions", "one_payout's"]


@pytest.mark.parametrize("read", READS, ids=READ_IDS)
async def test_without_the_scope_graphql_access_denied_is_an_auth_error(read: Any) -> None:
    sandbox = create_shopify_app(
        load_seed("demo")["shopify"], clock=SteppingClock(), credentials=NO_PAYOUTS
    )
    sink = ListSink()
    async with _graphql_client(sandbox, NO_PAYOUTS.access_token, sink) as client:
        with pytest.raises(ApiAuthError) as caught:
            await read(client)
    message = str(caught.value)
    assert "ACCESS_DENIED at shopifyPaymentsAccount" in message
    assert PAYOUTS_SCOPE in message
    assert len(sink.records) == 1  # permanent: not retried


@pytest.mark.parametrize("read", READS, ids=READ_IDS)
async def test_a_shop_without_shopify_payments_is_not_found_on_both_apis(read: Any) -> None:
    """REST answers 404 (shopify-api-notes §9), GraphQL a null ``shopifyPaymentsAccount``:
    both are a ``NotFoundError``, which the payouts step reads as "no Shopify Payments"."""
    seed = make_seed(orders=[make_order(5500000000001)])
    assert not seed.get("payouts") and not seed.get("balance_transactions")
    sandbox = create_shopify_app(seed, clock=SteppingClock(), credentials=shopify_credentials())
    rest, graphql = clients(sandbox)
    async with rest, graphql:
        with pytest.raises(NotFoundError) as by_rest:
            await read(rest)
        with pytest.raises(NotFoundError) as by_graphql:
            await read(graphql)
        payout = (await rest.get_payout(7700000001), await graphql.get_payout(7700000001))
    assert by_rest.value.status == 404
    assert "no Shopify Payments account" in str(by_graphql.value)
    assert payout == (None, None)
