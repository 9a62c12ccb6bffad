"""``shopxero sync --dry-run`` plans orders' payments, credit notes and voids (issue 5 "Life of
an order"), through the engine against both simulators over real HTTP.

Each test compares the dry run's plan with what the real run that follows writes to the Xero
simulator (read from ``/_sandbox/state``, never from our own code), and checks that the dry run
wrote nothing: no Xero write in the simulator's request log, no mapping, intent or queue entry
in the state DB.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sync.test_engine_sandbox import _settings
from tests.sync.test_lifecycle_sandbox import PARTLY_PAID, PENDING, WITH_PENDING, World, _pay_rest

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import shopify_credentials, xero_credentials
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.xero.app import create_xero_app
from shopxero.store import StateStore
from shopxero.sync.engine import SyncEngine
from shopxero.sync.factory import build_clients, store_call_sink
from shopxero.sync.plan import Action, PlannedChange
from shopxero.sync.report import RunReport

pytestmark = pytest.mark.anyio

_WRITE_METHODS = ("PUT", "POST", "DELETE")


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _xero_writes(xero_url: str, since: int = 0) -> list[dict[str, Any]]:
    requests = httpx.get(f"{xero_url}/_sandbox/requests").json()["requests"][since:]
    return [
        r for r in requests if r["path"].startswith("/api.xro") and r["method"] in _WRITE_METHODS
    ]


def _request_count(url: str) -> int:
    return len(httpx.get(f"{url}/_sandbox/requests").json()["requests"])


def _state(url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{url}/_sandbox/state").json())


def _db_rows(data_dir: Path) -> dict[str, int]:
    """Rows the sync keeps per table (not the run history or the API-call log)."""
    with sqlite3.connect(data_dir / "state.db") as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("mappings", "intents", "error_queue", "cursors")
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
) -> RunReport:
    settings = _settings(shop_url, xero_url, data_dir).model_copy(update=overrides)
    with StateStore.open(settings.state_db_path) as store:
        async with build_clients(
            settings, call_sink=store_call_sink(store), clock=clock
        ) as clients:
            engine = SyncEngine(
                store=store,
                shopify=clients.shopify,
                xero=clients.xero,
                settings=settings,
                now=clock.now if clock else None,
            )
            return await engine.run(dry_run=dry_run, plan_lifecycle=plan_lifecycle)


def _planned(report: RunReport, resource: str, action: Action) -> list[PlannedChange]:
    return [c for c in report.plan.get(resource, []) if c.action is action]


@pytest.fixture
def demo() -> Iterator[tuple[str, str, SandboxClock]]:
    clock = SandboxClock(speed=60)  # rate-limit pacing and backoff run 60x faster
    seed = load_seed("demo", now=clock.now())
    shopify_app = create_shopify_app(
        seed["shopify"], clock=clock, credentials=shopify_credentials()
    )
    xero_app = create_xero_app(seed["xero"], clock=clock, credentials=xero_credentials())
    with serve_in_thread(shopify_app) as s, serve_in_thread(xero_app) as x:
        yield s.url, x.url, clock


async def test_demo_dry_run_plans_the_payments_and_credit_notes_the_real_run_makes(
    demo: tuple[str, str, SandboxClock], tmp_path: Path
) -> None:
    shop_url, xero_url, clock = demo
    dry = await _run(shop_url, xero_url, tmp_path, dry_run=True, clock=clock)

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

    real = await _run(shop_url, xero_url, tmp_path, dry_run=False, clock=clock)
    for resource in ("orders", "payments", "credit_notes"):
        assert dry.counts[resource] == real.counts[resource], resource
    xero = _state(xero_url)

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
    report = await _run(
        shop_url, xero_url, tmp_path, dry_run=True, clock=clock, plan_lifecycle=False
    )
    shop_paths = [r["path"] for r in _state_requests(shop_url)]
    assert not any("transactions" in p for p in shop_paths)
    assert report.plan.get("payments") is None and report.plan.get("credit_notes") is None
    assert "payments" not in report.counts and "credit_notes" not in report.counts
    assert _xero_writes(xero_url) == []


def _state_requests(url: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{url}/_sandbox/requests").json()["requests"])


# -- orders whose invoice is already in Xero ------------------------------------------------


def _serve_world(numbers: set[int], tmp_path: Path) -> Iterator[World]:
    from tests.sync.test_lifecycle_sandbox import _seed, _serve

    yield from _serve(_seed(numbers), tmp_path)


@pytest.fixture
def partly_paid(tmp_path: Path) -> Iterator[World]:
    yield from _serve_world(PARTLY_PAID[0], tmp_path)


@pytest.fixture
def pending(tmp_path: Path) -> Iterator[World]:
    yield from _serve_world(PENDING[0], tmp_path)


async def _dry(world: World, **overrides: Any) -> RunReport:
    before_db = _db_rows(world.data_dir)
    before = _request_count(world.xero_url)
    report = await _run(world.shop_url, world.xero_url, world.data_dir, dry_run=True, **overrides)
    assert _xero_writes(world.xero_url, before) == [], "a dry run writes nothing to Xero"
    assert _db_rows(world.data_dir) == before_db, "a dry run records nothing in the state DB"
    return report


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
    partly_paid: World,
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
    partly_paid: World,
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
    partly_paid: World,
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


async def test_a_cancelled_unpaid_order_is_planned_as_a_void(pending: World) -> None:
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


async def test_what_a_real_run_would_queue_is_only_noted(partly_paid: World) -> None:
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
