"""Decimal arithmetic the seed orders are built with, the way Shopify does it.

Shopify rounds tax per line (tax-exclusive: ``amount x rate``; tax-inclusive: the tax contained in
the amount, ``amount - amount / (1 + rate)``) and splits an order-level discount across lines in
proportion to their amounts, handing the penny remainders to the first lines (the fixture's 10.00
over three 199.00 lines is 3.34 / 3.33 / 3.33, shopify-api-notes §5 "Order"). Amounts on the wire
are strings with two decimals; ``money_set`` builds Shopify's ``{shop_money, presentment_money}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

__all__ = [
    "CENT",
    "ZERO",
    "cents",
    "convert",
    "money",
    "money_set",
    "prorate",
    "split_by_weight",
    "tax_for",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | int | str) -> Decimal:
    """``value`` rounded to the cent, half away from zero."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """Shopify's wire form of an amount: a string with exactly two decimals."""
    return str(cents(value))


def money_set(
    shop: Decimal, shop_currency: str, presentment: Decimal, currency: str
) -> dict[str, dict[str, str]]:
    """``{"shop_money": {...}, "presentment_money": {...}}`` as every ``*_set`` field has it."""
    return {
        "shop_money": {"amount": money(shop), "currency_code": shop_currency},
        "presentment_money": {"amount": money(presentment), "currency_code": currency},
    }


def tax_for(amount: Decimal, rate: Decimal, *, inclusive: bool) -> Decimal:
    """Tax on one line's (discounted) amount, rounded per line as Shopify does."""
    if inclusive:
        return cents(amount - amount / (1 + rate))
    return cents(amount * rate)


def split_by_weight(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``; leftover cents go to the first shares.

    The shares always sum to ``total`` exactly; a zero weight gets nothing.
    """
    whole = sum(weights, ZERO)
    if whole == 0 or total == 0:
        return [ZERO for _ in weights]
    shares = [(total * w / whole).quantize(CENT, rounding=ROUND_DOWN) for w in weights]
    leftover = int((total - sum(shares, ZERO)) / CENT)
    for index, weight in enumerate(weights):
        if leftover <= 0:
            break
        if weight > 0:
            shares[index] += CENT
            leftover -= 1
    return shares


def prorate(amount: Decimal, done: int, now: int, of: int) -> Decimal:
    """The part of ``amount`` for units ``done+1 .. done+now`` out of ``of``.

    Cumulative rounding (share up to ``done+now`` minus share up to ``done``) makes successive
    partial refunds of one line add up to exactly the line's amount.
    """
    return cents(amount * (done + now) / of) - cents(amount * done / of)


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """A presentment amount in shop currency at ``rate`` (shop units per presentment unit)."""
    return cents(amount * rate)
