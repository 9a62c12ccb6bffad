"""Shopify Payments payouts and balance transactions of the seeds (``sandbox/seeds/payouts.py``):
they add up (``payout_invariants``), the demo has every special case, the generation is a
repeatable function of the orders, and the records have the fixtures' shape."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.seeds.conftest import NOW
from tests.seeds.payout_invariants import D, balance_by_currency, payout_problems
from tests.seeds.test_shapes import shape_problems
from tests.vendored import SHOPIFY_REST_FIXTURES

from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.demo import DEMO_PAYMENTS
from shopxero.sandbox.seeds.payouts import (
    DISPUTE_FEE,
    FEE_TABLE,
    PaymentsPlan,
    add_business_days,
    build_payouts,
)

Seed = dict[str, Any]


def _fixture(name: str) -> Any:
    return json.loads((SHOPIFY_REST_FIXTURES / name).read_text(encoding="utf-8"))["response"]


def _weekdays_between(start: date, end: date) -> int:
    """Weekdays in (start, end]."""
    return sum(1 for n in range(1, (end - start).days + 1)
               if (start + timedelta(days=n)).weekday() < 5)  # fmt: skip


# -- the seeds ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed_name", ["demo", "bench"])
def test_payouts_add_up_and_match_the_orders(
    seed_name: str, request: pytest.FixtureRequest
) -> None:
    shopify = request.getfixturevalue(seed_name)["shopify"]
    assert shopify["payouts"] and shopify["balance_transactions"]
    assert payout_problems(shopify) == []


@pytest.mark.parametrize("seed_name", ["demo", "bench"])
def test_payouts_follow_the_pay_period(seed_name: str, request: pytest.FixtureRequest) -> None:
    """A UK shop is paid 3 business days after the (UTC) day of a transaction, on a weekday
    before today; ids grow with the date; nothing is dated after now."""
    shopify = request.getfixturevalue(seed_name)["shopify"]
    payouts = {p["id"]: p for p in shopify["payouts"]}
    today = NOW.date()
    for payout in payouts.values():
        day = date.fromisoformat(payout["date"])
        assert day.weekday() < 5 and day < today, payout
    ordered = sorted(payouts.values(), key=lambda p: p["id"])
    assert [p["date"] for p in ordered] == sorted(p["date"] for p in ordered)
    for bt in shopify["balance_transactions"]:
        processed = datetime.fromisoformat(bt["processed_at"])
        assert processed <= NOW
        if bt["payout_id"] is not None:
            paid_on = date.fromisoformat(payouts[bt["payout_id"]]["date"])
            assert _weekdays_between(processed.astimezone(UTC).date(), paid_on) >= 3, bt


def test_only_the_newest_payout_in_the_shops_currency_is_in_transit(demo: Seed) -> None:
    payouts = demo["shopify"]["payouts"]
    moving = [p for p in payouts if p["status"] == "in_transit"]
    assert len(moving) == 1 and moving[0]["currency"] == "GBP"
    assert moving[0]["date"] == max(p["date"] for p in payouts if p["currency"] == "GBP")
    assert {p["status"] for p in payouts if p is not moving[0]} == {"paid"}


def test_recent_sales_wait_in_the_balance(demo: Seed) -> None:
    """The last 3 days' Shopify Payments sales are not paid out yet (pay period of 3 business
    days), so the demo's balance is never empty; balance = sum of the unpaid transactions."""
    ledger = demo["shopify"]["balance_transactions"]
    pending = [bt for bt in ledger if bt["payout_status"] == "pending"]
    assert pending and all(bt["payout_id"] is None for bt in pending)
    recent = [
        bt for bt in ledger
        if bt["type"] == "charge" and datetime.fromisoformat(bt["processed_at"])
        >= NOW - timedelta(days=3)
    ]  # fmt: skip
    assert recent and all(bt in pending for bt in recent)
    balance = balance_by_currency(ledger)
    assert balance == {"GBP": sum((D(bt["net"]) for bt in pending), Decimal(0))}


def test_demo_has_a_lost_and_a_won_dispute(demo: Seed) -> None:
    ledger = demo["shopify"]["balance_transactions"]
    payouts = {p["id"]: p for p in demo["shopify"]["payouts"]}
    disputes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for bt in ledger:
        if bt["type"] == "dispute":
            disputes[bt["source_id"]].append(bt)
    assert sorted(len(v) for v in disputes.values()) == [1, 2]
    charges = {bt["source_order_transaction_id"]: bt for bt in ledger if bt["type"] == "charge"}
    for rows in disputes.values():
        withdrawal = rows[0]
        charge = charges[withdrawal["source_order_transaction_id"]]
        assert withdrawal["source_order_id"] == charge["source_order_id"]
        assert D(withdrawal["amount"]) == -D(charge["amount"])
        assert D(withdrawal["fee"]) == DISPUTE_FEE
        assert D(withdrawal["net"]) == -D(charge["amount"]) - DISPUTE_FEE
        assert withdrawal["payout_status"] == "paid"
        if len(rows) == 2:  # won: the money and the fee come back, in a later payout
            reversal = rows[1]
            assert D(reversal["amount"]) == D(charge["amount"])
            assert D(reversal["fee"]) == -DISPUTE_FEE
            assert D(reversal["net"]) == D(charge["amount"]) + DISPUTE_FEE
            assert reversal["payout_status"] == "paid"
            first = payouts[withdrawal["payout_id"]]["date"]
            assert payouts[reversal["payout_id"]]["date"] > first


