"""Async client for Shopify's GraphQL Admin API: the reads a sync needs, as REST-shaped records.

It offers what a run asks of Shopify (``engine.ports.ShopifyApi``) and returns the same record
shapes as ``ShopifyClient`` (``graphql_records`` turns nodes into REST JSON), so the engine does
not know which API read them. Every query goes through one ``Sender`` (``http/sender.py``), as
on REST: token handling, retries of transient failures, the API-call log. Pacing is cost-based
(``http/graphql_throttle.GraphQLCostBucket``): the bucket's size and restore rate are read from
every answer, each query's requested cost is remembered and waited for before it is sent again,
and a ``THROTTLED`` answer is retried after the time the bucket needs (shopify-api-notes §3, §10).
GraphQL ``errors`` become ``shopxero.errors``: ``ACCESS_DENIED`` an ``ApiAuthError`` naming the
scope, anything else a ``PermanentApiError`` quoting Shopify's message.

An order's transactions come with the order, so ``list_transactions`` answers from what was read
(REST needs a call per order; the last ``KEPT_TRANSACTIONS`` orders' are kept, enough for the
engine's chunk of orders, so a long read does not hold every order's). Line items beyond the first
page are read on; an order with more shipping lines, discounts or refund lines than one page holds
is read whole through REST, with a note, so nothing is cut short. Refunded additional fees are not
fields of a 2026-10 ``Refund``: the refund agreements of the orders that have refunds and additional
fees are read with ``nodes(ids:)`` queries, batched (``_with_agreements``). A full read (no
``updated_at`` filter: a first import, a rebuild) is one bulk operation per resource
(``graphql_bulk``), falling back to paged queries with a note. A run calls ``prepare_reads`` first:
the bulk operations start together, and what changed since each cursor is asked of all resources in
one query (``graphql_changed``). The shop and Shopify Payments (payouts, balance transactions, the
balance) are GraphQL reads too (``shopifyPaymentsAccount``, shopify-api-notes §9): a shop without
Shopify Payments (a null account) is REST's 404 (``NotFoundError``), a missing scope its 403
(``ApiAuthError``). The balance transactions of the payouts a run walks are read a batch of payouts
a query (``payments_transfer_id:a OR ...``) and handed out one payout at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from types import TracebackType
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from shopxero.errors import ApiAuthError, NotFoundError, PermanentApiError
from shopxero.http.calllog import CallSink
from shopxero.http.clock import Clock, SystemClock
from shopxero.http.graphql_throttle import GraphQLCostBucket
from shopxero.http.retry import RetryPolicy
from shopxero.http.sender import Sender
from shopxero.http.time_spent import TimeSpent
from shopxero.shopify import graphql_queries as q
from shopxero.shopify.auth import ShopifyAuth
from shopxero.shopify.client import DEFAULT_API_VERSION, ShopifyClient
from shopxero.shopify.graphql_bulk import BulkReader
from shopxero.shopify.graphql_changed import ChangedReads
from shopxero.shopify.graphql_ids import MAX_QUERY_COST, IdBatches, QueryTooCostly
from shopxero.shopify.graphql_records import (
    balance_record,
    balance_transaction_record,
    customer_record,
    gid_number,
    order_record,
    payout_record,
    product_record,
    shop_record,
    tax_sample_record,
    transaction_record,
)

__all__ = ["MAX_THROTTLED_RETRIES", "ShopifyGraphQLClient"]

MAX_THROTTLED_RETRIES = 20
KEPT_TRANSACTIONS = 5000  # orders whose transactions are kept (a run's chunk: 1,000 by default)
HELD_ORDERS = 1000  # a bulk read's orders held at most while their refunds wait for a batch
Warn = Callable[[str], None]
Node = dict[str, Any]

TRANSACTIONS = """query Transactions($id: ID!) { order(id: $id) { id transactions {
  id kind status gateway test createdAt processedAt errorCode paymentId manualPaymentGateway
  amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  parentTransaction { id } } } }"""


_BULK = {"customers": q.BULK_CUSTOMERS, "products": q.BULK_PRODUCTS, "orders": q.BULK_ORDERS}


def _since(name: str, value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    # REST's updated_at_min is inclusive, so the search is >= (shopify-api-notes §10).
    return f"{name.removesuffix('_min')}:>='{value.astimezone(UTC).isoformat()}'"


def _day_range(first: date | None, last: date | None) -> tuple[str | None, str | None]:
    """Payout days as ``issued_at`` terms: a date without an offset is midnight in the shop's
    time zone (shopify-api-notes §10), so the last day is "before the next midnight"."""
    low = f"issued_at:>='{_day(first).isoformat()}'" if first is not None else None
    high = (
        f"issued_at:<'{(_day(last) + timedelta(days=1)).isoformat()}'" if last is not None else None
    )
    return low, high


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _zone(name: Any) -> tzinfo:
    try:
        return ZoneInfo(str(name)) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _needs_agreements(node: Node) -> bool:
    """Whether an order's refunds may have given an additional fee back: it has refunds and
    additional fees (``originalTotalAdditionalFeesSet`` not zero, or not a number: read them,
    and let the mapper judge). Such fees are only in the order's sales agreements."""
    if not node.get("refunds"):
        return False
    bag = node.get("originalTotalAdditionalFeesSet")
    for side in ("shopMoney", "presentmentMoney"):
        amount = ((bag or {}).get(side) or {}).get("amount") if isinstance(bag, dict) else None
        if amount is None:
            continue
        try:
            if Decimal(str(amount)) != 0:
                return True
        except InvalidOperation:
            return True
    return False


