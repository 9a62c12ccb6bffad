"""What both simulators share: the request log, fault injection and the ``/_sandbox`` endpoints.

``ControlMiddleware`` is the outermost ASGI layer of each simulator. It answers the control
endpoints of docs/architecture.md, records every other request (secrets masked), and applies
injected faults: an HTTP status, a delay, a connection dropped before the request is processed, or
one dropped after the write was committed (the app ran, the answer is lost).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl, urlencode

from shopxero.sandbox.clock import SandboxClock

__all__ = [
    "ConnectionDropped",
    "ControlMiddleware",
    "Fault",
    "FaultInjector",
    "RequestLog",
    "SandboxHooks",
    "mask_secrets",
]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FaultKind = Literal["status", "delay", "drop_before", "drop_after_commit"]

# Names whose values never reach the request log (form fields, JSON keys, query parameters).
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code",
        "code_verifier",
        "password",
        "token",
        "authorization",
        "x-shopify-access-token",
    }
)
_HEADER_SECRET_KEYS = frozenset({"authorization", "x-shopify-access-token"})
MASK = "***"


class ConnectionDropped(Exception):
    """Raised in-process when a fault drops the connection and there is no socket to close.

    ``shopxero.sandbox.transport.SandboxASGITransport`` turns it into the httpx error a real
    dropped connection gives, so in-process tests see the same thing as HTTP tests.
    """


class SandboxHooks(Protocol):
    """What a simulator provides to the control endpoints."""

    def state(self) -> dict[str, Any]: ...

    def reset(self) -> None: ...

    def upsert_records(self, payload: dict[str, Any]) -> dict[str, Any]: ...


def _is_secret_key(key: object) -> bool:
    # OAuth fields are lower-case (``code``, ``refresh_token``); Xero's own fields are PascalCase
    # and an Item's ``Code`` is data, not a secret, so only header names match in any case.
    name = str(key)
    return name in SECRET_KEYS or name.lower() in _HEADER_SECRET_KEYS


def mask_secrets(value: Any) -> Any:
    """Return ``value`` with every secret-named key's value replaced by ``***``."""
    if isinstance(value, dict):
        return {k: (MASK if _is_secret_key(k) else mask_secrets(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def _mask_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, MASK if k.lower() in SECRET_KEYS else v) for k, v in pairs])


def _mask_body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            return mask_secrets(json.loads(text))
        except ValueError:
            return text[:2000]
    if "x-www-form-urlencoded" in content_type:
        return mask_secrets(dict(parse_qsl(text, keep_blank_values=True)))
    return text[:2000]


@dataclass
class Fault:
    """One injected fault; ``times`` counts down as matching requests consume it."""

    path: re.Pattern[str]
    kind: FaultKind
    method: str | None = None
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    seconds: float = 0.0
    times: int = 1

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Fault:
        kind = spec.get("kind", "status")
        if kind not in ("status", "delay", "drop_before", "drop_after_commit"):
            raise ValueError(f"unknown fault kind {kind!r}")
        return cls(
            path=re.compile(spec.get("path", ".*")),
            kind=kind,
            method=(spec.get("method") or None),
            status=int(spec.get("status", 500)),
            headers={str(k): str(v) for k, v in (spec.get("headers") or {}).items()},
            body=spec.get("body"),
            seconds=float(spec.get("seconds", 0.0)),
            times=int(spec.get("times", 1)),
        )

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return self.path.search(path) is not None


