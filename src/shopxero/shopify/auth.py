"""Shopify credentials: a static admin token, or tokens from the client credentials grant.

Two ways a merchant's own tool gets at the Admin API (shopify-api-notes §2):

- ``StaticTokenAuth``: the ``shpat_`` token of a legacy admin-created custom app (§2a). It never
  expires and cannot be re-acquired, so a 401 is final.
- ``ClientCredentialsAuth``: a Dev Dashboard app (§2b, the path for new apps since 2026-01-01).
  ``POST {shop}/admin/oauth/access_token`` with ``grant_type=client_credentials`` gives a token
  valid for ``expires_in`` seconds (about 24 h) and no refresh token: we repeat the grant 60 s
  before expiry (as Shopify's own example does) and once after a 401.

Token and secret values never appear in reprs, logs, the call log or error texts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Protocol

import httpx

from shopxero.errors import ApiError, AuthError, ConfigError, PermanentApiError
from shopxero.http.calllog import CallSink
from shopxero.http.clock import Clock, SystemClock
from shopxero.http.retry import RetryPolicy
from shopxero.http.sender import Sender

__all__ = ["TOKEN_HEADER", "ClientCredentialsAuth", "ShopifyAuth", "StaticTokenAuth"]

TOKEN_HEADER = "X-Shopify-Access-Token"
# Shopify's example client re-acquires 60 s before expires_in runs out (shopify-api-notes §2b).
REFRESH_MARGIN_SECONDS = 60.0
TOKEN_PATH = "/admin/oauth/access_token"


class ShopifyAuth(Protocol):
    """What ``ShopifyClient`` needs from credentials."""

    async def headers(self) -> dict[str, str]: ...

    async def on_unauthorized(self) -> bool:
        """Re-acquire the token after a 401; False when that is impossible (a static token)."""
        ...

    def secret_values(self) -> Iterable[str]:
        """Every credential value held, so the call log can mask it wherever it shows up."""
        ...


class StaticTokenAuth:
    """A legacy custom app's admin token (``X-Shopify-Access-Token``)."""

    def __init__(self, access_token: str) -> None:
        if not access_token or not access_token.strip():
            raise ConfigError("SHOPXERO_SHOPIFY_ACCESS_TOKEN is empty.")
        self._token = access_token.strip()
        # Unknown until asked: a static token's scopes come from GET access_scopes.json.
        self.granted_scopes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return "StaticTokenAuth(token=***)"

    async def headers(self) -> dict[str, str]:
        return {TOKEN_HEADER: self._token}

    async def on_unauthorized(self) -> bool:
        return False

    def secret_values(self) -> Iterable[str]:
        return (self._token,)

    async def aclose(self) -> None:
        return None


class ClientCredentialsAuth:
    """Tokens from a Dev Dashboard app's client id and secret, cached and re-acquired."""

    def __init__(
        self,
        shop_url: str,
        client_id: str,
        client_secret: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        call_sink: CallSink | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
    ) -> None:
        if not client_id or not client_secret:
            raise ConfigError(
                "SHOPXERO_SHOPIFY_CLIENT_ID and SHOPXERO_SHOPIFY_CLIENT_SECRET must both be set."
            )
        self.shop_url = shop_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock: Clock = clock or SystemClock()
        self._refresh_margin = refresh_margin
        self._http = httpx.AsyncClient(base_url=self.shop_url, transport=transport, timeout=timeout)
        self._sender = Sender(
            service="shopify",
            client=self._http,
            clock=self._clock,
            policy=retry or RetryPolicy(attempts=4, timeout=120.0),
            call_sink=call_sink,
            secrets=self.secret_values,
        )
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.granted_scopes: tuple[str, ...] = ()
        self.grants = 0  # how many tokens this process has acquired (diagnostics, tests)

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(shop_url={self.shop_url!r}, client_secret=***)"

    def use_call_sink(self, call_sink: CallSink | None) -> None:
        """Log token requests to ``call_sink`` unless a sink was given already."""
        if self._sender.call_sink is None:
            self._sender.call_sink = call_sink

    def secret_values(self) -> Iterable[str]:
        values = [self._client_secret]
        if self._token:
            values.append(self._token)
        return values

    async def headers(self) -> dict[str, str]:
        return {TOKEN_HEADER: await self.token()}

    async def token(self) -> str:
        """A token with more than ``refresh_margin`` seconds left, acquiring one if needed."""
        async with self._lock:
            if self._token is None or self._clock.monotonic() >= self._expires_at:
                await self._acquire()
            assert self._token is not None
            return self._token

    async def on_unauthorized(self) -> bool:
        # The token was revoked or expired early (an app reinstall, a secret rotation): one new
        # grant. A rejected grant raises AuthError, which ends the run with exit 2.
        async with self._lock:
            await self._acquire()
        return True

    async def _acquire(self) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        try:
            response = await self._sender.send("POST", TOKEN_PATH, data=form)
        except PermanentApiError as exc:
            if exc.status in (400, 401, 403, 404):
                raise AuthError(
                    f"Shopify refused the client credentials grant ({exc.message}): check "
                    "SHOPXERO_SHOPIFY_CLIENT_ID / SHOPXERO_SHOPIFY_CLIENT_SECRET and that the "
                    "app is installed on the shop"
                ) from exc
            raise
        try:
            body = response.json()
            token = str(body["access_token"])
            expires_in = float(body.get("expires_in") or 0)
        except (ValueError, KeyError, TypeError) as exc:
            raise ApiError(
                "the token answer has no access_token",
                service="shopify",
                method="POST",
                path=TOKEN_PATH,
                status=response.status_code,
            ) from exc
        scope = body.get("scope") or ""
        self._token = token
        self.granted_scopes = tuple(s.strip() for s in str(scope).split(",") if s.strip())
        # No expires_in: keep the token until a 401 says otherwise.
        lifetime = expires_in - self._refresh_margin if expires_in > 0 else float("inf")
        self._expires_at = self._clock.monotonic() + max(0.0, lifetime)
        self.grants += 1

    async def aclose(self) -> None:
        await self._http.aclose()
