"""The engine reads Shopify through the GraphQL Admin API (``SHOPXERO_SHOPIFY_API=graphql``) and
ends in the same Xero state as through REST: the demo shop and a small bench shop (refunded
additional fees included) synced both ways, into two Xero simulators, compared record by record (ids
and timestamps set by Xero aside), the payouts' bank transfers and spend/receive money included. A
GraphQL run makes no REST call at all (the shop, payouts and balance transactions are GraphQL reads
too). The first run's full reads are bulk operations; the rerun reads changes with paged, filtered
queries. A rebuild through GraphQL relinks everything.
"""

from __future__ import annotations

import copy
import re
import sqlite3
from pathlib import Path
from typing import Any

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
from shopxero.rebuild.run import rebuild_state
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.store import StateStore

# Compares the two APIs itself (a REST run beside a GraphQL one): runs once.
pytestmark = [pytest.mark.anyio, pytest.mark.not_per_api]

# Set by the Xero simulator itself, different in two runs whatever was sent.
_GENERATED = re.compile(r"(ID|(Updated|Created)DateUTC|(Updated|Created)DateUTCString|DateString)$")
KEYS = {
    "contacts": "ContactNumber",
    "items": "Code",
    "invoices": "InvoiceNumber",
    "credit_notes": "CreditNoteNumber",
    "payments": "Reference",
    "bank_transfers": "Reference",  # Shopify payout <id>: one transfer a paid payout
    "bank_transactions": "Reference",  # its fees (spend) and what came back (receive)
}


def comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in sorted(value.items()) if not _GENERATED.search(k)}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def operation(call: dict[str, Any]) -> str:
    """The operation name of a logged GraphQL request (``Orders``), or ``""``."""
    found = re.match(r"\s*(?:query|mutation)\s+(\w+)", str(call["body"]["query"]))
    return found.group(1) if found else ""


def records(state: dict[str, Any], kind: str) -> dict[str, Any]:
    key = KEYS[kind]
    out: dict[str, Any] = {}
    for record in state[kind]:
        name = ":".join(
            str(record.get(field, ""))
            for field in (key, "Type", "Amount", "Total", "Date")  # a payout spends and receives
        )
        out[name] = comparable(record)
    return out


async def test_demo_ends_in_the_same_xero_state_through_either_api(tmp_path: Path) -> None:
    # Sped-up clocks: REST paces itself at 2 calls a second, and this test is not about that.
    rest_clock, gql_clock = SandboxClock(speed=50), SandboxClock(speed=50)
    with (
        serve_demo(rest_clock) as (rest_shop, rest_xero, _),
        serve_demo(gql_clock) as (gql_shop, gql_xero, _),
    ):
        rest_report, rest_queue = await run_engine(
            rest_shop, rest_xero, tmp_path / "rest", clock=rest_clock
        )
        gql_report, gql_queue = await run_engine(
            gql_shop, gql_xero, tmp_path / "graphql", clock=gql_clock, shopify_api="graphql"
        )
        rest_state, gql_state = sandbox_state(rest_xero), sandbox_state(gql_xero)
        shop_calls = sandbox_requests(gql_shop)
        before = len(shop_calls)
        again, _ = await run_engine(
            gql_shop, gql_xero, tmp_path / "graphql", clock=gql_clock, shopify_api="graphql"
        )
        rerun_calls = sandbox_requests(gql_shop)[before:]
    assert [(q.entity, q.shopify_id) for q in gql_queue] == [
        (q.entity, q.shopify_id) for q in rest_queue
    ]
    assert rest_state["bank_transfers"] and rest_state["bank_transactions"]  # payouts posted
    assert_same_records(rest_state, gql_state)
    graphql_calls = [c for c in shop_calls if c["path"].endswith("/graphql.json")]
    assert graphql_calls, "the GraphQL path was not taken"
    # No REST call in either GraphQL run: every request is a query or a bulk result download.
    rest_calls = [
        c["path"]
        for c in shop_calls + rerun_calls
        if not c["path"].endswith("/graphql.json")
        and not c["path"].startswith("/bulk-operation-results/")
    ]
    assert rest_calls == []
    # The first run's full reads were bulk operations (customers, products, orders), started
    # together in one request.
    bulk_runs = [c for c in graphql_calls if "bulkOperationRunQuery" in str(c["body"])]
    assert len(bulk_runs) == 1
    assert sorted(bulk_runs[0]["body"]["variables"]) == ["customers", "orders", "products"]
    # The paid payouts' balance transactions came a batch of payouts a query (the demo's all in
    # one), and the shop with its own small query.
    operations = [operation(c) for c in graphql_calls]
    assert operations.count("BalanceTransactions") == 1, operations
    assert operations.count("Shop") >= 1
    assert again.total("created") == again.total("updated") == 0
    # A rerun reads only what changed since the cursors (less the lookback window): one query
    # for the ids of every resource's changes, with the updated_at search filter, then one for
    # the records behind them.
    # (Besides: the payouts that wait look at their refunded orders again, by id.)
    by_id = [c for c in rerun_calls if "id" in (c["body"]["variables"] or {})]
    reads = ("ChangedIds", "Records", "Customers", "Products", "Orders")
    listed = [c for c in rerun_calls if operation(c) in reads]
    assert [operation(c) for c in listed] == ["ChangedIds", "Records"]
    searches = listed[0]["body"]["variables"]
    assert all("updated_at:>=" in str(searches[r]) for r in ("customers", "products", "orders"))
    ids = [c["body"]["variables"]["id"] for c in by_id]
    assert all(i.startswith("gid://shopify/Order/") for i in ids) and len(ids) == len(set(ids))
    assert len(ids) <= 5, ids  # each refunded order of a waiting payout once
    assert rest_report.status == gql_report.status


