"""Who may call the Shopify simulator, and with which scopes (shopify-api-notes §2).

Two kinds of token are accepted in ``X-Shopify-Access-Token``:

- the static token of a legacy admin-created custom app (§2a): never expires;
- tokens from the client credentials grant of a Dev Dashboard app (§2b): ``POST
  /admin/oauth/access_token`` with ``grant_type=client_credentials``, valid for ``expires_in``
  seconds of sandbox time, with no refresh token (the client repeats the grant).

Both are separate apps, so each has its own leaky bucket (shopify-api-notes §3: the bucket is per
app+store). Tokens are never logged or put in error texts here; the request log masks the header.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass, field

from shopxero.sandbox.clock import SandboxClock

__all__ = [
    "DEFAULT_SCOPES",
    "Grant",
    "ShopifyCredentials",
    "TokenRegistry",
    "has_scope",
]

DEFAULT_SCOPES: tuple[str, ...] = (
    "read_customers",
    "read_products",
    "read_orders",
    "read_all_orders",
    "read_shopify_payments_payouts",  # payouts and balance transactions (shopify-api-notes §9)
)


@dataclass(frozen=True)
class ShopifyCredentials:
    """What the sandbox accepts; seeds and ``--write-env`` hand the same values to the tool."""

    access_token: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES

    def __repr__(self) -> str:
        # Secrets stay out of reprs, so a failing test or a log line cannot print them.
        return f"ShopifyCredentials(client_id={self.client_id!r}, scopes={self.scopes!r})"


@dataclass(frozen=True)
class Grant:
    """An accepted token: which app it belongs to, its scopes and (if any) its expiry."""

    app: str
    scopes: frozenset[str]
    expires_at: float | None = None


def has_scope(grant: Grant, scope: str) -> bool:
    """``write_x`` implies ``read_x`` on Shopify; ``read_all_orders`` stands alone."""
    if scope in grant.scopes:
        return True
    return scope.startswith("read_") and "write_" + scope.removeprefix("read_") in grant.scopes


@dataclass
class TokenRegistry:
    """The static token plus every token the client credentials grant handed out."""

    credentials: ShopifyCredentials
    clock: SandboxClock
    token_ttl_seconds: int = 86399
    _issued: dict[str, Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def static_app(self) -> str:
        return "legacy-custom-app"

    @property
    def client_app(self) -> str:
        return f"app:{self.credentials.client_id}"

    def authenticate(self, token: str | None) -> Grant | None:
        """The grant for ``token``, or None when it is missing, unknown or expired."""
        if not token:
            return None
        if hmac.compare_digest(token.encode(), self.credentials.access_token.encode()):
            return Grant(self.static_app, frozenset(self.credentials.scopes))
        with self._lock:
            grant = self._issued.get(token)
        if grant is None:
            return None
        if grant.expires_at is not None and self.clock.time() >= grant.expires_at:
            return None
        return grant

    def client_credentials(self, client_id: str | None, client_secret: str | None) -> str | None:
        """Issue a new token when id and secret match; None means invalid_client."""
        if not client_id or not client_secret:
            return None
        id_ok = hmac.compare_digest(client_id.encode(), self.credentials.client_id.encode())
        secret_ok = hmac.compare_digest(
            client_secret.encode(), self.credentials.client_secret.encode()
        )
        if not (id_ok and secret_ok):
            return None
        # 38 characters with the shpat_ prefix, like Shopify's own (shopify-api-notes §2a); earlier
        # tokens stay valid until they expire, as a second grant does not revoke the first.
        token = "shpat_" + secrets.token_hex(16)
        grant = Grant(
            self.client_app,
            frozenset(self.credentials.scopes),
            self.clock.time() + self.token_ttl_seconds,
        )
        with self._lock:
            self._issued[token] = grant
        return token
