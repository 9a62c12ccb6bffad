"""``sync.rebuild``: a state DB rebuilt from both simulators over real HTTP, and the next syncs.

The sandboxes' request logs are the witnesses: a rebuild makes no Xero write and a bounded number
of reads, and the sync after it writes exactly what differs between Shopify and Xero.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sync.helpers import (
    run_engine,
    sandbox_requests,
    sandbox_settings,
    sandbox_state,
    serve_demo,
    serve_seed,
)

from shopxero.clients import build_clients, store_call_sink
from shopxero.engine.plan import record_matches_payload
from shopxero.rebuild.run import RebuildReport, _cursor_for, rebuild_state
from shopxero.rebuild.views import ReadOnlyXero, RebuildWriteRefused, RecordingShopify
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.store import StateStore

pytestmark = pytest.mark.anyio


# One sped-up clock for both simulators and both clients: Shopify's 2 calls/s pacing (one
# transactions read per order) runs 60 times faster, and every timestamp stays consistent.
CLOCK = SandboxClock(speed=60)


@pytest.fixture
def sandboxes() -> Iterator[tuple[str, str, Any]]:
    with serve_demo(CLOCK) as served:
        yield served


async def _rebuild(shop_url: str, xero_url: str, data_dir: Path) -> RebuildReport:
    settings = sandbox_settings(shop_url, xero_url, data_dir)
    with StateStore.open(settings.state_db_path) as store:
        async with build_clients(
            settings, call_sink=store_call_sink(store), clock=CLOCK
        ) as clients:
            return await rebuild_state(
                store, shopify=clients.shopify, xero=clients.xero, settings=settings, now=CLOCK.now
            )


def _api(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in requests if r["path"].startswith("/api.xro")]


def _writes(requests: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in _api(requests) if r["method"] in ("PUT", "POST")]


def _lose_state(data_dir: Path) -> None:
    for name in ("state.db", "state.db-wal", "state.db-shm"):
        (data_dir / name).unlink(missing_ok=True)


def _mapping_counts(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "state.db") as conn:
        rows = conn.execute("SELECT entity, count(*) FROM mappings GROUP BY entity").fetchall()
    return {str(entity): int(n) for entity, n in rows}


async def test_rebuild_links_everything_with_bounded_reads_and_the_next_sync_writes_nothing(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, _seed = sandboxes
    await run_engine(shop_url, xero_url, tmp_path, clock=CLOCK)
    xero = sandbox_state(xero_url)
    original = _mapping_counts(tmp_path)
    assert original["payment"] > 0 and original["credit_note"] > 0  # the demo has both
    _lose_state(tmp_path)

    before = len(sandbox_requests(xero_url))
    report = await _rebuild(shop_url, xero_url, tmp_path)
    during = sandbox_requests(xero_url)[before:]
    assert _writes(during) == []
    # Whole-list reads: organisation, accounts, tax rates, currencies, the guest contact (by
    # number); contacts 1000 a page; items in one call; invoices 40 numbers a call (once to
    # link, once more for their payments); credit notes 40 numbers a call.
    # Payouts (docs/payouts.md): the "Shopify" contact by number, then transfers and bank
    # transactions by Reference, 40 a call.
    payouts = len(xero["bank_transfers"])
    bound = (
        5
        + math.ceil(len(xero["contacts"]) / 1000)
        + 1
        + 2 * math.ceil(len(xero["invoices"]) / 40)
        + math.ceil(len(xero["credit_notes"]) / 40)
        + 1
        + 2 * math.ceil(payouts / 40)
    )
    assert len(_api(during)) <= bound, [r["path"] for r in _api(during)]
    # Every mapping the sync had made is back: contacts, items, invoices, payments, credit
    # notes, and each order's completed life.
    assert _mapping_counts(tmp_path) == original
    assert report.lives_relinked == original["order_life"]

    assert report.counts["customers"]["in_step"] == len(
        [c for c in xero["contacts"] if str(c.get("ContactNumber", "")).isdigit()]
    )
    assert report.counts["products"]["in_step"] == len(xero["items"])
    assert report.counts["orders"]["in_step"] == len(xero["invoices"])
    assert report.guest_contact is not None
    assert sum(c["differs"] + c["missing"] for c in report.counts.values()) == 0
    assert report.unlinked == []
    # Every customer and product settled: their cursors sit at the rebuild's start.
    assert report.cursors["customers"] == report.started_at
    assert report.cursors["products"] == report.started_at
    # The demo's broken order is not settled (only a sync queues it): re-read from before it.
    assert report.counts["orders"]["failed"] == 1
    orders_cursor = report.cursors["orders"]
    assert orders_cursor is not None and orders_cursor < report.started_at

    before = len(sandbox_requests(xero_url))
    after, _ = await run_engine(shop_url, xero_url, tmp_path, clock=CLOCK)
    assert _api(sandbox_requests(xero_url)[before:]) == []  # not even a read: all in step
    assert after.total("created") == after.total("updated") == after.total("linked") == 0
    assert after.counts["orders"]["failed"] == 1  # the broken order, queued now

    # One Shopify change after the rebuild: the next sync updates exactly that record.
    customer = sandbox_state(shop_url)["customers"][3]
    customer["last_name"] = "Rebuilt-Then-Changed"
    httpx.post(f"{shop_url}/_sandbox/records", json={"customers": [customer]}).raise_for_status()
    before = len(sandbox_requests(xero_url))
    changed, _ = await run_engine(shop_url, xero_url, tmp_path, clock=CLOCK)
    assert _writes(sandbox_requests(xero_url)[before:]) == [("POST", "/api.xro/2.0/Contacts")]
    assert changed.counts["customers"]["updated"] == 1
    assert changed.total("created") == 0


async def test_records_that_differ_or_are_missing_are_reported_and_the_sync_fixes_only_them(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = sandboxes
    await run_engine(shop_url, xero_url, tmp_path, clock=CLOCK)
    _lose_state(tmp_path)
    # While the state DB is gone: one customer changes, one new customer appears.
    changed = dict(seed["shopify"]["customers"][1])
    changed["first_name"] = "Renamed"
    new = dict(seed["shopify"]["customers"][0])
    new.update(id=7199999999999, email="new.customer@example.com", first_name="Newly")
    new["last_name"] = "Arrived"
    new["default_address"] = None
    new["addresses"] = []
    httpx.post(
        f"{shop_url}/_sandbox/records", json={"customers": [changed, new]}
    ).raise_for_status()

    report = await _rebuild(shop_url, xero_url, tmp_path)
    assert report.counts["customers"]["differs"] == 1
    assert report.counts["customers"]["missing"] == 1
    (missing,) = report.unlinked
    assert missing.shopify_id == str(new["id"]) and "next sync creates it" in missing.reason
    with StateStore.open(tmp_path / "state.db") as store:
        mapping = store.mappings.get("contact", str(changed["id"]))
        assert mapping is not None and mapping.checksum is None  # so the sync updates it
        in_step = store.mappings.get("contact", str(seed["shopify"]["customers"][2]["id"]))
        assert in_step is not None and in_step.checksum is not None
    # Customers are re-read from before the oldest unsettled one.
    cursor = report.cursors["customers"]
    assert cursor is not None and cursor < report.started_at

    before = len(sandbox_requests(xero_url))
    after, _ = await run_engine(shop_url, xero_url, tmp_path, clock=CLOCK)
    writes = _writes(sandbox_requests(xero_url)[before:])
    assert sorted(writes) == [("POST", "/api.xro/2.0/Contacts"), ("PUT", "/api.xro/2.0/Contacts")]
    assert after.counts["customers"]["created"] == 1
    assert after.counts["customers"]["updated"] == 1
    assert after.counts["products"]["created"] == after.counts["products"]["updated"] == 0


async def test_a_dry_run_after_a_sync_plans_guest_orders_as_unchanged(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    # The rebuild plans with a dry run: guest orders must be planned against the mapped guest.
    shop_url, xero_url, _seed = sandboxes
    await run_engine(shop_url, xero_url, tmp_path, clock=CLOCK)
    report, _ = await run_engine(shop_url, xero_url, tmp_path, clock=CLOCK, dry_run=True)
    assert report.plan.get("orders", []) == []
    assert report.total("updated") == report.total("created") == 0


class _FakeXero:
    def __init__(self) -> None:
        self.created: list[Any] = []

    async def get_contact_by_number(self, number: str) -> dict[str, Any] | None:
        return {"ContactID": "c-1", "ContactNumber": number}

    async def iter_contacts(self, **_: Any) -> Any:
        for i in range(2):
            yield {"ContactID": f"c-{i + 2}"}

    async def create_contacts(self, payloads: Any, *, idempotency_key: str) -> Any:
        self.created.append(payloads)
        return []


async def test_read_only_xero_remembers_reads_and_refuses_every_write() -> None:
    inner = _FakeXero()
    view = ReadOnlyXero(inner)
    assert (await view.get_contact_by_number("42"))["ContactID"] == "c-1"
    assert [c["ContactID"] async for c in view.iter_contacts(page_size=1000)] == ["c-2", "c-3"]
    assert set(view.seen) == {"c-1", "c-2", "c-3"}
    for name in ("create_contacts", "update_invoices", "create_payments", "allocate_credit_note"):
        with pytest.raises(RebuildWriteRefused, match=name):
            await getattr(view, name)([{"Name": "x"}], idempotency_key="k")
    assert inner.created == []


class _FakeShopify:
    async def iter_customers(self, **_: Any) -> Any:
        yield {"id": 1, "updated_at": "2026-01-01T00:00:00Z"}

    async def get_shop(self) -> dict[str, Any]:
        return {"id": 9}


async def test_recording_shopify_keeps_each_record_read() -> None:
    view = RecordingShopify(_FakeShopify())
    assert [c["id"] async for c in view.iter_customers(updated_at_min=None)] == [1]
    assert (await view.get_shop())["id"] == 9
    assert list(view.fetched["customers"]) == ["1"]


def _raw(i: int, minute: int, variants: list[int] | None = None) -> dict[str, Any]:
    raw: dict[str, Any] = {"id": i, "updated_at": f"2026-03-01T10:{minute:02d}:00Z"}
    if variants is not None:
        raw["variants"] = [{"id": v} for v in variants]
    return raw


START = datetime(2026, 3, 2, tzinfo=UTC)


def test_cursor_at_the_start_when_everything_is_settled_or_skipped() -> None:
    fetched = {"1": _raw(1, 5), "2": _raw(2, 6)}
    # "2" was not planned at all and nothing failed: skipped by rule.
    assert _cursor_for("orders", fetched, {"1"}, {"1"}, no_failures=True, started=START) == START


def test_cursor_before_the_oldest_unsettled_record() -> None:
    fetched = {"1": _raw(1, 5), "2": _raw(2, 20), "3": _raw(3, 30)}
    cursor = _cursor_for("orders", fetched, {"1"}, {"1", "2"}, no_failures=False, started=START)
    assert cursor == datetime(2026, 3, 1, 10, 19, 59, tzinfo=UTC)
    # With failures, an unplanned record may be one that failed: it is not settled either.
    cursor = _cursor_for(
        "orders", fetched, {"1", "2"}, {"1", "2"}, no_failures=False, started=START
    )
    assert cursor == datetime(2026, 3, 1, 10, 29, 59, tzinfo=UTC)


def test_no_cursor_when_an_unsettled_record_has_no_timestamp() -> None:
    fetched = {"1": {"id": 1}, "2": _raw(2, 6)}
    assert (
        _cursor_for("customers", fetched, {"2"}, {"1", "2"}, no_failures=True, started=START)
        is None
    )


def test_a_product_is_settled_only_when_all_its_variants_are() -> None:
    fetched = {"10": _raw(10, 5, [11, 12])}
    partly = _cursor_for("products", fetched, {"11"}, {"11", "12"}, no_failures=True, started=START)
    assert partly == datetime(2026, 3, 1, 10, 4, 59, tzinfo=UTC)
    both = _cursor_for(
        "products", fetched, {"11", "12"}, {"11", "12"}, no_failures=True, started=START
    )
    assert both == START
    assert START - timedelta(seconds=1) < both + timedelta(seconds=1)


async def test_payments_missing_from_xero_are_left_to_the_next_sync(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    # Synced with payments off: Xero has the invoices but none of the payments or refunds.
    shop_url, xero_url, _seed = sandboxes
    settings = sandbox_settings(shop_url, xero_url, tmp_path).model_copy(
        update={"sync_payments": False}
    )
    with StateStore.open(settings.state_db_path) as store:
        async with build_clients(settings, clock=CLOCK) as clients:
            engine = SyncEngine(
                store=store,
                shopify=clients.shopify,
                xero=clients.xero,
                settings=settings,
                now=CLOCK.now,
            )
            await engine.run()
    _lose_state(tmp_path)

    before = len(sandbox_requests(xero_url))
    report = await _rebuild(shop_url, xero_url, tmp_path)
    assert _writes(sandbox_requests(xero_url)[before:]) == []  # the refused writes never left
    assert any("the next sync sends them" in n for n in report.notes), report.notes
    with StateStore.open(tmp_path / "state.db") as store:
        assert store.intents.open() == []  # the refused batch's intents were dropped
        assert store.mappings.count("invoice") > 0
    cursor = report.cursors["orders"]
    assert cursor is None or cursor < report.started_at  # the orders are read again

    before = len(sandbox_requests(xero_url))
    after, _ = await run_engine(shop_url, xero_url, tmp_path, clock=CLOCK)
    writes = _writes(sandbox_requests(xero_url)[before:])
    assert ("PUT", "/api.xro/2.0/Payments") in writes
    assert ("PUT", "/api.xro/2.0/Invoices") not in writes  # no invoice created twice
    assert after.counts["orders"]["created"] == 0


def test_an_invoice_xero_holds_as_paid_matches_the_authorised_payload() -> None:
    payload = {"InvoiceNumber": "SHOP-1", "Status": "AUTHORISED", "Total": "10.00"}
    assert record_matches_payload(payload, {**payload, "Status": "PAID"})
    assert not record_matches_payload(payload, {**payload, "Status": "VOIDED"})
    assert not record_matches_payload({**payload, "Status": "DRAFT"}, {**payload, "Status": "PAID"})


async def test_a_large_shop_costs_whole_list_reads_not_a_call_per_record(tmp_path: Path) -> None:
    # 1,100 customers already in Xero as contacts (by ContactNumber): two pages of 1,000.
    seed = load_seed("bench:customers=1100,products=2,orders=1")
    seed["shopify"]["orders"] = []
    customers = seed["shopify"]["customers"]
    seed["xero"]["contacts"] = [
        {"ContactNumber": str(c["id"]), "Name": f"{c['first_name']} {c['last_name']} {c['id']}"}
        for c in customers
    ]
    with serve_seed(seed, clock=CLOCK) as (shop_url, xero_url):
        report = await _rebuild(shop_url, xero_url, tmp_path)
        calls = _api(sandbox_requests(xero_url))
    linked = report.counts["customers"]["in_step"] + report.counts["customers"]["differs"]
    assert linked == len(customers)
    pages = [c for c in calls if c["path"].endswith("/Contacts") and "pageSize=1000" in c["query"]]
    assert len(pages) == math.ceil(len(customers) / 1000)
    # organisation, accounts, tax rates, the guest contact (by number, then by name), items, the
    # contact pages: no per-record lookups.
    assert len(calls) <= 6 + math.ceil(len(customers) / 1000), [c["path"] for c in calls]
    assert [c for c in calls if c["method"] != "GET"] == []
