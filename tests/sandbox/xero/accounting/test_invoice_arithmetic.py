"""Xero's arithmetic on invoices, with every expected number worked out by hand in the comments.

UK organisation: OUTPUT2 is 20% (VAT on Income), account 200 Sales defaults to OUTPUT2.
Rules [xero-api-notes §6.3, §6.6, R20]: LineAmount = Qty x UnitAmount less discount, 2 dp;
tax per line, 2 dp, half away from zero, then summed.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.anyio


def line(qty: str, unit: str, **extra: Any) -> dict[str, Any]:
    return {
        "Description": "Thing",
        "Quantity": qty,
        "UnitAmount": unit,
        "AccountCode": "200",
        "TaxType": "OUTPUT2",
        **extra,
    }


async def test_exclusive_invoice_with_discount_rate(api: Any) -> None:
    contact = await api.contact()
    invoice = await api.invoice(
        contact,
        [
            line("3", "19.99"),  # 59.97, tax 11.994 -> 11.99
            line("1", "0.05"),  # 0.05, tax 0.01
            line("2", "10.00", DiscountRate="15"),  # 20.00 x 0.85 = 17.00, tax 3.40
        ],
        LineAmountTypes="Exclusive",
    )
    assert [ln["LineAmount"] for ln in invoice["LineItems"]] == [59.97, 0.05, 17.0]
    assert [ln["TaxAmount"] for ln in invoice["LineItems"]] == [11.99, 0.01, 3.4]
    assert invoice["SubTotal"] == 77.02  # 59.97 + 0.05 + 17.00
    assert invoice["TotalTax"] == 15.40  # 11.99 + 0.01 + 3.40
    assert invoice["Total"] == 92.42  # 77.02 + 15.40
    assert invoice["TotalDiscount"] == 3.00  # 20.00 - 17.00
    assert invoice["AmountDue"] == 92.42 and invoice["AmountPaid"] == 0


async def test_tax_is_rounded_per_line_then_summed(api: Any) -> None:
    contact = await api.contact()
    # Three lines of 1.03: tax 0.206 -> 0.21 each, 0.63 in all. Taxing the 3.09 subtotal
    # once would give 0.618 -> 0.62; Xero's answer is the per-line 0.63 (xero-api-notes §6.6).
    invoice = await api.invoice(contact, [line("1", "1.03") for _ in range(3)])
    assert invoice["TotalTax"] == 0.63
    assert invoice["Total"] == 3.72


async def test_inclusive_invoice_rounds_half_away_from_zero(api: Any) -> None:
    contact = await api.contact()
    invoice = await api.invoice(
        contact,
        [
            line("2", "12.99"),  # 25.98; tax 25.98 x 20/120 = 4.33
            line("1", "9.99"),  # 9.99; tax 1.665 -> 1.67 (half up, not 1.66)
            line("1", "5.00", DiscountAmount="0.50"),  # 4.50; tax 0.75
        ],
        LineAmountTypes="Inclusive",
    )
    assert [ln["TaxAmount"] for ln in invoice["LineItems"]] == [4.33, 1.67, 0.75]
    assert invoice["Total"] == 40.47  # 25.98 + 9.99 + 4.50: tax is inside
    assert invoice["TotalTax"] == 6.75  # 4.33 + 1.67 + 0.75
    assert invoice["SubTotal"] == 33.72  # 40.47 - 6.75


async def test_no_tax_invoice(api: Any) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [line("2", "10")], LineAmountTypes="NoTax")
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (20.0, 0, 20.0)


async def test_amounts_are_written_with_xero_precision(api: Any) -> None:
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        {"Type": "ACCREC", "Contact": {"ContactID": contact}, "LineItems": [line("2", "10")]},
    )
    text = response.text
    assert '"SubTotal":20.00' in text and '"Quantity":2.0000' in text
    assert '"UnitAmount":10.00' in text


async def test_unit_amount_is_rounded_to_2dp_unless_unitdp_4(api: Any) -> None:
    contact = await api.contact()
    # Default: 1.2345 -> 1.23; 3 x 1.23 = 3.69; tax 0.738 -> 0.74; total 4.43.
    two = await api.invoice(contact, [line("3", "1.2345")])
    assert two["LineItems"][0]["UnitAmount"] == 1.23 and two["Total"] == 4.43
    # unitdp=4: 3 x 1.2345 = 3.7035 -> 3.70; tax 0.74; total 4.44.
    response = await api.put(
        "/Invoices",
        "Invoices",
        {"Type": "ACCREC", "Contact": {"ContactID": contact}, "LineItems": [line("3", "1.2345")]},
        unitdp="4",
    )
    four = response.json()["Invoices"][0]
    assert four["LineItems"][0]["UnitAmount"] == 1.2345
    assert four["LineItems"][0]["LineAmount"] == 3.70 and four["Total"] == 4.44
    # Read back without unitdp: shown at 2 dp, the stored 4 dp still drives the totals.
    again = await api.get_invoice(four["InvoiceID"])
    assert again["LineItems"][0]["UnitAmount"] == 1.23 and again["Total"] == 4.44


async def test_rounding_line_to_the_rounding_account(api: Any) -> None:
    contact = await api.contact()
    # A shop's total 40.46 vs Xero's 40.47: the sync adds -0.01 to 860 Rounding (NONE tax).
    invoice = await api.invoice(
        contact,
        [
            line("1", "40.47"),
            {
                "Description": "Rounding",
                "Quantity": "1",
                "UnitAmount": "-0.01",
                "AccountCode": "860",
                "TaxType": "NONE",
            },
        ],
        LineAmountTypes="Inclusive",
    )
    assert invoice["Total"] == 40.46  # 40.47 - 0.01
    assert invoice["TotalTax"] == 6.75  # 40.47 x 20/120 = 6.745 -> 6.75; rounding line 0
    assert invoice["SubTotal"] == 33.71


async def test_line_amount_fills_in_the_missing_quantity_or_unit_amount(api: Any) -> None:
    contact = await api.contact()
    invoice = await api.invoice(
        contact,
        [
            {"Description": "Only amount", "LineAmount": "12.50", "AccountCode": "200"},
            {
                "Description": "Qty and amount",
                "Quantity": "4",
                "LineAmount": "10.00",
                "AccountCode": "200",
            },
        ],
    )
    first, second = invoice["LineItems"]
    assert (first["Quantity"], first["UnitAmount"]) == (1.0, 12.5)
    assert second["UnitAmount"] == 2.5  # 10.00 / 4
    assert invoice["SubTotal"] == 22.5


async def test_line_amount_that_contradicts_quantity_times_unit_is_refused(api: Any) -> None:
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact},
            "LineItems": [line("2", "10.00", LineAmount="25.00")],
        },
    )
    assert api.errors(response) == [
        "The line amount 25.00 does not equal Quantity x UnitAmount less discount (20.00)."
    ]


async def test_item_code_supplies_price_account_tax_and_description(api: Any) -> None:
    await api.put(
        "/Items",
        "Items",
        {
            "Code": "MUG-1",
            "Name": "Mug",
            "Description": "Blue mug",
            "SalesDetails": {"UnitPrice": "7.50", "AccountCode": "200", "TaxType": "OUTPUT2"},
        },
    )
    contact = await api.contact()
    invoice = await api.invoice(contact, [{"ItemCode": "MUG-1", "Quantity": "2"}])
    (only,) = invoice["LineItems"]
    assert (only["Description"], only["UnitAmount"], only["AccountCode"], only["TaxType"]) == (
        "Blue mug",
        7.5,
        "200",
        "OUTPUT2",
    )
    assert invoice["Total"] == 18.0  # 15.00 + 3.00 VAT


async def test_a_2dp_edit_keeps_a_stored_4dp_unit_amount(api: Any) -> None:
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        {"Type": "ACCREC", "Contact": {"ContactID": contact}, "LineItems": [line("3", "1.2345")]},
        unitdp="4",
    )
    invoice = response.json()["Invoices"][0]
    line_id = invoice["LineItems"][0]["LineItemID"]
    edited = await api.post(
        f"/Invoices/{invoice['InvoiceID']}",
        "Invoices",
        {"Reference": "edited", "LineItems": [{"LineItemID": line_id, "Description": "Renamed"}]},
    )
    assert edited.json()["Invoices"][0]["Total"] == 4.44  # still 3 x 1.2345, not 3 x 1.23


async def test_a_line_tax_amount_overrides_the_computed_tax(api: Any) -> None:
    """xero-api-notes §6.6a: an invoice line's TaxAmount replaces Xero's own figure (the tax
    type stays recorded), and the totals follow it."""
    contact = await api.contact()
    invoice = await api.invoice(
        contact,
        [
            line("1", "50.03", TaxAmount="10.00"),  # computed 50.03 x 20 % = 10.006 -> 10.01
            line("1", "10.00"),  # 2.00, computed
        ],
        LineAmountTypes="Exclusive",
    )
    assert [ln["TaxAmount"] for ln in invoice["LineItems"]] == [10.0, 2.0]
    assert [ln["TaxType"] for ln in invoice["LineItems"]] == ["OUTPUT2", "OUTPUT2"]
    assert invoice["SubTotal"] == 60.03
    assert invoice["TotalTax"] == 12.0  # 10.00 + 2.00, not 12.01
    assert invoice["Total"] == 72.03