def test_demo_has_an_adjustment_and_a_reserve_held_then_released(demo: Seed) -> None:
    ledger = demo["shopify"]["balance_transactions"]
    [adjustment] = [bt for bt in ledger if bt["type"] == "adjustment"]
    charge_txs = {bt["source_order_transaction_id"] for bt in ledger if bt["type"] == "charge"}
    assert adjustment["source_order_transaction_id"] in charge_txs
    assert adjustment["payout_status"] == "paid" and D(adjustment["fee"]) == 0
    hold, release = [bt for bt in ledger if bt["type"] == "reserve"]
    assert D(hold["amount"]) == -D(release["amount"]) < 0
    assert hold["source_id"] is None and hold["source_order_id"] is None
    assert hold["payout_id"] != release["payout_id"]
    assert {hold["payout_status"], release["payout_status"]} == {"paid"}


def test_demo_has_a_payout_in_a_second_currency(demo: Seed) -> None:
    """The EUR order's Shopify Payments sale is paid out in EUR, unconverted."""
    shopify = demo["shopify"]
    [eur_order] = [o for o in shopify["orders"] if o["presentment_currency"] == "EUR"]
    [sale] = [t for t in eur_order["transactions"] if t["kind"] == "sale"]
    [payout] = [p for p in shopify["payouts"] if p["currency"] == "EUR"]
    rows = [bt for bt in shopify["balance_transactions"] if bt["payout_id"] == payout["id"]]
    assert [bt["source_order_transaction_id"] for bt in rows] == [sale["id"]]
    assert (rows[0]["currency"], rows[0]["amount"]) == ("EUR", sale["amount"])
    assert payout["status"] == "paid"
    assert all(bt["currency"] == "GBP" for bt in shopify["balance_transactions"] if bt not in rows)


def test_fees_follow_the_table(demo: Seed) -> None:
    """In person at the till, else domestic or international by the billing country."""
    orders = {o["id"]: o for o in demo["shopify"]["orders"]}
    seen: set[str] = set()
    for bt in demo["shopify"]["balance_transactions"]:
        if bt["type"] != "charge":
            continue
        order = orders[bt["source_order_id"]]
        country = (order["billing_address"] or {}).get("country_code") or "GB"
        if order["source_name"] == "pos":
            kind = "in_person"
        else:
            kind = "domestic" if country == "GB" else "international"
        seen.add(kind)
        rate = FEE_TABLE[kind]
        want = (D(bt["amount"]) * rate.percent / 100 + rate.fixed).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert D(bt["fee"]) == want, (bt, kind)
    assert seen == {"in_person", "domestic", "international"}


def test_generation_is_a_repeatable_function_of_the_orders(demo: Seed) -> None:
    shopify = demo["shopify"]
    again = build_payouts(shopify["shop"], shopify["orders"], now=NOW, plan=DEMO_PAYMENTS)
    assert again == {k: shopify[k] for k in ("payouts", "balance_transactions")}
    assert load_seed("demo", now=NOW)["shopify"]["payouts"] == shopify["payouts"]


# -- the seeds' shapes ------------------------------------------------------------------------


@pytest.mark.parametrize("seed_name", ["demo", "bench"])
def test_payouts_and_transactions_have_the_fixture_shape(
    seed_name: str, request: pytest.FixtureRequest
) -> None:
    shopify = request.getfixturevalue(seed_name)["shopify"]
    payout_ref = _fixture("payout_test_3.json")["payout"]
    bt_refs = _fixture("payment_transaction_test_1.json")["transactions"]
    problems = [e for p in shopify["payouts"] for e in shape_problems(payout_ref, p, str(p["id"]))]
    for bt in shopify["balance_transactions"]:
        # Against a fixture record of the same type where there is one (charge, refund, ...).
        ref = next((r for r in bt_refs if r["type"] == bt["type"]), bt_refs[0])
        problems += shape_problems(ref, bt, str(bt["id"]))
        if set(bt) != set(ref):
            problems.append(f"{bt['id']}: keys {sorted(set(bt) ^ set(ref))} differ")
    assert problems == []
    assert all(set(p) == set(payout_ref) for p in shopify["payouts"])


def test_a_json_seed_without_payouts_has_none(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"shopify": {"shop": {"country_code": "GB"}}}))
    shopify = load_seed(str(path))["shopify"]
    assert (shopify["payouts"], shopify["balance_transactions"]) == ([], [])


