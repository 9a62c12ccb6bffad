"""Which currency an order is invoiced in, and whether the Xero organisation can take it.

By default (``SHOPXERO_INVOICE_CURRENCY=shop``) invoices are in the shop's currency: the
top-level money fields Shopify gives. With ``presentment`` they are in the currency the customer
paid in: every amount is taken from its ``*_set.presentment_money`` twin
(shopify-api-notes §8 #8). Transactions are in the presentment currency already.

``CurrencyRate`` direction (sources: docs/fidelity.md "Currency rate direction"): Xero's rate
is *invoice-currency units per one unit of the organisation's base currency*, so base amount =
invoice amount / CurrencyRate. Xero's own OpenAPI spec shows it in two recorded answers: an AUD
quote of an NZ organisation (GST ``OUTPUT2``) dated 2019-10-24 with ``CurrencyRate: 0.937053``
(AUD per NZD that day; NZD per AUD was about 1.07), and an NZD quote of a US organisation dated
2020-02-01 with ``1.547150`` (NZD per USD; USD per NZD was about 0.65) [xero-api-notes R1,
``getQuotes`` / ``getQuote`` examples]. Shopify's rate (``currency_rate``) is presentment units
per *shop* unit, so it is Xero's CurrencyRate exactly when the shop's currency is the base
currency (``xero_currency_rate``). When it is not, Shopify never gave the base-currency rate: the
invoice goes without ``CurrencyRate``, Xero applies its day rate for the invoice date
(xero-api-notes §6.3, ``CurrencyRate`` line), and the run report says so once
(``day_rate_note``). Payments and credit notes are sent without a ``CurrencyRate``: Xero picks
their rate (for a credit note the XE.com day rate, spec ``CreditNote.CurrencyRate``).

Xero refuses a document in a currency the organisation has not added; that is checked before
anything is sent (``unusable_currencies``), so the user reads one clear error, not a failed
invoice per order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shopxero.errors import MappingError
from shopxero.shopify.models import (
    DiscountAllocation,
    LineItem,
    MoneyBag,
    MoneySet,
    Order,
    OrderAdjustment,
    Refund,
    RefundLineItem,
    RefundShippingLine,
    ShippingLine,
    TaxLine,
)

__all__ = [
    "currency_rate",
    "day_rate_applies",
    "day_rate_note",
    "in_invoice_currency",
    "order_in_presentment",
    "shop_currency_of",
    "unusable_currencies",
    "xero_currency_rate",
]

_RATE = Decimal("0.000001")  # CurrencyRate max [18].[6] (xero-api-notes §6.3)


class _Missing(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _pres(value: MoneySet | None, field: str) -> Decimal:
    bag = value.presentment_money if value is not None else None
    if bag is None or bag.amount is None:
        raise _Missing(field)
    return bag.amount


def _presentment_both(value: MoneySet | None, field: str) -> MoneySet:
    """A ``*_set`` whose shop side is its presentment amount, for mapping code that reads the
    shop side of sets (refund shipping, duties, additional fees)."""
    bag = MoneyBag(amount=_pres(value, field))
    return MoneySet(shop_money=bag, presentment_money=bag)


def _tax_lines(lines: Iterable[TaxLine], field: str) -> list[TaxLine]:
    return [
        t.model_copy(update={"price": _pres(t.price_set, f"{field}.{i}.price_set")})
        for i, t in enumerate(lines)
    ]


def _allocations(items: Iterable[DiscountAllocation], field: str) -> list[DiscountAllocation]:
    return [
        a.model_copy(update={"amount": _pres(a.amount_set, f"{field}.{i}.amount_set")})
        for i, a in enumerate(items)
    ]


def _line(li: LineItem, field: str) -> LineItem:
    return li.model_copy(
        update={
            "price": _pres(li.price_set, f"{field}.price_set"),
            "tax_lines": _tax_lines(li.tax_lines, f"{field}.tax_lines"),
            "discount_allocations": _allocations(
                li.discount_allocations, f"{field}.discount_allocations"
            ),
        }
    )


def _shipping(s: ShippingLine, field: str) -> ShippingLine:
    update: dict[str, Any] = {
        "price": _pres(s.price_set, f"{field}.price_set"),
        "tax_lines": _tax_lines(s.tax_lines, f"{field}.tax_lines"),
        "discount_allocations": _allocations(
            s.discount_allocations, f"{field}.discount_allocations"
        ),
    }
    if s.discounted_price is not None or s.discounted_price_set is not None:
        update["discounted_price"] = _pres(s.discounted_price_set, f"{field}.discounted_price_set")
    return s.model_copy(update=update)


def _refund(r: Refund, field: str) -> Refund:
    lines: list[RefundLineItem] = []
    for i, rli in enumerate(r.refund_line_items):
        where = f"{field}.refund_line_items.{i}"
        lines.append(
            rli.model_copy(
                update={
                    "subtotal": _pres(rli.subtotal_set, f"{where}.subtotal_set"),
                    "total_tax": _pres(rli.total_tax_set, f"{where}.total_tax_set"),
                    "line_item": _line(rli.line_item, f"{where}.line_item")
                    if rli.line_item is not None
                    else None,
                }
            )
        )
    shipping: list[RefundShippingLine] = []
    for i, rsl in enumerate(r.refund_shipping_lines):
        where = f"{field}.refund_shipping_lines.{i}"
        shipping.append(
            rsl.model_copy(
                update={
                    "subtotal_amount_set": _presentment_both(
                        rsl.subtotal_amount_set, f"{where}.subtotal_amount_set"
                    ),
                    "shipping_line": _shipping(rsl.shipping_line, f"{where}.shipping_line")
                    if rsl.shipping_line is not None
                    else None,
                }
            )
        )
    adjustments: list[OrderAdjustment] = []
    for i, adj in enumerate(r.order_adjustments):
        where = f"{field}.order_adjustments.{i}"
        update: dict[str, Any] = {"amount": _pres(adj.amount_set, f"{where}.amount_set")}
        if adj.tax_amount is not None or adj.tax_amount_set is not None:
            update["tax_amount"] = _pres(adj.tax_amount_set, f"{where}.tax_amount_set")
        adjustments.append(adj.model_copy(update=update))
    changes: dict[str, Any] = {
        "refund_line_items": lines,
        "refund_shipping_lines": shipping,
        "order_adjustments": adjustments,
        "duties": [
            d.model_copy(
                update={
                    "amount_set": _presentment_both(d.amount_set, f"{field}.duties.{i}.amount_set")
                }
            )
            for i, d in enumerate(r.duties)
        ],
        "additional_fees": [
            f.model_copy(
                update={
                    "amount_set": _presentment_both(
                        f.amount_set, f"{field}.additional_fees.{i}.amount_set"
                    )
                }
            )
            for i, f in enumerate(r.additional_fees)
        ],
    }
    for name in ("total_duties_set", "total_additional_fees_set"):
        if getattr(r, name) is not None:
            changes[name] = _presentment_both(getattr(r, name), f"{field}.{name}")
    return r.model_copy(update=changes)


def order_in_presentment(o: Order) -> Order:
    """``o`` with every amount in its presentment currency; a missing twin is a MappingError."""
    if not o.presentment_currency or o.presentment_currency == o.currency:
        return o
    try:
        update: dict[str, Any] = {
            "currency": o.presentment_currency,
            "total_price": _pres(o.total_price_set, "total_price_set"),
            "total_tax": _pres(o.total_tax_set, "total_tax_set")
            if o.total_tax is not None or o.total_tax_set is not None
            else None,
            "line_items": [_line(li, f"line_items.{i}") for i, li in enumerate(o.line_items)],
            "shipping_lines": [
                _shipping(s, f"shipping_lines.{i}") for i, s in enumerate(o.shipping_lines)
            ],
            "refunds": [_refund(r, f"refunds.{r.id}") for r in o.refunds],
        }
        if o.current_total_price_set is not None:
            update["current_total_price"] = _pres(
                o.current_total_price_set, "current_total_price_set"
            )
        # Duties and additional fees are invoiced from these sets' shop side: make it the
        # customer's amount too.
        for name in _CHARGE_SETS:
            both = getattr(o, name)
            if both is not None and (both.shop_money or both.presentment_money) is not None:
                update[name] = _presentment_both(both, name)
        if o.total_tip_received and not o.total_tip_received.is_zero():
            update["total_tip_received"] = _tip_in_presentment(o)
    except _Missing as missing:
        raise MappingError(
            f"the order is in {o.presentment_currency} but {missing.field} has no "
            "presentment_money, so it cannot be invoiced in the presentment currency",
            entity="order",
            source_id=str(o.id),
            field=missing.field,
        ) from None
    return o.model_copy(update=update)


_CHARGE_SETS = (
    "original_total_duties_set",
    "current_total_duties_set",
    "original_total_additional_fees_set",
    "current_total_additional_fees_set",
)
_CENT = Decimal("0.01")


def _tip_in_presentment(o: Order) -> Decimal:
    """``total_tip_received`` has no ``_set`` twin in REST (shopify-api-notes §5 "Tips":
    UNCONFIRMED): a tip line carries its own presentment price; otherwise the shop amount at
    Shopify's own rate, to the cent (a cent of difference is closed by the explained rounding
    line)."""
    assert o.total_tip_received is not None
    rate = currency_rate(o)
    if rate is None:
        raise _Missing("total_tip_received")
    return (o.total_tip_received * rate).quantize(_CENT, rounding=ROUND_HALF_UP)


def currency_rate(o: Order) -> Decimal | None:
    """Shopify's rate: presentment units per shop unit (None when both are one currency).

    Read from ``total_price_set``, which keeps both sides (also on a converted order)."""
    both = o.total_price_set
    shop_bag = both.shop_money if both else None
    pres_bag = both.presentment_money if both else None
    if shop_bag is None or pres_bag is None:
        return None
    if shop_bag.code == pres_bag.code:
        return None
    shop, pres = shop_bag.amount, pres_bag.amount
    if shop is None or pres is None or shop.is_zero():
        return None
    return (pres / shop).quantize(_RATE, rounding=ROUND_HALF_UP)


def shop_currency_of(o: Order) -> str | None:
    """The shop's currency, from ``total_price_set.shop_money`` (kept on a converted order)."""
    bag = o.total_price_set.shop_money if o.total_price_set else None
    return bag.code if bag is not None else None