def assert_same_records(rest_state: dict[str, Any], gql_state: dict[str, Any]) -> None:
    for kind in KEYS:
        rest_records, gql_records = records(rest_state, kind), records(gql_state, kind)
        assert sorted(gql_records) == sorted(rest_records), kind
        for name, record in rest_records.items():
            assert gql_records[name] == record, f"{kind} {name}"


async def test_bench_ends_in_the_same_xero_state_through_either_api(tmp_path: Path) -> None:
    """Issue 14: the bench seed too, at a size a test can afford (its kinds of records all come
    by 150 orders, a refunded additional fee among them)."""
    seed = load_seed("bench:customers=40,products=20,orders=150")  # one seed: one "now"
    rest_clock, gql_clock = SandboxClock(speed=50), SandboxClock(speed=50)
    with (
        serve_seed(copy.deepcopy(seed), clock=rest_clock) as (rest_shop, rest_xero),
        serve_seed(copy.deepcopy(seed), clock=gql_clock) as (gql_shop, gql_xero),
    ):
        rest_report, rest_queue = await run_engine(
            rest_shop, rest_xero, tmp_path / "rest", clock=rest_clock
        )
        gql_report, gql_queue = await run_engine(
            gql_shop, gql_xero, tmp_path / "graphql", clock=gql_clock, shopify_api="graphql"
        )
        rest_state, gql_state = sandbox_state(rest_xero), sandbox_state(gql_xero)
        shop_calls = sandbox_requests(gql_shop)
    assert rest_queue == [] and gql_queue == []  # the bench has no broken records
    assert rest_report.status == gql_report.status
    assert len(rest_state["invoices"]) >= 140 and rest_state["credit_notes"]
    fee_lines = [
        line
        for note in gql_state["credit_notes"]
        for line in note["LineItems"]
        if line["Description"] == "Refund: additional fees"
    ]
    assert fee_lines, "no refunded additional fee reached Xero"
    operations = [operation(c) for c in shop_calls if c["path"].endswith("/graphql.json")]
    # The refunded fee's order's agreements: read in the bulk orders' refunds request (no call
    # of their own), and again only with the orders the payouts step reads by id.
    assert operations.count("RefundsAndAgreements") == 1, operations
    assert "Refunds" not in operations
    assert "Agreements" not in operations
    assert operations.count("OrderNodesAgreements") <= operations.count("OrderNodes"), operations
    assert_same_records(rest_state, gql_state)


def _mapping_counts(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "state.db") as conn:
        rows = conn.execute("SELECT entity, count(*) FROM mappings GROUP BY entity").fetchall()
    return {str(entity): int(n) for entity, n in rows}


async def test_a_rebuild_through_graphql_relinks_everything(tmp_path: Path) -> None:
    clock = SandboxClock(speed=50)
    with serve_demo(clock) as (shop_url, xero_url, _):
        await run_engine(shop_url, xero_url, tmp_path, clock=clock, shopify_api="graphql")
        original = _mapping_counts(tmp_path)
        for name in ("state.db", "state.db-wal", "state.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        settings = sandbox_settings(shop_url, xero_url, tmp_path).model_copy(
            update={"shopify_api": "graphql"}
        )
        before = len(sandbox_requests(shop_url))
        with StateStore.open(settings.state_db_path) as store:
            async with build_clients(
                settings, call_sink=store_call_sink(store), clock=clock
            ) as clients:
                report = await rebuild_state(
                    store,
                    shopify=clients.shopify,
                    xero=clients.xero,
                    settings=settings,
                    now=clock.now,
                )
        reads = sandbox_requests(shop_url)[before:]
        xero_before = len(sandbox_requests(xero_url))
        after, _ = await run_engine(
            shop_url, xero_url, tmp_path, clock=clock, shopify_api="graphql"
        )
        xero_after = [
            r for r in sandbox_requests(xero_url)[xero_before:] if r["path"].startswith("/api.xro")
        ]
    assert _mapping_counts(tmp_path) == original
    assert report.unlinked == []
    # The rebuild's full reads were bulk operations, started together in one request.
    started = [r for r in reads if "bulkOperationRunQuery" in str(r["body"])]
    assert len(started) == 1
    assert sorted(started[0]["body"]["variables"]) == ["customers", "orders", "products"]
    assert xero_after == []  # all in step: not even a read
    assert after.total("created") == after.total("updated") == after.total("linked") == 0
