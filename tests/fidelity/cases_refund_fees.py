"""Lifecycle corpus: refunds that give back a tip, import duties or additional fees.

UK shop, VAT 20 % inside prices (as ``cases_life``); Shopify's figures come from the seed
builder (tip lines, duties, fees and refunds of them: ``sandbox/seeds/orders.py``), the Xero
figures below are worked out by hand. Settings as every corpus run: tips account 265, duties and
fees account 266, sales 200 (the UK chart has no shipping account, so shipping is sales too).

How the invoice put them (docs/fidelity.md): a tip line to the tips account, duties and fees as
lines of their own to the fees account, all three outside VAT (TaxType NONE). A refund of them
credits the same accounts with the same TaxType, so the credit note's Total is the money the
refund transaction gave back, paid out through the gateway's account (RemainingCredit 0.00),
and invoice - credit notes = Shopify's ``current_total_price``. A refund of an unpaid order gives
no money back: its credit note is allocated to the invoice instead (AmountDue falls by it,
AmountPaid stays 0.00, and the fully allocated credit note is PAID with nothing remaining).

An order exported (shipping address abroad) carries no UK VAT: Shopify charges none, so the
invoice is ``NoTax`` and its goods and shipping lines take the zero-rated type
(ZERORATEDOUTPUT); duties are what the buyer prepaid to the destination's customs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.fidelity.cases_life import _spec
from tests.fidelity.lifecycle import LifeCase, NoteExpect

from shopxero.sandbox.seeds.orders import LineSpec, RefundSpec, ShippingSpec

__all__ = ["CASES", "ChargeCase", "XeroLine"]

XeroLine = tuple[str, str, str, str]  # (Description, LineAmount, AccountCode, TaxType)

_BOSTON: dict[str, Any] = {
    "first_name": "Lee",
    "last_name": "Lifecycle",
    "name": "Lee Lifecycle",
    "address1": "1 Beacon Street",
    "address2": None,
    "city": "Boston",
    "zip": "02108",
    "province": "Massachusetts",
    "province_code": "MA",
    "country": "United States",
    "country_code": "US",
    "company": None,
    "phone": None,
}


def _tip(amount: str) -> LineSpec:
    return LineSpec("Tip", Decimal(amount), taxable=False, product_exists=False, tip=True)


@dataclass(frozen=True)
class ChargeCase:
    """A life case plus what the accountant reads line by line, and Shopify's current total."""

    life: LifeCase
    current_total_price: str  # Shopify's, after the refunds (stated by hand)
    invoice_lines: tuple[XeroLine, ...]
    note_lines: tuple[tuple[XeroLine, ...], ...]  # per credit note, R1 first
    paid_out: str | None = None  # refunds paid out of the credit notes (default: all of them)


