"""Shopify Payments payouts posted to Xero over both simulators (entities.payouts).

The demo seed, whose Xero chart has the clearing account a merchant adds ("Shopify Clearing" 091,
a BANK account without a feed), with the default settings: payouts on, Shopify Payments money
into the clearing account; reserves go to 620 (Prepayments). Every figure
is read back from the simulators (``/_sandbox/state``, ``/_sandbox/requests``, the Bank Summary
report through ``XeroClient.bank_balances``), and worked out from Shopify's balance transactions,
never from our mapping code.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from tests.sync.helpers import (
    run_engine,
    sandbox_requests,
    sandbox_settings,
    sandbox_state,
    serve_seed,
)

from shopxero.clients import build_clients, store_call_sink
from shopxero.http.retry import RetryPolicy
from shopxero.rebuild.run import rebuild_state
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.xero_defaults import CLEARING_CODE
from shopxero.store import StateStore

pytestmark = pytest.mark.anyio

# The demo's Xero chart has the clearing account a merchant adds ("Shopify Clearing" 091, a BANK
# account without a feed); with no setting naming where Shopify Payments money goes, it goes there.
SETTINGS: dict[str, Any] = {"reserve_account": "620"}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ORDER_KINDS = ("charge", "refund")

_DEMO: dict[str, Any] = {}


def payout_seed() -> dict[str, Any]:
    """The demo seed (built once)."""
    if not _DEMO:
        _DEMO.update(load_seed("demo"))
    return copy.deepcopy(_DEMO)


def _clearing_id(seed: dict[str, Any]) -> str:
    return next(a["AccountID"] for a in seed["xero"]["accounts"] if a["Code"] == CLEARING_CODE)


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
    assert balances[_clearing_id(seed)] == expected

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


def _straddling(seed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """A paid GBP payout in the middle of the seed (the start date: its day), the next paid GBP
    payout, and the orders of the first one processed before that day."""
    paid = [
        p for p in seed["shopify"]["payouts"] if p["status"] == "paid" and p["currency"] == "GBP"
    ]
    zone = ZoneInfo(seed["shopify"]["shop"]["iana_timezone"])  # the start date is in shop time
    day = {
        o["id"]: datetime.fromisoformat(o["processed_at"]).astimezone(zone).date().isoformat()
        for o in seed["shopify"]["orders"]
    }
    for n, payout in enumerate(paid[len(paid) // 2 : -1], start=len(paid) // 2):
        early = sorted(
            {
                t["source_order_id"]
                for t in _txs(seed, payout["id"])
                if t["type"] in ORDER_KINDS and day[t["source_order_id"]] < payout["date"]
            }
        )
        if early:
            return payout, paid[n + 1], early
    raise AssertionError("the demo seed has a payout paying out orders of earlier days")


async def test_a_payout_with_orders_from_before_the_sync_start_date_is_passed_by_naming_them(
    served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = served
    start, later, early = _straddling(seed)
    on = date.fromisoformat(start["date"])
    report, _ = await run_engine(shop_url, xero_url, tmp_path, sync_start_date=on, **SETTINGS)
    transfers = {t["Reference"] for t in sandbox_state(xero_url)["bank_transfers"]}
    # Nothing dated before the start date is read, let alone posted.
    for payout in seed["shopify"]["payouts"]:
        if payout["date"] < start["date"]:
            assert f"Shopify payout {payout['id']}" not in transfers
    # The payout on the start date pays out orders of days before it, which shopxero never put
    # in the clearing account: not posted, saying which orders and which setting would post it.
    line = next(n for n in report.notes if n.startswith(f"payout {start['id']} "))
    assert "is not posted" in line and "SHOPXERO_PAYOUT_OPENING_ACCOUNT" in line
    assert all(str(o) in line for o in early)
    assert f"Shopify payout {start['id']}" not in transfers
    # ... and it does not hold back the payouts after it.
    after = [p for p in seed["shopify"]["payouts"] if p["date"] > start["date"]]
    assert any(f"Shopify payout {p['id']}" in transfers for p in after), transfers
    assert later in after


async def test_the_opening_account_takes_the_money_of_orders_from_before_the_start_date(
    served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = served
    start, _, early = _straddling(seed)
    on = date.fromisoformat(start["date"])
    settings = {**SETTINGS, "payout_opening_account": "850"}  # Suspense, in the UK chart
    await run_engine(shop_url, xero_url, tmp_path, sync_start_date=on, **settings)
    state = sandbox_state(xero_url)
    ref = f"Shopify payout {start['id']}"
    transfer = next(t for t in state["bank_transfers"] if t["Reference"] == ref)
    assert _money(transfer["Amount"]) == _money(start["amount"])
    # Worked from Shopify's records: the early orders' charges less their refunds in this
    # payout come into the clearing account from 850 (their refunds would go out to it).
    txs = _txs(seed, start["id"])
    early_in = sum(
        (_money(t["amount"]) for t in txs if t["type"] in ORDER_KINDS
         and t["source_order_id"] in early and _money(t["amount"]) > 0), ZERO,
    )  # fmt: skip
    early_out = sum(
        (-_money(t["amount"]) for t in txs if t["type"] in ORDER_KINDS
         and t["source_order_id"] in early and _money(t["amount"]) < 0), ZERO,
    )  # fmt: skip
    lines = {
        (t["Type"], li["AccountCode"]): _money(li["LineAmount"])
        for t in state["bank_transactions"]
        if t.get("Reference") == ref
        for li in t["LineItems"]
    }
    assert lines.get(("RECEIVE", "850"), ZERO) == early_in
    assert lines.get(("SPEND", "850"), ZERO) == early_out
    assert early_in > 0


async def test_a_rebuild_relinks_the_payouts_and_the_next_sync_posts_nothing_again(
    served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    shop_url, xero_url, _ = served
    await run_engine(shop_url, xero_url, tmp_path, **SETTINGS)
    posted = {t["Reference"] for t in sandbox_state(xero_url)["bank_transfers"]}
    assert posted
    with sqlite3.connect(tmp_path / "state.db") as conn:
        before = dict(
            conn.execute(
                "SELECT entity, count(*) FROM mappings WHERE entity LIKE 'payout%' GROUP BY entity"
            ).fetchall()
        )
    for name in ("state.db", "state.db-wal", "state.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)

    settings = sandbox_settings(shop_url, xero_url, tmp_path).model_copy(update=SETTINGS)
    mark = len(sandbox_requests(xero_url))
    with StateStore.open(settings.state_db_path) as store:
        async with build_clients(settings, call_sink=store_call_sink(store)) as clients:
            rebuilt = await rebuild_state(
                store, shopify=clients.shopify, xero=clients.xero, settings=settings
            )
    writes = [
        r
        for r in sandbox_requests(xero_url)[mark:]
        if r["method"] in ("PUT", "POST") and r["path"].startswith("/api.xro")
    ]
    assert writes == []
    assert any("found in Xero by Reference and linked" in n for n in rebuilt.notes)
    with sqlite3.connect(tmp_path / "state.db") as conn:
        after = dict(
            conn.execute(
                "SELECT entity, count(*) FROM mappings WHERE entity LIKE 'payout%' GROUP BY entity"
            ).fetchall()
        )
    assert after == before

    # The next sync neither posts nor looks up a payout again.
    mark = len(sandbox_requests(xero_url))
    await run_engine(shop_url, xero_url, tmp_path, **SETTINGS)
    bank = [r for r in sandbox_requests(xero_url)[mark:] if "/Bank" in r["path"]]
    assert bank == []
    assert {t["Reference"] for t in sandbox_state(xero_url)["bank_transfers"]} == posted


async def test_a_transfer_whose_answer_was_lost_is_linked_by_its_reference_not_made_again(
    served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    shop_url, xero_url, _ = served
    # Every answer to the first transfer is lost after Xero made it: the first attempt and
    # each retry with the same Idempotency-Key (which Xero answers with the first result).
    # Transfers go one to a request, so the others are answered.
    fault = {"method": "PUT", "path": "/BankTransfers$", "kind": "drop_after_commit"}
    fault["times"] = RetryPolicy().attempts
    httpx.post(f"{xero_url}/_sandbox/faults", json=fault).raise_for_status()
    first, _ = await run_engine(shop_url, xero_url, tmp_path, **SETTINGS)
    httpx.delete(f"{xero_url}/_sandbox/faults").raise_for_status()
    lost = [n for n in first.notes if "could not be sent" in n and "transfer" in n]
    assert len(lost) == 1, first.notes
    made = [t["Reference"] for t in sandbox_state(xero_url)["bank_transfers"]]
    payout_id = lost[0].split()[1]
    assert made.count(f"Shopify payout {payout_id}") == 1  # in Xero, its answer lost

    mark = len(sandbox_requests(xero_url))
    await run_engine(shop_url, xero_url, tmp_path, **SETTINGS)
    sent = [(r["method"], r["path"]) for r in sandbox_requests(xero_url)[mark:]]
    assert ("GET", "/api.xro/2.0/BankTransfers") in sent  # looked up by Reference ...
    assert ("PUT", "/api.xro/2.0/BankTransfers") not in sent  # ... found, not made again
    after = [t["Reference"] for t in sandbox_state(xero_url)["bank_transfers"]]
    assert after.count(f"Shopify payout {payout_id}") == 1
    assert sorted(after) == sorted(made)
