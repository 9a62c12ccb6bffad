"""A run started right after one that drained the GraphQL cost bucket waits before its first
query instead of having it refused (``THROTTLED``) and sent again (issue 14).

The bucket is only known from an answer, so the clients ``shopxero sync`` builds
(``clients.build_clients`` with the state DB) keep the last reading in ``store.rate_limits`` and
start the next run from it, restored by the time passed. Two runs back to back against the
simulator, on a clock only the client moves (so the bucket refills only by the client's waits):
the second run's first query is not refused; without the reading it is (today's behaviour, which
a missing or stale reading keeps: the bucket's numbers are never assumed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.stepping_clock import SteppingClock
from tests.sync.helpers import sandbox_settings

from shopxero.clients import build_clients
from shopxero.config import Settings
from shopxero.http.graphql_throttle import BucketStatus, GraphQLCostBucket
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import shopify_credentials
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.shopify.graphql_client import ShopifyGraphQLClient
from shopxero.store import StateStore

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=3650)  # a filtered read: paged queries, not a bulk operation
BUCKET, RESTORE = 1000.0, 50.0  # the simulator's bucket here: refills in 20 s
APP = "legacy-custom-app"  # the bucket's owner in the simulator (a static token)


def shop(clock: SteppingClock) -> ShopifySandbox:
    return create_shopify_app(
        load_seed("demo", now=NOW)["shopify"],
        clock=clock,
        credentials=shopify_credentials(),
        graphql_bucket=BUCKET,
        graphql_restore_rate=RESTORE,
    )


def settings(tmp_path: Path) -> Settings:
    base = sandbox_settings("http://shop.test", "http://xero.test", tmp_path)
    return base.model_copy(update={"shopify_api": "graphql"})


async def one_run(
    sandbox: ShopifySandbox, clock: SteppingClock, config: Settings, store: StateStore | None
) -> dict[str, Any]:
    """Read every order as a run's filtered read does (two orders a query, each asking 986 of
    the bucket's 1,000 points): what the client met, and the bucket it started from."""
    async with build_clients(
        config, shopify_transport=SandboxASGITransport(app=sandbox), clock=clock, store=store
    ) as clients:
        graphql = clients.shopify
        assert isinstance(graphql, ShopifyGraphQLClient)
        started_with = graphql.bucket.maximum
        before = len(sandbox.log.entries())
        orders = [o async for o in graphql.iter_orders(updated_at_min=SINCE)]
        return {
            "orders": len(orders),
            "throttled": graphql.throttled,
            "queries": len(sandbox.log.entries()) - before,
            "knew_bucket": started_with is not None,
            "model": graphql.bucket.available,
        }


async def test_the_second_run_waits_for_the_bucket_instead_of_being_refused(
    tmp_path: Path,
) -> None:
    clock = SteppingClock(start=NOW)
    sandbox = shop(clock)
    config = settings(tmp_path)
    with StateStore.open(config.state_db_path) as store:
        first = await one_run(sandbox, clock, config, store)
        assert first["throttled"] == 0 and not first["knew_bucket"]
        left = sandbox.graphql.costs.status(APP).available
        assert left < 986  # drained: the next 986-point query does not fit
        kept = store.rate_limits.get(f"shopify-graphql {config.shopify_url}")
        assert kept is not None
        assert (kept.maximum, kept.restore_rate) == (BUCKET, RESTORE)
        assert kept.available == pytest.approx(left, abs=1)  # as the last answer said it

        started = clock.time()
        second = await one_run(sandbox, clock, config, store)
    assert second["knew_bucket"]
    assert second["throttled"] == 0  # the first query waited and was not refused
    assert second["orders"] == first["orders"] == 60
    assert second["queries"] == first["queries"]  # nothing sent twice
    # Its first query's cost unknown yet, it waited until the bucket held what the dearest
    # query may ask (1,000 points: here the whole bucket).
    assert clock.time() - started >= (BUCKET - left) / RESTORE
    assert second["model"] == pytest.approx(sandbox.graphql.costs.status(APP).available, abs=1)


async def test_without_the_reading_the_first_query_is_refused_and_sent_again(
    tmp_path: Path,
) -> None:
    """Today's behaviour, which the reading avoids: the same two runs, the second without it."""
    clock = SteppingClock(start=NOW)
    sandbox = shop(clock)
    config = settings(tmp_path)
    with StateStore.open(config.state_db_path) as store:
        first = await one_run(sandbox, clock, config, store)
    second = await one_run(sandbox, clock, config, None)
    assert not second["knew_bucket"]
    assert second["throttled"] == 1
    assert second["queries"] == first["queries"] + 1  # the refused query, sent again


async def test_a_reading_the_bucket_has_refilled_since_is_not_used(tmp_path: Path) -> None:
    clock = SteppingClock(start=NOW)
    sandbox = shop(clock)
    config = settings(tmp_path)
    with StateStore.open(config.state_db_path) as store:
        await one_run(sandbox, clock, config, store)
        clock.advance(BUCKET / RESTORE)  # time enough to refill it whole
        later = await one_run(sandbox, clock, config, store)
        assert not later["knew_bucket"]  # nothing assumed: learnt from the first answer
        assert later["throttled"] == 0
        # A reading from the future (the clock set back) is not used either.
        key = f"shopify-graphql {config.shopify_url}"
        kept = store.rate_limits.get(key)
        assert kept is not None
        store.rate_limits.put(
            key,
            type(kept)(kept.maximum, 0.0, kept.restore_rate, kept.seen_at + timedelta(hours=1)),
        )
        clock.advance(BUCKET / RESTORE)
        assert not (await one_run(sandbox, clock, config, store))["knew_bucket"]


async def test_a_resumed_bucket_waits_only_for_what_the_dearest_query_may_ask() -> None:
    clock = SteppingClock(start=NOW)
    holding = GraphQLCostBucket(clock=clock, largest_query=1000)
    # 1,500 of 2,000 points half a second ago: the dearest query fits, nothing to wait for.
    assert holding.resume(BucketStatus(2000, 1450, 100, clock.time() - 0.5))
    started = clock.time()
    async with holding.slot():
        pass
    assert clock.time() == started
    drained = GraphQLCostBucket(clock=clock, largest_query=1000)
    assert drained.resume(BucketStatus(2000, 400, 100, clock.time() - 1))  # 500 now
    async with drained.slot():
        pass
    assert clock.time() - started == pytest.approx(5, abs=0.01)  # 500 more at 100 a second
    # Once an answer has taught it, a bucket is not resumed again.
    drained.observe_cost(
        {"throttleStatus": {"maximumAvailable": 2000, "currentlyAvailable": 10, "restoreRate": 100}}
    )
    assert not drained.resume(BucketStatus(2000, 1999, 100, clock.time()))
