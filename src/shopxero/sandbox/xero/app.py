"""The Xero simulator as one ASGI app, and its factory ``create_xero_app``.

Layers, outermost first:
1. ``ControlMiddleware`` (``/_sandbox/*``, request log, injected faults). It stays outermost so a
   ``drop_after_commit`` fault runs the whole stack, commits the write, then drops the answer.
2. ``Xero-Correlation-Id`` on every answer (a uuid per request, as Xero sends).
3. ``/api.xro/2.0/*`` (api.xero.com): ``ApiGateway`` (token, tenant, scopes, rate limits,
   idempotency, XML) around the accounting routes; everything else: identity
   (identity.xero.com ``/connect/*``, login.xero.com ``/identity/connect/authorize``,
   api.xero.com ``/connections``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Protocol, cast

from starlette.applications import Starlette
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopxero.sandbox import control
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.control import ControlMiddleware, FaultInjector, RequestLog
from shopxero.sandbox.xero.accounting.routes import accounting_router
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.consent import consent_routes
from shopxero.sandbox.xero.credentials import DEFAULT_CREDENTIALS, XeroClientCredentials
from shopxero.sandbox.xero.gateway import API_PREFIX, ApiGateway
from shopxero.sandbox.xero.idempotency import IdempotencyStore
from shopxero.sandbox.xero.identity import IdentityContext, identity_routes
from shopxero.sandbox.xero.ratelimit import RateLimiter
from shopxero.sandbox.xero.scopes import DEFAULT_CUSTOM_CONNECTION_SCOPES, allowed_scopes
from shopxero.sandbox.xero.tokens import TokenStore

__all__ = [
    "DEFAULT_TEST_SCOPES",
    "XeroClientCredentials",
    "XeroSandbox",
    "create_xero_app",
]

# What shopxero asks a new app for [xero-api-notes §1.4 "Suggested set"].
DEFAULT_TEST_SCOPES = (
    "offline_access",
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",  # payouts (xero-api-notes §13.5)
    "accounting.settings.read",
)


class TenantOrg(Protocol):
    """What the platform needs from the organisation (``accounting.state.XeroOrg``)."""

    @property
    def tenant_id(self) -> str: ...

    def state(self) -> dict[str, Any]: ...

    def reset(self) -> None: ...


class XeroSandbox:
    """The Xero simulator: an ASGI app with its organisation, clock, faults, log and tokens."""

    def __init__(
        self,
        org: TenantOrg,
        accounting: ASGIApp,
        *,
        clock: SandboxClock,
        day_limit: int = 5000,
        minute_limit: int = 60,
        concurrent_limit: int = 5,
        credentials: XeroClientCredentials | None = None,
    ) -> None:
        self.org = org
        self.clock = clock
        self.credentials = credentials or DEFAULT_CREDENTIALS
        self.tokens = TokenStore(clock)
        self.limiter = RateLimiter(
            clock,
            day_limit=day_limit,
            minute_limit=minute_limit,
            concurrent_limit=concurrent_limit,
        )
        self.idempotency = IdempotencyStore(clock)
        # Real seconds each API call spends "processing" while holding its concurrency slot;
        # 0 by default, raised by tests that need requests to overlap.
        self.api_latency = 0.0
        self.tenant_id = org.tenant_id
        organisation = org.state().get("organisation") or {}
        self.tenant_name = str(organisation.get("Name") or "Demo Company")
        # A Custom Connection is authorised for one organisation up front [xero-api-notes §1.7].
        self.tokens.connect(
            self.credentials.cc_client_id, self.tenant_id, self.tenant_name, str(uuid.uuid4())
        )

        self._gateway = ApiGateway(
            Router(routes=[Mount(API_PREFIX, app=accounting)]),
            tokens=self.tokens,
            limiter=self.limiter,
            idempotency=self.idempotency,
            tenant_id=lambda: self.tenant_id,
            latency=lambda: self.api_latency,
        )
        self._identity = Starlette(routes=[*identity_routes(), *consent_routes()])
        self._identity.state.identity = IdentityContext(
            tokens=self.tokens,
            credentials=self.credentials,
            limiter=self.limiter,
            tenant_id=self.tenant_id,
            tenant_name=self.tenant_name,
        )
        # control.py types ASGI with plain dicts, Starlette with MutableMapping: same protocol.
        self._control = ControlMiddleware(
            cast(control.ASGIApp, self._platform), hooks=self, clock=clock
        )
        self.faults: FaultInjector = self._control.faults
        self.log: RequestLog = self._control.log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await cast(ASGIApp, self._control)(scope, receive, send)

    async def _platform(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._identity(scope, receive, send)
            return
        correlation_id = str(uuid.uuid4()).encode()

        async def tagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"xero-correlation-id", correlation_id))
                message = {**message, "headers": headers}
            await send(message)

        path: str = scope["path"]
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            await self._gateway(scope, receive, tagged_send)
        else:
            await self._identity(scope, receive, tagged_send)

    # -- SandboxHooks -----------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return self.org.state()

    def reset(self) -> None:
        """Data back to the seed; stored idempotent answers and used budgets go with it.

        Issued tokens and connections stay valid: a reset is not a re-authorisation.
        """
        self.org.reset()
        self.idempotency.clear()
        self.limiter.reset()

    def upsert_records(self, payload: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("the Xero sandbox takes records through its API")

    # -- helpers for tests and tools --------------------------------------------------------

    def issue_tokens_for_tests(
        self, scopes: Iterable[str] = DEFAULT_TEST_SCOPES, *, custom: bool = False
    ) -> dict[str, Any]:
        """A valid token set as if the merchant had clicked Allow (no browser needed).

        The token endpoint's body plus ``tenant_id``. ``custom=True`` gives a Custom
        Connection access token instead (no refresh token; no tenant header needed).
        """
        wanted = frozenset(scopes)
        if custom:
            body = self.tokens.issue_custom(
                self.credentials.cc_client_id, wanted & DEFAULT_CUSTOM_CONNECTION_SCOPES
            )
        else:
            refused = wanted - allowed_scopes(broad_allowed=self.credentials.broad_scopes_allowed)
            if refused:
                raise ValueError(f"scopes this app may not ask for: {sorted(refused)}")
            body = self.tokens.issue_web_grant(
                self.credentials.client_id,
                wanted,
                tenant_id=self.tenant_id,
                tenant_name=self.tenant_name,
            )
        return {**body, "tenant_id": self.tenant_id}


def create_xero_app(
    seed_xero: dict[str, Any],
    *,
    clock: SandboxClock | None = None,
    day_limit: int = 5000,
    minute_limit: int = 60,
    concurrent_limit: int = 5,
    credentials: XeroClientCredentials | None = None,
) -> XeroSandbox:
    """The Xero simulator for one organisation seeded from ``seed_xero`` (the seed's "xero")."""
    clock = clock or SandboxClock()
    org = XeroOrg(seed_xero, clock=clock)
    return XeroSandbox(
        org,
        accounting_router(lambda _request: org),
        clock=clock,
        day_limit=day_limit,
        minute_limit=minute_limit,
        concurrent_limit=concurrent_limit,
        credentials=credentials,
    )
