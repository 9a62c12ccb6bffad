"""Xero OAuth2 tokens: refresh with rotation (web apps), client credentials (Custom Connections).

``OAuthTokenManager`` keeps the token file (``xero.tokens``) in step with Xero's refresh-token
rotation (xero-api-notes §1.3):
- the access token is refreshed ~5 minutes before it expires, or once after a 401 TokenExpired;
- the rotated refresh token is saved atomically BEFORE the new access token is handed out;
- one refresher at a time across processes (``filelock`` on ``<token_file>.lock``), and after
  taking the lock the file is read again, because another process may just have refreshed: using
  our older refresh token then would be exactly the concurrent-refresher ``invalid_grant`` of §1.3;
- a refresh whose answer is lost (network error, timeout, 5xx) is retried with the SAME previous
  refresh token, which Xero honours for a 30-minute grace window;
- ``invalid_grant`` means the token family is dead: ``ReauthorizeError``.

``ClientCredentialsTokens`` is the Custom Connection variant (xero-api-notes §1.7): no refresh
token, no tenant header; the token is simply re-acquired before it expires. No token, secret or code
is ever put into an exception text or a log line here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from filelock import FileLock, Timeout

from shopxero.errors import AuthError, RateLimitedError, ReauthorizeError, TransientApiError
from shopxero.http.clock import Clock, SystemClock
from shopxero.xero.identity import IdentityClient
from shopxero.xero.tokens import (
    XeroTokenSet,
    load_token_file,
    refresh_token_warning,
    save_token_file,
)

__all__ = [
    "BROAD_SCOPES",
    "GRANULAR_SCOPES",
    "REFRESH_MARGIN",
    "ClientCredentialsTokens",
    "IdentityClient",
    "OAuthTokenManager",
    "scopes_for",
]

# xero-api-notes §1.4: apps created since 2 March 2026 must use granular scopes.
GRANULAR_SCOPES = (
    "offline_access",
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    # payouts: bank transfers and spend/receive money (xero-api-notes §13.5)
    "accounting.banktransactions",
    "accounting.settings.read",
)
BROAD_SCOPES = (
    "offline_access",
    "accounting.transactions",
    "accounting.contacts",
    "accounting.settings",
)
# Refresh this long before the 30-minute access token runs out (xero-api-notes §1.3).
REFRESH_MARGIN = timedelta(minutes=5)
REFRESH_ATTEMPTS = 4
REFRESH_MAX_WAIT = 60.0  # seconds; a longer Retry-After ends the run (exit 2, retry later)
LOCK_WAIT_SECONDS = 120.0
LOCK_POLL_SECONDS = 0.05


def scopes_for(kind: str) -> tuple[str, ...]:
    """``granular`` (default for new apps) or ``broad`` (apps created before March 2026)."""
    if kind == "broad":
        return BROAD_SCOPES
    if kind == "granular":
        return GRANULAR_SCOPES
    raise ValueError(f"unknown Xero scope set {kind!r}; use 'granular' or 'broad'")


def _now(clock: Clock) -> datetime:
    return datetime.fromtimestamp(clock.time(), UTC)


class OAuthTokenManager:
    """``XeroTokenProvider`` for a web app: the token file, refreshed with rotation."""

    def __init__(
        self,
        token_file: Path,
        client_id: str,
        client_secret: str,
        identity_base_url: str,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        warn: Callable[[str], None] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.token_file = Path(token_file)
        self.clock: Clock = clock or SystemClock()
        self.identity = IdentityClient(
            identity_base_url=identity_base_url,
            client_id=client_id,
            client_secret=client_secret,
            transport=transport,
            timeout=timeout,
        )
        self._warn = warn
        self._warned = False
        self._lock = asyncio.Lock()
        self._current: XeroTokenSet | None = None
        self.refreshes = 0

    @property
    def lock_path(self) -> Path:
        return self.token_file.with_name(self.token_file.name + ".lock")

    def load(self) -> XeroTokenSet:
        tokens = load_token_file(self.token_file)
        if tokens is None:
            raise ReauthorizeError(
                f"no Xero token file at {self.token_file}; run `shopxero auth xero` first"
            )
        if self._warn is not None and not self._warned:
            warning = refresh_token_warning(tokens, _now(self.clock))
            if warning:
                self._warned = True
                self._warn(warning)
        return tokens

    @property
    def tenant_id(self) -> str | None:
        return (self._current or self.load()).tenant_id

    def _fresh(self, tokens: XeroTokenSet) -> bool:
        return tokens.expires_at - _now(self.clock) > REFRESH_MARGIN

    async def access_token(self) -> str:
        """A usable access token, refreshed first when it has under 5 minutes left."""
        tokens = self._current or self.load()
        self._current = tokens
        if self._fresh(tokens):
            return tokens.access_token
        return (await self._refresh(rejected=None)).access_token

    async def refresh_after_401(self, rejected: str) -> str:
        """Xero said TokenExpired for ``rejected``: refresh once (unless someone already did)."""
        return (await self._refresh(rejected=rejected)).access_token

    async def _refresh(self, *, rejected: str | None) -> XeroTokenSet:
        async with self._lock:
            current = self._current
            # Another task of this process may have refreshed while we waited for the lock.
            if current is not None and self._usable(current, rejected):
                return current
            async with self._file_lock():
                on_disk = self.load()
                if self._usable(on_disk, rejected):
                    # Another process refreshed while we waited: use its tokens, do not refresh
                    # with our now-rotated-away refresh token.
                    self._current = on_disk
                    return on_disk
                refreshed = await self._refresh_grant(on_disk)
                save_token_file(self.token_file, refreshed)  # persisted before first use
                self._current = refreshed
                self.refreshes += 1
                return refreshed

    def _usable(self, tokens: XeroTokenSet, rejected: str | None) -> bool:
        if rejected is not None:
            return tokens.access_token != rejected and self._fresh(tokens)
        return self._fresh(tokens)

    async def _refresh_grant(self, tokens: XeroTokenSet) -> XeroTokenSet:
        if not tokens.refresh_token:
            raise ReauthorizeError(
                "the Xero token file has no refresh token (offline_access was not granted); "
                "re-run `shopxero auth xero`"
            )
        form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
        delay = 1.0
        for attempt in range(1, REFRESH_ATTEMPTS + 1):
            try:
                body = await self.identity.token_request(form, what="refreshing the Xero token")
            except TransientApiError as exc:
                # The answer may be lost after Xero rotated the token: the previous refresh token
                # stays valid for 30 minutes (xero-api-notes §1.3), so the same form is safe to
                # resend.
                if attempt == REFRESH_ATTEMPTS:
                    raise
                wait = delay
                if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
                    wait = max(wait, exc.retry_after)
                if wait > REFRESH_MAX_WAIT:
                    raise  # come back later rather than hold the run for hours
                await self.clock.sleep(wait)
                delay *= 2
                continue
            return XeroTokenSet.from_token_response(body, now=_now(self.clock), previous=tokens)
        raise AssertionError("unreachable")  # pragma: no cover

    def _file_lock(self) -> _AsyncFileLock:
        return _AsyncFileLock(self.lock_path)


class _AsyncFileLock:
    """``filelock`` taken without blocking the event loop (poll, then sleep a little)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data dir: private
        self._lock = FileLock(str(path), thread_local=False, mode=0o600)

    async def __aenter__(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LOCK_WAIT_SECONDS
        while True:
            try:
                self._lock.acquire(timeout=0)
                return
            except Timeout:
                if loop.time() > deadline:
                    raise AuthError(
                        f"another shopxero process has held {self._lock.lock_file} for over "
                        f"{LOCK_WAIT_SECONDS:.0f} s while refreshing the Xero token"
                    ) from None
                # Real time, not the sandbox clock: the other holder is another process.
                await asyncio.sleep(LOCK_POLL_SECONDS)

    async def __aexit__(self, *_: object) -> None:
        self._lock.release()


class ClientCredentialsTokens:
    """``XeroTokenProvider`` for a Custom Connection (client_credentials grant,
    xero-api-notes §1.7)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        identity_base_url: str,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        scopes: tuple[str, ...] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.identity = IdentityClient(
            identity_base_url=identity_base_url,
            client_id=client_id,
            client_secret=client_secret,
            transport=transport,
            timeout=timeout,
        )
        self.scopes = scopes
        self._lock = asyncio.Lock()
        self._current: XeroTokenSet | None = None
        self.acquisitions = 0

    @property
    def tenant_id(self) -> None:
        """A Custom Connection is one organisation: no ``xero-tenant-id`` header
        (xero-api-notes §1.7)."""
        return None

    @property
    def current(self) -> XeroTokenSet | None:
        return self._current

    async def access_token(self) -> str:
        current = self._current
        if current is not None and current.expires_at - _now(self.clock) > REFRESH_MARGIN:
            return current.access_token
        return (await self._acquire(rejected=None)).access_token

    async def refresh_after_401(self, rejected: str) -> str:
        return (await self._acquire(rejected=rejected)).access_token

    async def _acquire(self, *, rejected: str | None) -> XeroTokenSet:
        async with self._lock:
            current = self._current
            if (
                current is not None
                and current.access_token != rejected
                and current.expires_at - _now(self.clock) > REFRESH_MARGIN
            ):
                return current
            form = {"grant_type": "client_credentials"}
            if self.scopes:
                form["scope"] = " ".join(self.scopes)
            body = await self.identity.token_request(
                form, what="getting a Xero Custom Connection token"
            )
            self._current = XeroTokenSet.from_token_response(body, now=_now(self.clock))
            self.acquisitions += 1
            return self._current