def _search(*terms: str | None) -> str | None:
    chosen = [t for t in terms if t]
    return " ".join(chosen) if chosen else None


_OPERATION = re.compile(r"^\s*(query|mutation)\s+(\w+)")


def describe_call(request: httpx.Request, response: httpx.Response | None) -> str | None:
    """What the API-call log keeps of a GraphQL call besides its path: the operation and its
    cost (``operation=Orders&cost=986/62&available=1938/2000``: requested/actual, left/size)."""
    try:
        sent = json.loads(request.content or b"{}")
    except ValueError:
        return None
    match = _OPERATION.match(str(sent.get("query") or "")) if isinstance(sent, dict) else None
    pairs = {"operation": match.group(2) if match else "query"}
    cost: Any = None
    if response is not None:
        try:
            cost = (json.loads(response.content or b"{}").get("extensions") or {}).get("cost")
        except (ValueError, AttributeError):
            cost = None
    if isinstance(cost, dict):
        status = cost.get("throttleStatus") or {}
        requested, actual = cost.get("requestedQueryCost"), cost.get("actualQueryCost")
        pairs["cost"] = f"{_n(requested)}/{_n(actual)}"
        left, size = status.get("currentlyAvailable"), status.get("maximumAvailable")
        pairs["available"] = f"{_n(left)}/{_n(size)}"
    return urlencode(pairs, safe="/")


def _operation(document: str) -> str:
    """A query's operation name (``Orders``), or ``query`` for an anonymous one."""
    match = _OPERATION.match(document)
    return match.group(2) if match else "query"


def _n(value: Any) -> str:
    """A cost figure as Shopify means it: ``2000.0`` -> ``2000``; null (throttled) -> ``-``."""
    return f"{value:g}" if isinstance(value, int | float) else "-"


def _ignore(message: str) -> None:
    return None


