"""New Zealand corpus: a tax-inclusive shop charging GST at 15 %, Xero's NZ organisation.

Arithmetic: inclusive GST on a line amount A is A x 15/115 = A x 3/23, rounded per line to the
cent. TaxTypes: OUTPUT2 (15 % GST on Income), NONE (No GST) for untaxed lines and gift cards.
"""

from __future__ import annotations

from tests.fidelity.corpus import Case, Expect, Line, Ship, Tax

INCL = "Inclusive"


def gst(price: str) -> tuple[Tax, ...]:
    return (Tax("GST", "0.15", price),)


CASES: list[Case] = [
    Case(
        "nz-line-and-shipping",
        4001,
        (Line("Merino Beanie", "115.00", taxes=gst("15.00")),),  # 115 x 3 / 23 = 15.00
        # 8.05 x 3 / 23 = 1.05; total 115.00 + 8.05 = 123.05
        shipping=(Ship("NZ Post", "8.05", taxes=gst("1.05")),),
        total_price="123.05",
        total_tax="16.05",
        expect=Expect(total="123.05", total_tax="16.05", line_amount_types=INCL),
    ),
    Case(
        "nz-percentage-code",
        4002,
        # 15 %: 2 x 29.90 = 59.80 - 8.97 = 50.83; 50.83 x 3 / 23 = 6.62999 -> 6.63
        (Line("Possum Socks", "29.90", qty=2, discounts=("8.97",), taxes=gst("6.63")),),
        total_price="50.83",
        total_tax="6.63",
        expect=Expect(total="50.83", total_tax="6.63", line_amount_types=INCL),
    ),
    Case(
        "nz-fixed-code-and-free-shipping-code",
        4003,
        # 46.00 - 5.00 = 41.00; 41 x 3 / 23 = 5.3478 -> 5.35
        (Line("Wool Scarf", "46.00", discounts=("5.00",), taxes=gst("5.35")),),
        # shipping 7.00 fully discounted: no tax, no line
        shipping=(Ship("Courier", "7.00", discounts=("7.00",), taxes=gst("0.00")),),
        total_price="41.00",
        total_tax="5.35",
        expect=Expect(total="41.00", total_tax="5.35", line_amount_types=INCL),
    ),
    Case(
        "nz-tax-exempt-customer",
        4004,
        (Line("Export Blanket", "69.00", taxes=()),),
        tax_exempt=True,
        total_price="69.00",
        total_tax="0.00",
        expect=Expect(total="69.00", total_tax="0.00", line_amount_types="NoTax"),
    ),
    Case(
        "nz-untaxed-line",
        4005,
        (
            Line("Donation", "10.00", taxable=False),
            Line("Hat", "23.00", taxes=gst("3.00")),  # 23 x 3 / 23 = 3.00
        ),
        total_price="33.00",
        total_tax="3.00",
        expect=Expect(
            total="33.00", total_tax="3.00", line_amount_types=INCL, tax_types=("NONE", "OUTPUT2")
        ),
    ),
    Case(
        "nz-presentment-aud",
        4006,
        # Paid in AUD 50.00 each, invoiced in NZD: 2 x 54.35 = 108.70; x 3 / 23 = 14.178 -> 14.18
        (Line("Gloves", "54.35", qty=2, taxes=gst("14.18"), presentment_price="50.00"),),
        presentment_currency="AUD",
        total_price="108.70",
        total_tax="14.18",
        expect=Expect(total="108.70", total_tax="14.18", line_amount_types=INCL),
    ),
    Case(
        "nz-100-lines",
        4007,
        # 50 x 3.45 (x 3 / 23 = 0.45) and 50 x 5.75 (0.75): 172.50 + 287.50 = 460.00;
        # tax 50 x 0.45 + 50 x 0.75 = 22.50 + 37.50 = 60.00
        tuple(
            Line(f"Badge {n:03d}", "3.45", taxes=gst("0.45"))
            if n % 2 == 0
            else Line(f"Patch {n:03d}", "5.75", taxes=gst("0.75"))
            for n in range(100)
        ),
        total_price="460.00",
        total_tax="60.00",
        expect=Expect(total="460.00", total_tax="60.00", line_amount_types=INCL),
    ),
    Case(
        "nz-exclusive-trade",
        4008,
        # ex GST: 4 x 12.50 = 50.00 -> 7.50; shipping 10.00 -> 1.50; 50 + 10 + 9 = 69.00
        (Line("Trade Yarn", "12.50", qty=4, taxes=gst("7.50")),),
        shipping=(Ship("Freight", "10.00", taxes=gst("1.50")),),
        taxes_included=False,
        total_price="69.00",
        total_tax="9.00",
        expect=Expect(total="69.00", total_tax="9.00", line_amount_types="Exclusive"),
    ),
    Case(
        "nz-three-decimal-unit-price",
        4009,
        # 8 x 0.625 = 5.00; 5 x 3 / 23 = 0.6521 -> 0.65 (UnitAmount 0.63 would make 5.04)
        (Line("Button", "0.625", qty=8, taxes=gst("0.65")),),
        total_price="5.00",
        total_tax="0.65",
        expect=Expect(
            total="5.00", total_tax="0.65", line_amount_types=INCL, unit_amounts=("0.625",)
        ),
    ),
    Case(
        "nz-gift-card-only",
        4010,
        # A gift card alone: no GST anywhere -> NoTax; liability account, NONE
        (Line("Gift Card", "20.00", taxable=False, gift_card=True),),
        total_price="20.00",
        total_tax="0.00",
        expect=Expect(
            total="20.00",
            total_tax="0.00",
            line_amount_types="NoTax",
            accounts=("815",),
            tax_types=("NONE",),
        ),
    ),
]
