"""Australian corpus: a tax-inclusive shop charging GST at 10 %, Xero's AU organisation.

Arithmetic: inclusive GST on a line amount A is A x 10/110 = A/11, rounded per line to the
cent. TaxTypes: OUTPUT (GST on Income), EXEMPTOUTPUT (GST Free Income) for untaxed lines,
BASEXCLUDED for gift cards (outside GST).
"""

from __future__ import annotations

from tests.fidelity.corpus import Case, Expect, Line, Ship, Tax

INCL = "Inclusive"


def gst(price: str) -> tuple[Tax, ...]:
    return (Tax("GST", "0.1", price),)


CASES: list[Case] = [
    Case(
        "au-line-and-shipping",
        3001,
        (Line("Flat White Beans 1kg", "55.00", taxes=gst("5.00")),),  # 55 / 11 = 5.00
        # 9.95 / 11 = 0.9045 -> 0.90; total 55.00 + 9.95 = 64.95
        shipping=(Ship("Australia Post", "9.95", taxes=gst("0.90")),),
        total_price="64.95",
        total_tax="5.90",
        expect=Expect(total="64.95", total_tax="5.90", line_amount_types=INCL),
    ),
    Case(
        "au-gst-free-line",
        3002,
        (
            Line("Fresh Milk", "12.00", taxable=False),  # basic food: GST free
            Line("Keep Cup", "22.00", taxes=gst("2.00")),  # 22 / 11 = 2.00
        ),
        total_price="34.00",
        total_tax="2.00",
        expect=Expect(
            total="34.00",
            total_tax="2.00",
            line_amount_types=INCL,
            tax_types=("EXEMPTOUTPUT", "OUTPUT"),
        ),
    ),
    Case(
        "au-fixed-code-penny-split",
        3003,
        (
            # AUD 10 off 10 / 20 / 30 by weight: 1.67 / 3.33 / 5.00
            # nets 8.33 / 11 = 0.7572 -> 0.76; 16.67 / 11 = 1.5154 -> 1.52; 25.00 / 11 = 2.2727
            Line("Filter Papers", "10.00", discounts=("1.67",), taxes=gst("0.76")),
            Line("Grinder Brush", "20.00", discounts=("3.33",), taxes=gst("1.52")),
            Line("Pour Over Cone", "30.00", discounts=("5.00",), taxes=gst("2.27")),
        ),
        # 60.00 - 10.00 = 50.00; tax 0.76 + 1.52 + 2.27 = 4.55
        total_price="50.00",
        total_tax="4.55",
        expect=Expect(total="50.00", total_tax="4.55", line_amount_types=INCL),
    ),
    Case(
        "au-three-decimal-unit-price",
        3004,
        # 16 x 0.375 = 6.00; 6 / 11 = 0.5454 -> 0.55 (UnitAmount 0.38 would make 6.08)
        (Line("Sugar Stick", "0.375", qty=16, taxes=gst("0.55")),),
        total_price="6.00",
        total_tax="0.55",
        expect=Expect(
            total="6.00", total_tax="0.55", line_amount_types=INCL, unit_amounts=("0.375",)
        ),
    ),
    Case(
        "au-tax-exempt-customer-zero-tax-lines",
        3005,
        # An exempt customer: Shopify keeps the GST line at 0.00
        (Line("Cafe Syrup 6 pack", "33.00", taxes=gst("0.00")),),
        tax_exempt=True,
        total_price="33.00",
        total_tax="0.00",
        expect=Expect(total="33.00", total_tax="0.00", line_amount_types="NoTax"),
    ),
    Case(
        "au-100-lines",
        3006,
        # 100 x 2.20 = 220.00; each 2.20 / 11 = 0.20; 100 x 0.20 = 20.00
        tuple(Line(f"Sticker {n:03d}", "2.20", taxes=gst("0.20")) for n in range(100)),
        total_price="220.00",
        total_tax="20.00",
        expect=Expect(total="220.00", total_tax="20.00", line_amount_types=INCL),
    ),
    Case(
        "au-shipping-discount",
        3007,
        (Line("Milk Jug", "44.00", taxes=gst("4.00")),),  # 44 / 11 = 4.00
        # 15.00 - 5.00 = 10.00; 10 / 11 = 0.9090 -> 0.91
        shipping=(Ship("Express", "15.00", discounts=("5.00",), taxes=gst("0.91")),),
        total_price="54.00",
        total_tax="4.91",
        expect=Expect(total="54.00", total_tax="4.91", line_amount_types=INCL),
    ),
    Case(
        "au-gift-card-sale",
        3008,
        (
            Line("Gift Card", "50.00", taxable=False, gift_card=True),
            Line("Tamper", "11.00", taxes=gst("1.00")),  # 11 / 11 = 1.00
        ),
        total_price="61.00",
        total_tax="1.00",
        expect=Expect(
            total="61.00",
            total_tax="1.00",
            line_amount_types=INCL,
            accounts=("815", "200"),
            tax_types=("BASEXCLUDED", "OUTPUT"),
        ),
    ),
    Case(
        "au-exclusive-wholesale",
        3009,
        # ex GST: 3 x 19.99 = 59.97; 59.97 x 10 % = 5.997 -> 6.00
        (Line("Wholesale Beans", "19.99", qty=3, taxes=gst("6.00")),),
        taxes_included=False,
        total_price="65.97",
        total_tax="6.00",
        expect=Expect(total="65.97", total_tax="6.00", line_amount_types="Exclusive"),
    ),
    Case(
        "au-percentage-on-one-line",
        3010,
        # 25 % automatic on one line: 4 x 12.95 = 51.80 - 12.95 = 38.85; 38.85 / 11 = 3.5318
        (Line("Cold Brew Bag", "12.95", qty=4, discounts=("12.95",), taxes=gst("3.53")),),
        total_price="38.85",
        total_tax="3.53",
        expect=Expect(total="38.85", total_tax="3.53", line_amount_types=INCL),
    ),
    Case(
        "au-export-to-nz-gst-free",
        3011,
        # Shipped to Auckland: Shopify charges no GST on an export, and Xero files it as a
        # GST-free export (EXEMPTEXPORT, BAS G2), not an ordinary GST-free sale (G3). 45.00 +
        # 15.00 shipping = 60.00, no tax.
        (Line("Merino Beanie", "45.00"),),
        shipping=(Ship("Australia Post International", "15.00"),),
        total_price="60.00",
        total_tax="0.00",
        ship_to="NZ",
        expect=Expect(
            total="60.00",
            total_tax="0.00",
            line_amount_types="NoTax",  # nothing charged tax; the lines still carry their type
            tax_types=("EXEMPTEXPORT", "EXEMPTEXPORT"),
        ),
    ),
]
