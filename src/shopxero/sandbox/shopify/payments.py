"""Shopify Payments in the simulator: payouts, balance transactions and the balance.

``GET shopify_payments/payouts.json`` (newest payout date first), ``payouts/{id}.json``,
``shopify_payments/balance/transactions.json`` (newest processing time first) and
``shopify_payments/balance.json``, with the filters and the cursor pagination of
shopify-api-notes §9 and §4. The records are the seed's (``seeds/payouts.py`` makes them from the
orders); a shop whose seed has none of them has no Shopify Payments account (404 on every
endpoint, as Shopify answers). The only thing computed at request time is a balance
transaction's ``payout_status``, which is its payout's current status (``pending`` when it has
none), and the balance, which is the sum of the pending transactions' ``net`` per currency.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from starlette.requests import Request

from shopxero.sandbox.shopify.filters import (
    QueryError,
    parse_fields,
    parse_limit,
    project,
    sort_value,
)
from shopxero.sandbox.shopify.pagination import (
    Cursor,
    decode_cursor,
    encode_cursor,
    link_header,
    paginate,
)
from shopxero.sandbox.shopify.store import ShopStore

__all__ = [
    "PAYMENTS_SCOPES",
    "PAYOUT_STATUSES",
    "TRANSACTION_PAYOUT_STATUSES",
    "ShopifyPayments",
    "balance_transaction_view",
]

Record = dict[str, Any]
Key = tuple[float, int]

# "Requires ANY of the following access scopes: shopify_payments_payouts, shopify_payments"
# (shopify-api-notes §9); the first is the one a 403 names.
PAYMENTS_SCOPES = ("read_shopify_payments_payouts", "read_shopify_payments")
PAYOUT_STATUSES = ("scheduled", "in_transit", "paid", "failed", "canceled")
TRANSACTION_PAYOUT_STATUSES = ("pending", *PAYOUT_STATUSES)
PAGE_INFO_COMPANIONS = frozenset({"page_info", "limit", "fields"})
_PAYOUT_FILTERS = ("since_id", "last_id", "date_min", "date_max", "date", "status")
_TRANSACTION_FILTERS = ("since_id", "last_id", "test", "payout_id", "payout_status")


def balance_transaction_view(bt: Record, payouts: Mapping[int, Record]) -> Record:
    """``bt`` as served: ``payout_status`` is its payout's status now, or ``pending``."""
    payout = payouts.get(bt["payout_id"]) if isinstance(bt.get("payout_id"), int) else None
    status = payout.get("status") if payout is not None else None
    return {**bt, "payout_status": status if isinstance(status, str) else "pending"}


