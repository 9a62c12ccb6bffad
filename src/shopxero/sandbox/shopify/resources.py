"""The REST Admin API routes of the Shopify simulator and the checks every call goes through.

Every ``/admin/api/{version}/...`` request passes, in order: the version (unknown -> 404), the
access token (401), the app's leaky bucket (429), the resource's scope (403; any one of a
resource's scopes will do), then the handler. Shopify Payments (payouts, balance transactions,
balance) is served by ``payments.py``; customer search's query syntax is ``customer_search.py``.
Besides the lists, single records are served where Shopify serves them: ``variants/{id}.json``,
``products/{id}/variants.json``, ``orders/{id}/refunds/{id}.json``,
``orders/{id}/transactions/{id}.json`` (and their counts), so Shopify's own client libraries
find what they ask for (issue 16 §7).
Responses carry ``X-Shopify-API-Version``, ``X-Shopify-Shop-Api-Call-Limit`` and
``X-Request-Id`` like Shopify's. Error bodies are Shopify's texts (shopify-api-notes §2-§4).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.shopify.auth import Grant, TokenRegistry, has_scope
from shopxero.sandbox.shopify.bucket import LeakyBuckets
from shopxero.sandbox.shopify.customer_search import parse_query
from shopxero.sandbox.shopify.filters import (
    QueryError,
    matches,
    parse_fields,
    parse_limit,
    parse_order,
    project,
    record_time,
    sort_value,
    validate_filters,
)
from shopxero.sandbox.shopify.oauth import access_token_endpoint, json_response
from shopxero.sandbox.shopify.pagination import (
    Cursor,
    decode_cursor,
    encode_cursor,
    link_header,
    paginate,
)
from shopxero.sandbox.shopify.payments import PAYMENTS_SCOPES, ShopifyPayments
from shopxero.sandbox.shopify.store import ShopStore
from shopxero.sandbox.shopify.views import view

__all__ = ["SUPPORTED_VERSIONS", "ShopifyAPI", "resolve_version"]

Record = dict[str, Any]
Handler = Callable[[Request, Grant], Awaitable[tuple[Any, dict[str, str]]]]
Scopes = str | tuple[str, ...] | None

# Stable versions served (shopify-api-notes §1: 2025-10 is supported until at least 2026-10; 2026-10
# is the release candidate in the corpus). Older quarterly versions "fall forward" to the oldest
# one.
SUPPORTED_VERSIONS = ("2025-10", "2026-01", "2026-04", "2026-07", "2026-10")
_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
NOT_FOUND = "Not Found"
ORDER_WINDOW = timedelta(days=60)  # shopify-api-notes §4: older orders need read_all_orders
SINGULAR = {"customers": "customer", "products": "product", "orders": "order"}
SCOPE = {"customers": "read_customers", "products": "read_products", "orders": "read_orders"}
PAGE_INFO_COMPANIONS = frozenset({"page_info", "limit", "fields"})


class NotFoundError(Exception):
    """The record does not exist, or this token may not see it (the 60-day window)."""


class NotSimulatedError(Exception):
    """A write the simulator does not model (it serves a read-only sync tool)."""


def resolve_version(requested: str) -> str | None:
    """The version that answers ``requested``, or None (404) for malformed or future ones."""
    if not _VERSION.match(requested):
        return None
    if requested in SUPPORTED_VERSIONS:
        return requested
    if requested < SUPPORTED_VERSIONS[0]:
        return SUPPORTED_VERSIONS[0]  # shopify-api-notes §1: "Shopify falls forward"
    return None


class ShopifyAPI:
    """Routes and handlers over one shop's store, token registry and buckets."""

    def __init__(
        self, store: ShopStore, tokens: TokenRegistry, buckets: LeakyBuckets, clock: SandboxClock
    ) -> None:
        self.store = store
        self.tokens = tokens
        self.buckets = buckets
        self.clock = clock
        self.payments = ShopifyPayments(store)

    def routes(self) -> list[Route]:
        base = "/admin/api/{version}"
        api: list[tuple[str, Scopes, Handler]] = [
            ("/shop.json", None, self._shop),
        ]
        for kind in ("customers", "products", "orders"):
            api += [
                (f"/{kind}.json", SCOPE[kind], self._lister(kind)),
                (f"/{kind}/count.json", SCOPE[kind], self._counter(kind)),
                (f"/{kind}/{{record_id:int}}.json", SCOPE[kind], self._getter(kind)),
            ]
        api += [
            ("/customers/search.json", SCOPE["customers"], self._customer_search),
            ("/variants/{record_id:int}.json", SCOPE["products"], self._variant),
            ("/products/{record_id:int}/variants.json", SCOPE["products"], self._variants),
            (
                "/products/{record_id:int}/variants/count.json",
                SCOPE["products"],
                self._variant_count,
            ),
            ("/orders/{record_id:int}/refunds/{child_id:int}.json", SCOPE["orders"], self._refund),
            (
                "/orders/{record_id:int}/transactions/{child_id:int}.json",
                SCOPE["orders"],
                self._transaction,
            ),
            (
                "/orders/{record_id:int}/transactions/count.json",
                SCOPE["orders"],
                self._transaction_count,
            ),
            ("/orders/{record_id:int}/refunds.json", SCOPE["orders"], self._refunds),
            ("/customers/{record_id:int}/orders.json", SCOPE["orders"], self._customer_orders),
            ("/orders/{record_id:int}/transactions.json", SCOPE["orders"], self._transactions),
            # Shopify Payments (shopify-api-notes §9).
            ("/shopify_payments/payouts.json", PAYMENTS_SCOPES, self._payouts),
            ("/shopify_payments/payouts/{record_id:int}.json", PAYMENTS_SCOPES, self._payout),
            ("/shopify_payments/balance/transactions.json", PAYMENTS_SCOPES, self._balance_txs),
            ("/shopify_payments/balance.json", PAYMENTS_SCOPES, self._balance),
        ]
        routes = [
            Route(base + path, self._guarded(handler, scope, versioned=True), methods=["GET"])
            for path, scope, handler in api
        ]
        # Writes: the sync tool only reads, and its tokens carry read scopes only, so a write
        # answers what Shopify answers such a token (403 naming the write scope). A token that
        # does hold the write scope gets 405: the simulator does not model writes.
        for kind in ("customers", "products", "orders"):
            write = self._guarded(self._read_only, f"write_{kind}", versioned=True)
            for path in (f"/{kind}.json", f"/{kind}/{{record_id:int}}.json"):
                routes.append(Route(base + path, write, methods=["POST", "PUT", "DELETE"]))
        routes += [
            Route(
                "/admin/oauth/access_scopes.json",
                self._guarded(self._access_scopes, None, versioned=False),
                methods=["GET"],
            ),
            Route(
                "/admin/oauth/access_token", access_token_endpoint(self.tokens), methods=["POST"]
            ),
            Route("/{path:path}", _not_found, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        ]
        return routes

    # -- the common pipeline -----------------------------------------------------------------

    def _guarded(
        self, handler: Handler, scope: Scopes, *, versioned: bool
    ) -> Callable[[Request], Awaitable[Response]]:
        accepted = (scope,) if isinstance(scope, str) else (scope or ())

        async def endpoint(request: Request) -> Response:
            headers = {"X-Request-Id": str(uuid.uuid4())}
            if versioned:
                version = resolve_version(request.path_params["version"])
                if version is None:
                    return json_response(404, {"errors": NOT_FOUND}, headers)
                headers["X-Shopify-API-Version"] = version
            grant = self.tokens.authenticate(request.headers.get("x-shopify-access-token"))
            if grant is None:
                return json_response(401, {"errors": INVALID_TOKEN}, headers)
            taken = self.buckets.take(grant.app)
            headers["X-Shopify-Shop-Api-Call-Limit"] = taken.call_limit_header
            if not taken.admitted:
                headers["Retry-After"] = f"{math.ceil(taken.retry_after * 10) / 10:.1f}"
                rate = f"{self.buckets.leak_per_second:g}"
                message = (
                    f"Exceeded {rate} calls per second for api client. "
                    "Reduce request rates to resume uninterrupted service."
                )
                return json_response(429, {"errors": message}, headers)
            if accepted and not any(has_scope(grant, one) for one in accepted):
                message = f"[API] This action requires merchant approval for {accepted[0]} scope."
                return json_response(403, {"errors": message}, headers)
            try:
                payload, extra = await handler(request, grant)
            except QueryError as exc:
                return json_response(400, exc.body(), headers)
            except NotFoundError:
                return json_response(404, {"errors": NOT_FOUND}, headers)
            except NotSimulatedError:
                body = {"errors": "Writes are not simulated by the Shopify sandbox"}
                return json_response(405, body, headers)
            return json_response(200, payload, {**headers, **extra})

        return endpoint

    # -- orders visibility ---------------------------------------------------------------------

    def _visible(self, kind: str, record: Record, grant: Grant) -> bool:
        if kind != "orders" or has_scope(grant, "read_all_orders"):
            return True
        created = record_time(record, "created_at")
        return created is None or created >= self.clock.now() - ORDER_WINDOW

    def _find(self, kind: str, request: Request, grant: Grant) -> Record:
        record = self.store.get(kind, int(request.path_params["record_id"]))
        if record is None or not self._visible(kind, record, grant):
            raise NotFoundError
        return record

    # -- handlers ------------------------------------------------------------------------------

    async def _read_only(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        raise NotSimulatedError

    async def _shop(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        return {"shop": project(self.store.shop, parse_fields(request.query_params))}, {}

    async def _access_scopes(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        handles = [s for s in self.tokens.credentials.scopes if s in grant.scopes]
        return {"access_scopes": [{"handle": h} for h in handles]}, {}

    def _lister(self, kind: str) -> Handler:
        async def handler(request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
            return self._list(kind, request, grant)

        return handler

    def _counter(self, kind: str) -> Handler:
        async def handler(request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
            zone = self.store.shop_zone()
            filters = validate_filters(kind, request.query_params, zone)
            count = sum(
                1
                for r in self.store.all(kind)
                if self._visible(kind, r, grant) and matches(kind, r, filters, zone)
            )
            return {"count": count}, {}

        return handler

    def _getter(self, kind: str) -> Handler:
        async def handler(request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
            record = self._find(kind, request, grant)
            fields = parse_fields(request.query_params)
            return {SINGULAR[kind]: project(view(kind, record), fields)}, {}

        return handler

    async def _customer_orders(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        """``customers/{id}/orders.json``: that customer's orders, with the orders filters."""
        customer_id = self._find("customers", request, grant)["id"]

        def owned(order: Record) -> bool:
            customer = order.get("customer")
            return isinstance(customer, dict) and customer.get("id") == customer_id

        return self._list(
            "orders", request, grant, resource=f"customers/{customer_id}/orders", only=owned
        )

    def _list(
        self,
        kind: str,
        request: Request,
        grant: Grant,
        *,
        resource: str | None = None,
        only: Callable[[Record], bool] | None = None,
    ) -> tuple[Any, dict[str, str]]:
        resource = resource or kind
        params = request.query_params
        zone = self.store.shop_zone()
        limit = parse_limit(params)
        fields = parse_fields(params)
        cursor: Cursor | None = None
        if params.get("page_info"):
            extra = [name for name in params if name not in PAGE_INFO_COMPANIONS]
            if extra:
                # shopify-api-notes §4: "created_at_min cannot be passed when page_info is present"
                raise QueryError(
                    "page_info", f"{extra[0]} cannot be passed when page_info is present"
                )
            cursor = decode_cursor(params["page_info"], resource)
            filters, order = cursor.filters, cursor.order
        else:
            filters = validate_filters(kind, params, zone)
            order = parse_order(kind, params)
        field, direction = order.split()
        descending = direction == "desc"

        def key_of(record: Record) -> tuple[float, int]:
            return (sort_value(record, field), int(record["id"]))

        chosen = [
            r
            for r in self.store.all(kind)
            if self._visible(kind, r, grant)
            and matches(kind, r, filters, zone)
            and (only is None or only(r))
        ]
        chosen.sort(key=key_of, reverse=descending)
        page = paginate(chosen, key_of, descending=descending, limit=limit, cursor=cursor)

        def info(key: tuple[float, int] | None, rel: str) -> str | None:
            if key is None:
                return None
            return encode_cursor(Cursor(resource, filters, order, rel, key))  # type: ignore[arg-type]

        headers: dict[str, str] = {}
        link = link_header(
            f"{request.url.scheme}://{request.url.netloc}{request.url.path}",
            limit=limit,
            fields=params.get("fields"),
            previous_info=info(page.previous_key, "previous"),
            next_info=info(page.next_key, "next"),
        )
        if link:
            headers["Link"] = link
        body = {kind: [project(view(kind, r), fields) for r in page.records]}
        return body, headers

    async def _refunds(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        order = self._find("orders", request, grant)
        limit = parse_limit(request.query_params)
        fields = parse_fields(request.query_params)
        refunds = [r for r in order.get("refunds") or [] if isinstance(r, dict)]
        return {"refunds": [project(r, fields) for r in refunds[:limit]]}, {}

    async def _refund(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        refund = _child(self._find("orders", request, grant), "refunds", request)
        return {"refund": project(refund, parse_fields(request.query_params))}, {}

    def _order_transactions(self, request: Request, grant: Grant) -> list[Record]:
        order = self._find("orders", request, grant)
        return [t for t in order.get("transactions") or [] if isinstance(t, dict)]

    async def _transactions(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        fields = parse_fields(request.query_params)
        since = _since_id(request.query_params)
        rows = [t for t in self._order_transactions(request, grant) if int(t.get("id", 0)) > since]
        return {"transactions": [project(t, fields) for t in rows]}, {}

    async def _transaction(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        transaction = _child(self._find("orders", request, grant), "transactions", request)
        return {"transaction": project(transaction, parse_fields(request.query_params))}, {}

    async def _transaction_count(
        self, request: Request, grant: Grant
    ) -> tuple[Any, dict[str, str]]:
        return {"count": len(self._order_transactions(request, grant))}, {}

    # -- variants ------------------------------------------------------------------------------

    async def _variant(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        wanted = int(request.path_params["record_id"])
        for product in self.store.all("products"):
            for variant in _variants_of(product):
                if variant.get("id") == wanted:
                    return {"variant": project(variant, parse_fields(request.query_params))}, {}
        raise NotFoundError

    async def _variants(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        """A product's variants in id order, after ``since_id``, up to ``limit`` (REST lists
        all of them here, not only the first 100 a product's JSON shows)."""
        params = request.query_params
        limit, fields, since = parse_limit(params), parse_fields(params), _since_id(params)
        variants = _variants_of(self._find("products", request, grant))
        rows = sorted((v for v in variants if int(v.get("id", 0)) > since), key=lambda v: v["id"])
        return {"variants": [project(v, fields) for v in rows[:limit]]}, {}

    async def _variant_count(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        return {"count": len(_variants_of(self._find("products", request, grant)))}, {}

    # -- customer search -----------------------------------------------------------------------

    async def _customer_search(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        """``customers/search.json``: the query (``customer_search.py``), ``limit``, ``fields``,
        ``order`` (``last_order_date DESC`` by default) and page links like the lists."""
        params = request.query_params
        limit, fields = parse_limit(params), parse_fields(params)
        cursor: Cursor | None = None
        if params.get("page_info"):
            cursor = decode_cursor(params["page_info"], "customers/search")
            query, order = cursor.filters.get("query", ""), cursor.order
        else:
            query, order = params.get("query", ""), _search_order(params.get("order"))
        search = parse_query(query)
        last_order = self._last_order_times(grant)
        field, direction = order.split()

        def key_of(record: Record) -> tuple[float, int]:
            if field == "last_order_date":
                # Never ordered: after every date, so first in the default DESC order.
                return (last_order.get(int(record["id"]), math.inf), int(record["id"]))
            return (sort_value(record, field), int(record["id"]))

        chosen = [c for c in self.store.all("customers") if search.matches(c)]
        chosen.sort(key=key_of, reverse=direction == "desc")
        page = paginate(chosen, key_of, descending=direction == "desc", limit=limit, cursor=cursor)

        def info(key: tuple[float, int] | None, rel: str) -> str | None:
            if key is None:
                return None
            edge = Cursor("customers/search", {"query": query}, order, rel, key)  # type: ignore[arg-type]
            return encode_cursor(edge)

        link = link_header(
            f"{request.url.scheme}://{request.url.netloc}{request.url.path}",
            limit=limit,
            fields=params.get("fields"),
            previous_info=info(page.previous_key, "previous"),
            next_info=info(page.next_key, "next"),
        )
        body = {"customers": [project(view("customers", c), fields) for c in page.records]}
        return body, ({"Link": link} if link else {})

    def _last_order_times(self, grant: Grant) -> dict[int, float]:
        times: dict[int, float] = {}
        for order in self.store.all("orders"):
            customer = order.get("customer")
            created = record_time(order, "created_at")
            if not isinstance(customer, dict) or created is None:
                continue
            if not self._visible("orders", order, grant):
                continue
            customer_id = int(customer.get("id") or 0)
            times[customer_id] = max(times.get(customer_id, -math.inf), created.timestamp())
        return times

    # -- Shopify Payments ----------------------------------------------------------------------

    def _payments_account(self) -> ShopifyPayments:
        """The shop's Shopify Payments; a shop without an account answers 404 (§9)."""
        if not self.payments.has_account():
            raise NotFoundError
        return self.payments

    async def _payouts(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        return self._payments_account().list_payouts(request)

    async def _payout(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        body = self._payments_account().get_payout(int(request.path_params["record_id"]), request)
        if body is None:
            raise NotFoundError
        return body, {}

    async def _balance_txs(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        return self._payments_account().list_transactions(request)

    async def _balance(self, request: Request, grant: Grant) -> tuple[Any, dict[str, str]]:
        return self._payments_account().balance(), {}


def _since_id(params: Any) -> int:
    raw = params.get("since_id")
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError:
        raise QueryError("since_id", "must be an integer id") from None


def _child(order: Record, key: str, request: Request) -> Record:
    """One refund or transaction of an order, by the id in the path."""
    wanted = int(request.path_params["child_id"])
    for child in order.get(key) or []:
        if isinstance(child, dict) and child.get("id") == wanted:
            return child
    raise NotFoundError


def _variants_of(product: Record) -> list[Record]:
    return [v for v in product.get("variants") or [] if isinstance(v, dict)]


def _search_order(raw: str | None) -> str:
    """``order`` of customer search: ``last_order_date DESC`` unless a sortable field is given."""
    text = (raw or "").strip()
    if not text:
        return "last_order_date desc"
    parts = text.split()
    field = parts[0]
    direction = parts[1].lower() if len(parts) > 1 else "asc"
    allowed = ("last_order_date", "created_at", "updated_at", "id")
    if field not in allowed or direction not in ("asc", "desc") or len(parts) > 2:
        raise QueryError("order", f"must be one of {', '.join(allowed)} with asc or desc")
    return f"{field} {direction}"


async def _not_found(request: Request) -> Response:
    return json_response(404, {"errors": NOT_FOUND})
