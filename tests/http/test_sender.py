"""The shared send path over httpx.MockTransport: records, 401 re-acquire, mapping, pacing."""

from __future__ import annotations

import json

import httpx
import pytest

from shopxero.errors import (
    ApiAuthError,
    ApiError,
    PermanentApiError,
    QuotaExhaustedError,
    RateLimitedError,
    UnavailableError,
)
from shopxero.http.calllog import ListSink
from shopxero.http.retry import RetryPolicy
from shopxero.http.sender import Sender
from shopxero.http.throttle import ShopifyBucket

pytestmark = pytest.mark.anyio

TOKEN = "tok-very-secret-0001"


class FlakyAuth:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.reacquired = 0

    async def headers(self) -> dict[str, str]:
        return {"X-Shopify-Access-Token": self.tokens[0]}

    async def on_unauthorized(self) -> bool:
        self.reacquired += 1
        if len(self.tokens) > 1:
            self.tokens.pop(0)
            return True
        return False


def _sender(handler, fake_clock, **kwargs) -> tuple[Sender, ListSink]:
    sink = ListSink()
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="https://s.test")
    sender = Sender(service="shopify", client=client, clock=fake_clock, call_sink=sink, **kwargs)
    return sender, sink


async def test_a_successful_call_is_recorded(fake_clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"shop": {"name": "Demo"}},
            headers={"X-Request-Id": "r-1", "X-Shopify-Shop-Api-Call-Limit": "1/40"},
        )

    sender, sink = _sender(handler, fake_clock)
    resp = await sender.send("GET", "/admin/api/2026-10/shop.json", params={"fields": "name"})
    assert resp.json() == {"shop": {"name": "Demo"}}
    [rec] = sink.records
    assert (rec.service, rec.method, rec.path, rec.query) == (
        "shopify",
        "GET",
        "/admin/api/2026-10/shop.json",
        "fields=name",
    )
    assert rec.status == 200 and rec.attempt == 1 and rec.request_id == "r-1"
    assert rec.rate_limit == {"x-shopify-shop-api-call-limit": "1/40"}
    assert rec.time.tzinfo is not None
    assert rec.error is None


async def test_429_pauses_the_pacer_then_retries(fake_clock) -> None:
    answers = [
        httpx.Response(429, headers={"Retry-After": "2.0"}, json={"errors": "Exceeded"}),
        httpx.Response(200, json={"ok": True}),
    ]
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(fake_clock.now)
        return answers.pop(0)

    bucket = ShopifyBucket(clock=fake_clock)
    sender, sink = _sender(handler, fake_clock, pacer=bucket)
    await sender.send("GET", "/x")
    assert sent_at[1] - sent_at[0] >= 2.0
    assert [r.status for r in sink.records] == [429, 200]
    assert [r.attempt for r in sink.records] == [1, 2]
    assert sink.records[0].rate_limit == {"retry-after": "2.0"}


async def test_401_reacquires_once_and_resends(fake_clock) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["X-Shopify-Access-Token"])
        if request.headers["X-Shopify-Access-Token"] == "old-token-1234":
            return httpx.Response(401, json={"errors": "[API] Invalid API key or access token"})
        return httpx.Response(200, json={})

    auth = FlakyAuth(["old-token-1234", "new-token-5678"])
    sender, sink = _sender(handler, fake_clock, auth=auth)
    await sender.send("GET", "/x")
    assert seen == ["old-token-1234", "new-token-5678"]
    assert auth.reacquired == 1
    assert [r.status for r in sink.records] == [401, 200]


async def test_a_second_401_is_final(fake_clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"errors": "[API] Invalid API key or access token"})

    auth = FlakyAuth(["a-token-1111", "b-token-2222", "c-token-3333"])
    sender, sink = _sender(handler, fake_clock, auth=auth)
    with pytest.raises(ApiAuthError):
        await sender.send("GET", "/x")
    assert auth.reacquired == 1
    assert len(sink.records) == 2


