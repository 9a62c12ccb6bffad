"""Xero's CurrencyRate from the rate Shopify used, worked by hand (docs/fidelity.md "Currency
rate direction"): Xero's rate is invoice-currency units per ONE unit of the organisation's base
currency (base amount = invoice amount / CurrencyRate), Shopify's presentment units per shop
unit. They are one number only when the shop's currency is the base currency; otherwise the
invoice goes without a rate and Xero uses its day rate (xero-api-notes §6.3, CurrencyRate line).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.shopify.models import Order, parse_order
from shopxero.translate.currency import (
    currency_rate,
    day_rate_applies,
    day_rate_note,
    order_in_presentment,
    shop_currency_of,
    xero_currency_rate,
)

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


def _order(shop: tuple[str, str], presentment: tuple[str, str], *, number: int = 1001) -> Order:
    """A one-line order of ``shop`` = (amount, currency) paid as ``presentment``, converted to
    the presentment currency as SHOPXERO_INVOICE_CURRENCY=presentment invoices it."""

    def both(shop_amount: str, pres_amount: str) -> dict[str, Any]:
        return {
            "shop_money": {"amount": shop_amount, "currency_code": shop[1]},
            "presentment_money": {"amount": pres_amount, "currency_code": presentment[1]},
        }

    raw = {
        "id": number,
        "order_number": number,
        "name": f"#{number}",
        "currency": shop[1],
        "presentment_currency": presentment[1],
        "taxes_included": True,
        "total_price": shop[0],
        "total_price_set": both(shop[0], presentment[0]),
        "line_items": [
            {
                "id": 11,
                "variant_id": 111,
                "name": "Tea",
                "quantity": 1,
                "price": shop[0],
                "price_set": both(shop[0], presentment[0]),
            }
        ],
    }
    return order_in_presentment(parse_order(raw))


GBP_SHOP_EUR_CUSTOMER = (("100.00", "GBP"), ("116.16", "EUR"))


def test_gbp_shop_and_organisation_eur_customer_sends_eur_per_gbp() -> None:
    # 116.16 EUR for 100.00 GBP: 1 GBP (the base) = 1.1616 EUR, to Xero's 6 decimals.
    order = _order(*GBP_SHOP_EUR_CUSTOMER)
    assert order.currency == "EUR"  # invoiced in the customer's currency
    rate = xero_currency_rate(order, "GBP")
    assert rate == Decimal("1.161600")
    assert rate is not None and rate.as_tuple().exponent == -6  # CurrencyRate max [18].[6]
    # Not the inverse (GBP per EUR, 0.860882...): Xero would book 100.00 EUR as GBP 86.09.
    assert (Decimal("116.16") / rate).quantize(Decimal("0.01")) == Decimal("100.00")
    assert not day_rate_applies(order, "GBP")


def test_rate_is_rounded_half_up_to_six_decimals() -> None:
    # 47.00 EUR for 40.46 GBP: 1.161641126... -> 1.161641
    order = _order(("40.46", "GBP"), ("47.00", "EUR"))
    assert xero_currency_rate(order, "GBP") == Decimal("1.161641")
    # 162.92 EUR for 128.00 GBP: exactly 1.2728125, a half, rounds up (half-even: 1.272812)
    order = _order(("128.00", "GBP"), ("162.92", "EUR"))
    assert xero_currency_rate(order, "GBP") == Decimal("1.272813")


def test_shop_currency_other_than_the_base_sends_no_rate_and_xero_uses_its_day_rate() -> None:
    # GBP shop, USD organisation: 1.1616 is EUR per GBP, and Xero wants EUR per USD.
    order = _order(*GBP_SHOP_EUR_CUSTOMER)
    assert shop_currency_of(order) == "GBP"
    assert currency_rate(order) == Decimal("1.161600")  # what Shopify used
    assert xero_currency_rate(order, "USD") is None
    assert day_rate_applies(order, "USD")


def test_an_invoice_in_the_base_currency_needs_no_rate_and_no_note() -> None:
    # GBP shop, EUR organisation, EUR customer: the invoice is in the base currency (rate 1).
    order = _order(*GBP_SHOP_EUR_CUSTOMER)
    assert xero_currency_rate(order, "EUR") is None
    assert not day_rate_applies(order, "EUR")


def test_one_currency_order_sends_no_rate() -> None:
    order = _order(("20.00", "GBP"), ("20.00", "GBP"))
    assert xero_currency_rate(order, "GBP") is None
    assert not day_rate_applies(order, "GBP")
    assert not day_rate_applies(order, "USD")  # invoiced in GBP with no Shopify rate to lose


def test_unknown_base_currency_sends_no_rate() -> None:
    order = _order(*GBP_SHOP_EUR_CUSTOMER)
    assert xero_currency_rate(order, "") is None


@pytest.mark.parametrize(
    ("shop", "presentment", "base", "expected"),
    [
        (("100.00", "GBP"), ("116.16", "EUR"), "GBP", Decimal("1.161600")),
        (("100.00", "USD"), ("152.30", "AUD"), "USD", Decimal("1.523000")),
        (("100.00", "NZD"), ("93.71", "AUD"), "NZD", Decimal("0.937100")),
        (("100.00", "USD"), ("152.30", "AUD"), "NZD", None),
        (("100.00", "NZD"), ("93.71", "AUD"), "AUD", None),
    ],
)
def test_rate_sent_only_when_the_shop_currency_is_the_base(
    shop: tuple[str, str], presentment: tuple[str, str], base: str, expected: Decimal | None
) -> None:
    assert xero_currency_rate(_order(shop, presentment), base) == expected


def test_day_rate_note_names_the_orders_and_both_currencies() -> None:
    orders = [_order(*GBP_SHOP_EUR_CUSTOMER, number=n) for n in range(1001, 1008)]
    names = [o.name or str(o.id) for o in orders]
    note = day_rate_note(names, shop_currency_of(orders[0]) or "", "USD")
    assert note == (
        "7 invoice(s) in the customer's currency carry no CurrencyRate "
        "(#1001, #1002, #1003, #1004, #1005 and 2 more): Xero's rate converts to the "
        "organisation's base currency (USD) but the rate Shopify used converts to the shop's "
        "currency (GBP), so Xero applies its own day rate for the invoice date"
    )
    assert day_rate_note([], "GBP", "USD") is None
