"""Orders a chunk at a time (issue 15): ``SHOPXERO_ORDER_CHUNK`` orders are read, invoiced, paid
and committed before the next chunk is read, so a first import holds one chunk, not the shop.

A chunked import must leave Xero exactly as one taking every order at once, reading the
organisation's lists no more often (the first pages of invoices and credit notes once a run),
and a run stopped between two chunks must resume without a single duplicate.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.reliability.harness import summarize_xero, xero_state
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.cli.demo_cmd import settings_for_sandboxes
from shopxero.clients import build_clients, store_call_sink
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.store import StateStore

# 150 orders: more than one chunk of 60, and a first chunk with more than 40 invoices to link,
# so the first page of invoices is read (not 40 numbers a call) and kept for the later chunks.
SEED = "bench:customers=40,products=8,orders=150"
CHUNK = 60
# A Shopify Plus bucket (shopify-api-notes §3): each order's transactions are one read, which
# a standard bucket would pace at 2 a second.
SHOPIFY_PLUS = {"bucket_size": 400, "leak_per_second": 20.0}
QUIET = {"SHOPXERO_SYNC_PAYOUTS": "false"}  # payouts are not chunked: not what this is about


@pytest.fixture
def sandboxes() -> Iterator[RunningSandboxes]:
    with start_sandboxes(SEED, shopify_options=SHOPIFY_PLUS) as running:
        yield running


def _cli_sync(
    running: RunningSandboxes, data_dir: Path, monkeypatch: pytest.MonkeyPatch, **env: str
) -> dict[str, Any]:
    for key, value in {**running.env(), **QUIET, **env}.items():
        monkeypatch.setenv(key, value)
    _register_commands()
    result = CliRunner().invoke(app, ["--data-dir", str(data_dir), "sync", "--json"])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _reads(running: RunningSandboxes) -> Counter[str]:
    """Xero's GET requests by path, the organisation's reads among them."""
    return Counter(e["path"] for e in running.xero.log.entries() if e["method"] == "GET")


def test_a_chunked_import_leaves_xero_as_one_taking_every_order_at_once(
    sandboxes: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_sandboxes(SEED, shopify_options=SHOPIFY_PLUS) as whole:
        at_once = _cli_sync(whole, tmp_path / "whole", monkeypatch)
        expected, expected_reads = summarize_xero(xero_state(whole)), _reads(whole)
    chunked = _cli_sync(
        sandboxes, tmp_path / "chunked", monkeypatch, SHOPXERO_ORDER_CHUNK=str(CHUNK)
    )
    assert chunked["counts"] == at_once["counts"]
    assert chunked["counts"]["orders"]["created"] > CHUNK  # more than one chunk's invoices
    assert sorted(chunked["notes"]) == sorted(at_once["notes"])
    assert summarize_xero(xero_state(sandboxes)) == expected
    # The organisation, its lists and the first pages of invoices and credit notes are read
    # once a run either way: no chunk reads them again (with more chunks to come, credit notes
    # are read as one page rather than by number, which each chunk would repeat).
    assert _reads(sandboxes) == expected_reads
    invoice_reads = [e for e in sandboxes.xero.log.entries() if e["path"].endswith("/Invoices")]
    assert ["pageSize=1000" in e["query"] for e in invoice_reads if e["method"] == "GET"] == [True]


class _StopBetweenChunks:
    """A progress sink that stops the run as the second chunk of orders arrives: the first
    chunk's invoices, payments and refunds are committed, the second's not yet begun. The
    engine treats the exception as Ctrl-C arriving at that moment."""

    def __init__(self) -> None:
        self.stopped = False

    def start(self, entity: str, total: int) -> None:
        return None

    def grow(self, entity: str, more: int) -> None:
        if entity == "orders" and not self.stopped:
            self.stopped = True
            raise KeyboardInterrupt

    def advance(self, entity: str, count: int = 1) -> None:
        return None


async def _engine_run(running: RunningSandboxes, data_dir: Path, progress: Any) -> str:
    env = {**running.env(), **QUIET, "SHOPXERO_ORDER_CHUNK": str(CHUNK)}
    data_dir.mkdir(exist_ok=True)
    settings = settings_for_sandboxes(env, data_dir)
    with StateStore.open(settings.state_db_path) as store:
        async with build_clients(settings, call_sink=store_call_sink(store)) as clients:
            engine = SyncEngine(
                store=store,
                shopify=clients.shopify,
                xero=clients.xero,
                settings=settings,
                progress=progress,
            )
            try:
                report = await engine.run()
            except KeyboardInterrupt:
                return "interrupted"
            return report.status


@pytest.mark.anyio
async def test_a_run_stopped_between_two_chunks_resumes_without_duplicates(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    with start_sandboxes(SEED, shopify_options=SHOPIFY_PLUS) as whole:
        assert await _engine_run(whole, tmp_path / "whole", None) == "ok"
        expected = summarize_xero(xero_state(whole))

    stopper = _StopBetweenChunks()
    assert await _engine_run(sandboxes, tmp_path / "resumed", stopper) == "interrupted"
    first = summarize_xero(xero_state(sandboxes))
    # The first chunk is in Xero, the rest is not; the orders' cursor has not moved.
    assert 0 < len(first["invoices"]) < len(expected["invoices"])
    with StateStore.open(tmp_path / "resumed" / "state.db") as store:
        assert store.cursors.get("orders") is None
        assert store.runs.recent(1)[0].status == "interrupted"

    assert await _engine_run(sandboxes, tmp_path / "resumed", None) == "ok"
    state = xero_state(sandboxes)
    assert summarize_xero(state) == expected  # the same records, payments counted per invoice
    for kind, key in (("invoices", "InvoiceNumber"), ("credit_notes", "CreditNoteNumber")):
        numbers = Counter(r[key] for r in state[kind])
        assert [n for n, times in numbers.items() if times > 1] == [], kind
