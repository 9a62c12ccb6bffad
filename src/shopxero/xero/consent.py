"""The Xero consent flow: authorization code + PKCE (S256) + state, with a localhost callback.

``run_consent_flow`` opens (or prints) the authorize URL on login.xero.com, waits on the redirect
URI's localhost port for ``?code=...&state=...``, exchanges the code at ``/connect/token`` (HTTP
Basic client auth, xero-api-notes §1.1) with the PKCE verifier (§1.2), reads ``/connections`` to
pick the organisation (§1.5) and saves the tokens (``xero.tokens``, mode 0600). The callback server
answers only requests from the loopback interface, refuses a wrong ``state`` (CSRF) and a code it
has already taken (replay), and keeps waiting for the genuine redirect after refusing one.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import inspect
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from shopxero.errors import AuthError
from shopxero.http.clock import Clock, SystemClock
from shopxero.xero.auth import IdentityClient
from shopxero.xero.tokens import XeroTokenSet, save_token_file

__all__ = [
    "CallbackServer",
    "Pkce",
    "authorize_url",
    "choose_tenant",
    "new_pkce",
    "run_consent_flow",
]

LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
MAX_REQUEST_BYTES = 16_384


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str


def new_pkce() -> Pkce:
    """A 64-char verifier (43..128 of A-Z a-z 0-9 -._~, xero-api-notes §1.2) and its S256
    challenge."""
    verifier = secrets.token_urlsafe(48)  # 64 URL-safe characters
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return Pkce(verifier=verifier, challenge=challenge)


def authorize_url(
    login_base_url: str,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: Sequence[str],
    state: str,
    code_challenge: str,
) -> str:
    """``{login}/identity/connect/authorize?...`` (xero-api-notes §1.1)."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(scopes),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{login_base_url.rstrip('/')}/identity/connect/authorize?{query}"


_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>shopxero</title></head>"
    "<body><h1>{title}</h1><p>{text}</p></body></html>"
)