def xero_currency_rate(o: Order, base_currency: str) -> Decimal | None:
    """The ``CurrencyRate`` to send with ``o``'s presentment-currency invoice; None: omit it.

    Xero's rate is invoice units per *base* unit, Shopify's presentment units per *shop* unit:
    the same number only when the shop's currency is the organisation's base currency. Any
    other pairing has no rate we know, and a wrong rate is worse than Xero's day rate (Xero's
    multicurrency guide, as quoted in docs/fidelity.md: omitting CurrencyRate is the safe
    default, better than a rate of 1 or an inverse rate)."""
    if not base_currency or shop_currency_of(o) != base_currency:
        return None
    return currency_rate(o)


def day_rate_applies(o: Order, base_currency: str) -> bool:
    """Whether ``o``'s invoice (converted, in its presentment currency) goes without the rate
    Shopify used and so at Xero's day rate: the invoice is in a currency other than the base,
    and Shopify's rate relates it to a shop currency that is not the base either. An invoice in
    the base currency itself needs no rate (Xero's is always 1)."""
    return (
        currency_rate(o) is not None
        and bool(o.currency)
        and o.currency != base_currency
        and xero_currency_rate(o, base_currency) is None
    )


def day_rate_note(names: Sequence[str], shop_currency: str, base_currency: str) -> str | None:
    """The run report's one note on this run's invoices that go without Shopify's rate (the
    orders' names; the shop's currency, from any of them)."""
    if not names:
        return None
    shown = ", ".join(names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    shop = shop_currency or "unknown"
    return (
        f"{len(names)} invoice(s) in the customer's currency carry no CurrencyRate "
        f"({shown}{more}): Xero's rate converts to the organisation's base currency "
        f"({base_currency or 'unknown'}) but the rate Shopify used converts to the shop's "
        f"currency ({shop}), so Xero applies its own day rate for the invoice date"
    )


def in_invoice_currency(o: Order, mode: str) -> Order:
    """The order as it is invoiced: unchanged for ``shop``, converted for ``presentment``."""
    return order_in_presentment(o) if mode == "presentment" else o


def unusable_currencies(wanted: Iterable[str], base: str, enabled: Iterable[str]) -> list[str]:
    """The currencies in ``wanted`` the organisation cannot invoice in."""
    usable = {base, *enabled}
    return sorted({c for c in wanted if c and c not in usable})
