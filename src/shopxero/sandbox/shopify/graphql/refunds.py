"""Order transactions and refunds in the GraphQL shape.

REST transactions carry one amount, in the presentment currency; the MoneyBag's shop side is
converted at the order's own rate (``money.bag_from_amount``), as Shopify reports it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from graphql import GraphQLResolveInfo

from shopxero.sandbox.shopify.graphql.context import (
    Record,
    gid,
    legacy_id,
    nested,
    upper,
)
from shopxero.sandbox.shopify.graphql.money import bag, bag_from_amount

if TYPE_CHECKING:
    from shopxero.sandbox.shopify.graphql.context import Context

__all__ = ["refund_node", "transaction_node"]


def _all_transactions(order: Record) -> list[Record]:
    seen: dict[int, Record] = {}
    for tx in order.get("transactions") or []:
        seen[int(tx["id"])] = tx
    for refund in order.get("refunds") or []:
        for tx in refund.get("transactions") or []:
            seen.setdefault(int(tx["id"]), tx)
    return list(seen.values())


def transaction_node(tx: Record, order: Record, ctx: Context) -> Record:
    from shopxero.sandbox.shopify.graphql.orders import order_node  # an order holds these

    def parent(info: GraphQLResolveInfo) -> Record | None:
        parent_id = tx.get("parent_id")
        match = next((t for t in _all_transactions(order) if t.get("id") == parent_id), None)
        return transaction_node(match, order, ctx) if match else None

    def owner(info: GraphQLResolveInfo) -> Record:
        return order_node(order, ctx)

    return {
        "__typename": "OrderTransaction",
        "id": gid("OrderTransaction", tx["id"]),
        "kind": upper(tx.get("kind")),
        "status": upper(tx.get("status")),
        "gateway": tx.get("gateway"),
        "formattedGateway": tx.get("gateway"),
        "test": bool(tx.get("test")),
        "createdAt": tx.get("created_at"),
        "processedAt": tx.get("processed_at"),
        "errorCode": upper(tx.get("error_code")),
        "paymentId": tx.get("payment_id"),
        "authorizationCode": tx.get("authorization"),
        "manualPaymentGateway": bool(tx.get("manual_payment_gateway")),
        "amountSet": bag_from_amount(tx.get("amount") or "0", order),
        "totalUnsettledSet": bag(tx.get("total_unsettled_set")),
        "receiptJson": json.dumps(tx.get("receipt") or {}),
        "parentTransaction": parent,
        "order": owner,
    }


def _refund_line(line: Record, order: Record, ctx: Context) -> Record:
    from shopxero.sandbox.shopify.graphql.orders import line_item_node

    item = line.get("line_item") or next(
        (li for li in order.get("line_items") or [] if li.get("id") == line.get("line_item_id")),
        {"id": line.get("line_item_id")},
    )
    restock = str(line.get("restock_type") or "no_restock")
    return {
        "__typename": "RefundLineItem",
        "id": gid("RefundLineItem", line.get("id")),
        "quantity": int(line.get("quantity") or 0),
        "restockType": restock.upper(),
        "restocked": restock not in ("no_restock",),
        "subtotalSet": bag(line.get("subtotal_set")),
        "totalTaxSet": bag(line.get("total_tax_set")),
        "priceSet": bag(item.get("price_set")),
        "lineItem": line_item_node(item, order, ctx),
        "location": None,
    }


def _refund_shipping(line: Record, order: Record) -> Record:
    from shopxero.sandbox.shopify.graphql.orders import shipping_line

    return {
        "__typename": "RefundShippingLine",
        "id": gid("RefundShippingLine", line.get("id")),
        "subtotalAmountSet": bag(line.get("subtotal_amount_set")),
        "taxAmountSet": bag(line.get("tax_amount_set")) or _zero_like(line),
        "shippingLine": shipping_line(line.get("shipping_line") or {}, order),
    }


def _zero_like(line: Record) -> Record | None:
    subtotal = bag(line.get("subtotal_amount_set"))
    if subtotal is None:
        return None
    return {side: {**value, "amount": "0.0"} for side, value in subtotal.items()}


def _adjustment(adjustment: Record) -> Record:
    reason = str(adjustment.get("kind") or "")
    return {
        "__typename": "OrderAdjustment",
        "id": gid("OrderAdjustment", adjustment.get("id")),
        "amountSet": bag(adjustment.get("amount_set")),
        "taxAmountSet": bag(adjustment.get("tax_amount_set")),
        "reason": {"refund_discrepancy": "REFUND_DISCREPANCY"}.get(reason),
    }


def _refunded(refund: Record, order: Record) -> Record:
    total = sum(
        (
            Decimal(str(t.get("amount") or "0"))
            for t in refund.get("transactions") or []
            if t.get("kind") == "refund" and t.get("status") == "success"
        ),
        Decimal(0),
    )
    return bag_from_amount(total, order)


def refund_node(refund: Record, order: Record, ctx: Context) -> Record:
    from shopxero.sandbox.shopify.graphql.orders import order_node

    lines = [line for line in refund.get("refund_line_items") or [] if isinstance(line, dict)]
    shipping = [s for s in refund.get("refund_shipping_lines") or [] if isinstance(s, dict)]
    adjustments = [a for a in refund.get("order_adjustments") or [] if isinstance(a, dict)]
    transactions = [t for t in refund.get("transactions") or [] if isinstance(t, dict)]
    duties = {
        d.get("id"): d for li in order.get("line_items") or [] for d in li.get("duties") or []
    }

    def owner(info: GraphQLResolveInfo) -> Record:
        return order_node(order, ctx)

    return {
        "__typename": "Refund",
        "id": gid("Refund", refund["id"]),
        "legacyResourceId": legacy_id(refund),
        "createdAt": refund.get("created_at"),
        "processedAt": refund.get("processed_at") or refund.get("created_at"),
        "updatedAt": refund.get("processed_at") or refund.get("created_at"),
        "note": refund.get("note"),
        "totalRefundedSet": _refunded(refund, order),
        "refundLineItems": nested(
            lines, lambda li: _refund_line(li, order, ctx), "refundLineItems"
        ),
        "refundShippingLines": nested(
            shipping, lambda s: _refund_shipping(s, order), "refundShippingLines"
        ),
        "orderAdjustments": nested(adjustments, _adjustment, "orderAdjustments"),
        "transactions": nested(
            transactions, lambda t: transaction_node(t, order, ctx), "transactions"
        ),
        "duties": [
            {
                "amountSet": bag(d.get("amount_set")),
                "originalDuty": _original_duty(duties.get(d.get("duty_id"))),
            }
            for d in refund.get("duties") or []
            if isinstance(d, dict)
        ],
        "order": owner,
    }


def _original_duty(duty: Any) -> Record | None:
    if not isinstance(duty, dict):
        return None
    from shopxero.sandbox.shopify.graphql.orders import tax_line

    return {
        "__typename": "Duty",
        "id": gid("Duty", duty.get("id")),
        "harmonizedSystemCode": duty.get("harmonized_system_code"),
        "countryCodeOfOrigin": duty.get("country_code_of_origin"),
        "price": bag(duty.get("price_set")),
        "taxLines": [tax_line(t) for t in duty.get("tax_lines") or []],
    }
