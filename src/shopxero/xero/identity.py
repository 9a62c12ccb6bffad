"""Calls to Xero's identity server (token, revocation) and ``/connections``, errors mapped.

Client authentication is HTTP Basic (xero-api-notes §1.1). Failures never carry a token, secret
or code into their message: ``invalid_grant`` becomes ``ReauthorizeError`` (xero-api-notes §1.3,
§7), ``invalid_client`` an ``AuthError`` naming the settings, network trouble ``UnavailableError``.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx

from shopxero.errors import AuthError, RateLimitedError, ReauthorizeError, UnavailableError
from shopxero.http.error_mapping import parse_retry_after

__all__ = ["IdentityClient"]


class IdentityClient:
    """The few calls to Xero's identity server and ``/connections``; maps every failure."""

    def __init__(
        self,
        *,
        identity_base_url: str,
        client_id: str,
        client_secret: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.identity_base_url = identity_base_url.rstrip("/")
        self.client_id = client_id
        self._basic = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._transport = transport
        self._timeout = timeout

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport, timeout=self._timeout)

    async def token_request(self, form: dict[str, str], *, what: str) -> dict[str, Any]:
        """POST ``/connect/token`` with HTTP Basic client auth (xero-api-notes §1.1); the JSON
        answer."""
        url = f"{self.identity_base_url}/connect/token"
        try:
            async with self._client() as http:
                response = await http.post(
                    url,
                    data=form,
                    headers={"Authorization": self._basic, "Accept": "application/json"},
                )
        except httpx.HTTPError as exc:
            # The message names the kind of failure only: the URL and form carry secrets.
            raise UnavailableError(
                f"{what}: no answer from Xero's token endpoint ({type(exc).__name__})",
                service="xero-identity",
                method="POST",
                path="/connect/token",
            ) from None
        return _token_answer(response, what=what)

    async def revoke(self, refresh_token: str) -> None:
        """POST ``/connect/revocation`` (xero-api-notes §1.6): removes the token family and
        connections."""
        url = f"{self.identity_base_url}/connect/revocation"
        try:
            async with self._client() as http:
                response = await http.post(
                    url, data={"token": refresh_token}, headers={"Authorization": self._basic}
                )
        except httpx.HTTPError as exc:
            raise UnavailableError(
                f"revoking the Xero token: no answer ({type(exc).__name__})",
                service="xero-identity",
                method="POST",
                path="/connect/revocation",
            ) from None
        if response.status_code != 200:
            raise AuthError(
                f"Xero refused to revoke the token (HTTP {response.status_code}, "
                f"{_oauth_error(response) or 'no error code'})"
            )

    async def connections(self, connections_url: str, access_token: str) -> list[dict[str, Any]]:
        """``GET /connections`` (xero-api-notes §1.5): the tenants this token may use."""
        try:
            async with self._client() as http:
                response = await http.get(
                    connections_url,
                    headers={
                        "Authorization": f"Bearer {access_token}",
                        "Accept": "application/json",
                    },
                )
        except httpx.HTTPError as exc:
            raise UnavailableError(
                f"listing Xero connections: no answer ({type(exc).__name__})",
                service="xero",
                method="GET",
                path="/connections",
            ) from None
        if response.status_code != 200:
            raise AuthError(f"Xero refused to list connections (HTTP {response.status_code})")
        body = response.json()
        if not isinstance(body, list):
            raise AuthError("Xero's /connections answer is not a list")
        return [c for c in body if isinstance(c, dict)]


def _oauth_error(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return str(body["error"])
    return None


def _token_answer(response: httpx.Response, *, what: str) -> dict[str, Any]:
    if response.status_code == 200:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "access_token" not in body:
            raise AuthError(f"{what}: Xero's token endpoint answered without an access token")
        return body
    if response.status_code == 429:
        # Busy, not a refusal: the same form is safe to resend (a lost rotation has a 30-minute
        # grace, xero-api-notes §1.3), so the caller retries after Retry-After instead of giving up.
        raise RateLimitedError(
            f"{what}: Xero's token endpoint is rate limiting",
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            service="xero-identity",
            method="POST",
            path="/connect/token",
            status=429,
        )
    if response.status_code >= 500:
        raise UnavailableError(
            f"{what}: Xero's token endpoint is unavailable",
            service="xero-identity",
            method="POST",
            path="/connect/token",
            status=response.status_code,
        )
    error = _oauth_error(response)
    if error == "invalid_grant":
        raise ReauthorizeError(
            f"{what}: Xero refused the grant (invalid_grant): the refresh token expired "
            "(60 days unused), was revoked, or was rotated away by another refresh; "
            "re-run `shopxero auth xero`"
        )
    if error == "invalid_client":
        raise AuthError(
            f"{what}: Xero rejected the client id or secret (invalid_client); check "
            "SHOPXERO_XERO_CLIENT_ID and SHOPXERO_XERO_CLIENT_SECRET"
        )
    raise AuthError(
        f"{what}: Xero's token endpoint answered HTTP {response.status_code} "
        f"({error or 'no error code'})"
    )
