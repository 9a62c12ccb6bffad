"""The platform in front of the Accounting routes: auth, rate limits, idempotency, XML.

Order, as at Xero: token and tenant first (a tenant is needed to count against), then the rate
limits, then the Idempotency-Key ("evaluated after rate limiting" [xero-api-notes §3]), then the
accounting routes. The answer is rendered last, JSON or XML by ``Accept``, so a replayed answer
follows the replaying request's ``Accept`` and carries fresh rate-limit headers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopxero.sandbox.xero import problems
from shopxero.sandbox.xero.auth import ApiCaller, authorize_api_call
from shopxero.sandbox.xero.idempotency import (
    IDEMPOTENT_METHODS,
    MAX_KEY_LENGTH,
    IdempotencyConflictError,
    IdempotencyStore,
    StoredResponse,
    request_fingerprint,
)
from shopxero.sandbox.xero.problems import Problem
from shopxero.sandbox.xero.ratelimit import RateLimiter, Rejection
from shopxero.sandbox.xero.tokens import TokenStore
from shopxero.sandbox.xero.xmlout import json_to_xml, wants_json

__all__ = ["API_PREFIX", "ApiGateway", "read_body", "send_response"]

API_PREFIX = "/api.xro/2.0"
XML_TYPE = "text/xml; charset=utf-8"

logger = logging.getLogger(__name__)


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_response(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    kept.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _problem_response(problem: Problem) -> StoredResponse:
    return StoredResponse(
        problem.status, [(b"content-type", problems.JSON_TYPE.encode())], problem.encode()
    )


def _endpoint(path: str) -> str:
    rest = path.removeprefix(API_PREFIX).strip("/")
    return rest.split("/", 1)[0]


class ApiGateway:
    """ASGI app for ``/api.xro/2.0/*`` wrapping the accounting router."""

    def __init__(
        self,
        inner: ASGIApp,
        *,
        tokens: TokenStore,
        limiter: RateLimiter,
        idempotency: IdempotencyStore,
        tenant_id: Callable[[], str],
        latency: Callable[[], float],
    ) -> None:
        self._inner = inner
        self._tokens = tokens
        self._limiter = limiter
        self._idempotency = idempotency
        self._tenant_id = tenant_id
        self._latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        accept = headers.get("accept")
        method: str = scope["method"]
        caller = authorize_api_call(
            self._tokens,
            authorization=headers.get("authorization"),
            tenant_header=headers.get("xero-tenant-id"),
            org_tenant_id=self._tenant_id(),
            endpoint=_endpoint(scope["path"]),
            method=method,
        )
        if isinstance(caller, Problem):
            await self._respond(send, _problem_response(caller), accept, {})
            return
        admitted = self._limiter.admit(caller.client_id, caller.tenant_id)
        if isinstance(admitted, Rejection):
            problem = problems.too_many_requests(admitted.problem, admitted.headers)
            await self._respond(send, _problem_response(problem), accept, problem.headers)
            return
        try:
            answer = await self._answer(scope, body, headers, caller)
            await self._respond(send, answer, accept, admitted.headers)
        finally:
            self._limiter.release(admitted)

    async def _answer(
        self, scope: Scope, body: bytes, headers: dict[str, str], caller: ApiCaller
    ) -> StoredResponse:
        latency = self._latency()
        if latency > 0:
            await asyncio.sleep(latency)  # real seconds of "processing", holding the slot
        method: str = scope["method"]
        key = headers.get("idempotency-key", "").strip()
        if method.upper() not in IDEMPOTENT_METHODS or not key:
            return await self._call_inner(scope, body)
        if len(key) > MAX_KEY_LENGTH:
            return _problem_response(
                problems.bad_request(
                    f"Idempotency Key: {key} is {len(key)} characters long; "
                    f"the maximum is {MAX_KEY_LENGTH}."
                )
            )
        url = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        fingerprint = request_fingerprint(method, url, caller.tenant_id, body)
        try:
            answer, _replayed = await self._idempotency.run(
                caller.client_id, key, fingerprint, lambda: self._call_inner(scope, body)
            )
        except IdempotencyConflictError:
            return _problem_response(
                problems.bad_request(f"Idempotency Key: {key} is used with a different request.")
            )
        return answer

    async def _call_inner(self, scope: Scope, body: bytes) -> StoredResponse:
        status = 500
        out_headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        delivered = False

        async def receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # like a client that stays connected and quiet
            return {"type": "http.disconnect"}  # pragma: no cover - never reached

        async def capture(message: Message) -> None:
            nonlocal status, out_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self._inner(scope, receive, capture)
        except Exception:
            # A crash in a route is Xero's 500; it is cached like any other answer
            # [xero-api-notes §3].
            logger.exception("accounting route failed: %s %s", scope["method"], scope["path"])
            return _problem_response(problems.server_error())
        return StoredResponse(status, out_headers, b"".join(chunks))

    async def _respond(
        self,
        send: Send,
        answer: StoredResponse,
        accept: str | None,
        extra: dict[str, str],
    ) -> None:
        headers = list(answer.headers)
        body = answer.body
        content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        if b"json" in content_type.lower() and body and not wants_json(accept):
            try:
                body = json_to_xml(body, status=answer.status)
            except ValueError:
                pass  # not JSON after all: send it as it is
            else:
                headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
                headers.append((b"content-type", XML_TYPE.encode()))
        present = {k.lower() for k, _ in headers}
        for name, value in extra.items():
            if name.lower().encode() not in present:
                headers.append((name.lower().encode(), value.encode()))
        await send_response(send, answer.status, body, headers)
