"""Build Shopify REST orders whose numbers add up, from a small description of each order.

Seeds describe an order as lines, an optional discount code, shipping, payment and refunds
(``OrderSpec``); ``OrderBuilder.build`` computes every amount Shopify would show, with Decimal:

- line tax per line on the discounted amount (``money.tax_for``), order ``tax_lines`` summed by
  title and rate; ``taxes_included`` orders state prices with tax in them;
- a fixed discount code split across the discountable lines with penny remainders
  (``discount_allocations``; ``total_discount`` stays "0.00" as Shopify leaves it, facts §8.10);
- ``subtotal_price = total_line_items_price - total_discounts``; ``total_price = subtotal +
  shipping (+ total_tax when tax-exclusive)``;
- refunds: ``refund_line_items`` (``subtotal`` and ``total_tax`` as JSON numbers, facts §5; stated
  the order's way, so tax-inclusive when ``taxes_included``), shipping refunds as both a
  ``refund_shipping_lines`` entry and an ``order_adjustments`` entry of kind ``shipping_refund``
  (as Shopify's own refund fixture shows them: the SAME money twice; the adjustment's ``amount``
  is the refunded shipping without tax and ``tax_amount`` its tax, both negative), and a refund
  transaction for exactly the money returned;
- ``current_*`` = original minus refunds; ``total_outstanding`` = current total minus the money
  received; ``financial_status`` follows from the transactions.

Multi-currency orders are priced in the presentment currency; every atomic amount (unit price,
allocation, shipping) is converted to shop currency and the shop-currency tax and totals are
computed from those, so both currencies add up on their own. Transactions are in the presentment
currency. Top-level strings (``total_price`` ...) are shop currency, as in REST.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from shopxero.sandbox.seeds.money import ZERO, convert, money, money_set, prorate, split_by_weight
from shopxero.sandbox.seeds.money import tax_for as _tax

__all__ = [
    "DiscountSpec",
    "IdSequence",
    "LineSpec",
    "OrderBuilder",
    "OrderSpec",
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
    """Deterministic 64-bit-sized ids per kind (Shopify ids exceed 32 bits, facts §5)."""

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


@dataclass
class _Amounts:
    """One line's (or shipping line's) figures in one currency."""

    unit: Decimal
    gross: Decimal  # unit x quantity, before discounts
    discount: Decimal
    tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.discount


@dataclass
class _Money:
    shop: Decimal = ZERO
    pres: Decimal = ZERO

    def add(self, shop: Decimal, pres: Decimal) -> None:
        self.shop += shop
        self.pres += pres


@dataclass
class _Totals:
    line_items: _Money = field(default_factory=_Money)
    discounts: _Money = field(default_factory=_Money)
    tax: _Money = field(default_factory=_Money)
    shipping: _Money = field(default_factory=_Money)


class OrderBuilder:
    """Turns ``OrderSpec`` values into REST order dicts (with ``refunds`` and ``transactions``)."""

    def __init__(self, shop: ShopContext, ids: IdSequence, *, domain: str) -> None:
        self.shop = shop
        self.ids = ids
        self.domain = domain

    # --- helpers ---------------------------------------------------------------------------

    def _time(self, moment: datetime) -> str:
        return shopify_time(moment, self.shop.timezone)

    def _set(self, shop: Decimal, pres: Decimal, currency: str) -> dict[str, dict[str, str]]:
        return money_set(shop, self.shop.currency, pres, currency)

    def _rate_of(self, line: LineSpec, spec: OrderSpec) -> tuple[str, Decimal] | None:
        if not line.taxable or line.gift_card:
            return None
        if line.tax_rate is not None:
            return (line.tax_title or self.shop.tax_title, line.tax_rate)
        return spec.tax_override or (self.shop.tax_title, self.shop.tax_rate)

    # --- the order -------------------------------------------------------------------------

    def build(self, spec: OrderSpec) -> dict[str, Any]:
        shop_cur = self.shop.currency
        pres_cur = spec.presentment_currency or shop_cur
        fx = spec.exchange_rate if pres_cur != shop_cur else Decimal(1)
        incl = spec.taxes_included
        order_id = self.ids.next("order")
        created = spec.processed_at
        totals = _Totals()
        tax_groups: dict[tuple[str, Decimal], _Money] = {}

        # Discount allocations, computed in presentment currency then converted per allocation.
        gross_pres = [line.price * line.quantity for line in spec.lines]
        discountable = [
            g if not line.gift_card else ZERO
            for g, line in zip(gross_pres, spec.lines, strict=True)
        ]
        alloc_pres = [ZERO] * len(spec.lines)
        if spec.discount is not None:
            if spec.discount.value_type == "fixed_amount":
                alloc_pres = split_by_weight(spec.discount.value, discountable)
            else:
                alloc_pres = [money_dec(g * spec.discount.value / 100) for g in discountable]

        line_items: list[dict[str, Any]] = []
        figures: list[tuple[_Amounts, _Amounts, tuple[str, Decimal] | None]] = []
        for index, line in enumerate(spec.lines):
            unit_shop = convert(line.price, fx)
            rate = self._rate_of(line, spec)
            pres = _Amounts(line.price, gross_pres[index], alloc_pres[index], ZERO)
            shop = _Amounts(
                unit_shop, unit_shop * line.quantity, convert(alloc_pres[index], fx), ZERO
            )
            if rate is not None and not spec.tax_exempt:
                pres.tax = _tax(pres.net, rate[1], inclusive=incl)
                shop.tax = _tax(shop.net, rate[1], inclusive=incl)
                tax_groups.setdefault(rate, _Money()).add(shop.tax, pres.tax)
            totals.line_items.add(shop.gross, pres.gross)
            totals.discounts.add(shop.discount, pres.discount)
            totals.tax.add(shop.tax, pres.tax)
            figures.append((shop, pres, rate if shop.tax or pres.tax else None))
            line_items.append(self._line_item(line, shop, pres, rate, spec, pres_cur))

        shipping_lines: list[dict[str, Any]] = []
        ship_fig: tuple[_Amounts, _Amounts] | None = None
        if spec.shipping is not None:
            s_pres = _Amounts(spec.shipping.price, spec.shipping.price, ZERO, ZERO)
            s_unit = convert(spec.shipping.price, fx)
            s_shop = _Amounts(s_unit, s_unit, ZERO, ZERO)
            rate_s = spec.tax_override or (self.shop.tax_title, self.shop.tax_rate)
            taxed = self.shop.taxes_shipping and not spec.tax_exempt and s_pres.gross > 0
            if taxed:
                s_pres.tax = _tax(s_pres.gross, rate_s[1], inclusive=incl)
                s_shop.tax = _tax(s_shop.gross, rate_s[1], inclusive=incl)
                tax_groups.setdefault(rate_s, _Money()).add(s_shop.tax, s_pres.tax)
            totals.shipping.add(s_shop.gross, s_pres.gross)
            totals.tax.add(s_shop.tax, s_pres.tax)
            ship_fig = (s_shop, s_pres)
            shipping_lines.append(
                self._shipping_line(
                    spec.shipping, s_shop, s_pres, rate_s if taxed else None, pres_cur
                )
            )

        def total_of(subtotal: Decimal, shipping: Decimal, tax: Decimal) -> Decimal:
            return subtotal + shipping + (ZERO if incl else tax)

        sub_shop = totals.line_items.shop - totals.discounts.shop
        sub_pres = totals.line_items.pres - totals.discounts.pres
        total_shop = total_of(sub_shop, totals.shipping.shop, totals.tax.shop)
        total_pres = total_of(sub_pres, totals.shipping.pres, totals.tax.pres)

        # --- payment ---------------------------------------------------------------------
        transactions: list[dict[str, Any]] = []
        gateways: list[str] = []
        received_pres = ZERO
        parent_id: int | None = None
        pay_time = created + timedelta(seconds=5)
        if spec.payment == "paid":
            remaining = total_pres
            if spec.gift_card_amount:
                tx = self._transaction(
                    order_id,
                    "sale",
                    "gift_card",
                    spec.gift_card_amount,
                    pres_cur,
                    pay_time,
                    spec.test,
                )
                transactions.append(tx)
                gateways.append("gift_card")
                remaining -= spec.gift_card_amount
            tx = self._transaction(
                order_id, "sale", spec.gateway, remaining, pres_cur, pay_time, spec.test
            )
            transactions.append(tx)
            parent_id = tx["id"]
            received_pres = total_pres
        elif spec.payment == "partially_paid":
            paid = spec.paid_amount or ZERO
            tx = self._transaction(
                order_id, "sale", spec.gateway, paid, pres_cur, pay_time, spec.test
            )
            transactions.append(tx)
            parent_id = tx["id"]
            received_pres = paid
        elif spec.payment == "authorized":
            transactions.append(
                self._transaction(
                    order_id,
                    "authorization",
                    spec.gateway,
                    total_pres,
                    pres_cur,
                    pay_time,
                    spec.test,
                )
            )
        else:  # pending: a manual payment not yet received
            transactions.append(
                self._transaction(
                    order_id,
                    "sale",
                    spec.gateway,
                    total_pres,
                    pres_cur,
                    pay_time,
                    spec.test,
                    status="pending",
                )
            )
        gateways.append(spec.gateway)

        # --- refunds ---------------------------------------------------------------------
        refunds: list[dict[str, Any]] = []
        refunded_qty = [0] * len(spec.lines)
        refunded = _Totals()  # line_items: subtotal refunded; discounts; tax; shipping (gross)
        refund_money = _Money()
        last_update = pay_time
        for r_spec in spec.refunds:
            when = created + timedelta(days=r_spec.days_after)
            last_update = max(last_update, when)
            refund_id = self.ids.next("refund")
            r_lines: list[dict[str, Any]] = []
            this = _Money()
            for index, qty in r_spec.lines:
                shop, pres, _ = figures[index]
                of = spec.lines[index].quantity
                done = refunded_qty[index]
                if done + qty > of:
                    raise ValueError(
                        f"order {spec.number}: refunding more of line {index} than sold"
                    )
                # Refunded subtotal = the units' price minus their share of the discount.
                disc_s = prorate(shop.discount, done, qty, of)
                disc_p = prorate(pres.discount, done, qty, of)
                sub_s = shop.unit * qty - disc_s
                sub_p = pres.unit * qty - disc_p
                tax_s = prorate(shop.tax, done, qty, of)
                tax_p = prorate(pres.tax, done, qty, of)
                refunded.discounts.add(disc_s, disc_p)
                refunded.line_items.add(sub_s, sub_p)
                refunded.tax.add(tax_s, tax_p)
                this.add(sub_s + (ZERO if incl else tax_s), sub_p + (ZERO if incl else tax_p))
                refunded_qty[index] += qty
                r_lines.append(
                    {
                        "id": self.ids.next("refund_line_item"),
                        "line_item_id": line_items[index]["id"],
                        "location_id": None,
                        "quantity": qty,
                        "restock_type": "return" if r_spec.restock else "no_restock",
                        # JSON numbers here, unlike everywhere else (facts §5 "Refund").
                        "subtotal": float(sub_s),
                        "subtotal_set": self._set(sub_s, sub_p, pres_cur),
                        "total_tax": float(tax_s),
                        "total_tax_set": self._set(tax_s, tax_p, pres_cur),
                        "line_item": line_items[index],
                    }
                )
            ship_refunds: list[dict[str, Any]] = []
            adjustments: list[dict[str, Any]] = []
            if r_spec.shipping and ship_fig is not None and refunded.shipping.pres == 0:
                s_shop, s_pres = ship_fig
                refunded.shipping.add(s_shop.gross, s_pres.gross)
                refunded.tax.add(s_shop.tax, s_pres.tax)
                gross_s = s_shop.gross + (ZERO if incl else s_shop.tax)
                gross_p = s_pres.gross + (ZERO if incl else s_pres.tax)
                this.add(gross_s, gross_p)
                ship_refunds.append(
                    {
                        "id": self.ids.next("refund_line_item"),
                        "shipping_line_id": shipping_lines[0]["id"],
                        "subtotal_amount_set": self._set(s_shop.gross, s_pres.gross, pres_cur),
                        "shipping_line": shipping_lines[0],
                    }
                )
                adjustments.append(
                    {
                        "id": self.ids.next("adjustment"),
                        "order_id": order_id,
                        "refund_id": refund_id,
                        "amount": money(-(gross_s - s_shop.tax)),
                        "amount_set": self._set(
                            -(gross_s - s_shop.tax), -(gross_p - s_pres.tax), pres_cur
                        ),
                        "tax_amount": money(-s_shop.tax),
                        "tax_amount_set": self._set(-s_shop.tax, -s_pres.tax, pres_cur),
                        "kind": "shipping_refund",
                        "reason": "Shipping refund",
                    }
                )
            refund_money.add(this.shop, this.pres)
            r_tx = self._transaction(
                order_id,
                "refund",
                spec.gateway,
                this.pres,
                pres_cur,
                when,
                spec.test,
                parent_id=parent_id,
            )
            transactions.append(r_tx)
            received_pres -= this.pres
            refunds.append(
                {
                    "id": refund_id,
                    "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
                    "order_id": order_id,
                    "created_at": self._time(when),
                    "processed_at": self._time(when),
                    "note": r_spec.note,
                    "restock": r_spec.restock,
                    "user_id": None,
                    "return": None,
                    "duties": [],
                    "total_duties_set": self._set(ZERO, ZERO, pres_cur),
                    "additional_fees": [],
                    "total_additional_fees_set": self._set(ZERO, ZERO, pres_cur),
                    "refund_line_items": r_lines,
                    "refund_shipping_lines": ship_refunds,
                    "order_adjustments": adjustments,
                    "transactions": [r_tx],
                }
            )

        for index, item in enumerate(line_items):
            item["current_quantity"] = spec.lines[index].quantity - refunded_qty[index]
            item["fulfillable_quantity"] = 0 if spec.cancel_reason else item["current_quantity"]

        cur_sub_shop = sub_shop - refunded.line_items.shop
        cur_sub_pres = sub_pres - refunded.line_items.pres
        cur_tax_shop = totals.tax.shop - refunded.tax.shop
        cur_tax_pres = totals.tax.pres - refunded.tax.pres
        cur_total_shop = total_shop - refund_money.shop
        cur_total_pres = total_pres - refund_money.pres
        cur_disc_shop = totals.discounts.shop - refunded.discounts.shop
        cur_disc_pres = totals.discounts.pres - refunded.discounts.pres
        # Outstanding, in shop currency: the part of the current total not yet received.
        if cur_total_pres - received_pres == 0:
            outstanding = ZERO
        elif received_pres == 0:
            outstanding = cur_total_shop
        else:
            outstanding = cur_total_shop - convert(received_pres, fx)

        financial = self._financial_status(spec, refunds, received_pres)
        customer = spec.customer
        email = spec.email if spec.email is not None else (customer or {}).get("email")
        address = spec.address if spec.address is not None else _address_of(customer)
        cancelled_at = self._time(last_update) if spec.cancel_reason else None
        closed_at = cancelled_at

        order: dict[str, Any] = {
            "id": order_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "app_id": 580111,
            "browser_ip": None,
            "buyer_accepts_marketing": False,
            "cancel_reason": spec.cancel_reason,
            "cancelled_at": cancelled_at,
            "cart_token": None,
            "checkout_id": None,
            "checkout_token": None,
            "client_details": None,
            "closed_at": closed_at,
            "confirmation_number": f"X{order_id % 100_000_000:08d}"[:9],
            "confirmed": True,
            "contact_email": email,
            "created_at": self._time(created),
            "currency": shop_cur,
            "current_subtotal_price": money(cur_sub_shop),
            "current_subtotal_price_set": self._set(cur_sub_shop, cur_sub_pres, pres_cur),
            "current_total_additional_fees_set": None,
            "current_total_discounts": money(cur_disc_shop),
            "current_total_discounts_set": self._set(cur_disc_shop, cur_disc_pres, pres_cur),
            "current_total_duties_set": None,
            "current_total_price": money(cur_total_shop),
            "current_total_price_set": self._set(cur_total_shop, cur_total_pres, pres_cur),
            "current_total_tax": money(cur_tax_shop),
            "current_total_tax_set": self._set(cur_tax_shop, cur_tax_pres, pres_cur),
            "customer_locale": "en-GB",
            "device_id": None,
            "discount_codes": (
                [
                    {
                        "code": spec.discount.code,
                        "amount": money(totals.discounts.shop),
                        "type": spec.discount.value_type,
                    }
                ]
                if spec.discount
                else []
            ),
            "duties_included": False,
            "email": email,
            "estimated_taxes": False,
            "financial_status": financial,
            "fulfillment_status": None,
            "landing_site": None,
            "landing_site_ref": None,
            "location_id": None,
            "merchant_business_entity_id": "MTAwMDAwMDAx",
            "merchant_of_record_app_id": None,
            "name": f"#{spec.number}",
            "note": spec.note,
            "note_attributes": [],
            "number": spec.number - 1000,
            "order_number": spec.number,
            "order_status_url": f"https://{self.domain}/orders/{order_id}/authenticate",
            "original_total_additional_fees_set": None,
            "original_total_duties_set": None,
            "payment_gateway_names": list(dict.fromkeys(gateways)),
            "phone": spec.phone,
            "po_number": None,
            "presentment_currency": pres_cur,
            "processed_at": self._time(created),
            "reference": None,
            "referring_site": None,
            "source_identifier": None,
            "source_name": spec.source_name,
            "source_url": None,
            "subtotal_price": money(sub_shop),
            "subtotal_price_set": self._set(sub_shop, sub_pres, pres_cur),
            "tags": spec.tags,
            "tax_exempt": spec.tax_exempt,
            "tax_lines": [
                self._tax_line(title, rate, m.shop, m.pres, pres_cur)
                for (title, rate), m in tax_groups.items()
            ],
            "taxes_included": incl,
            "test": spec.test,
            "token": f"{order_id:x}",
            "total_cash_rounding_payment_adjustment_set": self._set(ZERO, ZERO, pres_cur),
            "total_cash_rounding_refund_adjustment_set": self._set(ZERO, ZERO, pres_cur),
            "total_discounts": money(totals.discounts.shop),
            "total_discounts_set": self._set(
                totals.discounts.shop, totals.discounts.pres, pres_cur
            ),
            "total_line_items_price": money(totals.line_items.shop),
            "total_line_items_price_set": self._set(
                totals.line_items.shop, totals.line_items.pres, pres_cur
            ),
            "total_outstanding": money(outstanding),
            "total_price": money(total_shop),
            "total_price_set": self._set(total_shop, total_pres, pres_cur),
            "total_shipping_price_set": self._set(
                totals.shipping.shop, totals.shipping.pres, pres_cur
            ),
            "total_tax": money(totals.tax.shop),
            "total_tax_set": self._set(totals.tax.shop, totals.tax.pres, pres_cur),
            "total_tip_received": "0.00",
            "total_weight": sum(line.grams * line.quantity for line in spec.lines),
            "updated_at": self._time(last_update),
            "user_id": None,
            "billing_address": address,
            "customer": _embedded_customer(customer),
            "discount_applications": (
                [
                    {
                        "target_type": "line_item",
                        "type": "discount_code",
                        "value": str(spec.discount.value),
                        "value_type": spec.discount.value_type,
                        "allocation_method": "across",
                        "target_selection": "all",
                        "code": spec.discount.code,
                    }
                ]
                if spec.discount
                else []
            ),
            "fulfillments": [],
            "line_items": line_items,
            "payment_terms": None,
            "refunds": refunds,
            "shipping_address": address if spec.shipping is not None else None,
            "shipping_lines": shipping_lines,
            "transactions": transactions,
        }
        return order

    @staticmethod
    def _financial_status(spec: OrderSpec, refunds: list[Any], received: Decimal) -> str:
        if spec.payment in ("pending", "authorized", "partially_paid"):
            return spec.payment
        if not refunds:
            return "paid"
        return "refunded" if received == 0 else "partially_refunded"

    def _line_item(
        self,
        line: LineSpec,
        shop: _Amounts,
        pres: _Amounts,
        rate: tuple[str, Decimal] | None,
        spec: OrderSpec,
        pres_cur: str,
    ) -> dict[str, Any]:
        line_id = self.ids.next("line_item")
        name = f"{line.title} - {line.variant_title}" if line.variant_title else line.title
        tax_lines = []
        if rate is not None and not spec.tax_exempt:
            tax_lines.append(self._tax_line(rate[0], rate[1], shop.tax, pres.tax, pres_cur))
        allocations = []
        if pres.discount or shop.discount:
            allocations.append(
                {
                    "amount": money(shop.discount),
                    "amount_set": self._set(shop.discount, pres.discount, pres_cur),
                    "discount_application_index": 0,
                }
            )
        return {
            "id": line_id,
            "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
            "attributed_staffs": [],
            "current_quantity": line.quantity,
            "fulfillable_quantity": line.quantity,
            "fulfillment_service": "manual",
            "fulfillment_status": None,
            "gift_card": line.gift_card,
            "grams": line.grams,
            "name": name,
            "price": money(shop.unit),
            "price_set": self._set(shop.unit, pres.unit, pres_cur),
            "product_exists": line.product_exists,
            "product_id": line.product_id,
            "properties": [],
            "quantity": line.quantity,
            "requires_shipping": not line.gift_card,
            "sku": line.sku,
            "taxable": line.taxable and not line.gift_card,
            "title": line.title,
            # Shopify leaves this at 0.00 for code discounts; the money is in the allocations.
            "total_discount": "0.00",
            "total_discount_set": self._set(ZERO, ZERO, pres_cur),
            "variant_id": line.variant_id,
            "variant_inventory_management": "shopify" if line.variant_id else None,
            "variant_title": line.variant_title,
            "vendor": line.vendor,
            "tax_lines": tax_lines,
            "duties": [],
            "discount_allocations": allocations,
        }

    def _shipping_line(
        self,
        shipping: ShippingSpec,
        shop: _Amounts,
        pres: _Amounts,
        rate: tuple[str, Decimal] | None,
        pres_cur: str,
    ) -> dict[str, Any]:
        return {
            "id": self.ids.next("shipping_line"),
            "carrier_identifier": None,
            "code": shipping.title,
            "discounted_price": money(shop.gross),
            "discounted_price_set": self._set(shop.gross, pres.gross, pres_cur),
            "is_removed": False,
            "phone": None,
            "price": money(shop.gross),
            "price_set": self._set(shop.gross, pres.gross, pres_cur),
            "requested_fulfillment_service_id": None,
            "source": "shopify",
            "title": shipping.title,
            "tax_lines": (
                [self._tax_line(rate[0], rate[1], shop.tax, pres.tax, pres_cur)] if rate else []
            ),
            "discount_allocations": [],
        }

    def _tax_line(
        self, title: str, rate: Decimal, shop: Decimal, pres: Decimal, pres_cur: str
    ) -> dict[str, Any]:
        return {
            "channel_liable": False,
            "price": money(shop),
            "price_set": self._set(shop, pres, pres_cur),
            # The wire form is a JSON number (0.2); consumers parse it via str() into Decimal.
            "rate": float(rate),
            "title": title,
        }

    def _transaction(
        self,
        order_id: int,
        kind: str,
        gateway: str,
        amount: Decimal,
        currency: str,
        when: datetime,
        test: bool,
        *,
        status: str = "success",
        parent_id: int | None = None,
    ) -> dict[str, Any]:
        tx_id = self.ids.next("transaction")
        return {
            "id": tx_id,
            "admin_graphql_api_id": f"gid://shopify/OrderTransaction/{tx_id}",
            "order_id": order_id,
            "kind": kind,
            "gateway": gateway,
            "status": status,
            "message": None,
            "created_at": self._time(when),
            "processed_at": self._time(when),
            "test": test,
            "authorization": None,
            "location_id": None,
            "user_id": None,
            "parent_id": parent_id,
            "device_id": None,
            "error_code": None,
            "source_name": "web",
            "receipt": {},
            "currency_exchange_adjustment": None,
            "amount": money(amount),
            "currency": currency,
            "payment_id": f"c{order_id}.{tx_id % 1000}",
            "total_unsettled_set": {
                "presentment_money": {"amount": "0.0", "currency": currency},
                "shop_money": {"amount": "0.0", "currency": self.shop.currency},
            },
            "manual_payment_gateway": gateway == "manual",
            "amount_rounding": None,
        }


def money_dec(value: Decimal) -> Decimal:
    return Decimal(money(value))


_CUSTOMER_IN_ORDER = (
    "id",
    "email",
    "created_at",
    "updated_at",
    "first_name",
    "last_name",
    "state",
    "note",
    "verified_email",
    "multipass_identifier",
    "tax_exempt",
    "phone",
    "email_marketing_consent",
    "sms_marketing_consent",
    "tags",
    "currency",
    "tax_exemptions",
    "admin_graphql_api_id",
    "default_address",
)


def _embedded_customer(customer: dict[str, Any] | None) -> dict[str, Any] | None:
    """The customer summary an order embeds (no addresses list, no order counters)."""
    if customer is None:
        return None
    return {key: customer.get(key) for key in _CUSTOMER_IN_ORDER}


def _address_of(customer: dict[str, Any] | None) -> dict[str, Any] | None:
    if customer is None or not customer.get("default_address"):
        return None
    src = customer["default_address"]
    return {
        "first_name": src.get("first_name"),
        "address1": src.get("address1"),
        "phone": src.get("phone"),
        "city": src.get("city"),
        "zip": src.get("zip"),
        "province": src.get("province"),
        "country": src.get("country"),
        "last_name": src.get("last_name"),
        "address2": src.get("address2"),
        "company": src.get("company"),
        "latitude": None,
        "longitude": None,
        "name": src.get("name"),
        "country_code": src.get("country_code"),
        "province_code": src.get("province_code"),
    }
