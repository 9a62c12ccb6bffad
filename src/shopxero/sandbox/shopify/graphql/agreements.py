"""``Order.agreements``: the sales agreements of an order, from the same records as REST.

The 2026-10 ``Refund`` has no field for refunded additional fees (REST's refund
``additional_fees``); the GraphQL Admin API reports them in the order's sales model instead
(shopify-api-notes §10 "Sales agreements"): each refund is a ``RefundAgreement`` whose ``sales``
hold one ``AdditionalFeeSale`` (``actionType`` RETURN, ``lineType`` ADDITIONAL_FEE) per fee given
back, its amounts negative as every return in Shopify's sales model.

Served: a ``RefundAgreement`` per refund with the ``AdditionalFeeSale`` of each refunded fee.
Not served (their figures would have to be made up from what REST holds, and no client reads
them): the ``OrderAgreement`` of the sale itself and the other sale kinds (products, shipping,
duties) of a refund.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from shopxero.sandbox.shopify.graphql.connections import Keyed, connection
from shopxero.sandbox.shopify.graphql.context import Context, Record, gid
from shopxero.sandbox.shopify.graphql.money import bag, money

__all__ = ["agreements_connection"]

_SIDES = (("shopMoney", "shop_money"), ("presentmentMoney", "presentment_money"))


def _amounts(rest_set: Any) -> dict[str, tuple[Decimal, str]] | None:
    """A REST ``*_set`` as {side: (amount, currency)}; None when it is not one."""
    if not isinstance(rest_set, dict):
        return None
    out = {}
    for side, key in _SIDES:
        part = rest_set.get(key)
        if not isinstance(part, dict) or part.get("amount") is None:
            return None
        currency = str(part.get("currency_code") or part.get("currency"))
        out[side] = (Decimal(str(part["amount"])), currency)
    return out


def _bag(amounts: dict[str, tuple[Decimal, str]], sign: int = 1) -> Record:
    # ``+ 0`` turns a negated zero ("-0.0") into Shopify's "0.0".
    return {
        side: money(amount * sign + 0, currency) for side, (amount, currency) in amounts.items()
    }


def _fee(order: Record, fee_id: Any) -> Record | None:
    """The order's fee ``fee_id`` when the record lists its fees, else None."""
    return next(
        (
            f
            for f in order.get("additional_fees") or []
            if isinstance(f, dict) and f.get("id") == fee_id
        ),
        None,
    )


def _sale_fee(order: Record, fee_id: Any, refunded: dict[str, tuple[Decimal, str]]) -> Record:
    """``SaleAdditionalFee``: the order's fee as its record holds it. A record that does not
    list the order's fees (REST has only their totals) gives the order's original fees total as
    the price when every refund gives back the same one fee, and no name."""
    from shopxero.sandbox.shopify.graphql.orders import tax_line

    listed = _fee(order, fee_id)
    if listed is not None:
        return {
            "__typename": "SaleAdditionalFee",
            "id": gid("AdditionalFee", fee_id),
            "name": listed.get("name") or "",
            "price": bag(listed.get("price_set")),
            "taxLines": [tax_line(t) for t in listed.get("tax_lines") or []],
        }
    fee_ids = {
        f.get("id")
        for r in order.get("refunds") or []
        for f in r.get("additional_fees") or []
        if isinstance(f, dict)
    }
    total = order.get("original_total_additional_fees_set")
    price = bag(total) if len(fee_ids) == 1 and _amounts(total) else _bag(refunded)
    return {
        "__typename": "SaleAdditionalFee",
        "id": gid("AdditionalFee", fee_id),
        "name": "",
        "price": price,
        "taxLines": [],
    }


