"""US corpus: a shop whose prices exclude sales tax, Xero's US organisation.

California orders carry three Shopify tax lines (state 6 %, Los Angeles County 0.25 %, city
1 %), each rounded on its own by Shopify; Xero has one combined 7.25 % rate (TAX001, "CA Sales
Tax") and rounds once per line: line amount x 7.25 %. Texas is one 6.25 % line (TAX003).
New York is two lines (state 4 %, county 4.875 %) against Xero's 8.875 % TAX002. Untaxed
lines, exempt customers and gift cards use NONE. Where Shopify's separate roundings add up to a
cent more or less than Xero's one rounding of the line, the line carries Shopify's tax as its
TaxAmount (xero-api-notes §6.6a), so Xero's TotalTax is what Shopify charged, to the cent, and
no rounding line is needed.
"""

from __future__ import annotations

from tests.fidelity.corpus import Case, Expect, Line, Ship, Tax

EXCL = "Exclusive"


def ca(state: str, county: str, city: str) -> tuple[Tax, ...]:
    return (
        Tax("California State Tax", "0.06", state),
        Tax("Los Angeles County Tax", "0.0025", county),
        Tax("Los Angeles City Tax", "0.01", city),
    )


def ny(state: str, county: str) -> tuple[Tax, ...]:
    return (Tax("New York State Tax", "0.04", state), Tax("New York County Tax", "0.04875", county))


def tx(price: str) -> tuple[Tax, ...]:
    return (Tax("Texas State Tax", "0.0625", price),)


