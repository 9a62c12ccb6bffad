"""``shopifyPaymentsAccount``: the balance, payouts and balance transactions in the GraphQL shape,
from the same store records the REST Shopify Payments endpoints serve (``shopify/payments.py``),
so one seed answers both APIs alike (shopify-api-notes §9).

What differs between the two APIs, and how the simulator bridges it:
- A payout's REST ``date`` (a plain date) is its GraphQL ``issuedAt`` at midnight in the shop's
  time zone; ``net`` is its signed ``amount`` in its ``currency``, ``transactionType``
  ``WITHDRAWAL`` when that is negative.
- REST's few balance transaction ``type`` names become the schema's
  ``ShopifyPaymentsTransactionType`` (``_TYPES``): ``dispute`` is ``DISPUTE_WITHDRAWAL`` when
  money goes out and ``DISPUTE_REVERSAL`` when it comes back, ``reserve`` ``RESERVED_FUNDS`` /
  ``RESERVED_FUNDS_REVERSAL``, ``payout`` ``TRANSFER``; other names are upper-cased when the
  enum has them, else ``ADJUSTMENT``.
- ``payout_id`` / ``payout_status`` are ``associatedPayout { id status }``, ``source_order_id``
  is ``associatedOrder { id name }``.

Searches (``query:``) know the fields the client uses: payouts ``id``, ``status``,
``issued_at``, ``currency``; balance transactions ``id``, ``payments_transfer_id`` (the payout),
``payout_status``, ``payout_date``, ``processed_at``, ``currency``, ``transaction_type``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from shopxero.sandbox.shopify.auth import has_scope
from shopxero.sandbox.shopify.graphql.connections import Keyed, connection
from shopxero.sandbox.shopify.graphql.context import Context, Record, gid, timestamp, upper
from shopxero.sandbox.shopify.graphql.errors import access_denied
from shopxero.sandbox.shopify.graphql.money import money
from shopxero.sandbox.shopify.graphql.search import parse_search
from shopxero.sandbox.shopify.payments import PAYMENTS_SCOPES, ShopifyPayments

__all__ = ["payments_account", "transaction_type"]

# REST type -> GraphQL type where the names differ; ``dispute`` and ``reserve`` by sign below.
_TYPES = {
    "payout": "TRANSFER",
    "payout_failure": "TRANSFER_FAILURE",
    "payout_cancellation": "TRANSFER_CANCEL",
}
_SIGNED = {
    "dispute": ("DISPUTE_WITHDRAWAL", "DISPUTE_REVERSAL"),
    "reserve": ("RESERVED_FUNDS", "RESERVED_FUNDS_REVERSAL"),
}
_SOURCE_TYPES = {"payout": "TRANSFER"}
_SUMMARY = (
    ("adjustmentsFee", "adjustments_fee_amount"),
    ("adjustmentsGross", "adjustments_gross_amount"),
    ("chargesFee", "charges_fee_amount"),
    ("chargesGross", "charges_gross_amount"),
    ("refundsFee", "refunds_fee_amount"),
    ("refundsFeeGross", "refunds_gross_amount"),
    ("reservedFundsFee", "reserved_funds_fee_amount"),
    ("reservedFundsGross", "reserved_funds_gross_amount"),
    ("retriedPayoutsFee", "retried_payouts_fee_amount"),
    ("retriedPayoutsGross", "retried_payouts_gross_amount"),
)
_PAYOUT_SORTS = {"ISSUED_AT", "ID"}
_TRANSACTION_SORTS = {"PROCESSED_AT", "ID"}


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def _enum_values(info: GraphQLResolveInfo, name: str) -> set[str]:
    enum = info.schema.get_type(name)
    return set(getattr(enum, "values", {}) or {})


def transaction_type(rest_type: Any, amount: Any, known: set[str]) -> str:
    """A REST balance transaction ``type`` as a ``ShopifyPaymentsTransactionType`` value."""
    name = str(rest_type or "").lower()
    if name in _SIGNED:
        out, back = _SIGNED[name]
        return out if _decimal(amount) < 0 else back
    mapped = _TYPES.get(name) or name.upper()
    return mapped if mapped in known else "ADJUSTMENT"


def _source_type(rest: Any, known: set[str]) -> str | None:
    name = str(rest or "").lower()
    mapped = _SOURCE_TYPES.get(name) or name.upper()
    return mapped if mapped in known else None


def _issued_at(payout: Record, ctx: Context) -> datetime | None:
    try:
        day = date.fromisoformat(str(payout.get("date")))
    except ValueError:
        return None
    return datetime.combine(day, time(), tzinfo=ctx.zone)


def _payout_node(payout: Record, ctx: Context) -> Record:
    currency = str(payout.get("currency") or ctx.store.shop.get("currency") or "USD")
    amount = _decimal(payout.get("amount"))
    summary = payout.get("summary") or {}
    zero = money("0", currency)
    return {
        "__typename": "ShopifyPaymentsPayout",
        "id": gid("ShopifyPaymentsPayout", payout["id"]),
        "legacyResourceId": str(payout["id"]),
        "status": upper(payout.get("status")),
        "issuedAt": _issued_at(payout, ctx),
        "net": money(amount, currency),
        "transactionType": "WITHDRAWAL" if amount < 0 else "DEPOSIT",
        "summary": {
            **{field: money(summary.get(rest) or "0", currency) for field, rest in _SUMMARY},
            "advanceFees": zero,
            "advanceGross": zero,
            "usdcRebateCreditAmount": zero,
        },
    }


def _order_ref(ctx: Context, order_id: Any) -> Record | None:
    if not isinstance(order_id, int):
        return None
    order = ctx.store.get("orders", order_id) or {}
    return {"id": gid("Order", order_id), "name": str(order.get("name") or "")}


def _adjustment_orders(bt: Record, currency: str) -> list[Record]:
    out = []
    for row in bt.get("adjustment_order_transactions") or []:
        if not isinstance(row, dict):
            continue
        order = row.get("order") or {}
        out.append(
            {
                "orderTransactionId": str(row.get("id")),
                "amount": money(row.get("amount") or "0", currency),
                "fees": money("0", currency),
                "net": money(row.get("amount") or "0", currency),
                "name": str(order.get("name") or ""),
                "link": f"https://admin.shopify.com/orders/{order.get('id') or ''}",
            }
        )
    return out


class _Enums:
    """The schema's transaction and source type values (read once per resolved list)."""

    def __init__(self, info: GraphQLResolveInfo) -> None:
        self.types = _enum_values(info, "ShopifyPaymentsTransactionType")
        self.sources = _enum_values(info, "ShopifyPaymentsSourceType")


