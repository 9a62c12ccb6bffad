"""A line's tax as Shopify charged it (issue 16 §7, xero-api-notes §6.6a): pure mapping.

New York, prices without tax: a state line (4 %) and a county line (4.875 %) per order line,
each rounded by Shopify on its own, against Xero's one 8.875 % rate (TAX002 of a new US
organisation) rounded once per line. Every figure is worked out by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.sandbox.seeds.xero_defaults import default_tax_rates
from shopxero.shopify.models import parse_order
from shopxero.translate import ROUNDING_DESCRIPTION, MappingOptions, TaxResolver
from shopxero.translate.credit_notes import (
    ADJUSTMENT_DESCRIPTION,
    credit_note_from_refund,
    credit_total,
)
from shopxero.translate.invoices import invoice_from_order, tax_adjustment_note
from shopxero.translate.totals import predict_totals

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

OPTIONS = MappingOptions(
    sales_account="400", shipping_account="400", rounding_account="260", shop_timezone="UTC"
)
TAX = TaxResolver.from_xero(default_tax_rates("US"), {}, country="US")
NY_ADDRESS = {"country_code": "US", "province_code": "NY"}


def _ny(state: str, county: str) -> list[dict[str, Any]]:
    return [
        {"title": "New York State Tax", "rate": 0.04, "price": state},
        {"title": "New York County Tax", "rate": 0.04875, "price": county},
    ]


def _order(*, inclusive: bool = False, **extra: Any) -> dict[str, Any]:
    # Espresso Machine 113.30: 4 % = 4.532 -> 4.53, 4.875 % = 5.523375 -> 5.52: 10.05
    #   (Xero: 113.30 x 8.875 % = 10.055375 -> 10.06)
    # Descaler 5.00: 4 % = 0.20, 4.875 % = 0.24375 -> 0.24: 0.44 (Xero: 0.44375 -> 0.44)
    # Tax 10.49; total 113.30 + 5.00 + 10.49 = 128.79
    return {
        "id": 7,
        "order_number": 1007,
        "name": "#1007",
        "currency": "USD",
        "financial_status": "paid",
        "taxes_included": inclusive,
        "processed_at": "2026-10-01T10:00:00+00:00",
        "shipping_address": NY_ADDRESS,
        "line_items": [
            {
                "id": 1,
                "name": "Espresso Machine",
                "price": "113.30",
                "quantity": 1,
                "tax_lines": _ny("4.53", "5.52"),
            },
            {
                "id": 2,
                "name": "Descaler",
                "price": "5.00",
                "quantity": 1,
                "tax_lines": _ny("0.20", "0.24"),
            },
        ],
        "total_tax": "10.49",
        "total_price": "118.30" if inclusive else "128.79",
        **extra,
    }


def test_the_invoice_line_carries_shopifys_tax_and_needs_no_rounding_line() -> None:
    invoice = invoice_from_order(
        parse_order(_order()), contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
    )
    lines = invoice.to_payload()["LineItems"]
    assert [line["TaxType"] for line in lines] == ["TAX002", "TAX002"]
    assert lines[0]["TaxAmount"] == Decimal("10.05")  # Shopify's, not Xero's 10.06
    assert "TaxAmount" not in lines[1]  # Xero's own 0.44 is Shopify's already
    assert all(line["Description"] != ROUNDING_DESCRIPTION for line in lines)
    predicted = predict_totals(invoice.line_items, invoice.line_amount_types, TAX.rate_for)
    assert (predicted.total_tax, predicted.total) == (Decimal("10.49"), Decimal("128.79"))


def test_a_tax_inclusive_invoice_keeps_xeros_figures() -> None:
    # Xero takes tax adjustments on tax-exclusive documents only (help.xero.com "Tax
    # Adjustments"), so an inclusive invoice sends no TaxAmount. Prices including tax:
    # 113.30: 4 / 108.875 -> 4.1626 -> 4.16; 4.875 / 108.875 -> 5.0731 -> 5.07: 9.23
    #   (Xero: 113.30 x 8.875 / 108.875 = 9.2357 -> 9.24)
    # 5.00: 0.1837 -> 0.18; 0.2239 -> 0.22: 0.40 (Xero: 0.4076 -> 0.41)
    order = _order(inclusive=True, total_tax="9.63")
    order["line_items"][0]["tax_lines"] = _ny("4.16", "5.07")
    order["line_items"][1]["tax_lines"] = _ny("0.18", "0.22")
    invoice = invoice_from_order(
        parse_order(order), contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
    )
    assert all(line.tax_amount is None for line in invoice.line_items)
    predicted = predict_totals(invoice.line_items, invoice.line_amount_types, TAX.rate_for)
    # Xero's tax is 9.65, two cents over Shopify's 9.63; the Total is Shopify's all the same.
    assert (predicted.total_tax, predicted.total) == (Decimal("9.65"), Decimal("118.30"))


def test_the_refund_credit_note_gives_back_the_tax_charged() -> None:
    # The machine comes back: 113.30 + 10.05 = 123.35 to the card. Xero alone would compute
    # 10.06 on the credit line and need a -0.01 adjustment; with TaxAmount 10.05 it needs none.
    refund = {
        "id": 501,
        "processed_at": "2026-10-05T12:00:00+00:00",
        "refund_line_items": [
            {"line_item_id": 1, "quantity": 1, "subtotal": 113.3, "total_tax": 10.05}
        ],
        "transactions": [
            {"id": 9, "kind": "refund", "status": "success", "amount": "123.35", "currency": "USD"}
        ],
    }
    order = parse_order(_order(refunds=[refund]))
    note = credit_note_from_refund(
        order, order.refunds[0], contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
    )
    assert note is not None
    [line] = note.line_items
    assert line.tax_amount == Decimal("10.05")
    assert line.description != ADJUSTMENT_DESCRIPTION
    assert credit_total(note, TAX) == Decimal("123.35")


def test_the_run_report_names_the_orders() -> None:
    note = tax_adjustment_note([f"#{n}" for n in range(1001, 1008)])
    assert note is not None
    assert note.startswith("7 invoice(s) carry Shopify's own tax on lines")
    assert note.endswith("(#1001, #1002, #1003, #1004, #1005 and 2 more)")
