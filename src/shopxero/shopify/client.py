"""Async client for the Shopify REST Admin API: the reads a Shopify -> Xero sync needs.

Every request goes through one ``Sender`` (``http/sender.py``): the leaky bucket paces it, httpx
errors and error statuses become ``shopxero.errors``, transient failures are retried, a 401
re-acquires a client-credentials token once, and every exchange is written to the call log with
secrets masked. Answers are plain JSON dicts; ``shopify.models`` parses them.

Shopify specifics (shopify-api-notes): lists ask for ``limit=250`` and follow ``Link: rel="next"``
verbatim (§4); orders are listed with ``status=any`` because the default hides closed and
cancelled ones (§8 #1); orders older than 60 days need ``read_all_orders`` (§4); a product with
exactly 100 variants may have been cut short by REST (§1). Those last two are warned about.
Shopify Payments payouts, their balance transactions and the balance (§9) are read the same way
and need ``read_shopify_payments_payouts``; without it Shopify answers 403 (``ApiAuthError``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from shopxero.errors import ApiAuthError, NotFoundError, PermanentApiError
from shopxero.http.calllog import CallSink
from shopxero.http.clock import Clock, SystemClock
from shopxero.http.retry import RetryPolicy
from shopxero.http.sender import Sender
from shopxero.http.throttle import ShopifyBucket
from shopxero.http.time_spent import TimeSpent
from shopxero.shopify.auth import ShopifyAuth
from shopxero.shopify.pagination import CursorGuard, PaginationLoopError, next_link

__all__ = ["DEFAULT_API_VERSION", "PAYOUTS_SCOPE", "ShopifyClient"]

DEFAULT_API_VERSION = "2026-10"
PAGE_LIMIT = 250  # the REST maximum (shopify-api-notes §4)
REST_VARIANT_CAP = 100  # REST returns at most 100 variants per product (shopify-api-notes §1)
ORDER_WINDOW = timedelta(days=60)  # visible without read_all_orders (shopify-api-notes §4)
ALL_ORDERS_SCOPE = "read_all_orders"
PAYOUTS_SCOPE = "read_shopify_payments_payouts"  # shopify-api-notes §9
PAYOUTS = "shopify_payments/payouts"
BALANCE_TRANSACTIONS = "shopify_payments/balance/transactions"

Warn = Callable[[str], None]


def _iso(name: str, value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value.astimezone(UTC).isoformat()


def _day(value: date | None) -> str | None:
    """A date filter as Shopify's payouts take it (``2012-11-12``); a datetime gives its date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def _ignore(message: str) -> None:
    return None


