"""UK corpus: a tax-inclusive shop charging VAT at 20 % (5 % reduced), Xero's UK organisation.

Arithmetic: inclusive VAT on a line amount A is A x 20/120 = A/6, rounded per line to the penny
(Shopify per line, Xero per line: xero-api-notes §6.6). Totals are the lines' amounts (tax is
inside them). TaxTypes: OUTPUT2 20 %, RROUTPUT 5 %, ZERORATEDOUTPUT for untaxed lines, NONE for
gift cards (outside VAT).
"""

from __future__ import annotations

from tests.fidelity.corpus import Case, Expect, Line, Ship, Tax

INCL = "Inclusive"


def vat(price: str, rate: str = "0.2") -> tuple[Tax, ...]:
    return (Tax("VAT", rate, price),)


CASES: list[Case] = [
    Case(
        "gb-single-line",
        2001,
        # 24.00 / 6 = 4.00
        (Line("Assam Tea 250g", "24.00", taxes=vat("4.00")),),
        total_price="24.00",
        total_tax="4.00",
        expect=Expect(total="24.00", total_tax="4.00", line_amount_types=INCL),
    ),
    Case(
        "gb-two-lines-and-shipping",
        2002,
        (
            # 2 x 12.50 = 25.00; 25.00 / 6 = 4.1666 -> 4.17
            Line("Earl Grey 100g", "12.50", qty=2, taxes=vat("4.17")),
            # 8.99 / 6 = 1.4983 -> 1.50
            Line("Tea Strainer", "8.99", taxes=vat("1.50")),
        ),
        # shipping 4.95 / 6 = 0.825 -> 0.83; total 25.00 + 8.99 + 4.95 = 38.94
        shipping=(Ship("Royal Mail 2nd", "4.95", taxes=vat("0.83")),),
        total_price="38.94",
        total_tax="6.50",
        expect=Expect(total="38.94", total_tax="6.50", line_amount_types=INCL),
    ),
    Case(
        "gb-fixed-code-penny-split",
        2003,
        (
            # GBP 5 off split 1.67 / 1.67 / 1.66: nets 8.33, 8.33, 8.34
            # 8.33 / 6 = 1.3883 -> 1.39; 8.34 / 6 = 1.39
            Line("Mug Red", "10.00", discounts=("1.67",), taxes=vat("1.39")),
            Line("Mug Blue", "10.00", discounts=("1.67",), taxes=vat("1.39")),
            Line("Mug Green", "10.00", discounts=("1.66",), taxes=vat("1.39")),
        ),
        # 30.00 - 5.00 = 25.00; tax 1.39 x 3 = 4.17
        total_price="25.00",
        total_tax="4.17",
        discount_codes=("FIVEOFF",),
        expect=Expect(total="25.00", total_tax="4.17", line_amount_types=INCL),
    ),
    Case(
        "gb-percentage-code",
        2004,
        (
            # 10 %: 2 x 15.00 = 30.00 - 3.00 = 27.00; 27 / 6 = 4.50
            Line("Matcha Tin", "15.00", qty=2, discounts=("3.00",), taxes=vat("4.50")),
            # 7.50 - 0.75 = 6.75; 6.75 / 6 = 1.125 -> 1.13
            Line("Honey Sticks", "7.50", discounts=("0.75",), taxes=vat("1.13")),
        ),
        total_price="33.75",
        total_tax="5.63",
        expect=Expect(total="33.75", total_tax="5.63", line_amount_types=INCL),
    ),
    Case(
        "gb-line-level-automatic-discount",
        2005,
        (
            # buy 3 pay 2 on one line: 15.00 - 5.00 = 10.00; 10 / 6 = 1.6666 -> 1.67
            Line("Biscuits", "5.00", qty=3, discounts=("5.00",), taxes=vat("1.67")),
            # 20.00 / 6 = 3.3333 -> 3.33
            Line("Teapot", "20.00", taxes=vat("3.33")),
        ),
        total_price="30.00",
        total_tax="5.00",
        expect=Expect(total="30.00", total_tax="5.00", line_amount_types=INCL),
    ),
    Case(
        "gb-shipping-discount",
        2006,
        # 18.00 / 6 = 3.00
        (Line("Oolong 100g", "18.00", taxes=vat("3.00")),),
        # 50 % off shipping: 6.00 - 3.00 = 3.00; 3.00 / 6 = 0.50
        shipping=(Ship("Courier", "6.00", discounts=("3.00",), taxes=vat("0.50")),),
        total_price="21.00",
        total_tax="3.50",
        expect=Expect(total="21.00", total_tax="3.50", line_amount_types=INCL),
    ),
    Case(
        "gb-free-shipping-rate",
        2007,
        (Line("Rooibos 100g", "12.00", taxes=vat("2.00")),),  # 12 / 6 = 2.00
        shipping=(Ship("Free shipping", "0.00"),),  # costs nothing: no Xero line
        total_price="12.00",
        total_tax="2.00",
        expect=Expect(total="12.00", total_tax="2.00", line_amount_types=INCL),
    ),
    Case(
        "gb-free-shipping-code-and-percentage",
        2008,
        # 10 %: 40.00 - 4.00 = 36.00; 36 / 6 = 6.00
        (Line("Gift Box", "20.00", qty=2, discounts=("4.00",), taxes=vat("6.00")),),
        # FREESHIP: 4.95 - 4.95 = 0.00, no tax, no Xero line
        shipping=(Ship("Royal Mail 1st", "4.95", discounts=("4.95",), taxes=vat("0.00")),),
        total_price="36.00",
        total_tax="6.00",
        expect=Expect(total="36.00", total_tax="6.00", line_amount_types=INCL),
    ),
    Case(
        "gb-100-percent-discount-with-shipping",
        2009,
        # 9.99 - 9.99 = 0.00, VAT 0.00
        (Line("Sample Tin", "9.99", discounts=("9.99",), taxes=vat("0.00")),),
        # 4.20 / 6 = 0.70
        shipping=(Ship("Royal Mail 2nd", "4.20", taxes=vat("0.70")),),
        total_price="4.20",
        total_tax="0.70",
        expect=Expect(total="4.20", total_tax="0.70", line_amount_types=INCL),
    ),
    Case(
        "gb-tax-exempt-customer",
        2010,
        (Line("Bulk Assam 1kg", "20.00", taxes=()),),
        tax_exempt=True,
        total_price="20.00",
        total_tax="0.00",
        # Nothing taxed: NoTax, total = 20.00
        expect=Expect(total="20.00", total_tax="0.00", line_amount_types="NoTax"),
    ),
    Case(
        "gb-untaxed-line",
        2011,
        (
            Line("Cup", "10.00", taxes=vat("1.67")),  # 10 / 6 = 1.6666 -> 1.67
            Line("Tea Book", "8.00", taxable=False),  # books are zero-rated
        ),
        total_price="18.00",
        total_tax="1.67",
        expect=Expect(
            total="18.00",
            total_tax="1.67",
            line_amount_types=INCL,
            tax_types=("OUTPUT2", "ZERORATEDOUTPUT"),
        ),
    ),
    Case(
        "gb-reduced-rate-line",
        2012,
        (
            # 5 %: 42.00 x 5 / 105 = 2.00
            Line("Child Car Seat", "42.00", taxes=vat("2.00", "0.05")),
            Line("Flask", "12.00", taxes=vat("2.00")),  # 12 / 6 = 2.00
        ),
        total_price="54.00",
        total_tax="4.00",
        expect=Expect(
            total="54.00",
            total_tax="4.00",
            line_amount_types=INCL,
            tax_types=("RROUTPUT", "OUTPUT2"),
        ),
    ),
    Case(
        "gb-gift-card-sale",
        2013,
        (
            Line("Gift Card", "25.00", taxable=False, gift_card=True, product_type="Gift card"),
            Line("Caddy", "10.00", taxes=vat("1.67")),  # 10 / 6 = 1.67
        ),
        total_price="35.00",
        total_tax="1.67",
        # The gift card is a liability (815), outside VAT (NONE)
        expect=Expect(
            total="35.00",
            total_tax="1.67",
            line_amount_types=INCL,
            accounts=("815", "200"),
            tax_types=("NONE", "OUTPUT2"),
        ),
    ),
    Case(
        "gb-three-decimal-unit-price",
        2014,
        # 40 x 0.125 = 5.00; 5 / 6 = 0.8333 -> 0.83. (UnitAmount 0.13 would make 5.20.)
        (Line("Tea Bag (single)", "0.125", qty=40, taxes=vat("0.83")),),
        total_price="5.00",
        total_tax="0.83",
        expect=Expect(
            total="5.00", total_tax="0.83", line_amount_types=INCL, unit_amounts=("0.125",)
        ),
    ),
    Case(
        "gb-100-lines",
        2015,
        # 100 x 1.99 = 199.00; each 1.99 / 6 = 0.3316 -> 0.33; 100 x 0.33 = 33.00
        tuple(Line(f"Pick n Mix {n:03d}", "1.99", taxes=vat("0.33")) for n in range(100)),
        total_price="199.00",
        total_tax="33.00",
        expect=Expect(total="199.00", total_tax="33.00", line_amount_types=INCL),
    ),
    Case(
        "gb-presentment-eur",
        2016,
        # Paid in EUR (25.00 each), invoiced in the shop's GBP at Shopify's rate 0.86:
        # 2 x 21.50 = 43.00; 43 / 6 = 7.1666 -> 7.17
        (Line("Samovar Cup", "21.50", qty=2, taxes=vat("7.17"), presentment_price="25.00"),),
        # 4.30 / 6 = 0.7166 -> 0.72
        shipping=(Ship("EU Tracked", "4.30", taxes=vat("0.72")),),
        presentment_currency="EUR",
        total_price="47.30",
        total_tax="7.89",
        expect=Expect(total="47.30", total_tax="7.89", line_amount_types=INCL),
    ),
    Case(
        "gb-accounts-by-product-type-and-sku",
        2017,
        (
            Line("Ribbon", "3.00", taxes=vat("0.50"), product_type="Gift wrap"),  # -> 260
            Line("Sampler", "15.00", taxes=vat("2.50"), sku="SAMPLER"),  # -> 260 by SKU
            Line("Spoon", "6.00", taxes=vat("1.00")),  # -> 200 sales
        ),
        # shipping 3.60 / 6 = 0.60 -> 200 (the chart has no shipping account)
        shipping=(Ship("Royal Mail 2nd", "3.60", taxes=vat("0.60")),),
        total_price="27.60",
        total_tax="4.60",
        expect=Expect(
            total="27.60",
            total_tax="4.60",
            line_amount_types=INCL,
            accounts=("260", "260", "200", "200"),
        ),
    ),
    Case(
        "gb-exclusive-b2b",
        2018,
        # Prices without VAT: 2 x 50.00 = 100.00 -> VAT 20.00
        (Line("Catering Tea 5kg", "50.00", qty=2, taxes=vat("20.00")),),
        shipping=(Ship("Pallet", "10.00", taxes=vat("2.00")),),  # 10.00 x 20 % = 2.00
        taxes_included=False,
        # 100.00 + 10.00 + 22.00 = 132.00
        total_price="132.00",
        total_tax="22.00",
        expect=Expect(total="132.00", total_tax="22.00", line_amount_types="Exclusive"),
    ),
    Case(
        "gb-zero-total-order",
        2019,
        # 100 % off, no shipping: 15.00 - 15.00 = 0.00, nothing owed
        (Line("Press Sample", "15.00", discounts=("15.00",), taxes=vat("0.00")),),
        total_price="0.00",
        total_tax="0.00",
        expect=Expect(total="0.00", total_tax="0.00", line_amount_types="NoTax"),
    ),
    Case(
        "gb-tip-not-a-line",
        2020,
        (Line("Afternoon Tea for Two", "10.00", taxes=vat("1.67")),),  # 10 / 6 = 1.67
        # a 2.00 tip outside the lines, outside VAT: total 10.00 + 2.00 = 12.00
        extra={"tip": "2.00"},
        total_price="12.00",
        total_tax="1.67",
        expect=Expect(
            total="12.00",
            total_tax="1.67",
            line_amount_types=INCL,
            accounts=("200", "265"),
            tax_types=("OUTPUT2", "NONE"),
        ),
    ),
    Case(
        "gb-export-with-duties",
        2021,
        # Exported to Switzerland, zero-rated; the buyer prepaid 6.20 import duty: 46.20
        (Line("Tea Hamper", "40.00", taxable=False),),
        extra={"duties": "6.20"},
        total_price="46.20",
        total_tax="0.00",
        expect=Expect(
            total="46.20", total_tax="0.00", line_amount_types="NoTax", accounts=("200", "266")
        ),
    ),
]
