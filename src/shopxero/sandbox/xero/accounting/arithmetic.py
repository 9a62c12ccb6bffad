"""Xero's invoice arithmetic: line amounts, per-line tax, document totals. Pure, Decimal only.

Rules (xero-api-notes §6.3, §6.6, R20):
- LineAmount = Quantity x UnitAmount, less DiscountRate % or DiscountAmount, rounded to 2 dp.
- Tax is computed per line from the line's TaxType rate and rounded to 2 dp, then summed.
  Exclusive: tax = LineAmount x rate; Inclusive: the tax is inside the line amount,
  tax = LineAmount x rate / (1 + rate); NoTax: no tax.
- Exclusive: SubTotal = sum of LineAmounts, Total = SubTotal + TotalTax.
  Inclusive: Total = sum of LineAmounts, SubTotal = Total - TotalTax.
Rounding is half away from zero (``ROUND_HALF_UP`` on Decimal).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shopxero.sandbox.xero.accounting.serialize import money

__all__ = ["DocumentTotals", "LineResult", "line_amount", "line_tax", "totals"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class LineResult:
    line_amount: Decimal
    tax_amount: Decimal
    discount: Decimal  # what the discount took off Quantity x UnitAmount (for TotalDiscount)


@dataclass(frozen=True)
class DocumentTotals:
    sub_total: Decimal
    total_tax: Decimal
    total: Decimal
    total_discount: Decimal


def line_amount(
    quantity: Decimal,
    unit_amount: Decimal,
    *,
    discount_rate: Decimal | None = None,
    discount_amount: Decimal | None = None,
) -> tuple[Decimal, Decimal]:
    """(LineAmount, discount) for one line, both rounded to 2 dp.

    The spec's LineItem.LineAmount: ``Quantity * UnitAmount * ((100 - DiscountRate)/100)`` or
    ``(Quantity * UnitAmount) - DiscountAmount``.
    """
    gross = quantity * unit_amount
    if discount_rate is not None:
        net = gross * (HUNDRED - discount_rate) / HUNDRED
    elif discount_amount is not None:
        net = gross - discount_amount
    else:
        net = gross
    rounded = money(net)
    return rounded, money(gross) - rounded


def line_tax(amount: Decimal, rate_percent: Decimal, line_amount_types: str) -> Decimal:
    """Tax on one line, rounded to 2 dp [xero-api-notes §6.6: per line, then summed]."""
    if line_amount_types == "NoTax" or rate_percent == ZERO:
        return money(ZERO)
    if line_amount_types == "Inclusive":
        return money(amount * rate_percent / (HUNDRED + rate_percent))
    return money(amount * rate_percent / HUNDRED)


def totals(lines: list[LineResult], line_amount_types: str) -> DocumentTotals:
    """SubTotal, TotalTax, Total and TotalDiscount from already-rounded lines."""
    amounts = sum((line.line_amount for line in lines), ZERO)
    tax = sum((line.tax_amount for line in lines), ZERO)
    discount = sum((line.discount for line in lines), ZERO)
    if line_amount_types == "Inclusive":
        return DocumentTotals(money(amounts - tax), money(tax), money(amounts), money(discount))
    return DocumentTotals(money(amounts), money(tax), money(amounts + tax), money(discount))
