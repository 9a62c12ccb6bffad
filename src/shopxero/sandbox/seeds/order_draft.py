"""The figures of one order while ``OrderBuilder`` computes it, in both currencies.

``OrderBuilder`` fills a ``Draft`` step by step (lines, shipping, payment, refunds);
``order_record`` turns the finished draft into the REST dict. Keeping the figures here, and the
shaping there, gives every number one place where it is computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopxero.sandbox.seeds.money import ZERO, convert
from shopxero.sandbox.seeds.order_parts import Amounts, Money
from shopxero.sandbox.seeds.order_specs import OrderSpec

__all__ = ["Draft", "Totals"]


@dataclass
class Totals:
    line_items: Money = field(default_factory=Money)
    discounts: Money = field(default_factory=Money)
    tax: Money = field(default_factory=Money)
    shipping: Money = field(default_factory=Money)
    duties: Money = field(default_factory=Money)
    additional_fees: Money = field(default_factory=Money)
    tips: Money = field(default_factory=Money)


@dataclass
class Draft:
    """One order being built. ``*_pres`` amounts are in the presentment currency."""

    spec: OrderSpec
    order_id: int
    shop_currency: str
    pres_currency: str
    fx: Decimal  # shop units per presentment unit
    totals: Totals = field(default_factory=Totals)
    tax_groups: dict[tuple[str, Decimal], Money] = field(default_factory=dict)
    line_items: list[dict[str, Any]] = field(default_factory=list)
    figures: list[tuple[Amounts, Amounts]] = field(default_factory=list)  # (shop, pres) per line
    shipping_lines: list[dict[str, Any]] = field(default_factory=list)
    shipping: tuple[Amounts, Amounts] | None = None
    transactions: list[dict[str, Any]] = field(default_factory=list)
    gateways: list[str] = field(default_factory=list)
    received_pres: Decimal = ZERO
    parent_tx_id: int | None = None
    refunds: list[dict[str, Any]] = field(default_factory=list)
    refunded_qty: list[int] = field(default_factory=list)
    refunded: Totals = field(default_factory=Totals)  # line_items holds refunded subtotals
    duty_ids: list[int] = field(default_factory=list)  # the order's duty, if any
    fee_ids: list[int] = field(default_factory=list)  # the order's additional fee, if any
    refund_money: Money = field(default_factory=Money)
    last_update: datetime | None = None

    @property
    def inclusive(self) -> bool:
        return self.spec.taxes_included

    def add_tax(self, rate: tuple[str, Decimal], shop: Decimal, pres: Decimal) -> None:
        self.tax_groups.setdefault(rate, Money()).add(shop, pres)
        self.totals.tax.add(shop, pres)

    # --- derived figures -----------------------------------------------------------------

    @property
    def subtotal(self) -> Money:
        t = self.totals
        return Money(t.line_items.shop - t.discounts.shop, t.line_items.pres - t.discounts.pres)

    @property
    def total(self) -> Money:
        sub, t = self.subtotal, self.totals
        tax = t.tax if not self.inclusive else Money()
        extra = Money(
            t.duties.shop + t.additional_fees.shop, t.duties.pres + t.additional_fees.pres
        )
        return Money(
            sub.shop + t.shipping.shop + tax.shop + extra.shop,
            sub.pres + t.shipping.pres + tax.pres + extra.pres,
        )

    def current(self, original: Money, refunded: Money) -> Money:
        return Money(original.shop - refunded.shop, original.pres - refunded.pres)

    @property
    def outstanding_shop(self) -> Decimal:
        """The part of the current total not yet received, in shop currency."""
        current = self.current(self.total, self.refund_money)
        if current.pres - self.received_pres == 0:
            return ZERO
        if self.received_pres == 0:
            return current.shop
        return current.shop - convert(self.received_pres, self.fx)

    @property
    def financial_status(self) -> str:
        if self.spec.payment in ("pending", "authorized", "partially_paid"):
            return self.spec.payment
        if not self.refunds:
            return "paid"
        return "refunded" if self.received_pres == 0 else "partially_refunded"