# -- the rules on small hand-made orders -------------------------------------------------------

MONDAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
SHOP = {"currency": "GBP", "country_code": "GB", "iana_timezone": "Europe/London"}


def _order(order_id: int, *txs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    order = {
        "id": order_id, "test": False, "financial_status": "paid", "refunds": [],
        "source_name": "web", "billing_address": {"country_code": "GB"},
        "total_price_set": {"shop_money": {"amount": "10.00", "currency_code": "GBP"},
                            "presentment_money": {"amount": "10.00", "currency_code": "GBP"}},
        "transactions": list(txs),
    }  # fmt: skip
    order.update(extra)
    return order


def _tx(tx_id: int, amount: str, when: datetime, kind: str = "sale", **extra: Any) -> Any:
    tx = {
        "id": tx_id, "kind": kind, "gateway": "shopify_payments", "status": "success",
        "amount": amount, "currency": "GBP", "processed_at": when.isoformat(), "test": False,
    }  # fmt: skip
    tx.update(extra)
    return tx


def test_business_days_skip_weekends() -> None:
    friday = date(2026, 11, 6)
    assert add_business_days(friday, 3) == date(2026, 11, 11)  # Wednesday
    assert add_business_days(date(2026, 11, 7), 3) == date(2026, 11, 11)  # Saturday too
    assert add_business_days(date(2026, 11, 2), 2) == date(2026, 11, 4)
    assert add_business_days(date(2026, 11, 8), 0) == date(2026, 11, 9)  # Sunday -> Monday


def test_other_gateways_tests_and_authorisations_make_nothing() -> None:
    orders = [
        _order(1, _tx(11, "10.00", MONDAY, gateway="paypal")),
        _order(2, _tx(21, "10.00", MONDAY, gateway="manual")),
        _order(3, _tx(31, "10.00", MONDAY, gateway="gift_card")),
        _order(4, _tx(41, "10.00", MONDAY), test=True),
        _order(5, _tx(51, "10.00", MONDAY, kind="authorization")),
        _order(6, _tx(61, "10.00", MONDAY, status="pending")),
    ]
    got = build_payouts(SHOP, orders, now=MONDAY + timedelta(days=30))
    assert got == {"payouts": [], "balance_transactions": []}


def test_a_day_whose_sum_is_not_positive_waits_for_the_next_payout() -> None:
    """Monday's refund outweighs Monday's sale: no payout that day; Tuesday's takes both."""
    week2 = MONDAY + timedelta(days=7)
    orders = [
        _order(1, _tx(11, "100.00", MONDAY), _tx(12, "60.00", week2, kind="refund")),
        _order(2, _tx(21, "10.00", week2)),
        _order(3, _tx(31, "100.00", week2 + timedelta(days=1))),
    ]
    got = build_payouts(SHOP, orders, now=week2 + timedelta(days=10))
    assert [(p["date"], p["amount"]) for p in got["payouts"]] == [
        ("2026-11-05", "96.80"),  # Monday + 3 business days: 100.00 - (2.90 + 0.30)
        # Not on Thursday the 12th (-60.00 + 10.00 - 0.59 < 0) but with Tuesday's sale on Friday:
        ("2026-11-13", "46.21"),  # -60.00 + 9.41 + 96.80
    ]
    second = got["payouts"][1]["id"]
    in_second = [bt for bt in got["balance_transactions"] if bt["payout_id"] == second]
    assert sorted(bt["source_order_transaction_id"] for bt in in_second) == [12, 21, 31]


def test_foreign_presentment_is_converted_unless_it_settles_itself() -> None:
    order = _order(
        1, _tx(11, "47.00", MONDAY, currency="EUR"),
        total_price_set={"shop_money": {"amount": "40.46", "currency_code": "GBP"},
                         "presentment_money": {"amount": "47.00", "currency_code": "EUR"}},
        billing_address={"country_code": "FR"},
    )  # fmt: skip
    later = MONDAY + timedelta(days=30)
    [converted] = build_payouts(SHOP, [order], now=later)["balance_transactions"]
    assert (converted["currency"], converted["amount"], converted["fee"]) == (
        "GBP", "40.46", "1.88",  # 3.9% + 0.30, international
    )  # fmt: skip
    plan = PaymentsPlan(settle_currencies=("EUR",))
    [settled] = build_payouts(SHOP, [order], now=later, plan=plan)["balance_transactions"]
    assert (settled["currency"], settled["amount"]) == ("EUR", "47.00")


def test_events_are_skipped_when_no_charge_is_eligible() -> None:
    plan = PaymentsPlan(disputes_lost=2, disputes_won=1, adjustments=1, reserve=Decimal("5.00"))
    fresh = [_order(1, _tx(11, "10.00", MONDAY))]
    got = build_payouts(SHOP, fresh, now=MONDAY + timedelta(days=5), plan=plan)
    assert {bt["type"] for bt in got["balance_transactions"]} == {"charge", "reserve"}
