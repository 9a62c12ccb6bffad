"""Shopify Payments payouts posted to Xero over both simulators (entities.payouts).

The demo seed with a clearing account added in Xero ("Shopify Clearing" 091, a BANK account
without a feed) and Shopify Payments mapped to it; reserves go to 620 (Prepayments). Every figure
is read back from the simulators (``/_sandbox/state``, ``/_sandbox/requests``, the Bank Summary
report through ``XeroClient.bank_balances``), and worked out from Shopify's balance transactions,
never from our mapping code.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.sync.helpers import (
    run_engine,
    sandbox_requests,
    sandbox_settings,
    sandbox_state,
    serve_seed,
)

from shopxero.clients import build_clients
from shopxero.sandbox.seeds import load_seed

pytestmark = pytest.mark.anyio

CLEARING_ID = "0c1e4a52-6f0b-4d3c-9a61-2b7e8d9f1a01"
CLEARING = {
    "AccountID": CLEARING_ID,
    "Code": "091",
    "Name": "Shopify Clearing",
    "Type": "BANK",
    "Status": "ACTIVE",
    "CurrencyCode": "GBP",
    "BankAccountType": "BANK",
    "TaxType": "NONE",
    "Class": "ASSET",
}
SETTINGS: dict[str, Any] = {
    "sync_payouts": True,
    "account_by_gateway": {"shopify_payments": "091"},
    "reserve_account": "620",
}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ORDER_KINDS = ("charge", "refund")

_DEMO: dict[str, Any] = {}


def payout_seed() -> dict[str, Any]:
    """The demo seed (built once) with the clearing account added to the Xero side."""
    if not _DEMO:
        _DEMO.update(load_seed("demo"))
    seed = copy.deepcopy(_DEMO)
    seed["xero"]["accounts"].append(dict(CLEARING))
    return seed


@pytest.fixture
def served() -> Iterator[tuple[str, str, dict[str, Any]]]:
    seed = payout_seed()
    with serve_seed(seed) as (shop_url, xero_url):
        yield shop_url, xero_url, seed


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _txs(seed: dict[str, Any], payout_id: int) -> list[dict[str, Any]]:
    return [t for t in seed["shopify"]["balance_transactions"] if t["payout_id"] == payout_id]


def _queued_orders(queue: list[Any]) -> set[int]:
    return {int(e.shopify_id.split("/")[0]) for e in queue if e.entity == "orders"}


def _expected(seed: dict[str, Any], queued: set[int]) -> tuple[list[dict[str, Any]], set[int]]:
    """(paid GBP payouts that can be posted, ids of paid GBP payouts that must wait)."""
    post, wait = [], set()
    for p in seed["shopify"]["payouts"]:
        if p["status"] != "paid" or p["currency"] != "GBP":
            continue
        orders = {t["source_order_id"] for t in _txs(seed, p["id"]) if t["type"] in ORDER_KINDS}
        (wait.add(p["id"]) if orders & queued else post.append(p))
    return post, wait


def _in_gbp(order: dict[str, Any], amount: Decimal) -> Decimal:
    """A presentment amount at the rate of the order's own two totals (as Xero got it)."""
    shop = _money(order["total_price_set"]["shop_money"]["amount"])
    pres = _money(order["total_price_set"]["presentment_money"]["amount"])
    return shop if amount == pres else (amount * shop / pres).quantize(CENT, ROUND_HALF_UP)


async def _balances(shop_url: str, xero_url: str, data_dir: Path) -> dict[str, Decimal]:
    settings = sandbox_settings(shop_url, xero_url, data_dir)
    async with build_clients(settings) as clients:
        return await clients.xero.bank_balances(datetime.now(UTC).date())


