"""The Shopify simulator as one ASGI app: ``create_shopify_app(seed) -> ShopifySandbox``.

``ControlMiddleware`` (``sandbox/control.py``) is the outermost layer, so the ``/_sandbox``
endpoints, the masked request log and fault injection work as for the Xero simulator; inside it
is the Starlette app of ``resources.py`` (REST) and ``graphql/endpoint.py`` (GraphQL), its header
names spelled as Shopify's (``header_case.py``). The sandbox object is also the control
endpoints' ``SandboxHooks``: ``state()``, ``reset()``, ``upsert_records()``.
"""

from __future__ import annotations

from typing import Any, cast

from starlette.applications import Starlette

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.control import ControlMiddleware, FaultInjector, RequestLog
from shopxero.sandbox.shopify.auth import ShopifyCredentials, TokenRegistry
from shopxero.sandbox.shopify.bucket import LeakyBuckets
from shopxero.sandbox.shopify.graphql.endpoint import GraphQLEndpoint
from shopxero.sandbox.shopify.header_case import ShopifyHeaderCase
from shopxero.sandbox.shopify.resources import ShopifyAPI
from shopxero.sandbox.shopify.store import ShopStore

__all__ = ["DEFAULT_CREDENTIALS", "ShopifyCredentials", "ShopifySandbox", "create_shopify_app"]

Scope = dict[str, Any]

# Used when the caller passes none; obviously fake, never a real shop's (the seeds' credentials
# module, shopxero.sandbox.seeds.credentials, hands the tool the values the sandbox was built with).
DEFAULT_CREDENTIALS = ShopifyCredentials(
    access_token="shpat_sandbox" + "0" * 25,
    client_id="sandbox-shopify-client-id",
    client_secret="sandbox-shopify-client-secret",
)


class ShopifySandbox:
    """One simulated shop: call it as an ASGI app; inspect and drive it through its attributes."""

    def __init__(
        self,
        seed_shopify: dict[str, Any],
        *,
        clock: SandboxClock,
        credentials: ShopifyCredentials,
        bucket_size: int,
        leak_per_second: float,
        token_ttl_seconds: int,
        graphql_bucket: float = 2000.0,
        graphql_restore_rate: float = 100.0,
    ) -> None:
        self.clock = clock
        self.credentials = credentials
        self.store = ShopStore(seed_shopify, clock)
        self.tokens = TokenRegistry(credentials, clock, token_ttl_seconds)
        self.buckets = LeakyBuckets(clock, size=bucket_size, leak_per_second=leak_per_second)
        self.faults = FaultInjector()
        self.log = RequestLog()
        self.api = ShopifyAPI(self.store, self.tokens, self.buckets, clock)
        self.graphql = GraphQLEndpoint(
            self.store,
            self.tokens,
            clock,
            bucket_size=graphql_bucket,
            restore_rate=graphql_restore_rate,
        )
        # Header names as Shopify spells them (X-Shopify-Shop-Api-Call-Limit), see header_case.
        inner = ShopifyHeaderCase(
            cast(Any, Starlette(routes=[*self.graphql.routes(), *self.api.routes()]))
        )
        self._app = ControlMiddleware(
            cast(Any, inner), hooks=self, clock=clock, faults=self.faults, log=self.log
        )

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)

    # -- SandboxHooks --------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Every record, in REST shapes, with each order's refunds and transactions inside it."""
        return self.store.state()

    def reset(self) -> None:
        """Back to the seed; buckets empty. Issued tokens stay valid (a reset is about data)."""
        self.store.reset()
        self.buckets.reset()
        self.graphql.reset()

    def upsert_records(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.store.upsert_records(payload)


def create_shopify_app(
    seed_shopify: dict[str, Any],
    *,
    clock: SandboxClock | None = None,
    credentials: ShopifyCredentials | None = None,
    bucket_size: int = 40,
    leak_per_second: float = 2.0,
    token_ttl_seconds: int = 86399,
    graphql_bucket: float = 2000.0,
    graphql_restore_rate: float = 100.0,
) -> ShopifySandbox:
    """A simulator serving ``seed_shopify`` (``{"shop", "customers", "products", "orders"}``, and
    optionally ``"payouts"`` and ``"balance_transactions"``).

    Defaults are a standard plan's bucket (40, leaking 2/s; Plus is 400/20, shopify-api-notes §3)
    and the client credentials token lifetime of 86399 s (shopify-api-notes §2b); the GraphQL
    Admin API's bucket is 2,000 points restoring 100 a second (the standard plan's restore rate;
    the size is the simulator's choice, shopify-api-notes §3: clients read both at run time).
    """
    return ShopifySandbox(
        seed_shopify,
        clock=clock or SandboxClock(),
        credentials=credentials or DEFAULT_CREDENTIALS,
        bucket_size=bucket_size,
        leak_per_second=leak_per_second,
        token_ttl_seconds=token_ttl_seconds,
        graphql_bucket=graphql_bucket,
        graphql_restore_rate=graphql_restore_rate,
    )
