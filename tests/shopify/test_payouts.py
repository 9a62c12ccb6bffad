"""ShopifyClient's Shopify Payments reads against the simulator (shopify-api-notes §9): payouts,
one payout, a payout's balance transactions, the balance; filters on the wire, pages followed,
the 403 without the scope; and the models on what comes back and on bad money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest

from shopxero.errors import ApiAuthError, MappingError
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import shopify_credentials
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.sandbox.shopify.auth import ShopifyCredentials
from shopxero.shopify.client import PAYOUTS_SCOPE
from shopxero.shopify.models import (
    BalanceTransaction,
    parse_balance_transaction,
    parse_payments_balance,
    parse_payout,
)

pytestmark = pytest.mark.anyio


def _queries(sandbox: ShopifySandbox, suffix: str) -> list[dict[str, list[str]]]:
    return [parse_qs(r["query"]) for r in sandbox.log.entries() if r["path"].endswith(suffix)]


async def test_payouts_parse_and_filters_go_on_the_wire(make_client, shop_sandbox):
    state = shop_sandbox.state()
    client, _, _ = make_client()
    payouts = [parse_payout(p) async for p in client.iter_payouts()]
    moving = [p async for p in client.iter_payouts(status="in_transit")]
    middle = sorted(state["payouts"], key=lambda p: p["date"])[len(state["payouts"]) // 2]
    day = date.fromisoformat(middle["date"])
    window = [p async for p in client.iter_payouts(date_min=day, date_max=day)]
    on_day = [p async for p in client.iter_payouts(on_date=day)]
    after = [p async for p in client.iter_payouts(since_id=middle["id"])]
    await client.aclose()
    assert sorted(p.id for p in payouts) == sorted(p["id"] for p in state["payouts"])
    assert all(p.amount is not None and p.summary is not None for p in payouts)
    assert all(p.summary.net == p.amount for p in payouts if p.summary is not None)
    assert [p["status"] for p in moving] == ["in_transit"]
    assert (
        {p["id"] for p in window}
        == {p["id"] for p in on_day}
        == {p["id"] for p in state["payouts"] if p["date"] == middle["date"]}
    )
    assert {p["id"] for p in after} == {p["id"] for p in state["payouts"] if p["id"] > middle["id"]}
    sent = _queries(shop_sandbox, "/shopify_payments/payouts.json")
    assert sent[0] == {"limit": ["250"]}
    assert sent[1]["status"] == ["in_transit"]
    assert sent[2]["date_min"] == sent[2]["date_max"] == [middle["date"]]
    assert sent[3]["date"] == [middle["date"]]


async def test_one_payout_and_a_missing_one(make_client, shop_sandbox):
    payout = shop_sandbox.state()["payouts"][0]
    client, _, _ = make_client()
    assert await client.get_payout(payout["id"]) == payout
    assert await client.get_payout(1) is None
    await client.aclose()


async def test_a_payouts_transactions_add_up_to_it(make_client, shop_sandbox):
    """amount == sum(net) of its balance transactions, read through the client, as Decimals."""
    client, _, _ = make_client()
    async for raw in client.iter_payouts():
        payout = parse_payout(raw)
        rows = [
            parse_balance_transaction(bt)
            async for bt in client.iter_balance_transactions(payout_id=payout.id)
        ]
        assert rows and {bt.payout_id for bt in rows} == {payout.id}
        assert sum((bt.net or Decimal(0) for bt in rows), Decimal(0)) == payout.amount
    await client.aclose()
    sent = _queries(shop_sandbox, "/balance/transactions.json")
    assert all(set(q) == {"limit", "payout_id"} for q in sent)


async def test_pending_transactions_make_the_balance(make_client, shop_sandbox):
    client, _, _ = make_client()
    pending = [
        parse_balance_transaction(bt)
        async for bt in client.iter_balance_transactions(payout_status="pending", test=False)
    ]
    balance = [parse_payments_balance(b) for b in await client.get_payments_balance()]
    await client.aclose()
    assert pending and all(bt.payout_id is None for bt in pending)
    by_currency = {b.currency: b.amount for b in balance}
    assert by_currency["GBP"] == sum((bt.net or Decimal(0) for bt in pending), Decimal(0))
    sent = _queries(shop_sandbox, "/balance/transactions.json")[0]
    assert sent["test"] == ["false"] and sent["payout_status"] == ["pending"]


async def test_balance_transactions_come_in_pages(make_client, sandbox_clock):
    """A bench shop's ledger is longer than a page: the Link is followed verbatim, the filter
    stays on the first request only (shopify-api-notes §4)."""
    seed = load_seed("bench:customers=40,products=5,orders=700")["shopify"]
    big = create_shopify_app(seed, clock=sandbox_clock, credentials=shopify_credentials())
    client, _, _ = make_client(sandbox=big)
    rows = [bt async for bt in client.iter_balance_transactions(test=False)]
    await client.aclose()
    assert len(rows) == len(seed["balance_transactions"]) > 250
    assert len({bt["id"] for bt in rows}) == len(rows)
    sent = _queries(big, "/balance/transactions.json")
    assert len(sent) == -(-len(rows) // 250)
    assert sent[0]["test"] == ["false"]
    assert all(set(q) == {"limit", "page_info"} for q in sent[1:])


NO_PAYOUTS = ShopifyCredentials(
    access_token="shpat_nopayouts" + "4" * 23,
    client_id="cid",
    client_secret="csecret",
    scopes=("read_customers", "read_products", "read_orders", "read_all_orders"),
)


@pytest.mark.parametrize(
    "read",
    [
        lambda c: c.get_payout(7700000001),
        lambda c: c.get_payments_balance(),
        lambda c: _first(c.iter_payouts()),
        lambda c: _first(c.iter_balance_transactions(payout_id=7700000001)),
    ],
    ids=["get_payout", "balance", "iter_payouts", "iter_balance_transactions"],
)
async def test_without_the_scope_shopifys_403_is_an_auth_error(make_client, demo_shop, read):
    app = create_shopify_app(demo_shop, credentials=NO_PAYOUTS)
    client, sink, _ = make_client(sandbox=app, token=NO_PAYOUTS.access_token)
    with pytest.raises(ApiAuthError) as caught:
        await read(client)
    await client.aclose()
    error = caught.value
    assert error.status == 403 and error.service == "shopify"
    assert f"requires merchant approval for {PAYOUTS_SCOPE} scope" in error.message
    assert len(sink.records) == 1  # permanent: not retried


async def _first(records: Any) -> Any:
    async for record in records:
        return record
    return None


def test_models_name_the_record_and_the_field() -> None:
    with pytest.raises(MappingError) as caught:
        parse_payout({"id": 5, "amount": "1.00", "summary": {"refunds_fee_amount": "-0,23"}})
    assert (caught.value.entity, caught.value.source_id) == ("payout", "5")
    assert caught.value.field == "summary.refunds_fee_amount"
    with pytest.raises(MappingError) as caught:
        parse_balance_transaction({"id": 6, "net": "1E+3"})
    assert (caught.value.entity, caught.value.field) == ("balance_transaction", "net")
    with pytest.raises(MappingError) as caught:
        parse_balance_transaction({"id": 7, "processed_at": "2024-01-10T07:34:56"})
    assert caught.value.field == "processed_at"


def test_models_keep_open_strings_and_nulls() -> None:
    """Types and source types the reference does not list, null sources (a reserve)."""
    bt = parse_balance_transaction(
        {"id": 1, "type": "SHOPIFY_COLLECTIVE_DEBIT_REVERSAL", "test": None,
         "source_type": "Payments::Balance::AdjustmentReversal", "payout_id": None,
         "adjustment_order_transactions": None, "amount": "-0.75", "fee": "0.00", "net": "-0.75"}
    )  # fmt: skip
    assert isinstance(bt, BalanceTransaction)
    assert bt.test is False and bt.adjustment_order_transactions == []
    assert bt.amount == Decimal("-0.75")
    payout = parse_payout({"id": 2, "date": "2012-11-12", "summary": None})
    assert payout.date == date(2012, 11, 12) and payout.summary is None