async def test_paid_payouts_post_once_and_the_clearing_holds_what_is_not_paid_out(
    served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = served
    report, queue = await run_engine(shop_url, xero_url, tmp_path, **SETTINGS)
    notes = "\n".join(report.notes)
    queued = _queued_orders(queue)
    post, wait = _expected(seed, queued)
    assert post and wait, "the demo seed has payouts to post and one held by a queued order"
    state = sandbox_state(xero_url)
    transfers = {t["Reference"]: t for t in state["bank_transfers"]}
    bank_txs = {(t["Type"], t.get("Reference")): t for t in state["bank_transactions"]}

    # Each payout that can be posted: one transfer of its amount, clearing -> bank, on its day,
    # and spend / receive money for exactly what Shopify kept / gave back.
    for payout in post:
        ref = f"Shopify payout {payout['id']}"
        transfer = transfers[ref]
        assert _money(transfer["Amount"]) == _money(payout["amount"])
        assert (transfer["FromBankAccount"]["Code"], transfer["ToBankAccount"]["Code"]) == (
            "091",
            "090",
        )
        assert str(transfer["DateString"]).startswith(payout["date"])
        txs = _txs(seed, payout["id"])
        kept = sum((max(_money(t["fee"]), ZERO) for t in txs), ZERO) + sum(
            (-_money(t["amount"]) for t in txs
             if t["type"] not in ORDER_KINDS and _money(t["amount"]) < 0), ZERO,
        )  # fmt: skip
        back = sum((max(-_money(t["fee"]), ZERO) for t in txs), ZERO) + sum(
            (_money(t["amount"]) for t in txs
             if t["type"] not in ORDER_KINDS and _money(t["amount"]) > 0), ZERO,
        )  # fmt: skip
        spend = bank_txs.get(("SPEND", ref))
        receive = bank_txs.get(("RECEIVE", ref))
        assert (_money(spend["Total"]) if spend else ZERO) == kept, ref
        assert (_money(receive["Total"]) if receive else ZERO) == back, ref
        for t in (spend, receive):
            if t is not None:
                assert t["BankAccount"]["Code"] == "091"
                assert t["Contact"]["Name"] == "Shopify"
                assert t["LineAmountTypes"] == "NoTax"
    assert len(transfers) == len(post)

    # A payout holding an order that is in the error queue waits, saying which and why.
    for payout_id in wait:
        assert f"Shopify payout {payout_id}" not in transfers
        line = next(n for n in report.notes if n.startswith(f"payout {payout_id} "))
        assert "waits" in line and "error queue" in line
        assert any(str(o) in line for o in queued)
    # The EUR payout is refused clearly (the clearing account is in GBP).
    for payout in seed["shopify"]["payouts"]:
        if payout["currency"] == "EUR" and payout["status"] == "paid":
            assert f"Shopify payout {payout['id']}" not in transfers
            assert f"payout {payout['id']} " in notes and "is in GBP" in notes

    # The clearing account holds exactly the charges and refunds whose payout is not posted:
    # Shopify's funds not yet paid out (pending balance + in-transit payouts), plus the fees,
    # disputes, adjustments and reserves among them that only a payout posts, plus the payouts
    # that wait or are refused; orders that never reached Xero (queued) are not in it.
    posted = {p["id"] for p in post}
    orders = {o["id"]: o for o in seed["shopify"]["orders"]}
    expected = ZERO
    for t in seed["shopify"]["balance_transactions"]:
        if t["type"] not in ORDER_KINDS or t["payout_id"] in posted:
            continue
        if t["source_order_id"] in queued:
            continue
        order = orders[t["source_order_id"]]
        tx = next(x for x in order["transactions"] if x["id"] == t["source_order_transaction_id"])
        amount = _money(tx["amount"]) * (-1 if t["type"] == "refund" else 1)
        expected += amount if t["currency"] == "GBP" and tx["currency"] == "GBP" else (
            _in_gbp(order, amount)
        )  # fmt: skip
    unpaid = sum(
        (_money(p["amount"]) for p in seed["shopify"]["payouts"] if p["status"] == "in_transit"),
        ZERO,
    ) + sum(
        (_money(t["net"]) for t in seed["shopify"]["balance_transactions"]
         if t["payout_id"] is None and t["currency"] == "GBP"), ZERO,
    )  # fmt: skip
    assert unpaid > 0
    balances = await _balances(shop_url, xero_url, tmp_path)
    assert balances[CLEARING_ID] == expected

    # A rerun writes nothing to Xero.
    before = len(sandbox_requests(xero_url))
    again, _ = await run_engine(shop_url, xero_url, tmp_path, **SETTINGS)
    writes = [r for r in sandbox_requests(xero_url)[before:] if r["method"] in ("PUT", "POST")]
    assert [(r["method"], r["path"]) for r in writes] == []
    # Only payouts from the cursor's look-back are read again, each already posted.
    assert again.counts["payouts"]["unchanged"] >= 1
    assert again.counts["payouts"]["created"] == again.counts["payouts"]["linked"] == 0


async def test_a_dry_run_plans_each_payouts_writes(
    served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = served
    report, _ = await run_engine(shop_url, xero_url, tmp_path, dry_run=True, **SETTINGS)
    assert sandbox_state(xero_url)["bank_transfers"] == []
    planned = report.plan.get("payouts", [])
    transfers = {c.desired.shopify_id: c for c in planned if c.desired.entity == "payout_transfer"}
    paid_gbp = [
        p for p in seed["shopify"]["payouts"] if p["status"] == "paid" and p["currency"] == "GBP"
    ]
    waiting = {int(n.split()[1]) for n in report.notes if n.startswith("payout ") and "waits" in n}
    for payout in paid_gbp:
        if payout["id"] in waiting:
            continue
        change = transfers[str(payout["id"])]
        assert str(change.action) == "create"
        assert _money(change.details["amount"]) == _money(payout["amount"])
        assert (change.details["from"], change.details["to"]) == ("091", "090")
    assert len(transfers) + len(waiting) == len(paid_gbp)
    assert any(c.desired.entity == "payout_spend" for c in planned)


async def test_a_payout_with_orders_from_before_the_sync_start_date_waits_naming_them(
    served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = served
    paid = [p for p in seed["shopify"]["payouts"] if p["status"] == "paid"]
    start = paid[len(paid) // 2]
    report, _ = await run_engine(
        shop_url, xero_url, tmp_path, sync_start_date=date.fromisoformat(start["date"]), **SETTINGS
    )
    transfers = {t["Reference"] for t in sandbox_state(xero_url)["bank_transfers"]}
    # Nothing dated before the start date is read, let alone posted.
    for payout in paid:
        if payout["date"] < start["date"]:
            assert f"Shopify payout {payout['id']}" not in transfers
    # The first payout on the start date pays charges made days before it: it waits.
    line = next(n for n in report.notes if n.startswith(f"payout {start['id']} "))
    assert "waits" in line and "before SHOPXERO_SYNC_START_DATE" in line
    assert f"Shopify payout {start['id']}" not in transfers
