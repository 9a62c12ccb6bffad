"""The corpus' vocabulary: a hand-built Shopify order (:class:`Case`) and the Xero figures worked
out by hand for it (:class:`Expect`), plus the builder turning a case into a REST order body.

Every Shopify figure of a case is stated literally, the way Shopify's own checkout arrives at it
(tax per tax line, rounded; discount allocations already split in pennies). The builder only adds
them up into the order's totals and checks the sum against the case's literal ``total_price``,
so a typo in a case fails loudly instead of quietly testing something else. Nothing here calls
shopxero's mapping: the expected Xero figures are literals in the ``cases_*`` modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = ["Case", "D", "Expect", "Line", "Ship", "Tax"]


def D(text: str) -> Decimal:
    return Decimal(text)


@dataclass(frozen=True)
class Tax:
    """One Shopify tax line: ``rate`` a fraction ("0.2"), ``price`` the rounded tax charged."""

    title: str
    rate: str
    price: str


@dataclass(frozen=True)
class Line:
    """An order line in shop currency. ``discounts`` are its ``discount_allocations`` amounts."""

    title: str
    price: str
    qty: int = 1
    discounts: tuple[str, ...] = ()
    taxes: tuple[Tax, ...] = ()
    taxable: bool = True
    gift_card: bool = False
    sku: str | None = None
    product_type: str = "Goods"
    presentment_price: str | None = None
    no_product: bool = False  # a custom line (a tip): no product or variant behind it

    def price_decimal(self) -> Decimal:
        return Decimal(self.price)


@dataclass(frozen=True)
class Ship:
    """A shipping line: ``price`` before and ``discounts`` (allocations) against it."""

    title: str
    price: str
    discounts: tuple[str, ...] = ()
    taxes: tuple[Tax, ...] = ()


@dataclass(frozen=True)
class Expect:
    """The Xero invoice as the sandbox must compute it, worked out by hand.

    ``line_taxes``: Xero's TaxAmount per product/shipping line, when it differs from Shopify's
    (per-line rounding); otherwise each line must carry exactly Shopify's tax for it.
    ``rounding``: the amount of the rounding line closing the gap, if any.
    ``accounts``: AccountCode per product/shipping line, when the case is about accounts.
    """

    total: str
    total_tax: str
    line_amount_types: str
    amount_paid: str = "0.00"
    amount_due: str | None = None  # default: the total
    line_taxes: tuple[str, ...] | None = None
    rounding: str | None = None
    accounts: tuple[str, ...] | None = None
    tax_types: tuple[str, ...] | None = None
    unit_amounts: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Case:
    name: str
    number: int
    lines: tuple[Line, ...]
    total_price: str  # Shopify's order total, stated by hand
    total_tax: str  # Shopify's order tax, stated by hand
    expect: Expect
    taxes_included: bool = True
    shipping: tuple[Ship, ...] = ()
    tax_exempt: bool = False
    presentment_currency: str | None = None
    discount_codes: tuple[str, ...] = ()
    note: str = ""
    # Money outside the lines: {"tip": "2.00", "duties": "7.50", "fees": "2.00"}
    extra: dict[str, str] = field(default_factory=dict)
    # Where the goods go when not to the customer's home country: "NZ", "US-MA" (country and
    # Shopify's province_code); Shopify taxes by the shipping address (shopify-api-notes §5).
    ship_to: str | None = None


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _sum(values: Any) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


def _money_set(shop: str, shop_cur: str, pres: str, pres_cur: str) -> dict[str, Any]:
    return {
        "shop_money": {"amount": shop, "currency_code": shop_cur},
        "presentment_money": {"amount": pres, "currency_code": pres_cur},
    }


def _tax_line(t: Tax, cur: str) -> dict[str, Any]:
    return {
        "title": t.title,
        "rate": float(Decimal(t.rate)),  # a JSON number, as REST sends it (shopify-api-notes §5)
        "price": t.price,
        "price_set": _money_set(t.price, cur, t.price, cur),
        "channel_liable": False,
    }


def build_order(
    case: Case,
    *,
    order_id: int,
    line_ids: list[int],
    variants: list[tuple[int | None, int | None]],
    customer: dict[str, Any],
    currency: str,
    when: datetime,
) -> dict[str, Any]:
    """The REST order for ``case`` (``variants``: (product id, variant id) per line)."""
    pres_cur = case.presentment_currency or currency
    items: list[dict[str, Any]] = []
    for line, line_id, (product_id, variant_id) in zip(case.lines, line_ids, variants, strict=True):
        pres_price = line.presentment_price or line.price
        items.append(
            {
                "id": line_id,
                "variant_id": variant_id,
                "product_id": product_id,
                "product_exists": not line.no_product,
                "title": line.title,
                "name": line.title,
                "variant_title": None,
                "sku": line.sku,
                "vendor": "Fidelity Goods",
                "quantity": line.qty,
                "current_quantity": line.qty,
                "price": line.price,
                "price_set": _money_set(line.price, currency, pres_price, pres_cur),
                "total_discount": "0.00",  # Shopify leaves it at 0.00 (shopify-api-notes §8 #10)
                "discount_allocations": [
                    {
                        "amount": amount,
                        "amount_set": _money_set(amount, currency, amount, pres_cur),
                        "discount_application_index": 0,
                    }
                    for amount in line.discounts
                ],
                "tax_lines": [_tax_line(t, currency) for t in line.taxes],
                "taxable": line.taxable,
                "gift_card": line.gift_card,
                "requires_shipping": not line.gift_card,
                "fulfillable_quantity": line.qty,
                "grams": 0 if line.gift_card else 250,
            }
        )
    shipping_lines: list[dict[str, Any]] = []
    for index, s in enumerate(case.shipping):
        charged = _money(Decimal(s.price) - _sum(s.discounts))
        shipping_lines.append(
            {
                "id": order_id * 10 + index,
                "title": s.title,
                "code": s.title,
                "source": "shopify",
                "price": s.price,
                "price_set": _money_set(s.price, currency, s.price, pres_cur),
                "discounted_price": charged,
                "discounted_price_set": _money_set(charged, currency, charged, pres_cur),
                "discount_allocations": [
                    {"amount": a, "amount_set": _money_set(a, currency, a, pres_cur)}
                    for a in s.discounts
                ],
                "tax_lines": [_tax_line(t, currency) for t in s.taxes],
                "is_removed": False,
            }
        )
    # Shopify's totals from the parts: subtotal = line items - line discounts; total = subtotal
    # + shipping after its discounts (+ tax when prices exclude it).
    gross = _sum(Decimal(li.price) * li.qty for li in case.lines)
    line_discounts = _sum(a for li in case.lines for a in li.discounts)
    ship_gross = _sum(s.price for s in case.shipping)
    ship_discounts = _sum(a for s in case.shipping for a in s.discounts)
    tax = _sum(t.price for li in case.lines for t in li.taxes)
    tax += _sum(t.price for s in case.shipping for t in s.taxes)
    subtotal = gross - line_discounts
    total = subtotal + ship_gross - ship_discounts + (Decimal(0) if case.taxes_included else tax)
    # Tips (not as a line), import duties, additional fees: in Shopify's total on their own.
    tip_lines = _sum(Decimal(li.price) * li.qty for li in case.lines if li.no_product)
    tip = Decimal(case.extra.get("tip", "0"))
    duties = Decimal(case.extra.get("duties", "0"))
    fees = Decimal(case.extra.get("fees", "0"))
    total += tip + duties + fees
    if total != Decimal(case.total_price) or tax != Decimal(case.total_tax):
        raise AssertionError(
            f"case {case.name}: its parts add up to total {total} / tax {tax}, "
            f"not the stated {case.total_price} / {case.total_tax}"
        )
    stamp = when.isoformat()
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{case.number}",
        "number": case.number - 1000,
        "order_number": case.number,
        "email": customer.get("email"),
        "contact_email": customer.get("email"),
        "created_at": stamp,
        "updated_at": stamp,
        "processed_at": stamp,
        "cancelled_at": None,
        "cancel_reason": None,
        "closed_at": None,
        "financial_status": "pending",
        "fulfillment_status": None,
        "currency": currency,
        "presentment_currency": pres_cur,
        "taxes_included": case.taxes_included,
        "tax_exempt": case.tax_exempt,
        "test": False,
        "source_name": "web",
        "tags": "fidelity",
        "note": case.note or None,
        "customer": {k: customer[k] for k in ("id", "email", "first_name", "last_name")},
        "billing_address": customer.get("default_address"),
        "shipping_address": _shipping_address(case, customer),
        "discount_codes": [{"code": c, "amount": "0.00", "type": "fixed_amount"} for c in []],
        "discount_applications": [],
        "line_items": items,
        "shipping_lines": shipping_lines,
        "tax_lines": [],
        "total_line_items_price": _money(gross),
        "total_discounts": _money(line_discounts + ship_discounts),
        "subtotal_price": _money(subtotal),
        "total_tax": _money(tax),
        "total_price": _money(total),
        "total_price_set": _money_set(_money(total), currency, _money(total), pres_cur),
        "total_shipping_price_set": _money_set(
            _money(ship_gross - ship_discounts), currency, _money(ship_gross), pres_cur
        ),
        "current_total_price": _money(total),
        "current_subtotal_price": _money(subtotal),
        "current_total_tax": _money(tax),
        "current_total_discounts": _money(line_discounts + ship_discounts),
        "total_outstanding": _money(total),
        "total_tip_received": _money(tip + tip_lines),
        "original_total_duties_set": (
            _money_set(_money(duties), currency, _money(duties), pres_cur) if duties else None
        ),
        "current_total_duties_set": (
            _money_set(_money(duties), currency, _money(duties), pres_cur) if duties else None
        ),
        "original_total_additional_fees_set": (
            _money_set(_money(fees), currency, _money(fees), pres_cur) if fees else None
        ),
        "payment_gateway_names": ["manual"],
        "refunds": [],
        "transactions": [],
        "fulfillments": [],
    }


def _shipping_address(case: Case, customer: dict[str, Any]) -> dict[str, Any] | None:
    home = customer.get("default_address")
    if case.ship_to is None or home is None:
        return home
    country, _, province = case.ship_to.partition("-")
    return {**home, "country_code": country, "province_code": province or None}


def processed_at(base: datetime, case: Case) -> datetime:
    """A distinct time per case (orders listed in a stable order)."""
    return base + timedelta(minutes=case.number % 1000)