CASES: list[Case] = [
    Case(
        "us-ca-three-tax-lines-untaxed-shipping",
        5001,
        # 19.99: 6 % 1.1994 -> 1.20; 0.25 % 0.049975 -> 0.05; 1 % 0.1999 -> 0.20; = 1.45
        # Xero: 19.99 x 7.25 % = 1.449275 -> 1.45 (same)
        (Line("Surfboard Wax", "19.99", taxes=ca("1.20", "0.05", "0.20")),),
        shipping=(Ship("USPS Ground", "5.00"),),  # shipping untaxed in CA
        # 19.99 + 5.00 + 1.45 = 26.44
        taxes_included=False,
        total_price="26.44",
        total_tax="1.45",
        expect=Expect(
            total="26.44", total_tax="1.45", line_amount_types=EXCL, tax_types=("TAX001", "NONE")
        ),
    ),
    Case(
        "us-ca-rounding-differs-by-a-cent",
        5002,
        # 10.10: 6 % 0.606 -> 0.61; 0.25 % 0.02525 -> 0.03; 1 % 0.101 -> 0.10; = 0.74
        # Xero alone: 10.10 x 7.25 % = 0.73225 -> 0.73; the line says TaxAmount 0.74 instead,
        # so TotalTax 0.74 and Total 10.10 + 0.74 = 10.84, with no rounding line
        (Line("Fin Key", "10.10", taxes=ca("0.61", "0.03", "0.10")),),
        taxes_included=False,
        total_price="10.84",
        total_tax="0.74",
        expect=Expect(
            total="10.84", total_tax="0.74", line_amount_types=EXCL, line_taxes=("0.74",)
        ),
    ),
    Case(
        "us-tx-single-rate",
        5003,
        # 2 x 24.99 = 49.98 x 6.25 % = 3.12375 -> 3.12; total 53.10
        (Line("BBQ Rub", "24.99", qty=2, taxes=tx("3.12")),),
        taxes_included=False,
        total_price="53.10",
        total_tax="3.12",
        ship_to="US-TX",
        # The org also has TAX004 at 6.25 % (Massachusetts), mapped by place only: Texas keeps
        # TAX003.
        expect=Expect(
            total="53.10", total_tax="3.12", line_amount_types=EXCL, tax_types=("TAX003",)
        ),
    ),
    Case(
        "us-tax-exempt-customer",
        5004,
        (Line("Reseller Boards", "100.00", taxes=()),),
        tax_exempt=True,
        taxes_included=False,
        total_price="100.00",
        total_tax="0.00",
        expect=Expect(total="100.00", total_tax="0.00", line_amount_types="NoTax"),
    ),
    Case(
        "us-tx-fixed-code-penny-split",
        5005,
        (
            # USD 10 off 3 x 15.00: 3.34 / 3.33 / 3.33 -> nets 11.66, 11.67, 11.67
            # 11.66 x 6.25 % = 0.72875 -> 0.73; 11.67 x 6.25 % = 0.729375 -> 0.73
            Line("Hot Sauce A", "15.00", discounts=("3.34",), taxes=tx("0.73")),
            Line("Hot Sauce B", "15.00", discounts=("3.33",), taxes=tx("0.73")),
            Line("Hot Sauce C", "15.00", discounts=("3.33",), taxes=tx("0.73")),
        ),
        # 45.00 - 10.00 + 2.19 = 37.19
        taxes_included=False,
        total_price="37.19",
        total_tax="2.19",
        expect=Expect(total="37.19", total_tax="2.19", line_amount_types=EXCL),
    ),
    Case(
        "us-tx-100-percent-discount-taxed-shipping",
        5006,
        # 25.00 - 25.00 = 0.00, tax line kept at 0.00
        (Line("Promo Tee", "25.00", discounts=("25.00",), taxes=tx("0.00")),),
        # TX taxes shipping: 4.99 x 6.25 % = 0.311875 -> 0.31; total 4.99 + 0.31 = 5.30
        shipping=(Ship("UPS", "4.99", taxes=tx("0.31")),),
        taxes_included=False,
        total_price="5.30",
        total_tax="0.31",
        expect=Expect(total="5.30", total_tax="0.31", line_amount_types=EXCL),
    ),
    Case(
        "us-tx-three-decimal-unit-price",
        5007,
        # 8 x 0.625 = 5.00 x 6.25 % = 0.3125 -> 0.31; total 5.31
        (Line("Washer", "0.625", qty=8, taxes=tx("0.31")),),
        taxes_included=False,
        total_price="5.31",
        total_tax="0.31",
        expect=Expect(
            total="5.31", total_tax="0.31", line_amount_types=EXCL, unit_amounts=("0.625",)
        ),
    ),
    Case(
        "us-ca-100-lines-rounding",
        5008,
        # 50 x 10.10 (Shopify 0.74, Xero alone 0.73) and 50 x 19.99 (both 1.45):
        # Shopify tax 50 x 0.74 + 50 x 1.45 = 37.00 + 72.50 = 109.50; the 10.10 lines carry
        # TaxAmount 0.74, so Xero's TotalTax is 109.50 too (alone it would be 109.00, and a
        # rounding line of 0.50 would have closed the total)
        # total 505.00 + 999.50 + 109.50 = 1614.00
        tuple(
            Line(f"Fin Key {n:03d}", "10.10", taxes=ca("0.61", "0.03", "0.10"))
            if n % 2 == 0
            else Line(f"Wax {n:03d}", "19.99", taxes=ca("1.20", "0.05", "0.20"))
            for n in range(100)
        ),
        taxes_included=False,
        total_price="1614.00",
        total_tax="109.50",
        expect=Expect(
            total="1614.00",
            total_tax="109.50",
            line_amount_types=EXCL,
            line_taxes=("0.74", "1.45") * 50,
        ),
    ),
    Case(
        "us-presentment-cad",
        5009,
        # Paid CAD 50.00, invoiced in USD 36.80; 36.80 x 6.25 % = 2.30; total 39.10
        (Line("Cowboy Hat", "36.80", taxes=tx("2.30"), presentment_price="50.00"),),
        presentment_currency="CAD",
        taxes_included=False,
        total_price="39.10",
        total_tax="2.30",
        expect=Expect(total="39.10", total_tax="2.30", line_amount_types=EXCL),
    ),
    Case(
        "us-gift-card-sale",
        5010,
        (
            Line("Gift Card", "100.00", taxable=False, gift_card=True),
            Line("Koozie", "10.00", taxes=tx("0.63")),  # 10 x 6.25 % = 0.625 -> 0.63
        ),
        taxes_included=False,
        total_price="110.63",
        total_tax="0.63",
        expect=Expect(
            total="110.63",
            total_tax="0.63",
            line_amount_types=EXCL,
            accounts=("235", "400"),
            tax_types=("NONE", "TAX003"),
        ),
    ),
    Case(
        "us-free-shipping-code",
        5011,
        (Line("Boots Polish", "40.00", taxes=tx("2.50")),),  # 40 x 6.25 % = 2.50
        shipping=(Ship("UPS", "7.99", discounts=("7.99",), taxes=tx("0.00")),),
        taxes_included=False,
        total_price="42.50",
        total_tax="2.50",
        expect=Expect(total="42.50", total_tax="2.50", line_amount_types=EXCL),
    ),
    Case(
        "us-tx-taxed-shipping",
        5012,
        (Line("Lasso", "20.00", taxes=tx("1.25")),),  # 20 x 6.25 % = 1.25
        shipping=(Ship("UPS", "8.00", taxes=tx("0.50")),),  # 8 x 6.25 % = 0.50
        # 20.00 + 8.00 + 1.75 = 29.75
        taxes_included=False,
        total_price="29.75",
        total_tax="1.75",
        expect=Expect(total="29.75", total_tax="1.75", line_amount_types=EXCL),
    ),
    Case(
        "us-line-level-automatic-discount",
        5013,
        (
            # 10 % automatic: 2 x 30.00 = 60.00 - 6.00 = 54.00 x 6.25 % = 3.375 -> 3.38
            Line("Spurs", "30.00", qty=2, discounts=("6.00",), taxes=tx("3.38")),
            Line("Bandana", "12.00", taxes=tx("0.75")),  # 12 x 6.25 % = 0.75
        ),
        # 54.00 + 12.00 + 4.13 = 70.13
        taxes_included=False,
        total_price="70.13",
        total_tax="4.13",
        expect=Expect(total="70.13", total_tax="4.13", line_amount_types=EXCL),
    ),
    Case(
        "us-ca-county-rounds-to-zero",
        5014,
        # 0.99: 6 % 0.0594 -> 0.06; 0.25 % 0.002475 -> 0.00; 1 % 0.0099 -> 0.01; = 0.07
        # Xero: 0.99 x 7.25 % = 0.071775 -> 0.07; the 0.00 county line still counts (7.25 %)
        (Line("Sticker", "0.99", taxes=ca("0.06", "0.00", "0.01")),),
        taxes_included=False,
        total_price="1.06",
        total_tax="0.07",
        expect=Expect(
            total="1.06", total_tax="0.07", line_amount_types=EXCL, tax_types=("TAX001",)
        ),
    ),
    Case(
        "us-tip-as-a-line",
        5015,
        (
            Line("Brisket Plate", "20.00", taxes=tx("1.25")),  # 20 x 6.25 % = 1.25
            Line("Tip", "3.00", taxable=False, no_product=True),  # to the tips account
        ),
        # 20.00 + 3.00 + 1.25 = 24.25
        taxes_included=False,
        total_price="24.25",
        total_tax="1.25",
        expect=Expect(
            total="24.25",
            total_tax="1.25",
            line_amount_types=EXCL,
            accounts=("400", "465"),
            tax_types=("TAX003", "NONE"),
        ),
    ),
    Case(
        "us-duties-and-fees",
        5016,
        (Line("Saddle Bag", "50.00", taxes=tx("3.13")),),  # 50 x 6.25 % = 3.125 -> 3.13
        # + duties 7.50 + additional fees 2.00: 50.00 + 3.13 + 7.50 + 2.00 = 62.63
        extra={"duties": "7.50", "fees": "2.00"},
        taxes_included=False,
        total_price="62.63",
        total_tax="3.13",
        expect=Expect(
            total="62.63",
            total_tax="3.13",
            line_amount_types=EXCL,
            accounts=("400", "466", "466"),
            tax_types=("TAX003", "NONE", "NONE"),
        ),
    ),
    Case(
        "us-ma-same-rate-as-texas-mapped-by-place",
        5017,
        # Shipped to Massachusetts: 6.25 % like Texas, but filed under MA's own TaxType, chosen
        # by SHOPXERO_TAX_TYPE_MAP {"US-MA:*": "TAX004"} (issue 5: country/province keys).
        # 40.00 x 6.25 % = 2.50; shipping 10.00 untaxed (MA: separately stated delivery);
        # total 40.00 + 10.00 + 2.50 = 52.50
        (Line("Lobster Bib", "40.00", taxes=(Tax("Massachusetts State Tax", "0.0625", "2.50"),)),),
        shipping=(Ship("USPS Priority", "10.00"),),
        taxes_included=False,
        total_price="52.50",
        total_tax="2.50",
        ship_to="US-MA",
        expect=Expect(
            total="52.50", total_tax="2.50", line_amount_types=EXCL, tax_types=("TAX004", "NONE")
        ),
    ),
    Case(
        "us-ny-state-and-county-rounded-apart",
        5018,
        # Issue 16 §7: two exclusive tax lines per line, each rounded by Shopify on its own.
        # Espresso Machine 113.30: 4 % = 4.532 -> 4.53; 4.875 % = 5.523375 -> 5.52; = 10.05
        #   Xero alone: 113.30 x 8.875 % = 10.055375 -> 10.06 (a cent more)
        # Descaler 5.00: 4 % = 0.20; 4.875 % = 0.24375 -> 0.24; = 0.44
        #   Xero alone: 5.00 x 8.875 % = 0.44375 -> 0.44 (the same)
        # Shopify total_tax 10.05 + 0.44 = 10.49; Xero alone would say 10.06 + 0.44 = 10.50.
        # The machine's line carries TaxAmount 10.05: TotalTax 10.49, what Shopify charged;
        # Total 113.30 + 5.00 + 10.49 = 128.79, with no rounding line.
        (
            Line("Espresso Machine", "113.30", taxes=ny("4.53", "5.52")),
            Line("Descaler", "5.00", taxes=ny("0.20", "0.24")),
        ),
        taxes_included=False,
        total_price="128.79",
        total_tax="10.49",
        ship_to="US-NY",
        expect=Expect(
            total="128.79",
            total_tax="10.49",
            line_amount_types=EXCL,
            line_taxes=("10.05", "0.44"),
            tax_types=("TAX002", "TAX002"),
        ),
    ),
]