class CallbackServer:
    """A one-shot HTTP listener on the redirect URI's localhost port."""

    def __init__(self, redirect_uri: str, *, expected_state: str) -> None:
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
            raise AuthError(
                f"the redirect URI {redirect_uri} is not http://localhost:PORT/...; shopxero "
                "receives the Xero callback itself, on this machine"
            )
        self.port = parts.port or 80
        self.path = parts.path or "/"
        self._state = expected_state
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[str] | None = None
        self._used_codes: set[str] = set()
        self.refused: list[str] = []  # why each refused callback was refused (no values)

    async def __aenter__(self) -> CallbackServer:
        self._result = asyncio.get_running_loop().create_future()
        try:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        except OSError as exc:
            raise AuthError(
                f"cannot listen on localhost:{self.port} for the Xero callback ({exc.strerror})"
            ) from None
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def wait_for_code(self, wait_seconds: float) -> str:
        assert self._result is not None, "use CallbackServer as an async context manager"
        try:
            return await asyncio.wait_for(asyncio.shield(self._result), wait_seconds)
        except TimeoutError:
            raise AuthError(
                f"no answer from the Xero consent page within {wait_seconds:.0f} s; run "
                "`shopxero auth xero` again"
            ) from None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, title, text = await self._answer(reader, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            status, title, text = 400, "Bad request", "This is not an OAuth callback."
        body = _PAGE.format(title=title, text=text).encode()
        head = (
            f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        try:
            writer.write(head.encode() + body)
            await writer.drain()
        finally:
            writer.close()

    async def _answer(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[int, str, str]:
        peer = writer.get_extra_info("peername")
        host = peer[0] if isinstance(peer, tuple) and peer else ""
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_REQUEST_BYTES:
            raise ValueError("request too large")
        if host not in ("127.0.0.1", "::1"):
            self.refused.append("not from localhost")
            return 403, "Refused", "Callbacks are only accepted from this machine."
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method, target, _ = request_line.split(" ", 2)
        parts = urlsplit(target)
        if method != "GET" or parts.path != self.path:
            return 404, "Not found", "Nothing here."
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if not hmac.compare_digest(params.get("state", ""), self._state):
            self.refused.append("wrong state")
            return 400, "Refused", "The state does not match this sign-in; start it again."
        assert self._result is not None
        if "error" in params:
            if not self._result.done():
                self._result.set_exception(
                    AuthError(f"Xero consent was not given ({params['error'][:60]})")
                )
            return 200, "Not connected", "You cancelled; shopxero is not connected to Xero."
        code = params.get("code", "")
        if not code:
            return 400, "Refused", "No authorization code."
        if code in self._used_codes or self._result.done():
            self.refused.append("code replayed")
            return 400, "Refused", "This sign-in was already completed."
        self._used_codes.add(code)
        self._result.set_result(code)
        return 200, "Connected", "shopxero is connected to Xero. You can close this window."


def choose_tenant(
    connections: Sequence[dict[str, Any]],
    wanted: str | None,
    prompt: Callable[[list[dict[str, Any]]], dict[str, Any]] | None,
) -> dict[str, Any]:
    """The connection for ``wanted`` (tenant id), the only one, or the one the user picks."""
    orgs = [c for c in connections if c.get("tenantType", "ORGANISATION") == "ORGANISATION"]
    if not orgs:
        raise AuthError("the Xero consent connected no organisation; run `shopxero auth xero`")
    if wanted is not None:
        for conn in orgs:
            if conn.get("tenantId") == wanted:
                return conn
        names = ", ".join(f"{c.get('tenantName')} ({c.get('tenantId')})" for c in orgs)
        raise AuthError(f"--tenant {wanted} is not among the connected organisations: {names}")
    if len(orgs) == 1 or prompt is None:
        if len(orgs) > 1:
            raise AuthError("several Xero organisations are connected; choose one with --tenant")
        return orgs[0]
    return prompt(orgs)


async def run_consent_flow(
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    scopes: Sequence[str],
    token_file: Path,
    login_base_url: str,
    identity_base_url: str,
    connections_url: str,
    open_browser: Callable[[str], Any],
    tenant: str | None = None,
    prompt_tenant: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
    wait_seconds: float = 300.0,
) -> XeroTokenSet:
    """Run the whole consent; returns the saved token set (with its tenant)."""
    clock = clock or SystemClock()
    pkce = new_pkce()
    state = secrets.token_urlsafe(24)
    url = authorize_url(
        login_base_url,
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        state=state,
        code_challenge=pkce.challenge,
    )
    identity = IdentityClient(
        identity_base_url=identity_base_url,
        client_id=client_id,
        client_secret=client_secret,
        transport=transport,
    )
    async with CallbackServer(redirect_uri, expected_state=state) as server:
        opened = open_browser(url)
        browser_task = asyncio.ensure_future(opened) if inspect.isawaitable(opened) else None
        try:
            code = await server.wait_for_code(wait_seconds)
        finally:
            if browser_task is not None:
                await _finish(browser_task)
    body = await identity.token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": pkce.verifier,
        },
        what="exchanging the Xero authorization code",
    )
    now = datetime.fromtimestamp(clock.time(), UTC)
    tokens = XeroTokenSet.from_token_response(body, now=now)
    if not tokens.refresh_token:
        raise AuthError("Xero granted no refresh token: the offline_access scope is needed")
    connections = await identity.connections(connections_url, tokens.access_token)
    chosen = choose_tenant(connections, tenant, prompt_tenant)
    tokens = tokens.with_tenant(str(chosen.get("tenantId")), chosen.get("tenantName"))
    save_token_file(token_file, tokens)
    return tokens


async def _finish(task: asyncio.Future[Any]) -> None:
    # A scripted "browser" (tests) ends once the redirect is answered; give it a moment.
    try:
        await asyncio.wait_for(task, 10)
    except TimeoutError:
        task.cancel()