def _int(param: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise QueryError(param, "must be an integer id") from None


def _date(param: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        raise QueryError(param, "must be a date (YYYY-MM-DD)") from None


def _choice(param: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise QueryError(param, f"must be one of {', '.join(allowed)}")
    return raw


def _validate(names: tuple[str, ...], params: Mapping[str, str]) -> dict[str, str]:
    """The filters present, checked (what the cursor carries); a bad value is a 400."""
    found = {n: params[n] for n in names if params.get(n) not in (None, "")}
    for name, raw in found.items():
        if name in ("since_id", "last_id", "payout_id"):
            _int(name, raw)
        elif name in ("date", "date_min", "date_max"):
            _date(name, raw)
        elif name == "status":
            _choice(name, raw, PAYOUT_STATUSES)
        elif name == "payout_status":
            _choice(name, raw, TRANSACTION_PAYOUT_STATUSES)
        elif name == "test":
            _choice(name, raw.lower(), ("true", "false"))
    return found


def _by_id(record: Record, filters: Mapping[str, str]) -> bool:
    record_id = int(record["id"])
    if "since_id" in filters and record_id <= _int("since_id", filters["since_id"]):
        return False
    return not ("last_id" in filters and record_id >= _int("last_id", filters["last_id"]))


def _payout_matches(payout: Record, filters: Mapping[str, str]) -> bool:
    if not _by_id(payout, filters):
        return False
    try:
        day = date.fromisoformat(str(payout.get("date")))
    except ValueError:
        return not any(k in filters for k in ("date", "date_min", "date_max"))
    if "date" in filters and day != _date("date", filters["date"]):
        return False
    if "date_min" in filters and day < _date("date_min", filters["date_min"]):
        return False
    if "date_max" in filters and day > _date("date_max", filters["date_max"]):
        return False
    return "status" not in filters or payout.get("status") == filters["status"]


def _transaction_matches(bt: Record, filters: Mapping[str, str]) -> bool:
    if not _by_id(bt, filters):
        return False
    if "test" in filters and bool(bt.get("test")) != (filters["test"].lower() == "true"):
        return False
    if "payout_id" in filters and bt.get("payout_id") != _int("payout_id", filters["payout_id"]):
        return False
    return "payout_status" not in filters or bt["payout_status"] == filters["payout_status"]


def _payout_key(payout: Record) -> Key:
    try:
        ordinal = float(date.fromisoformat(str(payout.get("date"))).toordinal())
    except ValueError:
        ordinal = -1.0
    return (ordinal, int(payout["id"]))


def _transaction_key(bt: Record) -> Key:
    return (sort_value(bt, "processed_at"), int(bt["id"]))


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


class ShopifyPayments:
    """The Shopify Payments handlers over one shop's store (the resource guard runs first)."""

    def __init__(self, store: ShopStore) -> None:
        self.store = store

    def has_account(self) -> bool:
        """Whether the shop uses Shopify Payments. The simulator takes the seed's word: a shop
        whose seed holds no payout and no balance transaction has no account. Without one,
        Shopify answers every Shopify Payments endpoint 404 and GraphQL's
        ``shopifyPaymentsAccount`` is null (shopify-api-notes §9)."""
        return bool(self.store.all("payouts") or self.store.all("balance_transactions"))

    def payouts_by_id(self) -> dict[int, Record]:
        return self._payouts()

    def transactions(self) -> list[Record]:
        """Every balance transaction as served (``payout_status`` of now)."""
        return self._transactions()

    def _payouts(self) -> dict[int, Record]:
        return {int(p["id"]): p for p in self.store.all("payouts")}

    def _transactions(self) -> list[Record]:
        payouts = self._payouts()
        return [
            balance_transaction_view(bt, payouts) for bt in self.store.all("balance_transactions")
        ]

    # -- handlers ----------------------------------------------------------------------------

    def list_payouts(self, request: Request) -> tuple[Any, dict[str, str]]:
        return self._list(
            request,
            resource="shopify_payments/payouts",
            key="payouts",
            names=_PAYOUT_FILTERS,
            records=list(self._payouts().values()),
            matches=_payout_matches,
            key_of=_payout_key,
        )

    def get_payout(self, payout_id: int, request: Request) -> Record | None:
        payout = self.store.get("payouts", payout_id)
        if payout is None:
            return None
        return {"payout": project(payout, parse_fields(request.query_params))}

    def list_transactions(self, request: Request) -> tuple[Any, dict[str, str]]:
        return self._list(
            request,
            resource="shopify_payments/balance/transactions",
            key="transactions",
            names=_TRANSACTION_FILTERS,
            records=self._transactions(),
            matches=_transaction_matches,
            key_of=_transaction_key,
        )

    def balance(self) -> Record:
        """``{"balance": [{"amount", "currency"}]}``: the pending transactions' ``net`` per
        currency, the shop's own currency always listed."""
        totals: dict[str, Decimal] = {}
        shop_currency = self.store.shop.get("currency")
        if isinstance(shop_currency, str) and shop_currency:
            totals[shop_currency] = Decimal("0.00")
        for bt in self._transactions():
            currency = str(bt.get("currency") or shop_currency or "")
            totals.setdefault(currency, Decimal("0.00"))
            if bt["payout_status"] == "pending":
                totals[currency] += _money(bt.get("net"))
        return {
            "balance": [
                {"amount": str(amount.quantize(Decimal("0.01"))) if amount else "0.00",
                 "currency": currency}
                for currency, amount in totals.items()
            ]
        }  # fmt: skip

    # -- shared list logic -------------------------------------------------------------------

    def _list(
        self,
        request: Request,
        *,
        resource: str,
        key: str,
        names: tuple[str, ...],
        records: list[Record],
        matches: Callable[[Record, Mapping[str, str]], bool],
        key_of: Callable[[Record], Key],
    ) -> tuple[Any, dict[str, str]]:
        """Newest first (the reference's order for both lists), cursor pages as in §4."""
        params = request.query_params
        limit = parse_limit(params)
        fields = parse_fields(params)
        cursor: Cursor | None = None
        if params.get("page_info"):
            extra = [name for name in params if name not in PAGE_INFO_COMPANIONS]
            if extra:
                raise QueryError(
                    "page_info", f"{extra[0]} cannot be passed when page_info is present"
                )
            cursor = decode_cursor(params["page_info"], resource)
            filters = cursor.filters
        else:
            filters = _validate(names, params)
        chosen = [r for r in records if matches(r, filters)]
        chosen.sort(key=key_of, reverse=True)
        page = paginate(chosen, key_of, descending=True, limit=limit, cursor=cursor)

        def info(edge: Key | None, rel: Literal["next", "previous"]) -> str | None:
            if edge is None:
                return None
            return encode_cursor(Cursor(resource, filters, "default desc", rel, edge))

        link = link_header(
            f"{request.url.scheme}://{request.url.netloc}{request.url.path}",
            limit=limit,
            fields=params.get("fields"),
            previous_info=info(page.previous_key, "previous"),
            next_info=info(page.next_key, "next"),
        )
        body = {key: [project(r, fields) for r in page.records]}
        return body, ({"Link": link} if link else {})
