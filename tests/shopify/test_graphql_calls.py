"""The GraphQL client's Shopify calls for a small bench shop, pinned per phase (issue 14).

Counted from the simulator's own request log, on a clock that moves only when the client sleeps,
so the counts are the client's and not the machine's: a first import (the three bulk operations
started in one request and polled together, the refunds of every refunded order in one query), a
rerun with no change and a day's increment (one query for what changed of all three resources,
one for the records behind it). The engine drives the same calls (``tests/bench`` counts them
through ``bench/run.py``); here they are driven as the engine drives them, so that an extra call
shows up as a failure with its operation's name.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.stepping_clock import MIN_STEP, SteppingClock

from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import SHOPIFY_ACCESS_TOKEN, shopify_credentials
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.shopify import graphql_queries as q
from shopxero.shopify.auth import StaticTokenAuth
from shopxero.shopify.graphql_client import ShopifyGraphQLClient
from shopxero.shopify.graphql_ids import IdBatches, QueryTooCostly

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.increment import day_increment  # noqa: E402

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LOOKBACK = timedelta(minutes=10)  # the engine's default look-back window
RESOURCES = ("customers", "products", "orders")
_OPERATION = re.compile(r"^\s*(query|mutation)\s+(\w+)")


class BulkClock(SteppingClock):
    """Stands still but for the client's sleeps. The simulator runs a bulk query in a thread, in
    real time: a sleep first lets those threads finish, so an operation lasts what the simulator
    says it lasts (``max(1 s, objects / 1000)``) on this clock, however busy the machine; and it
    ends a moment after the time asked, as a real sleep does."""

    def __init__(self) -> None:
        super().__init__(start=NOW)
        self.sandbox: ShopifySandbox | None = None

    async def sleep(self, seconds: float) -> None:
        if self.sandbox is not None:
            self.sandbox.graphql.bulk.wait()
        await super().sleep(seconds + MIN_STEP)


def calls(sandbox: ShopifySandbox, since: int) -> dict[str, int]:
    """The calls the simulator received after the ``since``-th, by GraphQL operation."""
    names: Counter[str] = Counter()
    for entry in sandbox.log.entries()[since:]:
        body = entry.get("body")
        if str(entry["path"]).endswith("/graphql.json") and isinstance(body, dict):
            match = _OPERATION.match(str(body.get("query") or ""))
            names[match.group(2) if match else "query"] += 1
        else:
            names[f"{entry['method']} {str(entry['path']).split('/')[1]}"] += 1
    return dict(names)


async def read_everything(
    graphql: ShopifyGraphQLClient, since: dict[str, datetime | None]
) -> dict[str, list[dict[str, Any]]]:
    """What a run reads, in the engine's order: prepared at once, then each resource, then each
    order's transactions."""
    await graphql.prepare_reads(since)
    out = {
        "customers": [c async for c in graphql.iter_customers(updated_at_min=since["customers"])],
        "products": [p async for p in graphql.iter_products(updated_at_min=since["products"])],
        "orders": [o async for o in graphql.iter_orders(updated_at_min=since["orders"])],
    }
    for order in out["orders"]:
        await graphql.list_transactions(int(order["id"]))
    return out


def cursors(read: dict[str, list[dict[str, Any]]]) -> dict[str, datetime | None]:
    """Where the next run starts, as the engine places it: the newest updated_at less the
    look-back window."""
    out: dict[str, datetime | None] = {}
    for name in RESOURCES:
        stamps = [datetime.fromisoformat(str(r["updated_at"])) for r in read[name]]
        out[name] = min(max(stamps), NOW) - LOOKBACK
    return out


def small_shop() -> tuple[BulkClock, ShopifySandbox]:
    """The smoke test's bench shop on a ``BulkClock``."""
    clock = BulkClock()
    seed = load_seed("bench:customers=12,products=3,orders=24", now=NOW)
    sandbox = create_shopify_app(seed["shopify"], clock=clock, credentials=shopify_credentials())
    clock.sandbox = sandbox
    return clock, sandbox