def _fee_taxes(
    order: Record, fee_id: Any, refunded: dict[str, tuple[Decimal, str]]
) -> list[tuple[Record, dict[str, tuple[Decimal, str]]]]:
    """The fee's tax lines with the share of each given back (the refunded part of the price);
    none when the record lists no taxes for the fee (REST's seeds: fees are untaxed)."""
    listed = _fee(order, fee_id)
    price = _amounts((listed or {}).get("price_set"))
    out = []
    for line in (listed or {}).get("tax_lines") or []:
        tax = _amounts(line.get("price_set"))
        if tax is None or price is None:
            continue
        share = {
            side: (
                (tax[side][0] * refunded[side][0] / price[side][0]).quantize(Decimal("0.01"))
                if price[side][0]
                else Decimal(0),
                currency,
            )
            for side, (_, currency) in tax.items()
        }
        out.append((line, share))
    return out


def _fee_sale(order: Record, entry: Record, sale_id: int) -> Record | None:
    from shopxero.sandbox.shopify.graphql.orders import tax_line

    refunded = _amounts(entry.get("amount_set"))
    if refunded is None:
        return None
    fee_id = entry.get("id") or entry.get("additional_fee_id")
    taxes = _fee_taxes(order, fee_id, refunded)
    tax_total = {
        side: (sum((share[side][0] for _, share in taxes), Decimal(0)), currency)
        for side, (_, currency) in refunded.items()
    }
    total = {
        side: (amount + tax_total[side][0], currency)
        for side, (amount, currency) in refunded.items()
    }
    zero = _bag({side: (Decimal(0), currency) for side, (_, currency) in refunded.items()})
    return {
        "__typename": "AdditionalFeeSale",
        "id": gid("Sale", sale_id),
        "actionType": "RETURN",
        "lineType": "ADDITIONAL_FEE",
        "quantity": None,  # a fee has no units
        "totalAmount": _bag(total, -1),
        "totalTaxAmount": _bag(tax_total, -1),
        "totalDiscountAmountAfterTaxes": zero,
        "totalDiscountAmountBeforeTaxes": zero,
        "taxes": [
            {
                "__typename": "SaleTax",
                "id": gid("SaleTax", sale_id * 100 + i),
                "amount": _bag(share, -1),
                "taxLine": tax_line(line),
            }
            for i, (line, share) in enumerate(taxes)
        ],
        "additionalFee": _sale_fee(order, fee_id, refunded),
    }


def _refund_agreement(refund: Record, order: Record, ctx: Context) -> Record:
    from shopxero.sandbox.shopify.graphql.refunds import refund_node

    refund_id = int(refund["id"])
    # Sale ids are the simulator's own: the refund's id and the sale's place in it.
    sales = [
        sale
        for index, entry in enumerate(refund.get("additional_fees") or [])
        if isinstance(entry, dict)
        and (sale := _fee_sale(order, entry, refund_id * 1000 + index + 1)) is not None
    ]

    def sales_connection(info: GraphQLResolveInfo, **args: Any) -> Record:
        keyed: list[Keyed] = [((i, i), sale) for i, sale in enumerate(sales)]
        if args.get("reverse"):
            keyed.reverse()
        return connection(keyed, args, descending=bool(args.get("reverse")), bulk=ctx.bulk)

    def refund_field(info: GraphQLResolveInfo) -> Record:
        return refund_node(refund, order, ctx)

    return {
        "__typename": "RefundAgreement",
        "id": gid("SalesAgreement", refund_id),
        "happenedAt": refund.get("processed_at") or refund.get("created_at"),
        "reason": "REFUND",
        "app": None,
        "user": None,
        "refund": refund_field,
        "sales": sales_connection,
    }


def agreements_connection(order: Record, ctx: Context) -> Any:
    """The ``agreements`` field of ``order``: its refunds' agreements, oldest first."""

    def resolve(info: GraphQLResolveInfo, **args: Any) -> Record:
        refunds = [r for r in order.get("refunds") or [] if isinstance(r, dict)]
        keyed: list[Keyed] = [
            ((i, int(r["id"])), _refund_agreement(r, order, ctx)) for i, r in enumerate(refunds)
        ]
        if args.get("reverse"):
            keyed.reverse()
        return connection(keyed, args, descending=bool(args.get("reverse")), bulk=ctx.bulk)

    resolve.__name__ = "agreements_connection"
    return resolve
