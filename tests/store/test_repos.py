"""Mappings, intents, cursors, runs, the error queue, the call log, the Xero cache and the last
rate-limit readings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from shopxero.store import StateStore
from shopxero.store.calls import StoredCall
from shopxero.store.errors_queue import retry_delay
from shopxero.store.mappings import MappingRecord
from shopxero.store.rate_limits import StoredBucket

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Iterator[StateStore]:
    s = StateStore.open(":memory:")
    yield s
    s.close()


def test_mapping_round_trip_and_upsert(store: StateStore) -> None:
    rec = MappingRecord(
        entity="contact",
        shopify_id="101",
        xero_id="x-1",
        natural_key="101",
        checksum="abc",
        payload={"Name": "Jane"},
        xero_updated_utc=T0,
        base_name="Jane",
        chosen_name="Jane",
        last_synced=T0,
    )
    store.mappings.upsert(rec)
    assert store.mappings.get("contact", "101") == rec
    store.mappings.upsert(MappingRecord("contact", "101", "x-1", "101", checksum="def"))
    got = store.mappings.get("contact", "101")
    assert got is not None and got.checksum == "def" and got.payload is None
    assert store.mappings.by_natural_key("contact", "101") is not None
    assert store.mappings.by_xero_id("contact", "x-1") is not None
    assert store.mappings.count("contact") == 1
    assert store.mappings.count("item") == 0


def test_two_records_cannot_share_a_xero_id(store: StateStore) -> None:
    import sqlite3

    store.mappings.upsert(MappingRecord("contact", "1", "x-1", "1"))
    with pytest.raises(sqlite3.IntegrityError):
        store.mappings.upsert(MappingRecord("contact", "2", "x-1", "2"))


def test_names_in_use_is_case_insensitive(store: StateStore) -> None:
    store.mappings.upsert(MappingRecord("contact", "1", "x-1", "1", chosen_name="Jane Smith"))
    assert store.mappings.names_in_use() == {"jane smith": "1"}


def test_intents_open_and_close(store: StateStore) -> None:
    i1 = store.intents.add(
        entity="contact", operation="create", shopify_id="1", natural_key="1", checksum="c", now=T0
    )
    i2 = store.intents.add(
        entity="item", operation="create", shopify_id="9", natural_key="SKU", checksum="c", now=T0
    )
    store.intents.set_idempotency_key([i1], "shopxero:contact:k")
    assert [i.id for i in store.intents.open()] == [i1, i2]
    assert [i.id for i in store.intents.open("item")] == [i2]
    store.intents.close(i1)
    store.intents.close(i2, state="dropped")
    assert store.intents.open() == []
    got = store.intents.get(i1)
    assert got is not None and got.state == "settled"
    assert got.idempotency_key == "shopxero:contact:k"
    with pytest.raises(ValueError):
        store.intents.close(i1, state="open")


def test_cursor_only_moves_forward(store: StateStore) -> None:
    store.cursors.advance("orders", T0)
    store.cursors.advance("orders", T0 - timedelta(hours=1))
    assert store.cursors.get("orders") == T0
    store.cursors.advance("orders", T0 + timedelta(seconds=1))
    assert store.cursors.all() == {"orders": T0 + timedelta(seconds=1)}


def test_naive_datetimes_are_refused(store: StateStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.cursors.advance("orders", datetime(2026, 1, 1))


def test_run_lifecycle(store: StateStore) -> None:
    run_id = store.runs.start(started_at=T0)
    store.runs.finish(
        run_id,
        status="ok",
        counts={"customers": {"created": 2}},
        notes=["n"],
        finished_at=T0 + timedelta(seconds=5),
    )
    run = store.runs.get(run_id)
    assert run is not None
    assert run.status == "ok" and run.counts == {"customers": {"created": 2}}
    assert run.notes == ["n"] and run.finished_at == T0 + timedelta(seconds=5)
    assert [r.id for r in store.runs.recent()] == [run_id]


def test_error_queue_bumps_attempts_and_backs_off(store: StateStore) -> None:
    first = store.errors.record(
        operation="create",
        entity="contact",
        shopify_id="7",
        error_class="UnavailableError",
        message="xero 503",
        retryable=True,
        now=T0,
    )
    again = store.errors.record(
        operation="create",
        entity="contact",
        shopify_id="7",
        error_class="UnavailableError",
        message="xero 503 again",
        retryable=True,
        validation_messages=["m"],
        now=T0,
    )
    assert first == again
    entry = store.errors.get(first)
    assert entry is not None
    assert entry.attempts == 2 and entry.message == "xero 503 again"
    assert entry.validation_messages == ["m"]
    assert entry.next_retry_at == T0 + retry_delay(2)
    assert store.errors.due_for_retry(T0) == []
    assert [e.id for e in store.errors.due_for_retry(T0 + timedelta(hours=1))] == [first]


def test_permanent_errors_are_not_due_and_resolve(store: StateStore) -> None:
    eid = store.errors.record(
        operation="create",
        entity="item",
        shopify_id="5",
        error_class="ValidationError",
        message="Code too long",
        retryable=False,
        now=T0,
    )
    assert store.errors.due_for_retry(T0 + timedelta(days=9)) == []
    assert store.errors.count_open() == 1
    assert store.errors.resolve(eid, now=T0)
    assert not store.errors.resolve(eid, now=T0)
    assert store.errors.count_open() == 0
    # A new failure of the same record opens a fresh entry.
    eid2 = store.errors.record(
        operation="create",
        entity="item",
        shopify_id="5",
        error_class="ValidationError",
        message="still bad",
        retryable=False,
        now=T0,
    )
    assert eid2 != eid
    store.errors.resolve_for("item", "5", resolution="synced")
    assert store.errors.list_open() == []


def test_retry_delay_grows_and_caps() -> None:
    assert retry_delay(1) == timedelta(minutes=5)
    assert retry_delay(2) == timedelta(minutes=10)
    assert retry_delay(50) == timedelta(hours=6)


def test_call_log_and_cache(store: StateStore) -> None:
    call = StoredCall(T0, "xero", "PUT", "/Contacts", "", 200, 12.5, 1, "r1", None)
    store.calls.add(call, run_id=None)
    assert store.calls.count(service="xero") == 1
    assert store.calls.count(service="shopify") == 0
    store.cache.put("accounts", [{"Code": "200"}], now=T0)
    assert store.cache.get("accounts") == ([{"Code": "200"}], T0)
    store.cache.clear()
    assert store.cache.get("accounts") is None


def test_rate_limit_reading_round_trip_and_replace(store: StateStore) -> None:
    key = "shopify-graphql https://shop.example"
    assert store.rate_limits.get(key) is None
    store.rate_limits.put(key, StoredBucket(2000.0, 12.5, 100.0, T0))
    later = StoredBucket(2000.0, 40.0, 100.0, T0 + timedelta(seconds=5))
    store.rate_limits.put(key, later)
    assert store.rate_limits.get(key) == later
    assert store.rate_limits.get("shopify-graphql https://other.example") is None


def test_prune_keeps_open_intents_and_recent_calls(store: StateStore) -> None:
    old = T0 - timedelta(days=60)
    settled = store.intents.add(
        entity="item", operation="create", shopify_id="1", natural_key="A", checksum="c", now=old
    )
    store.intents.close(settled, now=old)
    still_open = store.intents.add(
        entity="item", operation="create", shopify_id="2", natural_key="B", checksum="c", now=old
    )
    assert store.intents.prune(T0) == 1
    assert store.intents.get(settled) is None and store.intents.get(still_open) is not None
    store.calls.add(StoredCall(old, "xero", "GET", "/Items", "", 200, 1.0, 1, None, None))
    store.calls.add(StoredCall(T0, "xero", "GET", "/Items", "", 200, 1.0, 1, None, None))
    assert store.calls.prune(T0 - timedelta(days=1)) == 1
    assert store.calls.count() == 1