async def test_each_phase_of_a_small_shop_takes_the_calls_pinned_here() -> None:
    clock, sandbox = small_shop()
    warnings: list[str] = []
    graphql = ShopifyGraphQLClient(
        shop_url="http://shop.test",
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=SandboxASGITransport(app=sandbox),
        clock=clock,
        warn=warnings.append,
    )
    async with graphql:
        first = await read_everything(graphql, dict.fromkeys(RESOURCES))
        assert calls(sandbox, 0) == {
            "RunBulk": 1,  # the three bulk queries, started together
            "PollBulks": 1,  # all three polled at once, done a second later
            "GET bulk-operation-results": 3,  # each one's JSONL
            "Refunds": 1,  # every refunded order's refunds in one nodes(ids:) query
        }
        assert [len(first[n]) for n in RESOURCES] == [12, 3, 24]
        assert any(o["refunds"] for o in first["orders"])
        # Its Shopify time on this clock: the one wait before the poll (the simulator runs a
        # query this small in its shortest time, a second); no wait for the cost bucket.
        assert graphql.spent.seconds == pytest.approx(1 + MIN_STEP, abs=1e-4)

        mark = len(sandbox.log.entries())
        spent = graphql.spent.seconds
        await read_everything(graphql, cursors(first))
        # What changed since each cursor less the look-back, all three in one query, then the
        # records behind those ids in one more; no wait.
        assert calls(sandbox, mark) == {"ChangedIds": 1, "Records": 1}
        assert graphql.spent.seconds == spent

        state = sandbox.state()
        sandbox.upsert_records(day_increment(state, NOW + timedelta(hours=1)))
        mark = len(sandbox.log.entries())
        day = await read_everything(graphql, cursors(first))
        assert calls(sandbox, mark) == {"ChangedIds": 1, "Records": 1}
        assert len([c for c in day["customers"] if c["first_name"].startswith("New")]) == 2
        assert len(day["orders"]) >= 10
    assert warnings == []


async def test_a_query_over_the_cost_cap_is_refused_with_its_cost() -> None:
    sandbox = create_shopify_app(
        load_seed("bench:customers=3,products=1,orders=2", now=NOW)["shopify"],
        clock=SteppingClock(start=NOW),
        credentials=shopify_credentials(),
    )
    async with ShopifyGraphQLClient(
        shop_url="http://shop.test",
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=SandboxASGITransport(app=sandbox),
        clock=sandbox.clock,
    ) as graphql:
        with pytest.raises(QueryTooCostly) as refused:
            await graphql.query(q.CUSTOMERS, {"first": 250})
    assert refused.value.cost == 2 + 250 * 6  # 6 points a customer of the page
    assert "MAX_COST_EXCEEDED" in str(refused.value)


async def test_ids_a_query_are_cut_to_what_a_refusal_shows_fits() -> None:
    """A Shopify that charged a list of nodes per id (40 points each here): the first batch is
    refused with its cost, every later one fits, and the records come back in order."""
    sent: list[int] = []
    requested: dict[str, float] = {}

    async def query(document: str, variables: dict[str, Any] | None) -> dict[str, Any]:
        ids = list((variables or {})["ids"])
        sent.append(len(ids))
        cost = 2 + 40 * len(ids)
        if cost > 1000:
            raise QueryTooCostly(
                "MAX_COST_EXCEEDED", cost=cost, service="shopify", method="POST", path="/"
            )
        requested[document] = cost
        return {"nodes": [{"id": i} for i in ids]}

    batches = IdBatches(query, requested.get)
    ids = [f"gid://shopify/Order/{n}" for n in range(100)]
    found = await batches.nodes("query Records", ids)
    assert [n["id"] for n in found if n is not None] == ids
    assert sent == [100, 24, 24, 24, 24, 4]
    # The next read of the same document starts at the size learnt.
    await batches.nodes("query Records", ids[:30])
    assert sent[6:] == [24, 6]


@pytest.mark.parametrize("version", ["2026-10", "2025-10"])
async def test_bulk_reads_started_together_fall_back_one_by_one(version: str) -> None:
    """A failed operation among the three falls back to pages with a note, the others are read
    in bulk; before API 2026-01 only one runs at a time, so the others start when needed."""
    clock, sandbox = small_shop()
    sandbox.graphql.bulk.fail_next("INTERNAL_SERVER_ERROR")  # the first started: customers
    warnings: list[str] = []
    graphql = ShopifyGraphQLClient(
        shop_url="http://shop.test",
        api_version=version,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=SandboxASGITransport(app=sandbox),
        clock=clock,
        warn=warnings.append,
    )
    async with graphql:
        read = await read_everything(graphql, dict.fromkeys(RESOURCES))
    assert [len(read[n]) for n in RESOURCES] == [12, 3, 24]
    assert len(warnings) == 1 and "customers ended FAILED" in warnings[0], warnings
    made = calls(sandbox, 0)
    assert made["Customers"] == 1  # the customers' page, instead of their bulk read
    # 2026-01 on: one request starts all three; before it, one each (the other two refused as
    # "in progress" at first, started in turn when their read comes).
    assert made["RunBulk"] == (1 if version == "2026-10" else 3)
    assert made["GET bulk-operation-results"] == 2