async def test_static_token_401_is_not_resent(fake_clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"errors": "bad"})

    sender, sink = _sender(handler, fake_clock, auth=FlakyAuth(["only-token-9"]))
    with pytest.raises(ApiAuthError):
        await sender.send("GET", "/x")
    assert len(sink.records) == 1


async def test_network_errors_never_leave_as_httpx(fake_clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    sender, sink = _sender(handler, fake_clock, policy=RetryPolicy(attempts=3))
    with pytest.raises(UnavailableError) as info:
        await sender.send("GET", "/x")
    assert not isinstance(info.value, httpx.HTTPError)
    assert [r.status for r in sink.records] == [None, None, None]
    assert all("ConnectError" in (r.error or "") for r in sink.records)


async def test_retry_false_makes_one_attempt(fake_clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="The Organisation is offline")

    sender, sink = _sender(handler, fake_clock)
    with pytest.raises(UnavailableError):
        await sender.send("POST", "/x", json={"a": 1}, retry=False)
    assert len(sink.records) == 1


async def test_refine_error_can_make_an_error_permanent(fake_clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"X-Rate-Limit-Problem": "day", "Retry-After": "5"})

    def refine(error: ApiError, response: httpx.Response) -> ApiError:
        if isinstance(error, RateLimitedError) and error.problem == "day":
            return QuotaExhaustedError("day budget spent", service="xero", method="GET", path="/x")
        return error

    sender, sink = _sender(handler, fake_clock, refine_error=refine)
    with pytest.raises(QuotaExhaustedError):
        await sender.send("GET", "/x")
    assert len(sink.records) == 1


async def test_secrets_stay_out_of_records_and_errors(fake_clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        # A misbehaving server echoing the credentials back in an error body.
        return httpx.Response(400, text=f"bad request: {request.content.decode()} {TOKEN}")

    sink = ListSink()
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="https://s.test")
    sender = Sender(
        service="shopify",
        client=client,
        clock=fake_clock,
        call_sink=sink,
        auth=FlakyAuth([TOKEN]),
        secrets=lambda: [TOKEN, "client-secret-xyz"],
    )
    with pytest.raises(ApiError) as info:
        await sender.send(
            "POST", "/oauth", data={"client_id": "id-1", "client_secret": "client-secret-xyz"}
        )
    texts = [json.dumps(r.__dict__, default=str) for r in sink.records]
    texts += [str(info.value), info.value.body_excerpt, repr(info.value)]
    for text in texts:
        assert TOKEN not in text
        assert "client-secret-xyz" not in text


async def test_a_broken_sink_does_not_break_the_call(fake_clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={})

    def sink(record: object) -> None:
        raise RuntimeError("disk full")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="https://s.test")
    sender = Sender(service="xero", client=client, clock=fake_clock, call_sink=sink)
    assert (await sender.send("GET", "/x")).status_code == 200


async def test_redirects_are_not_followed(fake_clock) -> None:
    """Shopify's token header would go along to the Location; refuse, and say why."""
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(301, headers={"Location": "https://elsewhere.test/x"})

    sender, sink = _sender(handler, fake_clock, auth=FlakyAuth([TOKEN]))
    with pytest.raises(PermanentApiError, match=r"redirected to https://elsewhere\.test/x"):
        await sender.send("GET", "/x")
    assert hosts == ["s.test"]
    assert [r.status for r in sink.records] == [301]


async def test_a_pre_encoded_body_is_sent_as_is_and_recorded(fake_clock) -> None:
    """Xero's exact-Decimal JSON is encoded by the caller (content=), not re-encoded here."""
    received: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        received.append(request.content)
        return httpx.Response(200, json={})

    sender, sink = _sender(handler, fake_clock)
    body = b'{"UnitAmount": 10.10, "refresh_token": "rt-secret-99"}'
    await sender.send("PUT", "/Items", content=body, headers={"Content-Type": "application/json"})
    assert received == [body]
    # Logged exactly as sent: 10.10 stays 10.10 (money is never round-tripped through float).
    assert sink.records[0].request_body == '{"UnitAmount": 10.10, "refresh_token": "***"}'