class ShopifyGraphQLClient:
    """One shop's GraphQL Admin API. Use ``async with`` or call ``aclose()`` when done."""

    def __init__(
        self,
        *,
        shop_url: str,
        api_version: str = DEFAULT_API_VERSION,
        auth: ShopifyAuth,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        call_sink: CallSink | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        warn: Warn | None = None,
        bucket: GraphQLCostBucket | None = None,
        use_bulk: bool = True,
    ) -> None:
        self.shop_url = shop_url.rstrip("/")
        self.api_version = api_version
        self.auth = auth
        self.clock: Clock = clock or SystemClock()
        self.bucket = bucket or GraphQLCostBucket(clock=self.clock, largest_query=MAX_QUERY_COST)
        # Clock time spent on Shopify, one meter for every way this client reads it (queries,
        # bulk polling and downloads, the REST fallbacks): the benchmark's "Shopify minutes".
        self.spent = TimeSpent(self.clock)
        self._http = httpx.AsyncClient(
            base_url=self.shop_url,
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": "shopxero"},
        )
        self._sender = Sender(
            service="shopify",
            client=self._http,
            clock=self.clock,
            pacer=self.bucket,
            policy=retry,
            call_sink=call_sink,
            auth=auth,
            secrets=auth.secret_values,
            annotate=describe_call,
            spent=self.spent,
        )
        self.rest = ShopifyClient(
            shop_url=shop_url,
            api_version=api_version,
            auth=auth,
            transport=transport,
            clock=self.clock,
            call_sink=call_sink,
            timeout=timeout,
            retry=retry,
            warn=warn,
            spent=self.spent,
        )
        self._warn: Warn = warn or _ignore
        # Full reads (no updated_at filter: a first import, a rebuild) use bulk operations; the
        # JSONL is fetched with the plain httpx client, which sends no Shopify token.
        self.use_bulk = use_bulk
        self.bulk = BulkReader(
            self.query, clock=self.clock, download=self._http, warn=self._warn, spent=self.spent
        )
        self._costs: dict[str, float] = {}
        self.ids = IdBatches(self.query, self._costs.get)
        self.changed = ChangedReads(self.query, self.ids)
        self._transactions: dict[int, list[dict[str, Any]]] = {}
        # Payouts: the paid ones of the last listing, oldest first (the order a run walks them),
        # and the balance transactions read so far, by payout id.
        self._paid_payouts: list[tuple[str, int]] = []
        self._payout_transactions: dict[int, list[dict[str, Any]]] = {}
        self.throttled = 0  # THROTTLED answers met (diagnostics, tests)

    async def __aenter__(self) -> ShopifyGraphQLClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()
        await self.rest.aclose()  # closes the shared auth too

    # -- the one way a query is sent ---------------------------------------------------------

    @property
    def _path(self) -> str:
        return f"/admin/api/{self.api_version}/graphql.json"

    async def query(self, document: str, variables: dict[str, Any] | None = None) -> Node:
        """``data`` of one query, paced by cost; THROTTLED answers are waited out and retried."""
        for _ in range(MAX_THROTTLED_RETRIES + 1):
            self.bucket.expect(self._costs.get(document, 0.0))
            response = await self._sender.send(
                "POST",
                self._path,
                json={"query": document, "variables": variables or {}},
                label=f"POST {self._path} {_operation(document)}",
            )
            body = self._json(response)
            cost = (body.get("extensions") or {}).get("cost")
            self.bucket.observe_cost(cost)
            requested = cost.get("requestedQueryCost") if isinstance(cost, dict) else None
            if isinstance(requested, int | float):
                self._costs[document] = float(requested)
            errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
            if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                self.throttled += 1
                self.bucket.throttled(float(requested or 0.0))
                continue
            if errors:
                raise self._error(errors, response)
            data = body.get("data")
            if not isinstance(data, dict):
                raise self._failure("the answer has no data", response)
            return data
        raise self._failure(
            f"still throttled after {MAX_THROTTLED_RETRIES} waits for the cost bucket", response
        )

    def _json(self, response: httpx.Response) -> Node:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise self._failure("the answer is not a JSON object", response)
        return body

    def _failure(self, message: str, response: httpx.Response) -> PermanentApiError:
        return PermanentApiError(
            message,
            service="shopify",
            method="POST",
            path=self._path,
            status=response.status_code,
        )

    def _error(self, errors: list[Node], response: httpx.Response) -> PermanentApiError:
        first = errors[0]
        code = (first.get("extensions") or {}).get("code")
        where = ".".join(str(p) for p in first.get("path") or [])
        message = (
            f"GraphQL {code or 'error'}{f' at {where}' if where else ''}: {first.get('message')}"
        )
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        if code == "MAX_COST_EXCEEDED":
            cost = (first.get("extensions") or {}).get("cost")
            return QueryTooCostly(
                message,
                cost=float(cost) if isinstance(cost, int | float) else float("inf"),
                service="shopify",
                method="POST",
                path=self._path,
                status=response.status_code,
            )
        kind = ApiAuthError if code == "ACCESS_DENIED" else PermanentApiError
        return kind(
            message, service="shopify", method="POST", path=self._path, status=response.status_code
        )

    async def _pages(
        self, document: str, field: str, variables: dict[str, Any]
    ) -> AsyncIterator[list[Node]]:
        after: str | None = None
        while True:
            data = await self.query(document, {**variables, "after": after})
            connection = data.get(field) or {}
            yield [n for n in connection.get("nodes") or [] if isinstance(n, dict)]
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")

    # -- what a run reads -------------------------------------------------------------------

    async def get_shop(self) -> dict[str, Any]:
        data = await self.query(q.SHOP)
        node = data.get("shop")
        return shop_record(node) if isinstance(node, dict) else {}

    async def prepare_reads(self, since: Mapping[str, datetime | None]) -> None:
        """Ask at once for everything a run will read (``{"orders": cursor or None, ...}``):
        the full reads' bulk operations started together, and the first page of what changed
        since each cursor in one query (``graphql_changed``); each ``iter_*`` then goes on
        from there. The engine calls this once at the start of a run."""
        full = [r for r in q.RESOURCES if r in since and since[r] is None and self.use_bulk]
        await self.bulk.start({r: _BULK[r] for r in full})
        await self.changed.prepare(
            {
                r: (value, _search(_since("updated_at_min", value)))
                for r, value in since.items()
                if value is not None and r in q.RESOURCES
            }
        )

    async def get_access_scopes(self) -> list[str]:
        data = await self.query(q.SCOPES)
        scopes = (data.get("currentAppInstallation") or {}).get("accessScopes") or []
        return [str(s["handle"]) for s in scopes if isinstance(s, dict) and s.get("handle")]

    async def iter_customers(
        self, *, updated_at_min: datetime | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        if self.changed.holds("customers", updated_at_min):
            async for node in self.changed.nodes("customers"):
                yield customer_record(node)
            return
        if self.use_bulk and updated_at_min is None:
            nodes = await self.bulk.read("customers", q.BULK_CUSTOMERS)
            if nodes is not None:
                for node in nodes:
                    yield customer_record(node)
                return
        variables = {
            "first": q.CUSTOMER_PAGE,
            "query": _search(_since("updated_at_min", updated_at_min)),
        }
        async for page in self._pages(q.CUSTOMERS, "customers", variables):
            for node in page:
                yield customer_record(node)

    async def get_customer(self, id: int) -> dict[str, Any] | None:
        data = await self.query(q.CUSTOMER_ONE, {"id": f"gid://shopify/Customer/{int(id)}"})
        node = data.get("customer")
        return customer_record(node) if isinstance(node, dict) else None

    async def _product(self, node: Node) -> dict[str, Any]:
        connection = node.get("variants") or {}
        variants = [v for v in connection.get("nodes") or [] if isinstance(v, dict)]
        info = connection.get("pageInfo") or {}
        while info.get("hasNextPage"):
            data = await self.query(
                q.PRODUCT_VARIANTS, {"id": node["id"], "after": info.get("endCursor")}
            )
            more = (data.get("product") or {}).get("variants") or {}
            variants += [v for v in more.get("nodes") or [] if isinstance(v, dict)]
            info = more.get("pageInfo") or {}
        return product_record(node, variants)

    async def iter_products(
        self, *, updated_at_min: datetime | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        if self.changed.holds("products", updated_at_min):
            async for node in self.changed.nodes("products"):
                yield await self._product(node)
            return
        if self.use_bulk and updated_at_min is None:
            nodes = await self.bulk.read("products", q.BULK_PRODUCTS)
            if nodes is not None:
                for node in nodes:
                    yield await self._product(node)
                return
        variables = {
            "first": q.PRODUCT_PAGE,
            "query": _search(_since("updated_at_min", updated_at_min)),
        }
        async for page in self._pages(q.PRODUCTS, "products", variables):
            for node in page:
                yield await self._product(node)

    async def get_product(self, id: int) -> dict[str, Any] | None:
        data = await self.query(q.PRODUCT_ONE, {"id": f"gid://shopify/Product/{int(id)}"})
        node = data.get("product")
        return await self._product(node) if isinstance(node, dict) else None

    async def _order(self, node: Node) -> dict[str, Any]:
        connection = node.get("lineItems") or {}
        lines = [li for li in connection.get("nodes") or [] if isinstance(li, dict)]
        info = connection.get("pageInfo") or {}
        while info.get("hasNextPage"):
            data = await self.query(
                q.ORDER_LINES, {"id": node["id"], "after": info.get("endCursor")}
            )
            more = (data.get("order") or {}).get("lineItems") or {}
            lines += [li for li in more.get("nodes") or [] if isinstance(li, dict)]
            info = more.get("pageInfo") or {}
        cut_short = self._cut_short(node)
        if cut_short is not None:
            whole = await self._order_through_rest(node, cut_short)
            if whole is not None:
                return whole
        record = order_record(node, lines)
        transactions = record.pop("transactions")  # REST serves them apart (list_transactions)
        if record["id"] is not None:
            self._keep_transactions(int(record["id"]), transactions)
        return record

    def _keep_transactions(self, order_id: int, rows: list[dict[str, Any]]) -> None:
        self._transactions.pop(order_id, None)
        self._transactions[order_id] = rows
        while len(self._transactions) > KEPT_TRANSACTIONS:
            del self._transactions[next(iter(self._transactions))]  # the oldest read

    @staticmethod
    def _cut_short(node: Node) -> str | None:
        """The first of an order's nested lists that did not fit its page (line items are read
        on in follow-up queries; the others are not), or None."""
        lists = [
            ("shipping lines", node.get("shippingLines")),
            ("discount applications", node.get("discountApplications")),
        ]
        for refund in node.get("refunds") or []:
            for name, field in (
                ("refund line items", "refundLineItems"),
                ("refund shipping lines", "refundShippingLines"),
                ("order adjustments", "orderAdjustments"),
                ("refund transactions", "transactions"),
            ):
                lists.append((name, (refund or {}).get(field)))
        agreements = node.get("agreements")
        lists.append(("sales agreements", agreements))
        for agreement in (agreements or {}).get("nodes") or []:
            lists.append(("refund sales", (agreement or {}).get("sales")))
        for name, connection in lists:
            if ((connection or {}).get("pageInfo") or {}).get("hasNextPage"):
                return name
        return None

    async def _order_through_rest(self, node: Node, cut_short: str) -> dict[str, Any] | None:
        """An order with more of something than a GraphQL page holds, read whole through REST
        (with its transactions), so nothing is lost; said once per order."""
        order_id = gid_number(node.get("id"))
        if order_id is None:
            return None
        self._warn(
            f"order {node.get('name')} has more {cut_short} than one GraphQL page holds: "
            "read through REST"
        )
        order = await self.rest.get_order(order_id)
        if order is not None:
            self._keep_transactions(order_id, await self.rest.list_transactions(order_id))
        return order

    async def iter_orders(
        self,
        *,
        updated_at_min: datetime | None = None,
        status: str = "any",
        created_at_min: datetime | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        search = _search(
            _since("updated_at_min", updated_at_min),
            _since("created_at_min", created_at_min),
            None if status == "any" else f"status:{status}",
        )
        if (
            status == "any"
            and created_at_min is None
            and self.changed.holds("orders", updated_at_min)
        ):
            async for node in self._with_agreements(self.changed.nodes("orders")):
                yield await self._order(node)
            return
        if self.use_bulk and search is None:
            nodes = await self.bulk.read("orders", q.BULK_ORDERS)
            if nodes is not None:
                async for node in self._with_refunds(nodes):
                    yield await self._order(node)
                return
        variables = {"first": q.ORDER_PAGE, "query": search}
        async for node in self._with_agreements(self._paged_nodes(q.ORDERS, "orders", variables)):
            yield await self._order(node)

    async def _paged_nodes(
        self, document: str, field: str, variables: dict[str, Any]
    ) -> AsyncIterator[Node]:
        async for page in self._pages(document, field, variables):
            for node in page:
                yield node

    async def _with_agreements(self, nodes: AsyncIterator[Node]) -> AsyncIterator[Node]:
        """Orders as they come, each with the sales agreements it needs (``_needs_agreements``):
        an order that needs them is held, with the orders after it, until a ``nodes(ids:)``
        batch of them need them or ``HELD_ORDERS`` wait; the others pass straight through."""
        held: list[Node] = []
        needing = 0
        async for node in nodes:
            held.append(node)
            needing += _needs_agreements(node)
            if not needing or needing >= self.ids.size(q.AGREEMENTS) or len(held) >= HELD_ORDERS:
                await self._add_agreements(held)
                for ready in held:
                    yield ready
                held, needing = [], 0
        await self._add_agreements(held)
        for ready in held:
            yield ready

    async def _refunds_and_agreements(self, refunded: list[Node]) -> bool:
        """A batch of refunds that fits one query, read with the sales agreements of the orders
        that need them in that same request (``REFUNDS_AND_AGREEMENTS``); False when there are
        none to read with them, the batch is larger, or Shopify finds the request too dear (the
        two are then read apart)."""
        fees = [n for n in refunded if _needs_agreements(n)]
        if not fees or len(refunded) > self.ids.size(q.REFUNDS) or len(fees) > q.MAX_IDS:
            return False
        variables = {"ids": [str(n["id"]) for n in refunded], "fees": [str(n["id"]) for n in fees]}
        try:
            data = await self.query(q.REFUNDS_AND_AGREEMENTS, variables)
        except QueryTooCostly:
            return False
        orders, agreements = data.get("nodes") or [], data.get("fees") or []
        for node, order in zip(refunded, [*orders, *[None] * len(refunded)], strict=False):
            if not isinstance(order, dict):
                raise self._vanished(node, "refunds")
            node["refunds"] = order.get("refunds") or []
        for node, order in zip(fees, [*agreements, *[None] * len(fees)], strict=False):
            if not isinstance(order, dict):
                raise self._vanished(node, "sales agreements")
            node["agreements"] = order.get("agreements")
        return True

    async def _add_agreements(self, nodes: list[Node], document: str = q.AGREEMENTS) -> None:
        """The refund agreements of the orders that need them, as many orders a query as
        Shopify's limits let through (``graphql_ids``): refunded additional fees are sales
        there, not fields of the refund (shopify-api-notes §10 "Sales agreements")."""
        wanted = [n for n in nodes if _needs_agreements(n) and "agreements" not in n]
        if not wanted:
            return
        found = await self.ids.nodes(document, [str(n["id"]) for n in wanted])
        for node, order in zip(wanted, found, strict=True):
            if order is None:
                raise self._vanished(node, "sales agreements")
            node["agreements"] = order.get("agreements")

    def _vanished(self, node: Node, what: str) -> PermanentApiError:
        return PermanentApiError(
            f"order {node.get('name')} ({node['id']}) vanished while its {what} were read; "
            "run again",
            service="shopify",
            method="POST",
            path=self._path,
        )

    async def _with_refunds(self, nodes: Iterable[Node]) -> AsyncIterator[Node]:
        """A bulk read's orders as they stream by, each with its refunds: orders are held only
        until a ``nodes(ids:)`` batch of them have refunds, or ``HELD_ORDERS`` wait (so a shop
        with few refunds is not held whole), then their refunds are read together, with the
        sales agreements of those that need them in the same request when it fits
        (``_refunds_and_agreements``), else in a query of their own (``_add_agreements``)."""
        held: list[Node] = []
        refunded = 0
        for node in nodes:
            held.append(node)
            refunded += bool(node.get("refunds"))
            if refunded >= self.ids.size(q.REFUNDS) or len(held) >= HELD_ORDERS:
                await self._add_refunds(held)
                await self._add_agreements(held)
                for ready in held:
                    yield ready
                held, refunded = [], 0
        await self._add_refunds(held)
        await self._add_agreements(held)
        for ready in held:
            yield ready

    async def _add_refunds(self, nodes: list[Node]) -> None:
        """A bulk query takes no connection inside a list (shopify-api-notes §10), so a bulk
        read's refunds are read apart, only for orders that have any: as many orders a
        ``nodes(ids:)`` query as Shopify's limits let through (``graphql_ids``)."""
        refunded = [n for n in nodes if n.get("refunds")]
        if await self._refunds_and_agreements(refunded):
            return
        found = await self.ids.nodes(q.REFUNDS, [str(n["id"]) for n in refunded])
        for node, order in zip(refunded, found, strict=True):
            if order is None:
                raise self._vanished(node, "refunds")
            node["refunds"] = order.get("refunds") or []

    async def get_order(self, id: int) -> dict[str, Any] | None:
        data = await self.query(q.ORDER_ONE, {"id": f"gid://shopify/Order/{int(id)}"})
        node = data.get("order")
        if not isinstance(node, dict):
            return None
        await self._add_agreements([node])
        return await self._order(node)

    async def get_orders(self, ids: Sequence[int]) -> dict[int, dict[str, Any] | None]:
        """Orders by id: ``nodes(ids:)`` queries with ``get_order``'s selection, as many ids a
        query as the cost cap lets through (``graphql_ids``), each order completed as
        ``get_order`` does (line items read on, cut-short lists read through REST)."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found = await self.ids.nodes(q.ORDER_NODES, [f"gid://shopify/Order/{i}" for i in wanted])
        await self._add_agreements([n for n in found if n is not None], q.ORDER_NODES_AGREEMENTS)
        out: dict[int, dict[str, Any] | None] = {}
        for order_id, node in zip(wanted, found, strict=True):
            out[order_id] = await self._order(node) if node else None
        return out

    async def list_transactions(self, order_id: int) -> list[dict[str, Any]]:
        """The order's transactions: those read with the order, else one small query."""
        known = self._transactions.get(int(order_id))
        if known is not None:
            return list(known)
        data = await self.query(TRANSACTIONS, {"id": f"gid://shopify/Order/{int(order_id)}"})
        order = data.get("order") or {}
        rows = [transaction_record(t, int(order_id)) for t in order.get("transactions") or []]
        self._keep_transactions(int(order_id), rows)
        return list(rows)

    # -- Shopify Payments (shopify-api-notes §9) ---------------------------------------------

    def _no_account(self) -> NotFoundError:
        return NotFoundError(
            "the shop has no Shopify Payments account (shopifyPaymentsAccount is null)",
            service="shopify",
            method="POST",
            path=self._path,
            status=200,
        )

    async def _account_pages(
        self, document: str, field: str, variables: dict[str, Any]
    ) -> AsyncIterator[tuple[Node, list[Node]]]:
        """Each page of the account's ``field`` connection, with the answer's ``data``."""
        after: str | None = None
        while True:
            data = await self.query(document, {**variables, "after": after})
            account = data.get("shopifyPaymentsAccount")
            if not isinstance(account, dict):
                raise self._no_account()
            connection = account.get(field) or {}
            yield data, [n for n in connection.get("nodes") or [] if isinstance(n, dict)]
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")

    async def iter_payouts(
        self,
        *,
        status: str | None = None,
        date_min: date | None = None,
        date_max: date | None = None,
        on_date: date | None = None,
        since_id: int | None = None,
        last_id: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Payouts newest first, REST's filters as search terms (dates in the shop's zone)."""
        search = _search(
            f"status:{status}" if status else None,
            *_day_range(date_min or on_date, date_max or on_date),
            f"id:>{int(since_id)}" if since_id is not None else None,
            f"id:<{int(last_id)}" if last_id is not None else None,
        )
        listed: list[tuple[str, int]] = []
        variables = {"first": q.PAYOUT_PAGE, "query": search}
        async for data, page in self._account_pages(q.PAYOUTS, "payouts", variables):
            zone = _zone((data.get("shop") or {}).get("ianaTimezone"))
            for node in page:
                record = payout_record(node, zone)
                if record["status"] == "paid" and record["id"] is not None:
                    listed.append((str(record["date"]), int(record["id"])))
                yield record
        self._paid_payouts = sorted(listed)

    async def get_payout(self, id: int) -> dict[str, Any] | None:
        """One payout, or None (no such payout, or no Shopify Payments account)."""
        data = await self.query(q.PAYOUT_ONE, {"query": f"id:{int(id)}"})
        account = data.get("shopifyPaymentsAccount")
        nodes = ((account or {}).get("payouts") or {}).get("nodes") or []
        zone = _zone((data.get("shop") or {}).get("ianaTimezone"))
        found = [payout_record(n, zone) for n in nodes if isinstance(n, dict)]
        return next((p for p in found if p["id"] == int(id)), None)

    async def iter_balance_transactions(
        self,
        *,
        payout_id: int | None = None,
        payout_status: str | None = None,
        test: bool | None = None,
        since_id: int | None = None,
        last_id: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Balance transactions newest first; one payout's (``payout_id`` alone) come from a
        query that reads the next payouts of the last listing's walk too."""
        if payout_id is not None and (payout_status, test, since_id, last_id) == (None,) * 4:
            for record in await self._payout_batch(int(payout_id)):
                yield record
            return
        search = _search(
            f"payments_transfer_id:{int(payout_id)}" if payout_id is not None else None,
            f"payout_status:{payout_status}" if payout_status else None,
            f"id:>{int(since_id)}" if since_id is not None else None,
            f"id:<{int(last_id)}" if last_id is not None else None,
        )
        variables = {"first": q.BALANCE_TRANSACTION_PAGE, "query": search}
        async for _, page in self._account_pages(
            q.BALANCE_TRANSACTIONS, "balanceTransactions", variables
        ):
            for node in page:
                record = balance_transaction_record(node)
                if test is None or bool(record["test"]) == test:
                    yield record

    async def _payout_batch(self, payout_id: int) -> list[dict[str, Any]]:
        """``payout_id``'s balance transactions, read with those of the paid payouts after it
        in the last listing (up to ``PAYOUT_BATCH`` a query) and kept for their turn."""
        known = self._payout_transactions.pop(payout_id, None)
        if known is not None:
            return known
        ids = [pid for _, pid in self._paid_payouts]
        after = ids[ids.index(payout_id) + 1 :] if payout_id in ids else []
        batch = [payout_id, *(p for p in after if p not in self._payout_transactions)]
        batch = batch[: q.PAYOUT_BATCH]
        found: dict[int, list[dict[str, Any]]] = {pid: [] for pid in batch}
        search = " OR ".join(f"payments_transfer_id:{pid}" for pid in batch)
        variables = {"first": q.BALANCE_TRANSACTION_PAGE, "query": search}
        async for _, page in self._account_pages(
            q.BALANCE_TRANSACTIONS, "balanceTransactions", variables
        ):
            for node in page:
                record = balance_transaction_record(node)
                if record["payout_id"] in found:
                    found[record["payout_id"]].append(record)
        mine = found.pop(payout_id)
        self._payout_transactions.update(found)
        return mine

    async def get_payments_balance(self) -> list[dict[str, Any]]:
        """What is not yet paid out, per currency, as REST's ``balance.json`` entries."""
        data = await self.query(q.PAYMENTS_BALANCE)
        account = data.get("shopifyPaymentsAccount")
        if not isinstance(account, dict):
            raise self._no_account()
        return [balance_record(m) for m in account.get("balance") or []]

    # -- doctor -----------------------------------------------------------------------------

    async def sample_order_taxes(self, limit: int) -> list[dict[str, Any]]:
        """The newest orders' tax lines and addresses, as REST's ``sample_orders`` gives them
        with those fields: one query of at most ``TAX_SAMPLE_PAGE`` orders (the cost cap,
        ``graphql_queries``), for ``doctor``'s check of the tax map against real taxes."""
        first = max(1, min(limit, q.TAX_SAMPLE_PAGE))
        data = await self.query(q.TAX_SAMPLE, {"first": first})
        nodes = (data.get("orders") or {}).get("nodes") or []
        return [tax_sample_record(n) for n in nodes if isinstance(n, dict)]

    @property
    def served_api_version(self) -> str | None:
        headers = self._sender.last_response_headers
        return headers.get("x-shopify-api-version") if headers is not None else None