def _transaction_node(bt: Record, ctx: Context, enums: _Enums) -> Record:
    currency = str(bt.get("currency") or ctx.store.shop.get("currency") or "USD")
    payout_id = bt.get("payout_id")
    source, order_tx = bt.get("source_id"), bt.get("source_order_transaction_id")
    return {
        "__typename": "ShopifyPaymentsBalanceTransaction",
        "id": gid("ShopifyPaymentsBalanceTransaction", bt["id"]),
        "type": transaction_type(bt.get("type"), bt.get("amount"), enums.types),
        "test": bool(bt.get("test")),
        "amount": money(bt.get("amount") or "0", currency),
        "fee": money(bt.get("fee") or "0", currency),
        "net": money(bt.get("net") or "0", currency),
        "sourceId": str(source) if source is not None else None,
        "sourceType": _source_type(bt.get("source_type"), enums.sources),
        "sourceOrderTransactionId": str(order_tx) if order_tx is not None else None,
        "associatedOrder": _order_ref(ctx, bt.get("source_order_id")),
        "associatedPayout": {
            "id": gid("ShopifyPaymentsPayout", payout_id) if isinstance(payout_id, int) else None,
            "status": upper(bt.get("payout_status")) or "PENDING",
        },
        "adjustmentReason": bt.get("adjustment_reason"),
        "adjustmentsOrders": _adjustment_orders(bt, currency),
        "transactionDate": bt.get("processed_at"),
    }


def _search_matcher(ctx: Context, info: GraphQLResolveInfo, kind: str, text: Any) -> Any:
    search = parse_search(kind, text)
    if search.warnings:
        ctx.search_warnings.append(
            {"path": list(info.path.as_list()), "query": search.text,
             "warnings": list(search.warnings)}
        )  # fmt: skip
    return search.matcher(kind, ctx.zone)


def _sort_key(args: dict[str, Any], default: str, allowed: set[str]) -> str:
    key = str(args.get("sortKey") or default)
    if key not in allowed:
        raise GraphQLError(
            f"sortKey {key} is not simulated by the shopxero sandbox; use one of {sorted(allowed)}"
        )
    return key


