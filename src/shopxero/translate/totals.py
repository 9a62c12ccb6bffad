"""Xero's invoice arithmetic, mirrored so mapping can predict the Total Xero will compute.

Xero computes per line, rounding each line to 2 dp, then sums (xero-api-notes §6.6, R20):
LineAmount = Quantity x UnitAmount - DiscountAmount; tax on top of it for ``Exclusive``, inside it
for ``Inclusive`` (amount x rate / (100 + rate)), none for ``NoTax``; half away from zero.
Where a tax-exclusive line's tax differs from what Shopify charged on it only by Shopify rounding
each of its tax lines (state, county, city) on its own, mapping sends Shopify's amount as the
line's ``TaxAmount`` (``charged_tax_amount``), so TotalTax is the tax Shopify charged
(xero-api-notes §6.6a); what remains between the predicted Total and Shopify's ``total_price``
goes to a rounding line (docs/architecture.md, invariant 6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shopxero.xero.models import LineAmountTypes, XeroLineItem

__all__ = [
    "InvoiceTotals",
    "charged_tax_amount",
    "line_amount",
    "line_tax",
    "predict_totals",
    "round2",
]

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


def charged_tax_amount(
    line: XeroLineItem, charged: Decimal | None, parts: int, rate_percent: Decimal
) -> Decimal | None:
    """The ``TaxAmount`` to send on a tax-exclusive ``line`` so that Xero records the tax
    Shopify ``charged`` on it, or None when Xero's own per-line figure is the same.

    Only a rounding gap is closed: Shopify rounds each of the line's ``parts`` tax lines to the
    cent, Xero rounds their summed rate once, so they can differ by at most a cent per tax line.
    A bigger gap means a tax rate that does not match, which is not hidden here (the caller's
    checks refuse it).
    """
    if charged is None or parts < 1:
        return None
    computed = line_tax(line_amount(line), rate_percent, LineAmountTypes.EXCLUSIVE)
    if computed == charged or abs(computed - charged) > _CENT * parts:
        return None
    return charged


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
    """Totals for ``lines``; ``rate_for(TaxType)`` gives the type's rate as a percentage. A
    line's ``TaxAmount``, when set, is its tax (Xero takes the override, xero-api-notes §6.6a)."""
    amounts = Decimal("0.00")
    tax = Decimal("0.00")
    for line in lines:
        amount = line_amount(line)
        amounts += amount
        if line.tax_amount is not None:
            tax += round2(line.tax_amount)
            continue
        tax += line_tax(amount, rate_for(line.tax_type) if line.tax_type else Decimal(0), kind)
    if kind is LineAmountTypes.INCLUSIVE:
        return InvoiceTotals(sub_total=amounts - tax, total_tax=tax, total=amounts)
    return InvoiceTotals(sub_total=amounts, total_tax=tax, total=amounts + tax)
