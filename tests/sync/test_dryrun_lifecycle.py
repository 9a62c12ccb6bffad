"""``shopxero sync --dry-run`` plans orders' payments, credit notes and voids (issue 5 "Life of
an order"), through the engine against both simulators over real HTTP.

Each test compares the dry run's plan with what the real run that follows writes to the Xero
simulator (read from ``/_sandbox/state``, never from our own code), and checks that the dry run
wrote nothing: no Xero write in the simulator's request log, no mapping, intent or queue entry
in the state DB.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sync.helpers import (
    run_engine,
    sandbox_requests,
    sandbox_state,
    serve_seed,
)

from shopxero.engine.plan import Action, PlannedChange
from shopxero.engine.run_report import RunReport
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.store.errors_queue import QueuedError

pytestmark = pytest.mark.anyio

_WRITE_METHODS = ("PUT", "POST", "DELETE")
# The demo seed's pending orders are invoiced only when "pending" is synced.
WITH_PENDING = {"synced_financial_statuses": ("paid", "partially_paid", "pending")}


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _xero_writes(xero_url: str, since: int = 0) -> list[dict[str, Any]]:
    return [
        r
        for r in sandbox_requests(xero_url)[since:]
        if r["path"].startswith("/api.xro") and r["method"] in _WRITE_METHODS
    ]


def _db_rows(data_dir: Path) -> dict[str, int]:
    """Rows the sync keeps per table (not the run history or the API-call log)."""
    tables = ("mappings", "intents", "error_queue", "cursors")
    if not (data_dir / "state.db").exists():
        return dict.fromkeys(tables, 0)
    with sqlite3.connect(data_dir / "state.db") as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables
        }


async def _run(
    shop_url: str,
    xero_url: str,
    data_dir: Path,
    *,
    dry_run: bool,
    clock: SandboxClock | None = None,
    plan_lifecycle: bool = True,
    **overrides: Any,
) -> tuple[RunReport, list[QueuedError]]:
    return await run_engine(
        shop_url,
        xero_url,
        data_dir,
        clock=clock,
        dry_run=dry_run,
        plan_lifecycle=plan_lifecycle,
        **overrides,
    )


def _planned(report: RunReport, resource: str, action: Action) -> list[PlannedChange]:
    return [c for c in report.plan.get(resource, []) if c.action is action]


@pytest.fixture
def demo() -> Iterator[tuple[str, str, SandboxClock]]:
    clock = SandboxClock(speed=60)  # rate-limit pacing and backoff run 60x faster
    with serve_seed(load_seed("demo", now=clock.now()), clock=clock) as (shop_url, xero_url):
        yield shop_url, xero_url, clock


async def test_demo_dry_run_plans_the_payments_and_credit_notes_the_real_run_makes(
    demo: tuple[str, str, SandboxClock], tmp_path: Path
) -> None:
    shop_url, xero_url, clock = demo
    dry, _ = await _run(shop_url, xero_url, tmp_path, dry_run=True, clock=clock)

    # Nothing written anywhere: no Xero write, no mapping, intent, queue entry or cursor.
    assert _xero_writes(xero_url) == []
    assert _db_rows(tmp_path) == {"mappings": 0, "intents": 0, "error_queue": 0, "cursors": 0}
    assert not any("not planned" in note for note in dry.notes)

    planned_payments = _planned(dry, "payments", Action.CREATE)
    planned_notes = _planned(dry, "credit_notes", Action.CREATE)
    # Every order of the demo seed is new to Xero: its invoice is planned for creation, and its
    # life is planned from Shopify alone.
    assert len(_planned(dry, "orders", Action.CREATE)) > 50
    assert len(planned_payments) > 50 and len(planned_notes) >= 5

    real, _ = await _run(shop_url, xero_url, tmp_path, dry_run=False, clock=clock)
    for resource in ("orders", "payments", "credit_notes"):
        assert dry.counts[resource] == real.counts[resource], resource
    xero = sandbox_state(xero_url)

    # Payments: the same References, amounts, dates and accounts as planned.
    made = {
        p["Reference"]: p
        for p in xero["payments"]
        if p["Status"] == "AUTHORISED" and p["Reference"].startswith("Shopify ")
    }
    planned_by_reference = {c.desired.natural_key: c.details for c in planned_payments}
    assert len(planned_by_reference) == len(planned_payments)
    assert sorted(planned_by_reference) == sorted(made)
    for reference, details in planned_by_reference.items():
        payment = made[reference]
        assert _money(details["amount"]) == _money(payment["Amount"]), reference
        assert details["account"] == payment["Account"]["Code"], reference

    # Credit notes: the same numbers and totals; paid out / allocated as planned.
    notes = {n["CreditNoteNumber"]: n for n in xero["credit_notes"]}
    assert sorted(c.details["number"] for c in planned_notes) == sorted(notes)
    for change in planned_notes:
        note = notes[change.details["number"]]
        assert _money(change.details["total"]) == _money(note["Total"]), change.details
        paid_out = sum((_money(p["Amount"]) for p in note.get("Payments") or []), Decimal(0))
        allocated = sum((_money(a["Amount"]) for a in note.get("Allocations") or []), Decimal(0))
        assert _money(change.details["paid_out"]) == paid_out, change.details
        assert _money(change.details["allocated"]) == allocated, change.details
        assert change.details["invoice"] == change.details["number"].rsplit("-R", 1)[0]


async def test_a_rebuild_read_pass_plans_no_life(
    demo: tuple[str, str, SandboxClock], tmp_path: Path
) -> None:
    """``plan_lifecycle=False`` (``shopxero rebuild``'s read pass) keeps today's dry run: no
    transactions read, nothing planned for payments or credit notes, no note about it."""
    shop_url, xero_url, clock = demo
    report, _ = await _run(
        shop_url, xero_url, tmp_path, dry_run=True, clock=clock, plan_lifecycle=False
    )
    shop_paths = [r["path"] for r in sandbox_requests(shop_url)]
    assert not any("transactions" in p for p in shop_paths)
    assert report.plan.get("payments") is None and report.plan.get("credit_notes") is None
    assert "payments" not in report.counts and "credit_notes" not in report.counts
    assert _xero_writes(xero_url) == []


# -- orders whose invoice is already in Xero ------------------------------------------------


def _demo_orders(numbers: set[int]) -> dict[str, Any]:
    """The demo seed cut down to the orders ``numbers`` with their customers and products."""
    seed = load_seed("demo")
    shop = seed["shopify"]
    orders = [o for o in shop["orders"] if o["order_number"] in numbers]
    customers = {o["customer"]["id"] for o in orders if o.get("customer")}
    variants = {li["variant_id"] for o in orders for li in o["line_items"]}
    shop["orders"] = orders
    # Its payouts pay out the whole demo's orders: a cut-down shop has none (docs/payouts.md).
    shop["payouts"], shop["balance_transactions"] = [], []
    shop["customers"] = [c for c in shop["customers"] if c["id"] in customers]
    shop["products"] = [
        p for p in shop["products"] if any(v["id"] in variants for v in p["variants"])
    ]
    return seed


@dataclass
class Shop:
    """A few demo orders served; Shopify changed through ``/_sandbox/records``."""

    shop_url: str
    xero_url: str
    seed: dict[str, Any]
    data_dir: Path

    def order(self, number: int) -> dict[str, Any]:
        return copy.deepcopy(
            next(o for o in self.seed["shopify"]["orders"] if o["order_number"] == number)
        )

    def change(self, order: dict[str, Any]) -> None:
        httpx.post(f"{self.shop_url}/_sandbox/records", json={"orders": [order]}).raise_for_status()

    def fault(self, fault: dict[str, Any]) -> None:
        httpx.post(f"{self.xero_url}/_sandbox/faults", json=fault).raise_for_status()

    def invoice(self, number: int) -> dict[str, Any]:
        invoices = sandbox_state(self.xero_url)["invoices"]
        return dict(next(i for i in invoices if i["InvoiceNumber"] == f"SHOP-{number}"))

    def payments_of(self, number: int) -> list[dict[str, Any]]:
        invoice_id = self.invoice(number)["InvoiceID"]
        return [
            p
            for p in sandbox_state(self.xero_url)["payments"]
            if (p.get("Invoice") or {}).get("InvoiceID") == invoice_id and p["Status"] != "DELETED"
        ]

    def notes_of(self, number: int) -> list[dict[str, Any]]:
        prefix = f"SHOP-{number}-R"
        notes = sandbox_state(self.xero_url)["credit_notes"]
        return [n for n in notes if n["CreditNoteNumber"].startswith(prefix)]

    async def sync(self, **overrides: Any) -> tuple[RunReport, list[QueuedError]]:
        return await _run(self.shop_url, self.xero_url, self.data_dir, dry_run=False, **overrides)


def _serve_shop(numbers: set[int], tmp_path: Path) -> Iterator[Shop]:
    seed = _demo_orders(numbers)
    with serve_seed(seed) as (shop_url, xero_url):
        yield Shop(shop_url, xero_url, seed, tmp_path)


@pytest.fixture
def partly_paid(tmp_path: Path) -> Iterator[Shop]:
    yield from _serve_shop({1048}, tmp_path)  # 55.00, 20.00 paid by "manual", 35.00 due


@pytest.fixture
def pending(tmp_path: Path) -> Iterator[Shop]:
    yield from _serve_shop({1059}, tmp_path)  # 39.95, unpaid (a pending manual payment)


async def _dry(shop: Shop, **overrides: Any) -> RunReport:
    before_db = _db_rows(shop.data_dir)
    before = len(sandbox_requests(shop.xero_url))
    report, _ = await _run(shop.shop_url, shop.xero_url, shop.data_dir, dry_run=True, **overrides)
    assert _xero_writes(shop.xero_url, before) == [], "a dry run writes nothing to Xero"
    assert _db_rows(shop.data_dir) == before_db, "a dry run records nothing in the state DB"
    return report


def _pay_rest(order: dict[str, Any], amount: str, transaction_id: int) -> dict[str, Any]:
    """Shopify after the customer paid ``amount`` more, by a successful sale (now paid)."""
    sale = {
        **order["transactions"][0],
        "id": transaction_id,
        "kind": "sale",
        "status": "success",
        "amount": amount,
        "processed_at": "2026-11-02T10:00:00+00:00",
        "created_at": "2026-11-02T10:00:00+00:00",
        "payment_id": f"c{transaction_id}",
    }
    return {
        "id": order["id"],
        "transactions": [*order["transactions"], sale],
        "financial_status": "paid",
        "total_outstanding": "0.00",
    }


def _doubled(order: dict[str, Any]) -> dict[str, Any]:
    """1059 edited: two calendars instead of one (VAT-inclusive prices)."""
    line = {**order["line_items"][0], "quantity": 2, "current_quantity": 2}
    line["tax_lines"] = [{**line["tax_lines"][0], "price": "11.67"}]
    return {
        "id": order["id"],
        "line_items": [line],
        "total_line_items_price": "70.00",
        "subtotal_price": "70.00",
        "total_tax": "12.50",
        "total_price": "74.95",
        "current_total_price": "74.95",
        "current_subtotal_price": "70.00",
        "current_total_tax": "12.50",
        "total_outstanding": "74.95",
    }


def _refund_without_money(order: dict[str, Any]) -> dict[str, Any]:
    """Shopify after one of 1048's two boxes was refunded with no money back (it was not all
    paid): the customer owes less."""
    line = order["line_items"][0]  # 2 x 27.50 incl. VAT
    refund = {
        "id": 9899999999001,
        "order_id": order["id"],
        "created_at": "2026-11-01T09:00:00+00:00",
        "processed_at": "2026-11-01T09:00:00+00:00",
        "note": "one box out of stock",
        "restock": False,
        "refund_line_items": [
            {
                "id": 5999999999001,
                "line_item_id": line["id"],
                "quantity": 1,
                "subtotal": 27.5,
                "total_tax": 4.58,
                "line_item": line,
            }
        ],
        "refund_shipping_lines": [],
        "order_adjustments": [],
        "transactions": [],
    }
    return {
        "id": order["id"],
        "refunds": [refund],
        "current_total_price": "27.50",
        "total_outstanding": "7.50",
    }


async def test_a_refund_on_an_unpaid_invoice_is_planned_as_an_allocation(
    partly_paid: Shop,
) -> None:
    world = partly_paid
    await world.sync()
    world.change(_refund_without_money(world.order(1048)))

    dry = await _dry(world)
    [change] = dry.plan["credit_notes"]
    assert change.action is Action.CREATE
    assert change.details == {
        "number": "SHOP-1048-R1",
        "total": "27.50",
        "invoice": "SHOP-1048",
        "paid_out": "0.00",
        "allocated": "27.50",
    }
    assert "27.50 allocated to invoice SHOP-1048" in change.reason
    assert dry.plan.get("payments", []) == []
    assert world.notes_of(1048) == []  # still nothing in Xero

    _report, queued = await world.sync()
    assert queued == []
    [note] = world.notes_of(1048)
    assert note["CreditNoteNumber"] == change.details["number"]
    assert _money(note["Total"]) == Decimal(change.details["total"])
    assert [_money(a["Amount"]) for a in note["Allocations"]] == [Decimal("27.50")]


async def test_a_payment_already_on_the_invoice_is_planned_as_a_link_not_a_payment(
    partly_paid: Shop,
) -> None:
    world = partly_paid
    await world.sync()
    world.change(_pay_rest(world.order(1048), "35.00", 6299999999001))
    # The payment lands in Xero but every answer is lost: the run queues it, unmapped.
    world.fault({"method": "PUT", "path": "/Payments$", "kind": "drop_after_commit", "times": 6})
    await world.sync()
    assert len(world.payments_of(1048)) == 2

    dry = await _dry(world)
    [change] = dry.plan["payments"]
    assert change.action is Action.LINK
    assert change.desired.shopify_id == "6299999999001"
    assert change.details["amount"] == "35.00" and change.details["invoice"] == "SHOP-1048"
    assert "not paid again" in change.reason
    assert dry.counts.get("payments", {}).get("created", 0) == 0


async def test_a_new_payment_is_planned_against_what_the_invoice_still_owes(
    partly_paid: Shop,
) -> None:
    world = partly_paid
    await world.sync()
    world.change(_pay_rest(world.order(1048), "35.00", 6299999999001))

    dry = await _dry(world)
    [change] = dry.plan["payments"]
    assert change.action is Action.CREATE
    assert change.details["amount"] == "35.00"
    assert change.details["reference"] == "Shopify manual 6299999999001"

    await world.sync()
    made = [p for p in world.payments_of(1048) if p["Reference"] == change.details["reference"]]
    assert [_money(p["Amount"]) for p in made] == [Decimal("35.00")]
    assert made[0]["Account"]["Code"] == change.details["account"]


async def test_a_cancelled_unpaid_order_is_planned_as_a_void(pending: Shop) -> None:
    world = pending
    await world.sync(**WITH_PENDING)
    order = world.order(1059)
    world.change(
        {
            "id": order["id"],
            "cancelled_at": "2026-11-03T10:00:00+00:00",
            "cancel_reason": "customer",
            "financial_status": "voided",
            "current_total_price": "0.00",
            "total_outstanding": "0.00",
        }
    )

    dry = await _dry(world, **WITH_PENDING)
    [void] = _planned(dry, "orders", Action.VOID)
    assert void.details == {"invoice": "SHOP-1059", "status": "VOIDED"}
    assert void.xero_id == world.invoice(1059)["InvoiceID"]
    assert dry.counts["orders"]["updated"] == 1
    assert world.invoice(1059)["Status"] == "AUTHORISED"  # the dry run left it alone

    real, queued = await world.sync(**WITH_PENDING)
    assert queued == [] and real.counts["orders"]["updated"] == 1
    assert world.invoice(1059)["Status"] == "VOIDED"


async def test_what_a_real_run_would_queue_is_only_noted(partly_paid: Shop) -> None:
    """A payment of more than the invoice still owes: the dry run says it would queue it (a
    note and a failed count) and leaves the error queue empty (``_dry`` checks the DB)."""
    world = partly_paid
    await world.sync()
    world.change(_pay_rest(world.order(1048), "40.00", 6299999999001))  # 35.00 is due
    dry = await _dry(world)
    assert dry.plan.get("payments", []) == []
    assert dry.counts["orders"]["failed"] == 1
    [note] = [n for n in dry.notes if n.startswith("would queue orders")]
    assert "payment/6299999999001" in note and "still due on invoice SHOP-1048" in note

    real, queued = await world.sync()
    assert real.counts["orders"]["failed"] == 1
    assert [q.shopify_id for q in queued] == [f"{world.order(1048)['id']}/payment/6299999999001"]


async def test_a_payment_on_an_invoice_the_run_updates_is_planned_against_the_new_total(
    pending: Shop,
) -> None:
    """1059 (39.95, unpaid) edited to 74.95 and paid in full: the real run updates the invoice
    first, then pays 74.95; the dry run plans the same, not a payment 'larger than due'."""
    world = pending
    await world.sync(**WITH_PENDING)
    order = world.order(1059)
    world.change({**_doubled(order), **_pay_rest(order, "74.95", 6299999999002)})

    dry = await _dry(world, **WITH_PENDING)
    assert [c.desired.natural_key for c in _planned(dry, "orders", Action.UPDATE)] == ["SHOP-1059"]
    [payment] = dry.plan["payments"]
    assert payment.action is Action.CREATE and payment.details["amount"] == "74.95"
    assert dry.counts["orders"]["failed"] == 0, dry.notes

    real, queued = await world.sync(**WITH_PENDING)
    assert queued == [], [q.message for q in queued]
    assert real.counts["payments"] == dry.counts["payments"]
    invoice = world.invoice(1059)
    assert (_money(invoice["Total"]), invoice["Status"]) == (Decimal("74.95"), "PAID")
    [made] = world.payments_of(1059)
    assert made["Reference"] == payment.details["reference"]
    assert _money(made["Amount"]) == Decimal("74.95")


async def test_an_organisation_that_holds_every_life_already_plans_links_only(
    tmp_path: Path,
) -> None:
    """A new state DB over a Xero organisation an earlier sync filled (1032: paid, two refunds
    paid out; 1048: partly paid): the dry run finds each payment on its invoice and each credit
    note by number, plans links and no write, and the real run then writes nothing."""
    seed = _demo_orders({1032, 1048})
    with serve_seed(seed) as (shop_url, xero_url):
        shop = Shop(shop_url, xero_url, seed, tmp_path / "first")
        fresh = Shop(shop_url, xero_url, seed, tmp_path / "fresh")
        shop.data_dir.mkdir()
        fresh.data_dir.mkdir()
        await shop.sync()
        dry = await _dry(fresh)
        assert dry.counts.get("payments", {}).get("created", 0) == 0
        assert dry.counts.get("credit_notes", {}).get("created", 0) == 0
        payments = dry.plan["payments"]
        assert {c.action for c in payments} == {Action.LINK} and len(payments) == 2
        assert sorted(c.details["invoice"] for c in payments) == ["SHOP-1032", "SHOP-1048"]
        notes = dry.plan["credit_notes"]
        assert [(c.action, c.details["number"]) for c in notes] == [
            (Action.LINK, "SHOP-1032-R1"),
            (Action.LINK, "SHOP-1032-R2"),
        ]
        assert all("nothing more to pay out or allocate" in c.reason for c in notes)
        assert all(c.xero_id for c in [*payments, *notes])

        before = len(sandbox_requests(shop.xero_url))
        real, queued = await fresh.sync()
        assert queued == [] and real.counts.get("payments", {}).get("created", 0) == 0
        assert _xero_writes(shop.xero_url, before) == []
