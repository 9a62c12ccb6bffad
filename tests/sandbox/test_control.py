"""The shared control layer: request log with masking, faults, clock and reset endpoints."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.control import ControlMiddleware, mask_secrets
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.transport import SandboxASGITransport

pytestmark = pytest.mark.anyio


class CounterHooks:
    """A minimal simulator: a counter that POST /write increments."""

    def __init__(self) -> None:
        self.writes = 0

    def state(self) -> dict[str, Any]:
        return {"writes": self.writes}

    def reset(self) -> None:
        self.writes = 0

    def upsert_records(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"upserted": len(payload.get("customers", []))}


def make_app() -> tuple[ControlMiddleware, CounterHooks]:
    hooks = CounterHooks()

    async def write(request: Request) -> JSONResponse:
        await request.body()
        hooks.writes += 1
        return JSONResponse({"writes": hooks.writes})

    async def token(request: Request) -> JSONResponse:
        await request.form()
        return JSONResponse({"access_token": "secret-access-token-value"})

    inner = Starlette(
        routes=[Route("/write", write, methods=["POST"]), Route("/token", token, methods=["POST"])]
    )
    return ControlMiddleware(inner, hooks=hooks, clock=SandboxClock()), hooks


def client_for(app: ControlMiddleware) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=SandboxASGITransport(app=app), base_url="http://sandbox")


async def test_request_log_masks_secrets_in_form_bodies_and_queries() -> None:
    app, _ = make_app()
    async with client_for(app) as client:
        await client.post(
            "/token?code=the-auth-code",
            data={"grant_type": "refresh_token", "refresh_token": "rt-secret-123"},
        )
        log = (await client.get("/_sandbox/requests")).json()["requests"]
    dumped = json.dumps(log)
    assert "rt-secret-123" not in dumped
    assert "the-auth-code" not in dumped
    assert log[0]["body"]["grant_type"] == "refresh_token"
    assert log[0]["status"] == 200


def test_mask_secrets_reaches_nested_json() -> None:
    masked = mask_secrets({"a": [{"client_secret": "x", "keep": 1}], "Authorization": "Bearer y"})
    assert masked == {"a": [{"client_secret": "***", "keep": 1}], "Authorization": "***"}


async def test_status_fault_answers_instead_of_the_app_and_is_consumed() -> None:
    app, hooks = make_app()
    async with client_for(app) as client:
        await client.post(
            "/_sandbox/faults",
            json={
                "method": "POST",
                "path": "^/write$",
                "kind": "status",
                "status": 503,
                "headers": {"Retry-After": "7"},
                "body": "The Organisation is offline",
                "times": 1,
            },
        )
        first = await client.post("/write")
        second = await client.post("/write")
    assert first.status_code == 503
    assert first.headers["retry-after"] == "7"
    assert first.text == "The Organisation is offline"
    assert second.status_code == 200
    assert hooks.writes == 1


async def test_drop_after_commit_in_process_commits_then_raises_like_a_network() -> None:
    app, _hooks = make_app()
    async with client_for(app) as client:
        await client.post("/_sandbox/faults", json={"path": "/write", "kind": "drop_after_commit"})
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/write")
        assert (await client.get("/_sandbox/state")).json() == {"writes": 1}


def test_drops_over_real_http_before_and_after_commit() -> None:
    app, hooks = make_app()
    with serve_in_thread(app) as server, httpx.Client(base_url=server.url) as client:
        client.post(
            "/_sandbox/faults",
            json=[
                {"path": "/write", "kind": "drop_before"},
                {"path": "/write", "kind": "drop_after_commit"},
            ],
        )
        with pytest.raises(httpx.TransportError):
            client.post("/write")
        assert hooks.writes == 0
        with pytest.raises(httpx.TransportError):
            client.post("/write")
        assert hooks.writes == 1
        assert client.post("/write").json() == {"writes": 2}


def test_delay_fault_trips_a_client_timeout_over_real_http() -> None:
    app, _ = make_app()
    with serve_in_thread(app) as server, httpx.Client(base_url=server.url) as client:
        client.post("/_sandbox/faults", json={"path": "/write", "kind": "delay", "seconds": 1.0})
        with pytest.raises(httpx.ReadTimeout):
            client.post("/write", timeout=0.2)


async def test_a_log_listener_sees_each_request_before_the_simulator_acts_on_it() -> None:
    app, hooks = make_app()
    seen: list[tuple[str, Any, int]] = []
    stop = app.log.listen(lambda entry: seen.append((entry["path"], entry["status"], hooks.writes)))
    async with client_for(app) as client:
        await client.post("/write", json={"n": 1})
        stop()
        await client.post("/write")
    # Seen on arrival: not yet answered, the write not yet made; nothing after stop().
    assert seen == [("/write", None, 0)]
    assert hooks.writes == 2


async def test_reset_clears_state_faults_and_log() -> None:
    app, hooks = make_app()
    async with client_for(app) as client:
        await client.post("/write")
        await client.post("/_sandbox/faults", json={"path": "/write", "status": 500, "times": 3})
        await client.post("/_sandbox/reset")
        assert hooks.writes == 0
        assert (await client.post("/write")).status_code == 200
        log = (await client.get("/_sandbox/requests")).json()["requests"]
    assert [e["path"] for e in log] == ["/write"]


async def test_clock_endpoint_advances_and_speeds_up() -> None:
    app, _ = make_app()
    before = app.clock.time()
    async with client_for(app) as client:
        answer = (await client.post("/_sandbox/clock", json={"advance": 3600, "speed": 60})).json()
    assert answer["speed"] == 60
    assert app.clock.time() - before >= 3600


async def test_unknown_control_endpoint_is_404_and_bad_fault_is_400() -> None:
    app, _ = make_app()
    async with client_for(app) as client:
        assert (await client.get("/_sandbox/nope")).status_code == 404
        bad = await client.post("/_sandbox/faults", json={"path": "x", "kind": "explode"})
    assert bad.status_code == 400


def test_xero_item_codes_stay_visible_while_oauth_codes_are_masked() -> None:
    """Xero's PascalCase ``Code`` is data; the OAuth ``code`` field is a secret."""
    masked = mask_secrets({"Items": [{"Code": "TEA-EARL-100"}], "code": "auth-code-123"})
    assert masked == {"Items": [{"Code": "TEA-EARL-100"}], "code": "***"}