class FaultInjector:
    """A thread-safe list of pending faults; the first match wins and is consumed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, spec: dict[str, Any]) -> Fault:
        fault = Fault.from_spec(spec)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> int:
        with self._lock:
            return sum(f.times for f in self._faults)


Listener = Callable[[dict[str, Any]], None]


class RequestLog:
    """Every request a simulator received, in order, with secrets masked.

    ``listen`` shows each request to a callback as it arrives: in the server's thread, once the
    body is read, before a fault or the simulator acts on it. The crash harness kills its client
    there, so the kill lands before the answer exists, however busy the machine.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._listeners: list[Listener] = []

    def append(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(entry)

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(entry)`` for every request from now on; returns what stops it."""
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


async def _json_response(send: Send, status: int, payload: Any) -> None:
    body = json.dumps(payload, default=str).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def drop_connection(send: Send) -> None:
    """Close the client's connection without an answer.

    Under uvicorn, ``send`` is a bound method of the request cycle, which holds the socket's
    transport: aborting it is what a crashed server or a lost network looks like to the client.
    Marking the cycle disconnected stops uvicorn from writing its own 500 afterwards.
    In-process there is no socket; ``ConnectionDropped`` is raised for the test transport.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionDropped("connection dropped by sandbox fault")
    cycle.disconnected = True  # type: ignore[union-attr]
    transport.abort()
    await asyncio.sleep(0)


class ControlMiddleware:
    """Outermost layer: control endpoints, request log, faults."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hooks: SandboxHooks,
        clock: SandboxClock,
        faults: FaultInjector | None = None,
        log: RequestLog | None = None,
    ) -> None:
        self.app = app
        self.hooks = hooks
        self.clock = clock
        self.faults = faults or FaultInjector()
        self.log = log or RequestLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        raw = await _read_body(receive)
        if path.startswith("/_sandbox/"):
            await self._control(method, path, raw, send)
            return

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        entry: dict[str, Any] = {
            "time": self.clock.now().isoformat(),
            "method": method,
            "path": path,
            "query": _mask_query(scope.get("query_string", b"").decode("latin-1")),
            "status": None,
            "body": _mask_body(raw, headers.get("content-type", "")),
        }
        self.log.append(entry)

        fault = self.faults.take(method, path)
        if fault is not None and fault.kind == "status":
            entry["status"] = fault.status
            await _fault_response(send, fault)
            return
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)  # real seconds: this is how client timeouts trip
        if fault is not None and fault.kind == "drop_before":
            entry["status"] = "dropped"
            await drop_connection(send)
            return

        replay = _replay_receive(raw)
        if fault is not None and fault.kind == "drop_after_commit":
            # Run the app to completion (the write commits), swallow its answer, then drop.
            async def swallow(message: Message) -> None:
                if message["type"] == "http.response.start":
                    entry["status"] = message["status"]

            await self.app(scope, replay, swallow)
            entry["status"] = f"{entry['status']} dropped-after-commit"
            await drop_connection(send)
            return

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        await self.app(scope, replay, recording_send)

    async def _control(self, method: str, path: str, raw: bytes, send: Send) -> None:
        name = path.removeprefix("/_sandbox/").strip("/")
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            await _json_response(send, 400, {"error": "body must be JSON"})
            return
        try:
            result = self._dispatch(method, name, payload)
        except (ValueError, KeyError, TypeError) as exc:
            await _json_response(send, 400, {"error": str(exc)})
            return
        if result is None:
            await _json_response(send, 404, {"error": f"no control endpoint {method} {path}"})
            return
        await _json_response(send, 200, result)

    def _dispatch(self, method: str, name: str, payload: Any) -> dict[str, Any] | None:
        if method == "GET" and name == "state":
            return self.hooks.state()
        if method == "GET" and name == "requests":
            return {"requests": self.log.entries()}
        if method == "DELETE" and name == "requests":
            self.log.clear()
            return {"cleared": True}
        if method == "POST" and name == "records":
            return self.hooks.upsert_records(payload)
        if method == "POST" and name == "faults":
            specs = payload if isinstance(payload, list) else [payload]
            for spec in specs:
                self.faults.add(spec)
            return {"pending": self.faults.pending()}
        if method == "DELETE" and name == "faults":
            self.faults.clear()
            return {"pending": 0}
        if method == "POST" and name == "reset":
            self.hooks.reset()
            self.faults.clear()
            self.log.clear()
            return {"reset": True}
        if method == "GET" and name == "clock":
            return {"now": self.clock.now().isoformat(), "speed": self.clock.speed}
        if method == "POST" and name == "clock":
            if "speed" in payload:
                self.clock.set_speed(float(payload["speed"]))
            if "advance" in payload:
                self.clock.advance(float(payload["advance"]))
            return {"now": self.clock.now().isoformat(), "speed": self.clock.speed}
        return None


async def _fault_response(send: Send, fault: Fault) -> None:
    if fault.body is None:
        body = b""
        content_type = "text/plain; charset=utf-8"
    elif isinstance(fault.body, str):
        body = fault.body.encode()
        content_type = "text/plain; charset=utf-8"
    else:
        body = json.dumps(fault.body).encode()
        content_type = "application/json; charset=utf-8"
    headers = {"content-type": content_type, **{k.lower(): v for k, v in fault.headers.items()}}
    headers["content-length"] = str(len(body))
    await send(
        {
            "type": "http.response.start",
            "status": fault.status,
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay_receive(raw: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        # Like a server whose client went quiet: wait instead of spinning.
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}  # pragma: no cover - never reached

    return receive
