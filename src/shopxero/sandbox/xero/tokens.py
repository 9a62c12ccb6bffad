"""The Xero simulator's identity state: consents, codes, token families and connections.

One in-memory store, guarded by a lock because the app may serve from a uvicorn thread while a
test reads it. Lifetimes follow xero-api-notes §1: access tokens 30 minutes, authorization codes
5 minutes (third-party figure, §1.1), refresh tokens rotate on each use with a 30-minute grace for
the previous one and die after 60 days unused (§1.3). Times are sandbox-clock seconds.

A *grant* is one authorisation event (a consent, or a Custom Connection's client_credentials
call): its access and refresh tokens form one family, which revocation kills at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from shopxero.sandbox.clock import SandboxClock

__all__ = [
    "ACCESS_TOKEN_SECONDS",
    "AUTH_CODE_SECONDS",
    "REFRESH_GRACE_SECONDS",
    "REFRESH_TOKEN_SECONDS",
    "AccessGrant",
    "Connection",
    "Grant",
    "OAuthError",
    "PendingConsent",
    "TokenStore",
    "pkce_s256",
]

ACCESS_TOKEN_SECONDS = 1800  # "expires_in": 1800 [xero-api-notes §1.3]
AUTH_CODE_SECONDS = 300  # 5 minutes; Xero does not document it (xero-api-notes §1.1: 5 min or 30 s)
REFRESH_GRACE_SECONDS = 1800  # the previous refresh token works for 30 min [xero-api-notes §1.3]
REFRESH_TOKEN_SECONDS = 60 * 86_400  # an unused refresh token lasts 60 days [xero-api-notes §1.3]
CONSENT_SECONDS = 600  # how long a consent page stays answerable (ours; not a Xero figure)

GrantKind = Literal["web", "custom"]


class OAuthError(Exception):
    """An RFC 6749 error answer: ``{"error": error}`` with ``status``."""

    def __init__(self, error: str, status: int = 400, description: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.description = description


def pkce_s256(verifier: str) -> str:
    """The S256 code challenge of ``verifier`` (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Connection:
    """One tenant connected to one app, as ``GET /connections`` shows it [xero-identity.yaml]."""

    id: str
    client_id: str
    tenant_id: str
    tenant_name: str
    auth_event_id: str
    created: datetime
    updated: datetime
    tenant_type: str = "ORGANISATION"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "authEventId": self.auth_event_id,
            "tenantId": self.tenant_id,
            "tenantType": self.tenant_type,
            "tenantName": self.tenant_name,
            # The spec's example shows 7 fractional digits and no zone; we give microseconds.
            "createdDateUtc": self.created.strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "updatedDateUtc": self.updated.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        }


@dataclass
class Grant:
    """One authorisation event and its token family."""

    auth_event_id: str
    client_id: str
    kind: GrantKind
    scopes: frozenset[str]
    revoked: bool = False


@dataclass
class _AccessToken:
    grant: Grant
    expires_at: float


@dataclass
class _RefreshToken:
    grant: Grant
    issued_at: float
    rotated_at: float | None = None


@dataclass
class _AuthCode:
    grant: Grant
    redirect_uri: str
    code_challenge: str | None
    expires_at: float
    used: bool = False


@dataclass
class PendingConsent:
    """An authorize request waiting for the user's Allow or Cancel."""

    request_id: str
    client_id: str
    redirect_uri: str
    scopes: list[str]
    state: str | None
    code_challenge: str | None
    expires_at: float


@dataclass(frozen=True)
class AccessGrant:
    """What a valid bearer token lets its holder do."""

    client_id: str
    kind: GrantKind
    scopes: frozenset[str]
    auth_event_id: str


@dataclass
class _State:
    access: dict[str, _AccessToken] = field(default_factory=dict)
    refresh: dict[str, _RefreshToken] = field(default_factory=dict)
    codes: dict[str, _AuthCode] = field(default_factory=dict)
    consents: dict[str, PendingConsent] = field(default_factory=dict)
    connections: dict[str, Connection] = field(default_factory=dict)
    # (client_id, tenant_id) -> first connection time: a reconnect keeps createdDateUtc.
    first_connected: dict[tuple[str, str], datetime] = field(default_factory=dict)