class ShopifyClient:
    """One shop's REST Admin API. Use ``async with`` or call ``aclose()`` when done."""

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
        bucket: ShopifyBucket | None = None,
        spent: TimeSpent | None = None,
    ) -> None:
        self.shop_url = shop_url.rstrip("/")
        self.api_version = api_version
        self.auth = auth
        self.clock: Clock = clock or SystemClock()
        self.bucket = bucket or ShopifyBucket(clock=self.clock)
        self._warn: Warn = warn or _ignore
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
            spent=spent,
        )
        # Clock time spent on Shopify (the benchmark's "Shopify minutes"; shared with a GraphQL
        # client that reads through this one).
        self.spent = self._sender.spent
        # Token requests of a client-credentials auth land in the same call log.
        use_sink = getattr(auth, "use_call_sink", None)
        if callable(use_sink):
            use_sink(call_sink)
        self._scopes: list[str] | None = None
        self._order_window_warned = False

    # -- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> ShopifyClient:
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
        close_auth = getattr(self.auth, "aclose", None)
        if callable(close_auth):
            await close_auth()

    @property
    def served_api_version(self) -> str | None:
        """``X-Shopify-API-Version`` of the last answer (Shopify falls forward,
        shopify-api-notes §1)."""
        headers = self._sender.last_response_headers
        return headers.get("x-shopify-api-version") if headers is not None else None

    # -- plumbing --------------------------------------------------------------------------------

    def _api(self, path: str) -> str:
        return f"/admin/api/{self.api_version}/{path}"

    async def _get_json(
        self, url: str, params: Mapping[str, str] | None = None, *, not_found_ok: bool = False
    ) -> tuple[dict[str, Any], httpx.Response]:
        response = await self._sender.send("GET", url, params=params, not_found_ok=not_found_ok)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise PermanentApiError(
                "the answer is not a JSON object",
                service="shopify",
                method="GET",
                path=response.request.url.path,
                status=response.status_code,
            )
        return body, response

    async def _get_one(self, path: str, key: str) -> dict[str, Any] | None:
        try:
            body, _ = await self._get_json(self._api(path), not_found_ok=True)
        except NotFoundError:
            return None
        record = body.get(key)
        return record if isinstance(record, dict) else None

    def _check_same_origin(self, url: str) -> None:
        # The Link URL carries our token along; never follow one to another host.
        ours, theirs = urlsplit(self.shop_url), urlsplit(url)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            raise PermanentApiError(
                f"the next-page link points to another host ({theirs.netloc}); not followed",
                service="shopify",
                method="GET",
                path=theirs.path,
            )

    # -- single records --------------------------------------------------------------------------

    async def prepare_reads(self, since: Mapping[str, datetime | None]) -> None:
        """Nothing to prepare: each REST list is read page by page when its turn comes (the
        GraphQL client asks for every resource's first page here)."""
        return

    async def get_shop(self) -> dict[str, Any]:
        body, _ = await self._get_json(self._api("shop.json"))
        shop = body.get("shop")
        return shop if isinstance(shop, dict) else {}

    async def get_access_scopes(self) -> list[str]:
        """The scopes granted to our token (``GET /admin/oauth/access_scopes.json``)."""
        body, _ = await self._get_json("/admin/oauth/access_scopes.json")
        scopes = [
            str(s["handle"])
            for s in body.get("access_scopes") or []
            if isinstance(s, dict) and s.get("handle")
        ]
        self._scopes = scopes
        return scopes

    async def get_customer(self, id: int) -> dict[str, Any] | None:
        return await self._get_one(f"customers/{int(id)}.json", "customer")

    async def get_product(self, id: int) -> dict[str, Any] | None:
        product = await self._get_one(f"products/{int(id)}.json", "product")
        if product is not None:
            self._check_variant_cap(product)
        return product

    async def get_order(self, id: int) -> dict[str, Any] | None:
        return await self._get_one(f"orders/{int(id)}.json", "order")

    async def get_orders(self, ids: Sequence[int]) -> dict[int, dict[str, Any] | None]:
        """Orders by id: ``orders.json?ids=`` (any status), ``PAGE_LIMIT`` ids a request, so
        each batch is one page (shopify-api-notes §4); an id Shopify does not return is None."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        out: dict[int, dict[str, Any] | None] = dict.fromkeys(wanted)
        for start in range(0, len(wanted), PAGE_LIMIT):
            batch = wanted[start : start + PAGE_LIMIT]
            params = {"ids": ",".join(str(i) for i in batch), "status": "any"}
            async for page in self.iter_pages("orders", params):
                for order in page:
                    if order.get("id") in out:
                        out[int(order["id"])] = order
        return out

    async def list_refunds(self, order_id: int) -> list[dict[str, Any]]:
        refunds: list[dict[str, Any]] = []
        async for page in self.iter_pages(f"orders/{int(order_id)}/refunds", {}):
            refunds.extend(page)
        return refunds

    async def list_transactions(self, order_id: int) -> list[dict[str, Any]]:
        # transactions.json takes no limit and is not paginated (shopify-api-notes §4).
        body, _ = await self._get_json(self._api(f"orders/{int(order_id)}/transactions.json"))
        return [t for t in body.get("transactions") or [] if isinstance(t, dict)]

    async def sample_orders(
        self, limit: int, *, fields: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """The first page of orders (any status, Shopify's default order): ``limit`` at most
        250 (shopify-api-notes §4), only ``fields`` when given. For checks that need a sample of
        real orders, not every order (one call)."""
        params = {"status": "any", "limit": str(max(1, min(limit, PAGE_LIMIT)))}
        if fields:
            params["fields"] = ",".join(fields)
        body, _ = await self._get_json(self._api("orders.json"), params)
        return [o for o in body.get("orders") or [] if isinstance(o, dict)]

    async def count(self, resource: str, **filters: Any) -> int:
        """``GET {resource}/count.json`` with the list filters (datetimes as aware values).

        Orders are counted with ``status=any`` unless a status is given, like ``iter_orders``.
        """
        if resource == "orders":
            filters.setdefault("status", "any")
        params = self._filters(resource, filters)
        body, _ = await self._get_json(self._api(f"{resource}/count.json"), params)
        return int(body.get("count") or 0)

    # -- lists -----------------------------------------------------------------------------------

    async def iter_pages(
        self, resource: str, params: Mapping[str, str]
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every page of ``{resource}.json``: filters on the first request, then Link verbatim."""
        key = resource.rsplit("/", 1)[-1]
        guard = CursorGuard()
        url = self._api(f"{resource}.json")
        query: dict[str, str] | None = {"limit": str(PAGE_LIMIT), **params}
        while True:
            body, response = await self._get_json(url, query)
            records = body.get(key)
            if not isinstance(records, list):
                raise PermanentApiError(
                    f"the answer has no {key!r} list",
                    service="shopify",
                    method="GET",
                    path=response.request.url.path,
                    status=response.status_code,
                )
            yield [r for r in records if isinstance(r, dict)]
            link = next_link(response.headers.get("link"))
            if link is None:
                return
            self._check_same_origin(link)
            try:
                guard.check(link)
            except PaginationLoopError as exc:
                raise PermanentApiError(
                    str(exc), service="shopify", method="GET", path=urlsplit(link).path
                ) from None
            url, query = link, None

    async def _iter_records(
        self, resource: str, params: dict[str, str]
    ) -> AsyncIterator[dict[str, Any]]:
        async for page in self.iter_pages(resource, params):
            for record in page:
                yield record

    def _filters(self, resource: str, filters: Mapping[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, value in filters.items():
            if value is None:
                continue
            if isinstance(value, bool):
                out[name] = "true" if value else "false"
            elif isinstance(value, datetime):
                out[name] = _iso(f"{resource} filter {name}", value)
            elif isinstance(value, (list, tuple)):
                out[name] = ",".join(str(v) for v in value)
            else:
                out[name] = str(value)
        return out

    async def iter_customers(
        self, *, updated_at_min: datetime | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        params = self._filters("customers", {"updated_at_min": updated_at_min})
        async for record in self._iter_records("customers", params):
            yield record

    async def iter_products(
        self, *, updated_at_min: datetime | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        params = self._filters("products", {"updated_at_min": updated_at_min})
        async for record in self._iter_records("products", params):
            self._check_variant_cap(record)
            yield record

    async def iter_orders(
        self,
        *,
        updated_at_min: datetime | None = None,
        status: str = "any",
        created_at_min: datetime | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        params = self._filters(
            "orders",
            {
                "status": status,
                "updated_at_min": updated_at_min,
                "created_at_min": created_at_min,
            },
        )
        await self._check_order_window(created_at_min or updated_at_min)
        async for record in self._iter_records("orders", params):
            yield record

    # -- Shopify Payments (shopify-api-notes §9) ---------------------------------------------------

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
        """Every payout matching the filters, newest payout date first (Shopify's order).

        ``status``: scheduled, in_transit, paid, failed or canceled; ``date_min`` / ``date_max``
        are inclusive, ``on_date`` is Shopify's ``date`` filter (one day).
        """
        params = self._filters(
            PAYOUTS,
            {
                "status": status,
                "date_min": _day(date_min),
                "date_max": _day(date_max),
                "date": _day(on_date),
                "since_id": since_id,
                "last_id": last_id,
            },
        )
        async for record in self._iter_records(PAYOUTS, params):
            yield record

    async def get_payout(self, id: int) -> dict[str, Any] | None:
        """One payout, or None when Shopify has no payout with that id."""
        return await self._get_one(f"{PAYOUTS}/{int(id)}.json", "payout")

    async def iter_balance_transactions(
        self,
        *,
        payout_id: int | None = None,
        payout_status: str | None = None,
        test: bool | None = None,
        since_id: int | None = None,
        last_id: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Shopify Payments balance transactions, newest first: one payout's with ``payout_id``,
        those not yet paid out with ``payout_status="pending"``."""
        params = self._filters(
            BALANCE_TRANSACTIONS,
            {
                "payout_id": payout_id,
                "payout_status": payout_status,
                "test": test,
                "since_id": since_id,
                "last_id": last_id,
            },
        )
        async for record in self._iter_records(BALANCE_TRANSACTIONS, params):
            yield record

    async def get_payments_balance(self) -> list[dict[str, Any]]:
        """``shopify_payments/balance.json``: ``[{"amount": "53.99", "currency": "USD"}, ...]``,
        what is not yet paid out, per currency."""
        body, _ = await self._get_json(self._api("shopify_payments/balance.json"))
        return [b for b in body.get("balance") or [] if isinstance(b, dict)]

    # -- warnings --------------------------------------------------------------------------------

    def _check_variant_cap(self, product: Mapping[str, Any]) -> None:
        variants = product.get("variants")
        if isinstance(variants, list) and len(variants) == REST_VARIANT_CAP:
            self._warn(
                f"product {product.get('id')} has exactly {REST_VARIANT_CAP} variants: the REST "
                "API returns at most 100, so some variants may be missing"
            )

    async def _check_order_window(self, since: datetime | None) -> None:
        """Warn once when older orders are asked for without ``read_all_orders``."""
        if self._order_window_warned:
            return
        now = datetime.fromtimestamp(self.clock.time(), UTC)
        if since is not None and since >= now - ORDER_WINDOW:
            return
        granted = tuple(getattr(self.auth, "granted_scopes", ()) or ())
        if not granted:
            try:
                granted = tuple(self._scopes or await self.get_access_scopes())
            except (ApiAuthError, NotFoundError):
                self._order_window_warned = True
                self._warn(
                    "could not read the granted scopes: if read_all_orders is missing, orders "
                    "older than 60 days will be missing"
                )
                return
        if ALL_ORDERS_SCOPE in granted:
            return
        self._order_window_warned = True
        self._warn(
            "the app lacks the read_all_orders scope: Shopify only shows orders from the last "
            "60 days, so older orders will be missing; grant read_all_orders to sync them"
        )
