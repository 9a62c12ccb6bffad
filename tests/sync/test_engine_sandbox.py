"""The engine against both simulators over real HTTP (uvicorn), with the real clients.

Clients are built from Settings by ``sync.factory.build_clients``, exactly as ``shopxero sync``
does; assertions read the simulators' ``/_sandbox/state`` and ``/_sandbox/requests``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sync.helpers import (
    run_engine,
    sandbox_requests,
    sandbox_state,
    serve_demo,
    serve_seed,
)

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.store import StateStore

pytestmark = pytest.mark.anyio


@pytest.fixture
def sandboxes() -> Iterator[tuple[str, str, Any]]:
    with serve_demo() as served:
        yield served


async def test_demo_seed_syncs_over_http_and_second_run_is_silent(
    sandboxes: tuple[str, str, Any], tmp_path: Path, shopify_api: str
) -> None:
    shop_url, xero_url, seed = sandboxes
    report, queued = await run_engine(shop_url, xero_url, tmp_path)
    xero = sandbox_state(xero_url)
    numbers = {c.get("ContactNumber") for c in xero["contacts"]}
    queued_ids = {q.shopify_id for q in queued}
    for customer in seed["shopify"]["customers"]:
        assert str(customer["id"]) in numbers or str(customer["id"]) in queued_ids
    invoice_numbers = {i["InvoiceNumber"] for i in xero["invoices"]}
    assert len(invoice_numbers) == len(xero["invoices"])
    # Only the intentionally broken order is queued; it names the order and the field.
    assert [q.entity for q in queued] == ["orders"], [q.message for q in queued]
    assert "tax_lines" in queued[0].message and queued[0].shopify_id in queued[0].message
    assert report.status == "failed_records"

    xero_before = len(sandbox_requests(xero_url))
    shop_before = len(sandbox_requests(shop_url))
    report2, _ = await run_engine(shop_url, xero_url, tmp_path)
    assert len(sandbox_requests(xero_url)) == xero_before, "a no-op run makes no Xero call"
    assert report2.total("created") == report2.total("updated") == 0
    shop_calls = sandbox_requests(shop_url)[shop_before:]
    # Each payout that still waits (here: a reserve without a reserve account, and the queued
    # order) is looked at again: its balance transactions, and its refunded orders
    # (docs/payouts.md).
    waiting = [n for n in report2.notes if n.startswith("payout ") and " waits: " in n]
    if shopify_api == "graphql":
        _rerun_reads_through_graphql(shop_calls, waiting)
        return
    # REST: a page of each resource and of payouts, then the waiting payouts' look-ups.
    balance = [r for r in shop_calls if "balance/transactions" in r["path"]]
    assert len(balance) == len(waiting) == 2, [n[:80] for n in report2.notes]
    pages = [r["path"].rsplit("/", 1)[-1] for r in shop_calls[:4]]
    assert pages == ["customers.json", "products.json", "orders.json", "payouts.json"], pages
    # Their refunded orders: one read of them all by id, never a read an order.
    rest = [(r["path"].rsplit("/", 1)[-1], r.get("query") or "") for r in shop_calls[4:]]
    rest = [(path, query) for path, query in rest if path != "transactions.json"]
    assert [(path, "ids=" in query) for path, query in rest] == [("orders.json", True)], rest


def _rerun_reads_through_graphql(calls: list[dict[str, Any]], waiting: list[str]) -> None:
    """GraphQL: no REST call; the changes since the cursors (however the client batches them),
    the payouts, one batch query for the waiting payouts' balance transactions and their
    refunded orders in one ``nodes(ids:)`` query. A query is counted once however often the
    cost bucket made the client send it again (the rerun starts with the bucket the first run
    left)."""
    assert [c["path"] for c in calls if not c["path"].endswith("/graphql.json")] == []
    sent = {json.dumps(c["body"], sort_keys=True): c["body"] for c in calls}.values()
    names = [str(b["query"]).split("(")[0].split()[-1] for b in sent]
    assert len(waiting) == 2, waiting
    assert names.count("BalanceTransactions") == 1, names
    assert "Payouts" in names, names
    # The waiting payouts' refunded orders: one nodes(ids:) query, never a query an order.
    assert names.count("OrderNodes") == 1 and "Order" not in names, names
    [ids] = [b["variables"]["ids"] for b in sent if "OrderNodes" in str(b["query"])]
    assert ids and all(i.startswith("gid://shopify/Order/") for i in ids), ids


async def test_records_changed_in_shopify_are_updated_exactly(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = sandboxes
    await run_engine(shop_url, xero_url, tmp_path)
    customer = dict(seed["shopify"]["customers"][2])
    customer["last_name"] = "Changed-Surname"
    customer["email"] = None  # removed in Shopify: blanked in Xero too
    httpx.post(f"{shop_url}/_sandbox/records", json={"customers": [customer]}).raise_for_status()
    before = len(sandbox_requests(xero_url))
    report, _ = await run_engine(shop_url, xero_url, tmp_path)
    writes = [
        r
        for r in sandbox_requests(xero_url)[before:]
        if r["method"] in ("PUT", "POST") and r["path"].startswith("/api.xro")
    ]
    assert [(w["method"], w["path"]) for w in writes] == [("POST", "/api.xro/2.0/Contacts")]
    assert report.counts["customers"]["updated"] == 1
    contact = next(
        c
        for c in sandbox_state(xero_url)["contacts"]
        if c.get("ContactNumber") == str(customer["id"])
    )
    assert contact["LastName"] == "Changed-Surname"
    assert not contact.get("EmailAddress")


async def test_deleting_state_db_creates_no_duplicate(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, _seed = sandboxes
    await run_engine(shop_url, xero_url, tmp_path / "a")
    before = sandbox_state(xero_url)
    calls_before = len(sandbox_requests(xero_url))
    report, _ = await run_engine(shop_url, xero_url, tmp_path / "b")  # a fresh state DB
    after = sandbox_state(xero_url)
    for key in ("contacts", "items", "invoices"):
        assert len(after[key]) == len(before[key]), key
    assert report.total("created") == 0
    # Everything is found and equal: linked without rewriting the organisation.
    writes = [
        r
        for r in sandbox_requests(xero_url)[calls_before:]
        if r["method"] in ("PUT", "POST") and r["path"].startswith("/api.xro")
    ]
    assert writes == []
    assert report.counts["orders"]["linked"] > 0


async def test_existing_xero_records_are_linked_and_same_names_stay_distinct(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = sandboxes
    await run_engine(shop_url, xero_url, tmp_path)
    xero = sandbox_state(xero_url)
    # The contact the merchant made by hand (same email as a Shopify customer) is linked.
    sophie = [c for c in xero["contacts"] if c.get("EmailAddress") == "sophie.martin@example.com"]
    assert len(sophie) == 1
    assert sophie[0]["ContactID"] == seed["xero"]["contacts"][0]["ContactID"]
    assert sophie[0].get("ContactNumber")  # now carries the Shopify customer id
    # The item whose Code equals a Shopify SKU is linked, not created again.
    earl = [i for i in xero["items"] if i["Code"] == "TEA-EARL-100"]
    assert len(earl) == 1 and earl[0]["ItemID"] == seed["xero"]["items"][0]["ItemID"]
    # Customers sharing a name both arrive, under distinct names.
    by_name: dict[str, list[int]] = {}
    for c in seed["shopify"]["customers"]:
        name = f"{c.get('first_name') or ''} {c.get('last_name') or ''}".strip()
        if name:
            by_name.setdefault(name, []).append(c["id"])
    twins = next(ids for ids in by_name.values() if len(ids) > 1)
    names = {
        c["Name"] for c in xero["contacts"] if c.get("ContactNumber") in {str(i) for i in twins}
    }
    assert len(names) == len(twins)


async def test_xero_calls_grow_with_batches_of_50(tmp_path: Path) -> None:
    seed = load_seed("bench:customers=300,products=5,orders=1")
    with serve_seed(seed) as (shop_url, xero_url):
        report, _ = await run_engine(shop_url, xero_url, tmp_path)
        calls = [r for r in sandbox_requests(xero_url) if r["path"].startswith("/api.xro")]
    puts = [r for r in calls if r["method"] == "PUT" and r["path"].endswith("/Contacts")]
    assert report.counts["customers"]["created"] == 300
    assert len(puts) == 6  # 300 contacts / 50 per request
    assert len(calls) <= 20, [(r["method"], r["path"]) for r in calls]


async def test_lost_write_answers_never_duplicate(tmp_path: Path) -> None:
    """Invariant 2 over real sockets: Xero commits the PUT, the answer is lost, every retry too.

    The run queues the contacts as retryable with their intents open; the next run settles the
    intents by ContactNumber and maps what was written, creating nothing twice.
    """
    clock = SandboxClock(speed=60)  # the client's retry backoff runs 60x faster
    seed = load_seed("demo", now=clock.now())
    with serve_seed(seed, clock=clock) as (shop_url, xero_url):
        fault = {"method": "PUT", "path": "/Contacts$", "kind": "drop_after_commit", "times": 100}
        httpx.post(f"{xero_url}/_sandbox/faults", json=fault).raise_for_status()
        report, queued = await run_engine(
            shop_url, xero_url, tmp_path, clock=clock, only=["customers"]
        )
        assert report.counts["customers"]["failed"] > 0
        assert queued and all(q.entity == "customers" and q.retryable for q in queued)
        with StateStore.open(tmp_path / "state.db") as store:
            assert store.intents.open(), "the creates' intents stay open"
        written = len(sandbox_state(xero_url)["contacts"])
        assert written > len(seed["xero"]["contacts"])  # the writes did happen

        httpx.delete(f"{xero_url}/_sandbox/faults").raise_for_status()
        await run_engine(shop_url, xero_url, tmp_path, clock=clock, only=["customers"])
        contacts = sandbox_state(xero_url)["contacts"]
    assert len(contacts) == written  # nothing created twice
    numbers = [c["ContactNumber"] for c in contacts if c.get("ContactNumber")]
    assert len(numbers) == len(set(numbers))
    for customer in seed["shopify"]["customers"]:
        assert str(customer["id"]) in numbers
    with StateStore.open(tmp_path / "state.db") as store:
        assert store.intents.open() == []
        assert store.errors.list_open("customers") == []
