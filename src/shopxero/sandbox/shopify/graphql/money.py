"""Money as the GraphQL Admin API writes it: ``MoneyV2`` and ``MoneyBag`` built from REST's
``*_set`` objects, amounts as ``Decimal`` strings in Shopify's form (``"12.0"``, ``"13.99"``:
no trailing zeros beyond one decimal place, shopify-api-notes §10)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

__all__ = ["bag", "bag_from_amount", "decimal_text", "money", "scaled_bag", "zero_bag"]

Record = dict[str, Any]


def decimal_text(value: Any) -> str:
    """``"12.00"`` -> ``"12.0"``, ``0.75`` -> ``"0.75"``: Shopify's Decimal serialisation."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"not a decimal amount: {value!r}") from None
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0")
        return text + "0" if text.endswith(".") else text
    return text + ".0"


def money(amount: Any, currency: str) -> Record:
    return {"amount": decimal_text(amount), "currencyCode": currency}


def _side(side: Any) -> Record:
    currency = side.get("currency_code") or side.get("currency")
    return money(side["amount"], str(currency))


def bag(rest_set: Any) -> Record | None:
    """A REST ``{"shop_money", "presentment_money"}`` object as a MoneyBag (None stays None)."""
    if not isinstance(rest_set, dict):
        return None
    return {
        "shopMoney": _side(rest_set["shop_money"]),
        "presentmentMoney": _side(rest_set["presentment_money"]),
    }


def zero_bag(shop_currency: str, presentment_currency: str) -> Record:
    return {
        "shopMoney": money("0", shop_currency),
        "presentmentMoney": money("0", presentment_currency),
    }


def bag_from_amount(amount: Any, order: Record) -> Record:
    """A presentment-currency amount (REST transactions carry only that) as a MoneyBag: the shop
    side converted at the order's own rate (shop total / presentment total), to the cent."""
    presentment = Decimal(str(amount))
    shop_currency = str(order.get("currency"))
    presentment_currency = str(order.get("presentment_currency") or shop_currency)
    return {
        "shopMoney": money(_converted(presentment, order), shop_currency),
        "presentmentMoney": money(presentment, presentment_currency),
    }


def scaled_bag(rest_set: Any, factor: int) -> Record | None:
    """``rest_set`` times a whole number (a unit price times a quantity)."""
    if not isinstance(rest_set, dict):
        return None
    out: Record = {}
    for key, side in (("shopMoney", "shop_money"), ("presentmentMoney", "presentment_money")):
        part = rest_set[side]
        currency = str(part.get("currency_code") or part.get("currency"))
        out[key] = money(Decimal(str(part["amount"])) * factor, currency)
    return out


def _converted(presentment: Decimal, order: Record) -> Decimal:
    if order.get("presentment_currency") in (None, order.get("currency")):
        return presentment
    total = order.get("total_price_set") or {}
    try:
        shop_total = Decimal(str(total["shop_money"]["amount"]))
        presentment_total = Decimal(str(total["presentment_money"]["amount"]))
    except (KeyError, TypeError, InvalidOperation):
        return presentment
    if presentment_total == 0:
        return presentment
    rate = shop_total / presentment_total
    return (presentment * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
