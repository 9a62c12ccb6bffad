"""Xero's invoice arithmetic, mirrored so mapping can predict the Total Xero will compute.

Xero computes per line, rounding each line to 2 dp, then sums (xero-api-notes §6.6, R20):
LineAmount = Quantity x UnitAmount - DiscountAmount; tax on top of it for ``Exclusive``, inside it
for ``Inclusive`` (amount x rate / (100 + rate)), none for ``NoTax``; half away from zero.
Mapping compares the predicted Total with Shopify's ``total_price`` and, where they differ by
rounding, adds a rounding line (docs/architecture.md, invariant 6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shopxero.xero.models import LineAmountTypes, XeroLineItem

__all__ = ["InvoiceTotals", "line_amount", "line_tax", "predict_totals", "round2"]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def round2(value: Decimal) -> Decimal:
    """Round to cents, half away from zero, as Xero does."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def line_amount(line: XeroLineItem) -> Decimal:
    """Quantity x UnitAmount less the line's DiscountAmount (or DiscountRate %), to cents."""
    gross = (line.quantity or Decimal(0)) * (line.unit_amount or Decimal(0))
    if line.discount_amount is not None:
        gross -= line.discount_amount
    elif line.discount_rate is not None:
        gross -= gross * line.discount_rate / _HUNDRED
    return round2(gross)


def line_tax(amount: Decimal, rate_percent: Decimal, kind: LineAmountTypes) -> Decimal:
    """The tax Xero computes on one line amount at ``rate_percent``."""
    if kind is LineAmountTypes.NO_TAX or rate_percent.is_zero():
        return Decimal("0.00")
    if kind is LineAmountTypes.INCLUSIVE:
        return round2(amount * rate_percent / (_HUNDRED + rate_percent))
    return round2(amount * rate_percent / _HUNDRED)


@dataclass(frozen=True)
class InvoiceTotals:
    """SubTotal, TotalTax and Total as Xero would report them."""

    sub_total: Decimal
    total_tax: Decimal
    total: Decimal


def predict_totals(
    lines: Sequence[XeroLineItem],
    kind: LineAmountTypes,
    rate_for: Callable[[str], Decimal],
) -> InvoiceTotals:
    """Totals for ``lines``; ``rate_for(TaxType)`` gives the type's rate as a percentage."""
    amounts = Decimal("0.00")
    tax = Decimal("0.00")
    for line in lines:
        amount = line_amount(line)
        amounts += amount
        tax += line_tax(amount, rate_for(line.tax_type) if line.tax_type else Decimal(0), kind)
    if kind is LineAmountTypes.INCLUSIVE:
        return InvoiceTotals(sub_total=amounts - tax, total_tax=tax, total=amounts)
    return InvoiceTotals(sub_total=amounts, total_tax=tax, total=amounts + tax)