def _payouts(payments: ShopifyPayments) -> Callable[..., Record]:
    def resolve(info: GraphQLResolveInfo, **args: Any) -> Record:
        ctx: Context = info.context
        match = _search_matcher(ctx, info, "payouts", args.get("query"))
        by_date = _sort_key(args, "ISSUED_AT", _PAYOUT_SORTS) == "ISSUED_AT"
        wanted = args.get("transactionType")
        chosen: list[Keyed] = []
        for payout in payments.payouts_by_id().values():
            issued = _issued_at(payout, ctx)
            view = {
                "id": int(payout["id"]),
                "status": payout.get("status"),
                "currency": payout.get("currency"),
                "issued_at": issued.isoformat() if issued else None,
            }
            direction = "WITHDRAWAL" if _decimal(payout.get("amount")) < 0 else "DEPOSIT"
            if not match(view) or (wanted and direction != wanted):
                continue
            value = (issued.timestamp() if issued else 0.0) if by_date else int(payout["id"])
            chosen.append(((value, int(payout["id"])), payout))
        return _page(chosen, args, ctx, lambda payout: _payout_node(payout, ctx))

    return resolve


def _transactions(payments: ShopifyPayments) -> Callable[..., Record]:
    def resolve(info: GraphQLResolveInfo, **args: Any) -> Record:
        ctx: Context = info.context
        match = _search_matcher(ctx, info, "balance_transactions", args.get("query"))
        by_time = _sort_key(args, "PROCESSED_AT", _TRANSACTION_SORTS) == "PROCESSED_AT"
        enums = _Enums(info)
        payouts = payments.payouts_by_id()
        chosen: list[Keyed] = []
        for bt in payments.transactions():
            kind = transaction_type(bt.get("type"), bt.get("amount"), enums.types)
            if args.get("hideTransfers") and kind == "TRANSFER":
                continue
            payout = payouts.get(bt["payout_id"]) if isinstance(bt.get("payout_id"), int) else None
            paid_on = _issued_at(payout, ctx) if payout is not None else None
            view = {
                "id": int(bt["id"]),
                "payments_transfer_id": bt.get("payout_id"),
                "payout_status": bt.get("payout_status"),
                "payout_date": paid_on.isoformat() if paid_on else None,
                "processed_at": bt.get("processed_at"),
                "currency": bt.get("currency"),
                "transaction_type": kind.lower(),
            }
            if not match(view):
                continue
            value = timestamp(bt.get("processed_at")) if by_time else int(bt["id"])
            chosen.append(((value, int(bt["id"])), bt))
        return _page(chosen, args, ctx, lambda bt: _transaction_node(bt, ctx, enums))

    return resolve


def _page(
    chosen: list[Keyed], args: dict[str, Any], ctx: Context, build: Callable[[Record], Record]
) -> Record:
    """One page of ``chosen`` (sort key, record): only the page's records become nodes."""
    reverse = bool(args.get("reverse"))
    chosen.sort(key=lambda item: item[0], reverse=reverse)
    page = connection(chosen, args, descending=reverse, bulk=ctx.bulk)
    for edge in page["edges"]:
        edge["node"] = build(edge["node"])
    page["nodes"] = [edge["node"] for edge in page["edges"]]
    return page


def payments_account(info: GraphQLResolveInfo) -> Record | None:
    """The root field: ACCESS_DENIED without the payouts scope (REST's 403), null for a shop
    without Shopify Payments (REST's 404)."""
    ctx: Context = info.context
    if not any(has_scope(ctx.grant, scope) for scope in PAYMENTS_SCOPES):
        raise access_denied(info.field_name, PAYMENTS_SCOPES[0])
    payments = ShopifyPayments(ctx.store)
    if not payments.has_account():
        return None
    shop = ctx.store.shop
    balance = payments.balance()["balance"]
    return {
        "__typename": "ShopifyPaymentsAccount",
        "id": gid("ShopifyPaymentsAccount", shop.get("id")),
        "activated": True,
        "onboardable": False,
        "country": str(shop.get("country_code") or shop.get("country") or ""),
        "defaultCurrency": str(shop.get("currency") or "USD"),
        "balance": [money(b["amount"], str(b["currency"])) for b in balance],
        "payouts": _payouts(payments),
        "balanceTransactions": _transactions(payments),
    }
