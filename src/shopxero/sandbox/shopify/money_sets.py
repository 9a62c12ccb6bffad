"""An order's ``*_set`` money kept in step with its plain amounts, as Shopify keeps them.

Shopify's REST order carries every amount twice: ``total_price`` (shop currency) and
``total_price_set`` (``shop_money`` and ``presentment_money``); the GraphQL Admin API serves only
the MoneyBags (shopify-api-notes §10). A change through the control endpoint is usually written
in plain amounts (``"total_price": "74.95"``, a refund line's ``"subtotal": 27.5``), so after the
shallow merge the ``*_set`` beside a changed amount is stale or missing, and the two APIs would
disagree about one order. Shopify never serves them apart: the plain amount wins and its MoneyBag
is rebuilt from it, the presentment side at the order's own rate.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

__all__ = ["align_money_sets"]

Record = dict[str, Any]

_CENT = Decimal("0.01")


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _side_amount(rest_set: Any, side: str) -> Decimal | None:
    if not isinstance(rest_set, dict) or not isinstance(rest_set.get(side), dict):
        return None
    return _amount(rest_set[side].get("amount"))


def _rate(order: Record) -> Decimal:
    """Presentment per shop unit, from the order's total as it stood before the change."""
    total = order.get("total_price_set")
    shop = _side_amount(total, "shop_money")
    presentment = _side_amount(total, "presentment_money")
    if shop is None or presentment is None or shop == 0:
        return Decimal(1)
    return presentment / shop


def align_money_sets(order: Record) -> Record:
    """``order`` with every ``X_set`` that disagrees with (or lacks) its plain ``X`` rebuilt
    from ``X``; the rest is returned as it was (a consistent order comes back unchanged)."""
    shop_currency = str(order.get("currency") or "USD")
    presentment_currency = str(order.get("presentment_currency") or shop_currency)
    rate = Decimal(1) if presentment_currency == shop_currency else _rate(order)

    def rebuilt(amount: Decimal) -> Record:
        presentment = (amount * rate).quantize(_CENT, rounding=ROUND_HALF_EVEN)
        return {
            "shop_money": {"amount": str(amount), "currency_code": shop_currency},
            "presentment_money": {
                "amount": str(presentment),
                "currency_code": presentment_currency,
            },
        }

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: walk(value) for key, value in node.items()}
        for key, value in node.items():
            name = f"{key}_set"
            amount = _amount(value) if not key.endswith("_set") else None
            if amount is None or (name not in node and name not in _SET_KEYS):
                continue  # e.g. a transaction's ``amount``: REST gives it no MoneyBag
            if _side_amount(out.get(name), "shop_money") != amount:
                try:
                    out[name] = rebuilt(amount)
                except InvalidOperation:  # a hostile amount ("1e400") past any currency's
                    continue  # precision: left as given, for the reader to refuse
        return out

    aligned: Record = walk(order)
    return aligned


# The MoneyBags REST always sends beside their plain amount, made when a change leaves one out
# (a set already present is kept in step whatever its name; ``quantity`` and ``rate`` have none).
_SET_KEYS = frozenset(
    {
        "current_subtotal_price_set",
        "current_total_discounts_set",
        "current_total_price_set",
        "current_total_tax_set",
        "subtotal_price_set",
        "total_discounts_set",
        "total_line_items_price_set",
        "total_price_set",
        "total_shipping_price_set",
        "current_total_duties_set",
        "original_total_duties_set",
        "price_set",
        "total_discount_set",
        "discounted_price_set",
        "subtotal_set",
        "total_tax_set",
        "tax_amount_set",
        "subtotal_amount_set",
    }
)
