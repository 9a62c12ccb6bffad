"""What a seed says about an order (``OrderSpec`` and its parts) and the ids and times it gets.

``OrderBuilder`` (``orders.py``) turns these descriptions into REST orders with every amount
computed; seeds only say which lines, discount, shipping, payment and refunds an order has.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import count
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

__all__ = [
    "DiscountSpec",
    "IdSequence",
    "LineSpec",
    "OrderSpec",
    "Payment",
    "RefundSpec",
    "ShippingSpec",
    "ShopContext",
    "shopify_time",
]

Payment = Literal["paid", "pending", "authorized", "partially_paid"]


def shopify_time(moment: datetime, tz: str) -> str:
    """ISO 8601 with the shop's local offset and no microseconds, as REST writes timestamps."""
    return moment.astimezone(ZoneInfo(tz)).replace(microsecond=0).isoformat()


class IdSequence:
    """Deterministic 64-bit-sized ids per kind (Shopify ids exceed 32 bits,
    shopify-api-notes §5)."""

    _BASES: ClassVar[dict[str, int]] = {
        "customer": 7_100_000_000_000,
        "address": 8_200_000_000_000,
        "product": 9_300_000_000_000,
        "variant": 44_400_000_000_000,
        "order": 5_500_000_000_000,
        "line_item": 14_600_000_000_000,
        "shipping_line": 4_700_000_000_000,
        "refund": 9_800_000_000_000,
        "refund_line_item": 5_900_000_000_000,
        "adjustment": 2_100_000_000_000,
        "transaction": 6_200_000_000_000,
        "duty": 3_300_000_000_000,
        "additional_fee": 3_400_000_000_000,
    }

    def __init__(self) -> None:
        self._counters: dict[str, Iterator[int]] = {k: count(v + 1) for k, v in self._BASES.items()}

    def next(self, kind: str) -> int:
        return next(self._counters[kind])


@dataclass(frozen=True)
class ShopContext:
    currency: str
    timezone: str
    tax_title: str
    tax_rate: Decimal
    taxes_shipping: bool = True


@dataclass(frozen=True)
class LineSpec:
    title: str
    price: Decimal  # unit price in the presentment currency, stated the order's way
    quantity: int = 1
    variant_title: str | None = None
    sku: str | None = None
    product_id: int | None = None
    variant_id: int | None = None
    vendor: str | None = None
    taxable: bool = True
    gift_card: bool = False
    product_exists: bool = True
    grams: int = 250
    tax_rate: Decimal | None = None  # overrides the shop rate (reduced rate, foreign VAT)
    tax_title: str | None = None
    # A tip: a productless line outside tax and discounts (shopify-api-notes §5 "Tips": GraphQL
    # links a TipSale to a line item; the REST shape is UNCONFIRMED).
    tip: bool = False


@dataclass(frozen=True)
class ShippingSpec:
    title: str
    price: Decimal


@dataclass(frozen=True)
class DiscountSpec:
    code: str
    value: Decimal
    value_type: Literal["fixed_amount", "percentage"] = "fixed_amount"


@dataclass(frozen=True)
class RefundSpec:
    days_after: float
    lines: tuple[tuple[int, int], ...] = ()  # (line index, quantity)
    shipping: bool = False
    note: str | None = None
    restock: bool = True
    duties: bool = False  # give back all the order's import duties (refund_type FULL)
    additional_fees: bool = False  # give back all the order's additional fees


@dataclass(frozen=True)
class OrderSpec:
    number: int
    processed_at: datetime
    lines: tuple[LineSpec, ...]
    customer: dict[str, Any] | None
    taxes_included: bool = True
    shipping: ShippingSpec | None = None
    discount: DiscountSpec | None = None
    payment: Payment = "paid"
    paid_amount: Decimal | None = None  # partially_paid: what was received
    gift_card_amount: Decimal | None = None  # part of the payment made with a gift card
    gateway: str = "shopify_payments"
    refunds: tuple[RefundSpec, ...] = ()
    cancel_reason: str | None = None
    test: bool = False
    presentment_currency: str | None = None
    exchange_rate: Decimal = Decimal(1)  # shop units per presentment unit
    email: str | None = None
    phone: str | None = None
    tax_exempt: bool = False
    tags: str = ""
    note: str | None = None
    source_name: str = "web"
    address: dict[str, Any] | None = None  # billing/shipping address (guests have no customer)
    tax_override: tuple[str, Decimal] | None = None  # (title, rate) for every line and shipping
    # Import duties (one duty, on the first line) and additional fees the buyer paid at
    # checkout, presentment currency, untaxed; both are in Shopify's total_price.
    duties: Decimal | None = None
    additional_fees: Decimal | None = None