class TokenStore:
    """Issues, checks, rotates and revokes tokens; keeps each app's connections."""

    def __init__(self, clock: SandboxClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._s = _State()

    # -- consent and codes ------------------------------------------------------------------

    def begin_consent(
        self,
        *,
        client_id: str,
        redirect_uri: str,
        scopes: list[str],
        state: str | None,
        code_challenge: str | None,
    ) -> PendingConsent:
        pending = PendingConsent(
            request_id=secrets.token_urlsafe(16),
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            state=state,
            code_challenge=code_challenge,
            expires_at=self._clock.time() + CONSENT_SECONDS,
        )
        with self._lock:
            self._s.consents[pending.request_id] = pending
        return pending

    def take_consent(self, request_id: str) -> PendingConsent | None:
        """The pending consent (single use), or None when unknown or expired."""
        with self._lock:
            pending = self._s.consents.pop(request_id, None)
        if pending is None or pending.expires_at <= self._clock.time():
            return None
        return pending

    def approve(self, pending: PendingConsent, *, tenant_id: str, tenant_name: str) -> str:
        """The user clicked Allow: connect the tenant and return a one-time authorization code."""
        grant = self._new_grant(pending.client_id, "web", frozenset(pending.scopes))
        self.connect(pending.client_id, tenant_id, tenant_name, grant.auth_event_id)
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._s.codes[code] = _AuthCode(
                grant=grant,
                redirect_uri=pending.redirect_uri,
                code_challenge=pending.code_challenge,
                expires_at=self._clock.time() + AUTH_CODE_SECONDS,
            )
        return code

    def redeem_code(
        self, code: str, *, client_id: str, redirect_uri: str | None, code_verifier: str | None
    ) -> dict[str, Any]:
        """Exchange a code for tokens; every mismatch is ``invalid_grant`` (RFC 6749 §5.2)."""
        with self._lock:
            entry = self._s.codes.get(code)
            if entry is None or entry.used or entry.grant.client_id != client_id:
                raise OAuthError("invalid_grant")
            # Single use: burn it before any further check, so a failed attempt is not retried.
            entry.used = True
        if entry.expires_at <= self._clock.time() or entry.grant.revoked:
            raise OAuthError("invalid_grant")
        if redirect_uri != entry.redirect_uri:
            raise OAuthError("invalid_grant")
        if entry.code_challenge is not None and not (
            code_verifier and hmac.compare_digest(pkce_s256(code_verifier), entry.code_challenge)
        ):
            raise OAuthError("invalid_grant")
        return self._issue(entry.grant)

    # -- token issue, refresh, revocation ---------------------------------------------------

    def issue_web_grant(
        self, client_id: str, scopes: frozenset[str], *, tenant_id: str, tenant_name: str
    ) -> dict[str, Any]:
        """A consented token set without the browser (for tests and tools)."""
        grant = self._new_grant(client_id, "web", scopes)
        self.connect(client_id, tenant_id, tenant_name, grant.auth_event_id)
        return self._issue(grant)

    def issue_custom(self, client_id: str, scopes: frozenset[str]) -> dict[str, Any]:
        """client_credentials: an access token only, never a refresh token [xero-api-notes §1.7]."""
        grant = self._new_grant(client_id, "custom", scopes - {"offline_access"})
        return self._issue(grant)

    def refresh(self, refresh_token: str, *, client_id: str) -> dict[str, Any]:
        """Rotate: a new pair each time; the used token keeps working for the grace period."""
        now = self._clock.time()
        with self._lock:
            entry = self._s.refresh.get(refresh_token)
            if entry is None or entry.grant.client_id != client_id or entry.grant.revoked:
                raise OAuthError("invalid_grant")
            if entry.rotated_at is None and now >= entry.issued_at + REFRESH_TOKEN_SECONDS:
                raise OAuthError("invalid_grant")
            if entry.rotated_at is not None and now >= entry.rotated_at + REFRESH_GRACE_SECONDS:
                raise OAuthError("invalid_grant")
            if entry.rotated_at is None:
                entry.rotated_at = now
        return self._issue(entry.grant)

    def revoke(self, token: str, *, client_id: str) -> None:
        """Kill the family of a refresh (or access) token and remove the app's connections.

        An unknown token is not an error (RFC 7009 §2.2: the server answers 200 anyway).
        """
        with self._lock:
            holder = self._s.refresh.get(token) or self._s.access.get(token)
            if holder is None or holder.grant.client_id != client_id:
                return
            holder.grant.revoked = True
            # "revoke access tokens and remove all a user's connections" [xero-api-notes §1.6]
            for conn_id, conn in list(self._s.connections.items()):
                if conn.client_id == client_id:
                    del self._s.connections[conn_id]

    def check_access(self, token: str) -> AccessGrant | float | None:
        """The token's grant; its expiry time (sandbox seconds) when expired; None when unknown."""
        with self._lock:
            entry = self._s.access.get(token)
        if entry is None or entry.grant.revoked:
            return None
        if entry.expires_at <= self._clock.time():
            return entry.expires_at
        grant = entry.grant
        return AccessGrant(grant.client_id, grant.kind, grant.scopes, grant.auth_event_id)

    # -- connections ------------------------------------------------------------------------

    def connect(self, client_id: str, tenant_id: str, tenant_name: str, auth_event_id: str) -> None:
        """Connect ``tenant_id`` to the app, or refresh the existing connection's auth event."""
        now = self._clock.now()
        with self._lock:
            for conn in self._s.connections.values():
                if conn.client_id == client_id and conn.tenant_id == tenant_id:
                    conn.auth_event_id = auth_event_id
                    return
            first = self._s.first_connected.setdefault((client_id, tenant_id), now)
            conn = Connection(
                id=str(uuid.uuid4()),
                client_id=client_id,
                tenant_id=tenant_id,
                tenant_name=tenant_name,
                auth_event_id=auth_event_id,
                created=first,
                updated=now,
            )
            self._s.connections[conn.id] = conn

    def connections(self, client_id: str, auth_event_id: str | None = None) -> list[Connection]:
        with self._lock:
            found = [c for c in self._s.connections.values() if c.client_id == client_id]
        if auth_event_id is not None:
            found = [c for c in found if c.auth_event_id == auth_event_id]
        return sorted(found, key=lambda c: (c.created, c.id))

    def is_connected(self, client_id: str, tenant_id: str) -> bool:
        return any(c.tenant_id == tenant_id for c in self.connections(client_id))

    def delete_connection(self, client_id: str, connection_id: str) -> bool:
        with self._lock:
            conn = self._s.connections.get(connection_id)
            if conn is None or conn.client_id != client_id:
                return False
            del self._s.connections[connection_id]
            return True

    # -- internals --------------------------------------------------------------------------

    def _new_grant(self, client_id: str, kind: GrantKind, scopes: frozenset[str]) -> Grant:
        return Grant(auth_event_id=str(uuid.uuid4()), client_id=client_id, kind=kind, scopes=scopes)

    def _issue(self, grant: Grant) -> dict[str, Any]:
        now = self._clock.time()
        access = secrets.token_urlsafe(48)
        body: dict[str, Any] = {}
        if "openid" in grant.scopes:
            body["id_token"] = _fake_id_token(grant, now)
        body |= {
            "access_token": access,
            "expires_in": ACCESS_TOKEN_SECONDS,
            "token_type": "Bearer",
        }
        with self._lock:
            self._s.access[access] = _AccessToken(grant, now + ACCESS_TOKEN_SECONDS)
            # A refresh token only with offline_access [xero-api-notes §1.3].
            if grant.kind == "web" and "offline_access" in grant.scopes:
                refresh = secrets.token_urlsafe(32)
                self._s.refresh[refresh] = _RefreshToken(grant, now)
                body["refresh_token"] = refresh
        body["scope"] = " ".join(sorted(grant.scopes))
        return body


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _fake_id_token(grant: Grant, now: float) -> str:
    """A JWT-shaped id_token (unsigned in substance: the sandbox has no signing key to publish)."""
    header = {"alg": "RS256", "typ": "JWT", "kid": "sandbox"}
    payload = {
        "iss": "https://identity.xero.com",
        "aud": grant.client_id,
        "iat": int(now),
        "exp": int(now) + 300,
        "sub": "sandbox-user",
        "xero_userid": "00000000-0000-0000-0000-00000000beef",
        "global_session_id": grant.auth_event_id,
        "email": "merchant@example.com",
        "given_name": "Sandbox",
        "family_name": "Merchant",
        "auth_time": int(now),
        "sid": grant.auth_event_id,
        "at_issued": datetime.fromtimestamp(now, UTC).isoformat(),
    }
    return f"{_b64(header)}.{_b64(payload)}.{secrets.token_urlsafe(32)}"
