"""Lifecycle corpus (UK shop, VAT 20 %, prices include VAT): payments, refunds, cancellations,
edits. Shopify's figures come from the seed builder; the Xero figures below are worked by hand.

Inclusive VAT on an amount A is A/6, per line, rounded to the penny. A paid order's invoice has
AmountPaid = Total and AmountDue 0.00 (PAID). A refund becomes a credit note for the money given
back, paid out through the gateway's account, so nothing of it remains (RemainingCredit 0.00,
PAID) and the invoice stays PAID: invoice - credit notes = Shopify's current_total_price.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.fidelity.lifecycle import _WHEN, LifeCase, NoteExpect

from shopxero.sandbox.seeds.orders import (
    DiscountSpec,
    LineSpec,
    OrderSpec,
    RefundSpec,
    ShippingSpec,
)

__all__ = ["CASES", "PRESENTMENT_CASES"]


def _spec(number: int, lines: list[LineSpec], customer: dict[str, Any], **kw: Any) -> OrderSpec:
    return OrderSpec(
        number=number,
        processed_at=_WHEN + timedelta(minutes=number % 100),
        lines=tuple(lines),
        customer=customer,
        taxes_included=True,
        **kw,
    )


def _qty(lines: list[LineSpec], index: int, quantity: int) -> list[LineSpec]:
    changed = list(lines)
    line = changed[index]
    changed[index] = LineSpec(
        line.title,
        line.price,
        quantity=quantity,
        product_id=line.product_id,
        variant_id=line.variant_id,
    )
    return changed


def _set(order: dict[str, Any], key: str, amount: str) -> None:
    order[key] = amount
    if f"{key}_set" in order:
        order[f"{key}_set"] = {
            "shop_money": {"amount": amount, "currency_code": "GBP"},
            "presentment_money": {"amount": amount, "currency_code": "GBP"},
        }


def _cancel_unpaid(order: dict[str, Any]) -> dict[str, Any]:
    """Shopify cancels an unpaid order: voided, closed, nothing owed any more."""
    stamp = (_WHEN + timedelta(days=1)).isoformat()
    order.update(
        cancelled_at=stamp, closed_at=stamp, cancel_reason="customer", financial_status="voided"
    )
    _set(order, "total_outstanding", "0.00")
    return order


def _second_unit(order: dict[str, Any]) -> dict[str, Any]:
    """The merchant edits the unpaid order from 1 to 2 units of 10.00: 20.00, VAT 20 / 6 =
    3.333 -> 3.33."""
    line = order["line_items"][0]
    line["quantity"] = line["current_quantity"] = line["fulfillable_quantity"] = 2
    line["tax_lines"][0]["price"] = "3.33"
    line["tax_lines"][0]["price_set"] = {
        "shop_money": {"amount": "3.33", "currency_code": "GBP"},
        "presentment_money": {"amount": "3.33", "currency_code": "GBP"},
    }
    order["tax_lines"] = [dict(order["tax_lines"][0], price="3.33")]
    for key in ("total_line_items_price", "subtotal_price", "current_subtotal_price"):
        _set(order, key, "20.00")
    for key in ("total_price", "current_total_price", "total_outstanding"):
        _set(order, key, "20.00")
    for key in ("total_tax", "current_total_tax"):
        _set(order, key, "3.33")
    return order


CASES: list[LifeCase] = [
    LifeCase(
        "life-paid-in-full",
        6001,
        (("Teapot Large", "15.00"),),
        # 2 x 15.00 = 30.00 (VAT 5.00) + shipping 4.50 (4.50 / 6 = 0.75) = 34.50, VAT 5.75
        lambda ls, c: _spec(
            6001, _qty(ls, 0, 2), c, shipping=ShippingSpec("Royal Mail", Decimal("4.50"))
        ),
        total="34.50",
        total_tax="5.75",
        amount_paid="34.50",
        amount_due="0.00",
        status="PAID",
    ),
    LifeCase(
        "life-partially-paid",
        6002,
        (("Kettle", "40.00"),),
        # 40.00, VAT 40 / 6 = 6.666 -> 6.67; 10.00 received: 30.00 still owed
        lambda ls, c: _spec(6002, ls, c, payment="partially_paid", paid_amount=Decimal("10.00")),
        total="40.00",
        total_tax="6.67",
        amount_paid="10.00",
        amount_due="30.00",
        status="AUTHORISED",
    ),
    LifeCase(
        "life-partial-refund-after-payment",
        6003,
        (("Mug Set", "12.00"),),
        # 2 x 12.00 = 24.00 (VAT 4.00) + shipping 3.00 (0.50) = 27.00, paid.
        # One mug back: credit note 12.00, VAT 12 / 6 = 2.00, paid out (nothing remains).
        lambda ls, c: _spec(
            6003,
            _qty(ls, 0, 2),
            c,
            shipping=ShippingSpec("Royal Mail", Decimal("3.00")),
            refunds=(RefundSpec(days_after=2, lines=((0, 1),)),),
        ),
        total="27.00",
        total_tax="4.50",
        amount_paid="27.00",
        amount_due="0.00",
        status="PAID",
        credit_notes=(NoteExpect("12.00", "2.00", "0.00", "PAID"),),
    ),
    LifeCase(
        "life-full-refund-with-shipping",
        6004,
        (("Cafetiere", "18.00"),),
        # 18.00 (VAT 3.00) + shipping 6.00 (1.00) = 24.00; all of it back: 24.00, VAT 4.00
        lambda ls, c: _spec(
            6004,
            ls,
            c,
            shipping=ShippingSpec("Courier", Decimal("6.00")),
            refunds=(RefundSpec(days_after=1, lines=((0, 1),), shipping=True),),
        ),
        total="24.00",
        total_tax="4.00",
        amount_paid="24.00",
        amount_due="0.00",
        status="PAID",
        credit_notes=(NoteExpect("24.00", "4.00", "0.00", "PAID"),),
    ),
    LifeCase(
        "life-cancelled-after-payment",
        6005,
        (("Tea Chest", "30.00"),),
        # Paid 30.00 (VAT 5.00), then cancelled with a full refund: credit note 30.00 / 5.00
        lambda ls, c: _spec(
            6005,
            ls,
            c,
            refunds=(RefundSpec(days_after=1, lines=((0, 1),)),),
            cancel_reason="customer",
        ),
        total="30.00",
        total_tax="5.00",
        amount_paid="30.00",
        amount_due="0.00",
        status="PAID",
        credit_notes=(NoteExpect("30.00", "5.00", "0.00", "PAID"),),
    ),
    LifeCase(
        "life-cancelled-before-payment",
        6006,
        (("Tea Tray", "20.00"),),
        # Invoiced unpaid (20.00, VAT 20 / 6 = 3.33), then cancelled: the invoice is voided,
        # so nothing is owed any more.
        lambda ls, c: _spec(6006, ls, c, payment="pending"),
        total="20.00",
        total_tax="3.33",
        amount_paid="0.00",
        amount_due="0.00",
        status="VOIDED",
        later=_cancel_unpaid,
    ),
    LifeCase(
        "life-edit-before-payment",
        6007,
        (("Coaster", "10.00"),),
        # 1 x 10.00 (VAT 1.67) invoiced; edited to 2 units: 20.00, VAT 3.33, updated in place
        lambda ls, c: _spec(6007, ls, c, payment="pending"),
        total="20.00",
        total_tax="3.33",
        amount_paid="0.00",
        amount_due="20.00",
        status="AUTHORISED",
        later=_second_unit,
    ),
    LifeCase(
        "life-refund-of-a-discounted-line",
        6008,
        (("Storage Jar", "25.00"),),
        # 2 x 25.00 - code 10.00 = 40.00 (VAT 6.67). One jar back: 25.00 less its half of the
        # discount (5.00) = 20.00. Xero's credit note: 20.00 incl., VAT 20 / 6 = 3.333 -> 3.33
        lambda ls, c: _spec(
            6008,
            _qty(ls, 0, 2),
            c,
            discount=DiscountSpec("TENOFF", Decimal("10.00")),
            refunds=(RefundSpec(days_after=3, lines=((0, 1),)),),
        ),
        total="40.00",
        total_tax="6.67",
        amount_paid="40.00",
        amount_due="0.00",
        status="PAID",
        credit_notes=(NoteExpect("20.00", "3.33", "0.00", "PAID"),),
    ),
    LifeCase(
        "life-shipping-only-refund",
        6009,
        (("Infuser", "10.00"),),
        # 10.00 (VAT 1.67) + shipping 5.00 (5 / 6 = 0.833 -> 0.83) = 15.00, VAT 2.50;
        # shipping refunded: credit note 5.00, VAT 0.83
        lambda ls, c: _spec(
            6009,
            ls,
            c,
            shipping=ShippingSpec("Courier", Decimal("5.00")),
            refunds=(RefundSpec(days_after=1, shipping=True),),
        ),
        total="15.00",
        total_tax="2.50",
        amount_paid="15.00",
        amount_due="0.00",
        status="PAID",
        credit_notes=(NoteExpect("5.00", "0.83", "0.00", "PAID"),),
    ),
    LifeCase(
        "life-paid-partly-with-a-gift-card",
        6010,
        (("Tea Club Box", "30.00"),),
        # 30.00 (VAT 5.00): 10.00 from a gift card, 20.00 by card -> two payments, 30.00 paid
        lambda ls, c: _spec(6010, ls, c, gift_card_amount=Decimal("10.00")),
        total="30.00",
        total_tax="5.00",
        amount_paid="30.00",
        amount_due="0.00",
        status="PAID",
    ),
    LifeCase(
        "life-two-partial-refunds",
        6011,
        (("Loose Leaf 50g", "9.00"),),
        # 3 x 9.00 = 27.00 (VAT 4.50), paid; one unit back twice: 9.00 (VAT 1.50) each
        lambda ls, c: _spec(
            6011,
            _qty(ls, 0, 3),
            c,
            refunds=(
                RefundSpec(days_after=1, lines=((0, 1),)),
                RefundSpec(days_after=2, lines=((0, 1),)),
            ),
        ),
        total="27.00",
        total_tax="4.50",
        amount_paid="27.00",
        amount_due="0.00",
        status="PAID",
        credit_notes=(
            NoteExpect("9.00", "1.50", "0.00", "PAID"),
            NoteExpect("9.00", "1.50", "0.00", "PAID"),
        ),
    ),
]

# Invoiced in the customer's currency (SHOPXERO_INVOICE_CURRENCY=presentment): a UK shop selling
# in EUR at Shopify's rate 0.86 GBP per EUR. Every figure below is in EUR, VAT 20 % inside.
PRESENTMENT_CASES: list[LifeCase] = [
    LifeCase(
        "life-eur-paid",
        6101,
        (("Teapot EU", "25.00"),),
        # 2 x 25.00 = 50.00 EUR, VAT 50 / 6 = 8.333 -> 8.33; shipping 5.00, VAT 0.833 -> 0.83;
        # total 55.00 EUR, VAT 9.16, paid in full in EUR
        lambda ls, c: _spec(
            6101,
            _qty(ls, 0, 2),
            c,
            shipping=ShippingSpec("EU Tracked", Decimal("5.00")),
            presentment_currency="EUR",
            exchange_rate=Decimal("0.86"),
        ),
        total="55.00",
        total_tax="9.16",
        amount_paid="55.00",
        amount_due="0.00",
        status="PAID",
        currency="EUR",
    ),
    LifeCase(
        "life-eur-partial-refund",
        6102,
        (("Cup EU", "12.00"),),
        # 3 x 12.00 = 36.00 EUR, VAT 6.00, paid; one cup back: 12.00 EUR, VAT 2.00
        lambda ls, c: _spec(
            6102,
            _qty(ls, 0, 3),
            c,
            presentment_currency="EUR",
            exchange_rate=Decimal("0.86"),
            refunds=(RefundSpec(days_after=1, lines=((0, 1),)),),
        ),
        total="36.00",
        total_tax="6.00",
        amount_paid="36.00",
        amount_due="0.00",
        status="PAID",
        credit_notes=(NoteExpect("12.00", "2.00", "0.00", "PAID"),),
        currency="EUR",
    ),
    LifeCase(
        "life-eur-duties-and-fees-in-the-customers-currency",
        6103,
        (("Kettle EU", "40.00"),),
        # Invoiced in EUR (SHOPXERO_INVOICE_CURRENCY=presentment): 40.00 EUR, VAT 40 / 6 =
        # 6.666 -> 6.67; import duty 6.00 EUR and additional fees 2.50 EUR, both outside VAT,
        # in EUR as the customer paid them (not their GBP twins 5.16 / 2.15):
        # total 40.00 + 6.00 + 2.50 = 48.50 EUR, paid in full
        lambda ls, c: _spec(
            6103,
            ls,
            c,
            presentment_currency="EUR",
            exchange_rate=Decimal("0.86"),
            duties=Decimal("6.00"),
            additional_fees=Decimal("2.50"),
        ),
        total="48.50",
        total_tax="6.67",
        amount_paid="48.50",
        amount_due="0.00",
        status="PAID",
        currency="EUR",
    ),
]