CASES: list[ChargeCase] = [
    ChargeCase(
        LifeCase(
            "life-refund-of-a-tip",
            6201,
            (("Teapot Glazed", "30.00"),),
            # Teapot 30.00 (VAT 30 / 6 = 5.00) + a 5.00 tip line (no VAT) = 35.00, paid.
            # The tip is refunded: 5.00 back, credit note 5.00 with no VAT, paid out.
            lambda ls, c: _spec(
                6201,
                [*ls, _tip("5.00")],
                c,
                refunds=(RefundSpec(days_after=1, lines=((1, 1),)),),
            ),
            total="35.00",
            total_tax="5.00",
            amount_paid="35.00",
            amount_due="0.00",
            status="PAID",
            credit_notes=(NoteExpect("5.00", "0.00", "0.00", "PAID"),),
        ),
        current_total_price="30.00",  # 35.00 - 5.00
        invoice_lines=(
            ("Teapot Glazed", "30.00", "200", "OUTPUT2"),
            ("Tip", "5.00", "265", "NONE"),
        ),
        note_lines=((("Refund: Tip", "5.00", "265", "NONE"),),),
    ),
    ChargeCase(
        LifeCase(
            "life-refund-of-duties-on-an-export",
            6202,
            (("Wool Blanket", "80.00"),),
            # Shipped to Boston: no UK VAT. Blanket 80.00 + shipping 15.00 + prepaid US import
            # duty 12.00 = 107.00, paid. The blanket comes back and the duty is refunded with
            # it: 80.00 + 12.00 = 92.00 back; the shipping (15.00) is kept.
            lambda ls, c: _spec(
                6202,
                ls,
                c,
                tax_exempt=True,
                address=_BOSTON,
                shipping=ShippingSpec("International", Decimal("15.00")),
                duties=Decimal("12.00"),
                refunds=(RefundSpec(days_after=4, lines=((0, 1),), duties=True),),
            ),
            total="107.00",
            total_tax="0.00",
            amount_paid="107.00",
            amount_due="0.00",
            status="PAID",
            credit_notes=(NoteExpect("92.00", "0.00", "0.00", "PAID"),),
        ),
        current_total_price="15.00",  # 107.00 - 92.00
        invoice_lines=(
            ("Wool Blanket", "80.00", "200", "ZERORATEDOUTPUT"),
            ("Shipping: International", "15.00", "200", "ZERORATEDOUTPUT"),
            ("Duties", "12.00", "266", "NONE"),
        ),
        note_lines=(
            (
                ("Refund: Wool Blanket", "80.00", "200", "ZERORATEDOUTPUT"),
                ("Refund: duties", "12.00", "266", "NONE"),
            ),
        ),
    ),
    ChargeCase(
        LifeCase(
            "life-refund-of-additional-fees",
            6203,
            (("Candle Set", "24.00"),),
            # Candle set 24.00 (VAT 24 / 6 = 4.00) + an additional fee 3.00 (no VAT) = 27.00,
            # paid; the fee is refunded on its own: 3.00 back, no VAT.
            lambda ls, c: _spec(
                6203,
                ls,
                c,
                additional_fees=Decimal("3.00"),
                refunds=(RefundSpec(days_after=2, additional_fees=True),),
            ),
            total="27.00",
            total_tax="4.00",
            amount_paid="27.00",
            amount_due="0.00",
            status="PAID",
            credit_notes=(NoteExpect("3.00", "0.00", "0.00", "PAID"),),
        ),
        current_total_price="24.00",  # 27.00 - 3.00
        invoice_lines=(
            ("Candle Set", "24.00", "200", "OUTPUT2"),
            ("Additional fees", "3.00", "266", "NONE"),
        ),
        note_lines=((("Refund: additional fees", "3.00", "266", "NONE"),),),
    ),
    ChargeCase(
        LifeCase(
            "life-cancelled-export-gives-everything-back",
            6204,
            (("Silk Scarf", "40.00"),),
            # Shipped to Boston, no UK VAT: scarf 40.00 + tip 2.00 + shipping 10.00 + duty 8.00
            # + fees 1.50 = 61.50, paid; cancelled with everything refunded in one refund:
            # 40.00 + 2.00 + 10.00 + 8.00 + 1.50 = 61.50 back, Shopify's current total 0.00.
            lambda ls, c: _spec(
                6204,
                [*ls, _tip("2.00")],
                c,
                tax_exempt=True,
                address=_BOSTON,
                shipping=ShippingSpec("Courier Intl", Decimal("10.00")),
                duties=Decimal("8.00"),
                additional_fees=Decimal("1.50"),
                refunds=(
                    RefundSpec(
                        days_after=1,
                        lines=((0, 1), (1, 1)),
                        shipping=True,
                        duties=True,
                        additional_fees=True,
                    ),
                ),
                cancel_reason="customer",
            ),
            total="61.50",
            total_tax="0.00",
            amount_paid="61.50",
            amount_due="0.00",
            status="PAID",
            credit_notes=(NoteExpect("61.50", "0.00", "0.00", "PAID"),),
        ),
        current_total_price="0.00",
        invoice_lines=(
            ("Silk Scarf", "40.00", "200", "ZERORATEDOUTPUT"),
            ("Tip", "2.00", "265", "NONE"),
            ("Shipping: Courier Intl", "10.00", "200", "ZERORATEDOUTPUT"),
            ("Duties", "8.00", "266", "NONE"),
            ("Additional fees", "1.50", "266", "NONE"),
        ),
        note_lines=(
            (
                ("Refund: Silk Scarf", "40.00", "200", "ZERORATEDOUTPUT"),
                ("Refund: Tip", "2.00", "265", "NONE"),
                ("Refund: shipping Courier Intl", "10.00", "200", "ZERORATEDOUTPUT"),
                ("Refund: duties", "8.00", "266", "NONE"),
                ("Refund: additional fees", "1.50", "266", "NONE"),
            ),
        ),
    ),
    ChargeCase(
        LifeCase(
            "life-duty-refunded-before-payment",
            6205,
            (("Tea Tin", "20.00"),),
            # Shipped to Boston, no UK VAT, paid by bank transfer later (pending): tea tin 20.00
            # + prepaid duty 4.00 = 24.00. The duty is refunded before any payment: no money
            # moves, the 4.00 credit note is allocated to the invoice, 20.00 still due.
            lambda ls, c: _spec(
                6205,
                ls,
                c,
                tax_exempt=True,
                address=_BOSTON,
                payment="pending",
                gateway="manual",
                duties=Decimal("4.00"),
                refunds=(RefundSpec(days_after=1, duties=True),),
            ),
            total="24.00",
            total_tax="0.00",
            amount_paid="0.00",
            amount_due="20.00",  # 24.00 - 4.00 credited
            status="AUTHORISED",
            credit_notes=(NoteExpect("4.00", "0.00", "0.00", "PAID"),),
        ),
        current_total_price="20.00",  # 24.00 - 4.00
        invoice_lines=(
            ("Tea Tin", "20.00", "200", "ZERORATEDOUTPUT"),
            ("Duties", "4.00", "266", "NONE"),
        ),
        note_lines=((("Refund: duties", "4.00", "266", "NONE"),),),
        paid_out="0.00",
    ),
]
