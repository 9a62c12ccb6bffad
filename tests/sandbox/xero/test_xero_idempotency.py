"""Idempotency-Key replay on PUT/POST/PATCH [xero-api-notes §3]."""

from __future__ import annotations

import asyncio

import pytest
from tests.sandbox.xero.platform_helpers import CREDS, api_headers, client_for, fake_sandbox

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.xero.idempotency import IdempotencyStore, StoredResponse

pytestmark = pytest.mark.anyio

CONTACTS = "/api.xro/2.0/Contacts"
BODY = {"Contacts": [{"Name": "Ada Lovelace"}]}


async def test_same_key_and_request_replays_the_first_answer() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "order-1001-v1"})
    async with client_for(app) as client:
        first = await client.put(CONTACTS, headers=headers, json=BODY)
        second = await client.put(CONTACTS, headers=headers, json=BODY)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()  # same ContactID: not created twice
    assert len(app.org.state()["contacts"]) == 1


async def test_replays_count_against_the_rate_limit_facts_2() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "k"})
    async with client_for(app) as client:
        first = await client.put(CONTACTS, headers=headers, json=BODY)
        second = await client.put(CONTACTS, headers=headers, json=BODY)
    assert first.headers["x-minlimit-remaining"] == "59"
    assert second.headers["x-minlimit-remaining"] == "58"


async def test_same_key_different_body_is_400_naming_the_key() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "order-1001-v1"})
    async with client_for(app) as client:
        await client.put(CONTACTS, headers=headers, json=BODY)
        other = await client.put(CONTACTS, headers=headers, json={"Contacts": [{"Name": "Bob"}]})
    assert other.status_code == 400
    assert other.json()["Detail"] == (
        "Idempotency Key: order-1001-v1 is used with a different request."
    )
    assert len(app.org.state()["contacts"]) == 1


@pytest.mark.parametrize(
    ("method", "url"),
    [("POST", CONTACTS), ("PUT", CONTACTS + "?summarizeErrors=false")],
    ids=["other-method", "other-url"],
)
async def test_same_key_different_method_or_url_is_400(method, url) -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "k1"})
    async with client_for(app) as client:
        await client.put(CONTACTS, headers=headers, json=BODY)
        other = await client.request(method, url, headers=headers, json=BODY)
    assert other.status_code == 400
    assert "is used with a different request" in other.json()["Detail"]


async def test_key_longer_than_128_is_400_naming_key_and_length() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    key = "k" * 129
    async with client_for(app) as client:
        long_key = await client.put(
            CONTACTS, headers=api_headers(tokens, **{"Idempotency-Key": key}), json=BODY
        )
        ok_key = await client.put(
            CONTACTS, headers=api_headers(tokens, **{"Idempotency-Key": "k" * 128}), json=BODY
        )
    assert long_key.status_code == 400
    assert key in long_key.json()["Detail"]
    assert "129" in long_key.json()["Detail"]
    assert ok_key.status_code == 200
    assert len(app.org.state()["contacts"]) == 1


async def test_after_six_minutes_the_key_is_new_again() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock)
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "k"})
    async with client_for(app) as client:
        first = await client.put(CONTACTS, headers=headers, json=BODY)
        clock.advance(5 * 60 + 59)
        replay = await client.put(CONTACTS, headers=headers, json=BODY)
        clock.advance(2)
        fresh = await client.put(CONTACTS, headers=headers, json=BODY)
        # And a new key window: a different body is now fine too.
        changed = await client.put(CONTACTS, headers=headers, json={"Contacts": [{"Name": "X"}]})
    assert replay.json() == first.json()
    assert fresh.json()["Contacts"][0]["ContactID"] != first.json()["Contacts"][0]["ContactID"]
    assert changed.status_code == 400  # the key's new window belongs to `fresh`'s body


async def test_errors_are_cached_and_replayed_facts_3() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "bad-1"})
    async with client_for(app) as client:
        first = await client.put(CONTACTS, headers=headers, json={"Contacts": [{"Name": ""}]})
        second = await client.put(CONTACTS, headers=headers, json={"Contacts": [{"Name": ""}]})
        crash = await client.post(
            "/api.xro/2.0/Boom", headers=api_headers(tokens, **{"Idempotency-Key": "boom"})
        )
        crash_again = await client.post(
            "/api.xro/2.0/Boom", headers=api_headers(tokens, **{"Idempotency-Key": "boom"})
        )
    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()
    assert crash.status_code == crash_again.status_code == 500
    assert crash_again.json() == crash.json()  # same Instance id: replayed, not re-run


async def test_keys_are_per_app() -> None:
    app = fake_sandbox()
    web = app.issue_tokens_for_tests()
    custom = app.issue_tokens_for_tests(custom=True)
    async with client_for(app) as client:
        a = await client.put(
            CONTACTS, headers=api_headers(web, **{"Idempotency-Key": "shared"}), json=BODY
        )
        b = await client.put(
            CONTACTS,
            headers=api_headers(custom, **{"Idempotency-Key": "shared"}),
            json={"Contacts": [{"Name": "Other"}]},
        )
    assert a.status_code == b.status_code == 200
    assert len(app.org.state()["contacts"]) == 2


async def test_get_ignores_the_key() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "g"})
    async with client_for(app) as client:
        await client.get(CONTACTS, headers=headers)
        await client.put(CONTACTS, headers=api_headers(tokens), json=BODY)
        listed = await client.get(CONTACTS, headers=headers)
    assert len(listed.json()["Contacts"]) == 1
    assert len(app.idempotency) == 0


async def test_replay_follows_the_replaying_requests_accept() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "fmt"})
    async with client_for(app) as client:
        first = await client.put(CONTACTS, headers=headers, json=BODY)
        as_xml = await client.put(CONTACTS, headers={**headers, "Accept": "text/xml"}, json=BODY)
    contact_id = first.json()["Contacts"][0]["ContactID"]
    assert as_xml.headers["content-type"].startswith("text/xml")
    assert f"<ContactID>{contact_id}</ContactID>" in as_xml.text


async def test_reset_forgets_stored_answers() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "r"})
    async with client_for(app) as client:
        await client.put(CONTACTS, headers=headers, json=BODY)
        await client.post("/_sandbox/reset")
        again = await client.put(CONTACTS, headers=headers, json=BODY)
    assert again.status_code == 200
    assert len(app.org.state()["contacts"]) == 1


async def test_a_repeat_while_the_first_is_running_waits_for_its_answer() -> None:
    store = IdempotencyStore(SandboxClock())
    calls = 0
    gate = asyncio.Event()

    async def call() -> StoredResponse:
        nonlocal calls
        calls += 1
        await gate.wait()
        return StoredResponse(200, [], b"first")

    first = asyncio.ensure_future(store.run(CREDS.client_id, "k", "fp", call))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(store.run(CREDS.client_id, "k", "fp", call))
    await asyncio.sleep(0.01)
    gate.set()
    (a, replayed_a), (b, replayed_b) = await asyncio.gather(first, second)
    assert calls == 1
    assert a.body == b.body == b"first"
    assert (replayed_a, replayed_b) == (False, True)


async def test_expired_answers_are_swept_so_memory_stays_bounded() -> None:
    clock = SandboxClock()
    store = IdempotencyStore(clock)

    async def call() -> StoredResponse:
        return StoredResponse(200, [], b"x" * 1000)

    for n in range(50):
        await store.run("app", f"key-{n}", "fp", call)
    assert len(store) == 50
    clock.advance(361)
    await store.run("app", "one-more", "fp", call)
    assert len(store) == 1
