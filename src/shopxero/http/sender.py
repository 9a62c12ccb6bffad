"""The single send path both API clients use: pace, send, map errors, record, retry.

``Sender.send`` is the only place a client touches the network. Around every HTTP exchange it
takes a slot from the ``Pacer``, adds the auth headers, maps httpx exceptions and error statuses to
``shopxero.errors`` (httpx exceptions never get past it), writes one ``CallRecord`` per exchange
(secrets masked), tells the pacer about rate-limit headers and 429s, re-sends once after a 401 if
the auth can re-acquire a token, and retries transient failures with ``call_with_retries``.

A re-acquire that fails temporarily (the token endpoint down, rate limiting or unreachable) is an
``UnavailableError`` saying so, not the 401 that caused it: the credentials are fine. Like any
transient error it is retried (the next attempt tries the refresh again), and when the retries run
out the caller gets that error: a run that stops on it can simply be repeated later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from shopxero.errors import (
    ApiAuthError,
    ApiError,
    NotFoundError,
    RateLimitedError,
    TransientApiError,
    UnavailableError,
)
from shopxero.http.calllog import CallRecord, CallSink, redact_excerpt, redact_query, redact_text
from shopxero.http.clock import Clock, SystemClock
from shopxero.http.error_mapping import error_from_exception, error_from_response, request_id_of
from shopxero.http.retry import RetryHook, RetryPolicy, call_with_retries
from shopxero.http.throttle import NoPacing, Pacer
from shopxero.http.time_spent import TimeSpent

__all__ = ["RATE_LIMIT_HEADERS", "Annotator", "ErrorRefiner", "RequestAuth", "Sender"]

log = logging.getLogger(__name__)

# Headers copied into CallRecord.rate_limit (shopify-api-notes §3, xero-api-notes §2).
RATE_LIMIT_HEADERS = (
    "x-shopify-shop-api-call-limit",
    "retry-after",
    "x-rate-limit-problem",
    "x-daylimit-remaining",
    "x-minlimit-remaining",
    "x-appminlimit-remaining",
)


class RequestAuth(Protocol):
    """Credentials for one service: headers to add, and one chance to recover from a 401."""

    async def headers(self) -> dict[str, str]: ...

    async def on_unauthorized(self) -> bool:
        """Re-acquire the token after a 401; False when that is impossible (a static token)."""
        ...


# Lets a client add to the call log's ``query`` what its URL does not say (the GraphQL client:
# the operation and its calculated cost), as URL-encoded pairs.
Annotator = Callable[[httpx.Request, httpx.Response | None], str | None]

# Lets a client turn a generic mapped error into a more specific one (e.g. Xero's day-limit 429
# into QuotaExhaustedError); returns the error to raise.
ErrorRefiner = Callable[[ApiError, httpx.Response], ApiError]


class Sender:
    """One service's send path. The ``httpx.AsyncClient`` is the caller's to open and close."""

    def __init__(
        self,
        *,
        service: str,
        client: httpx.AsyncClient,
        clock: Clock | None = None,
        pacer: Pacer | None = None,
        policy: RetryPolicy | None = None,
        call_sink: CallSink | None = None,
        auth: RequestAuth | None = None,
        secrets: Callable[[], Iterable[str]] | None = None,
        refine_error: ErrorRefiner | None = None,
        on_retry: RetryHook | None = None,
        annotate: Annotator | None = None,
        spent: TimeSpent | None = None,
    ) -> None:
        self.service = service
        self.client = client
        self.clock: Clock = clock or SystemClock()
        self.pacer: Pacer = pacer or NoPacing()
        self.policy = policy or RetryPolicy()
        self.call_sink = call_sink
        self.auth = auth
        self._secrets = secrets
        self._refine_error = refine_error
        self._on_retry = on_retry
        self._annotate = annotate
        # Clock time inside ``send`` (pacing, token, attempts, back-off): the service's time.
        self.spent = spent or TimeSpent(self.clock)
        self.last_response_headers: httpx.Headers | None = None

    def known_secrets(self) -> tuple[str, ...]:
        """Credential values to mask wherever they appear (beyond the key-based masking)."""
        return tuple(self._secrets()) if self._secrets else ()

    async def send(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        retry: bool = True,
        content: bytes | None = None,
        not_found_ok: bool = False,
        label: str | None = None,
    ) -> httpx.Response:
        """Send one logical request; return the 2xx answer or raise an ``ApiError``.

        ``url`` is relative to the client's base URL, or absolute (a pagination link followed
        verbatim). ``retry=False`` makes a single attempt (a write with no idempotency key).
        ``content`` is a body already encoded by the caller (Xero's exact-Decimal JSON).
        ``not_found_ok``: a look-up, whose 404 (still raised as ``NotFoundError``) is logged as
        an expected answer, not a failure. ``label``: what the time spent on it is told by
        (``spent.by_label``; the method and URL unless given).
        """
        refreshed = False
        exchanges = 0

        async def attempt(_: int) -> httpx.Response:
            nonlocal refreshed, exchanges
            while True:
                exchanges += 1
                try:
                    return await self._exchange(
                        method,
                        url,
                        params,
                        json,
                        data,
                        headers,
                        number=exchanges,
                        content=content,
                        not_found_ok=not_found_ok,
                    )
                except ApiAuthError as exc:
                    # One re-acquire per logical call (docs/architecture.md, Rate limits and
                    # retries: 401 -> refresh once, retry).
                    if exc.status == 401 and self.auth is not None and not refreshed:
                        refreshed = True
                        try:
                            if await self.auth.on_unauthorized():
                                continue
                        except TransientApiError as failure:
                            # No new token was got, so the one refresh is still owed: the next
                            # attempt (after call_with_retries' back-off) may refresh again.
                            # Without this it would meet the same 401 and report that instead.
                            refreshed = False
                            raise self._refresh_failed(exc, failure) from failure
                    raise

        policy = self.policy if retry else _single_attempt(self.policy)
        target = httpx.URL(str(url), params=params) if params else url
        with self.spent.span(label or f"{method} {target}"):
            return await call_with_retries(
                attempt, policy=policy, clock=self.clock, on_retry=self._on_retry
            )

    def _refresh_failed(
        self, unauthorized: ApiAuthError, cause: TransientApiError
    ) -> TransientApiError:
        """The error for a 401 whose refresh failed temporarily: this call's, citing the cause."""
        # Both texts are already free of secrets (the identity client never quotes a token);
        # masking the known values again costs nothing and guards what we cannot see here.
        message = redact_text(
            f"the access token was refused ({unauthorized.message}) and refreshing it failed "
            f"temporarily: {cause}; the credentials are not the problem, run again later",
            self.known_secrets(),
        )
        common: dict[str, Any] = {
            "service": unauthorized.service,
            "method": unauthorized.method,
            "path": unauthorized.path,
            "status": unauthorized.status,
            "request_id": unauthorized.request_id,
            "body_excerpt": unauthorized.body_excerpt,
        }
        if isinstance(cause, RateLimitedError):
            # The token endpoint's Retry-After paces the next refresh (call_with_retries waits
            # at least that long, or gives up when it is past the policy's timeout).
            return RateLimitedError(message, retry_after=cause.retry_after, **common)
        return UnavailableError(message, **common)

    async def _exchange(
        self,
        method: str,
        url: str | httpx.URL,
        params: Mapping[str, str] | None,
        json: Any,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        *,
        number: int,
        content: bytes | None = None,
        not_found_ok: bool = False,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if self.auth is not None:
            all_headers.update(await self.auth.headers())
        request = self.client.build_request(
            method, url, params=params, json=json, data=data, content=content, headers=all_headers
        )
        path = request.url.path
        secrets = self.known_secrets()
        response: httpx.Response | None = None
        error: ApiError | None = None
        cause: Exception | None = None
        when = datetime.fromtimestamp(self.clock.time(), UTC)
        started = time.perf_counter()
        async with self.pacer.slot():
            try:
                response = await self.client.send(request)
            except httpx.HTTPError as exc:
                cause = exc
                error = error_from_exception(
                    self.service, method, path, exc, secrets=secrets, host=_host(request.url)
                )
        duration_ms = (time.perf_counter() - started) * 1000.0
        if response is not None:
            self.last_response_headers = response.headers
            self.pacer.observe(response.headers)
            # 3xx too: redirects are not followed, because Shopify's token header would travel
            # to wherever the Location points (httpx strips only Authorization cross-origin).
            if response.status_code >= 300:
                error = error_from_response(
                    self.service, method, path, response, now=self.clock.time(), secrets=secrets
                )
                if self._refine_error is not None:
                    error = self._refine_error(error, response)
                if isinstance(error, RateLimitedError):
                    self.pacer.pause(error.retry_after, error.problem)
        expected = not_found_ok and isinstance(error, NotFoundError)
        self._record(request, response, error, number, when, duration_ms, secrets, expected)
        if error is not None:
            raise error from cause
        assert response is not None
        return response

    def _record(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        error: ApiError | None,
        number: int,
        when: datetime,
        duration_ms: float,
        secrets: tuple[str, ...],
        expected: bool = False,
    ) -> None:
        if self.call_sink is None:
            return
        request_body = _body_text(request.content)
        response_body: str | None = None
        rate_limit: dict[str, str] = {}
        if response is not None:
            response_body = _body_text(response.content)
            rate_limit = {
                name: response.headers[name]
                for name in RATE_LIMIT_HEADERS
                if name in response.headers
            }
        query = redact_query(request.url.query.decode("ascii", errors="replace"), secrets)
        note = self._annotate(request, response) if self._annotate is not None else None
        if note:
            query = f"{query}&{note}" if query else note
        record = CallRecord(
            time=when,
            service=self.service,
            method=request.method,
            path=request.url.path,
            query=query,
            status=response.status_code if response is not None else None,
            duration_ms=round(duration_ms, 3),
            attempt=number,
            request_id=request_id_of(response.headers) if response is not None else None,
            rate_limit=rate_limit,
            request_body=redact_excerpt(request_body, secrets) if request_body else None,
            response_body=redact_excerpt(response_body, secrets) if response_body else None,
            error=f"{type(error).__name__}: {error.message}" if error is not None else None,
            expected=expected,
        )
        try:
            self.call_sink(record)
        except Exception:  # a broken log must not break the sync
            log.exception("call sink failed for %s %s", record.method, record.path)


def _host(url: httpx.URL) -> str:
    """``my-shop.myshopify.com`` or ``127.0.0.1:8080``: the address a failed connection meant."""
    return f"{url.host}:{url.port}" if url.port else url.host


def _body_text(content: bytes) -> str | None:
    if not content:
        return None
    return content.decode("utf-8", errors="replace")


def _single_attempt(policy: RetryPolicy) -> RetryPolicy:
    return RetryPolicy(
        attempts=1,
        timeout=policy.timeout,
        wait_initial=policy.wait_initial,
        wait_max=policy.wait_max,
        wait_jitter=policy.wait_jitter,
    )
