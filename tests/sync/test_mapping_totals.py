"""Property: for any simple order, Xero's arithmetic on our invoice gives Shopify's total_price.

Xero's arithmetic here is the simulator's own module (``sandbox.xero.accounting
.arithmetic``), an implementation independent of mapping's ``translate.totals`` mirror. Orders are
generated the way Shopify prices them: unit price x quantity less the line's discount
allocations, tax per line (or, in the second property, once per order, which is where a rounding
line becomes necessary).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shopxero.sandbox.seeds.xero_defaults import default_tax_rates
from shopxero.sandbox.xero.accounting.arithmetic import LineResult, line_amount, line_tax, totals
from shopxero.shopify.models import parse_order
from shopxero.translate import (
    ROUNDING_DESCRIPTION,
    MappingOptions,
    TaxResolver,
    invoice_from_order,
)
from shopxero.translate.totals import predict_totals
from shopxero.xero.models import XeroInvoice

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

CENT = Decimal("0.01")
OPTIONS = MappingOptions(sales_account="200", shipping_account="200", rounding_account="860")
TAX = TaxResolver.from_xero(default_tax_rates("GB"), {}, country="GB")
RATES = {"0.2": Decimal(20), "0.05": Decimal(5), "0": Decimal(0)}


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


line_specs = st.lists(
    st.tuples(
        st.integers(1, 50_000).map(lambda c: Decimal(c) / 100),  # unit price
        st.integers(1, 5),  # quantity
        st.sampled_from(sorted(RATES)),  # Shopify rate
        st.integers(0, 100),  # discount, percent of the line
    ),
    min_size=1,
    max_size=6,
)


def _order(specs: list[tuple[Decimal, int, str, int]], *, inclusive: bool, per_line: bool) -> Any:
    lines, net_amounts, taxes = [], [], []
    for index, (price, qty, rate, discount_pct) in enumerate(specs):
        discount = _cents(price * qty * discount_pct / 100)
        amount = price * qty - discount
        r = Decimal(rate)
        tax = _cents(amount * r / (1 + r)) if inclusive else _cents(amount * r)
        net_amounts.append(amount)
        taxes.append((r, amount))
        lines.append(
            {
                "id": index,
                "variant_id": None,
                "name": f"Line {index}",
                "price": str(price),
                "quantity": qty,
                "tax_lines": [{"title": "VAT", "rate": rate, "price": str(tax)}] if r else [],
                "discount_allocations": [{"amount": str(discount)}] if discount else [],
            }
        )

    def tax_on(amount: Decimal, r: Decimal) -> Decimal:
        return _cents(amount * r / (1 + r)) if inclusive else _cents(amount * r)

    if per_line:
        tax_total = sum((tax_on(a, r) for r, a in taxes), Decimal(0))
    else:
        # Tax once per rate over the order, as some tax engines do.
        by_rate: dict[Decimal, Decimal] = {}
        for r, a in taxes:
            by_rate[r] = by_rate.get(r, Decimal(0)) + a
        tax_total = sum((tax_on(a, r) for r, a in by_rate.items()), Decimal(0))
    # Inclusive prices already hold the tax; exclusive ones have it added on top.
    total = sum(net_amounts, Decimal(0)) + (Decimal(0) if inclusive else tax_total)
    return parse_order(
        {
            "id": 1,
            "name": "#1",
            "order_number": 1,
            "processed_at": "2026-03-01T10:00:00+00:00",
            "currency": "GBP",
            "financial_status": "paid",
            "taxes_included": inclusive,
            "total_price": str(total),
            "total_tax": str(tax_total),
            "line_items": lines,
        }
    )


def _xero_total(invoice: XeroInvoice) -> Decimal:
    return _xero_totals(invoice, TAX).total


def _xero_totals(invoice: XeroInvoice, resolver: TaxResolver) -> Any:
    kind = invoice.line_amount_types.value
    results = []
    for line in invoice.line_items:
        amount, discount = line_amount(
            line.quantity or Decimal(0),
            line.unit_amount or Decimal(0),
            discount_amount=line.discount_amount,
        )
        tax = line.tax_amount  # as Xero takes an override (xero-api-notes §6.6a)
        if tax is None:
            tax = line_tax(amount, resolver.rate_for(line.tax_type or ""), kind)
        results.append(LineResult(amount, tax, discount))
    return totals(results, kind)


def _map(order: Any) -> XeroInvoice:
    return invoice_from_order(order, contact_id="c", item_codes={}, options=OPTIONS, tax=TAX)


@settings(max_examples=150, deadline=None)
@given(line_specs, st.booleans())
def test_per_line_taxed_orders_match_without_a_rounding_line(
    specs: list[tuple[Decimal, int, str, int]], inclusive: bool
) -> None:
    """Shopify and Xero both round per line: totals agree with no adjustment at all."""
    order = _order(specs, inclusive=inclusive, per_line=True)
    invoice = _map(order)
    assert all(line.description != ROUNDING_DESCRIPTION for line in invoice.line_items)
    assert _xero_total(invoice) == order.total_price
    mirror = predict_totals(invoice.line_items, invoice.line_amount_types, TAX.rate_for)
    assert mirror.total == order.total_price


@settings(max_examples=150, deadline=None)
@given(line_specs)
# Hand: 3 x 0.10 at 5%: Xero 0.005 -> 0.01 per line = 0.03; Shopify 0.30 x 5% = 0.015 -> 0.02.
@example([(Decimal("0.10"), 1, "0.05", 0)] * 3)
def test_order_level_tax_rounding_is_absorbed_by_the_rounding_line(
    specs: list[tuple[Decimal, int, str, int]],
) -> None:
    """Tax rounded once per order may differ by cents; the rounding line makes them agree."""
    order = _order(specs, inclusive=False, per_line=False)
    invoice = _map(order)
    assert _xero_total(invoice) == order.total_price
    if specs == [(Decimal("0.10"), 1, "0.05", 0)] * 3:
        assert invoice.line_items[-1].description == ROUNDING_DESCRIPTION
        assert invoice.line_items[-1].unit_amount == Decimal("-0.01")


US_TAX = TaxResolver.from_xero(default_tax_rates("US"), {}, country="US")
CA_RATES = ("0.06", "0.0025", "0.01")  # state, county, city: Xero's TAX001 is 7.25 %


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 50_000).map(lambda c: Decimal(c) / 100), st.integers(1, 5)),
        min_size=1,
        max_size=6,
    )
)
# Hand (cases_us 5002): 10.10: 0.606 -> 0.61, 0.02525 -> 0.03, 0.101 -> 0.10 = 0.74;
# Xero alone 10.10 x 7.25 % = 0.73225 -> 0.73.
@example([(Decimal("10.10"), 1)])
def test_tax_lines_rounded_apart_give_xero_shopifys_total_tax(
    specs: list[tuple[Decimal, int]],
) -> None:
    """Issue 16 §7: Shopify rounds each of a line's tax lines, Xero the line once; with each
    line's TaxAmount set to Shopify's, Xero's TotalTax and Total are Shopify's, and no rounding
    line is needed."""
    lines, tax_total, net = [], Decimal(0), Decimal(0)
    for index, (price, qty) in enumerate(specs):
        amount = price * qty
        taxes = [_cents(amount * Decimal(r)) for r in CA_RATES]
        tax_total += sum(taxes, Decimal(0))
        net += amount
        lines.append(
            {
                "id": index,
                "variant_id": None,
                "name": f"Line {index}",
                "price": str(price),
                "quantity": qty,
                "tax_lines": [
                    {"title": f"CA tax {n}", "rate": r, "price": str(t)}
                    for n, (r, t) in enumerate(zip(CA_RATES, taxes, strict=True))
                ],
            }
        )
    order = parse_order(
        {
            "id": 1,
            "name": "#1",
            "order_number": 1,
            "processed_at": "2026-03-01T10:00:00+00:00",
            "currency": "USD",
            "financial_status": "paid",
            "taxes_included": False,
            "total_price": str(net + tax_total),
            "total_tax": str(tax_total),
            "line_items": lines,
        }
    )
    invoice = invoice_from_order(order, contact_id="c", item_codes={}, options=OPTIONS, tax=US_TAX)
    assert all(line.description != ROUNDING_DESCRIPTION for line in invoice.line_items)
    xero = _xero_totals(invoice, US_TAX)
    assert (xero.total_tax, xero.total) == (order.total_tax, order.total_price)
    if specs == [(Decimal("10.10"), 1)]:
        assert invoice.line_items[0].tax_amount == Decimal("0.74")
