"""Invoicing in the customer's currency: duties, additional fees and a tip outside the lines are
taken in that currency too (issue 5 "Currencies"), not their shop-currency twins."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.shopify.models import Order
from shopxero.translate.currency import order_in_presentment

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


def _set(shop: str, pres: str) -> dict[str, Any]:
    return {
        "shop_money": {"amount": shop, "currency_code": "GBP"},
        "presentment_money": {"amount": pres, "currency_code": "EUR"},
    }


def _order(**extra: Any) -> Order:
    return Order.model_validate(
        {
            "id": 7,
            "currency": "GBP",
            "presentment_currency": "EUR",
            # 100.00 GBP = 116.16 EUR: Shopify's rate 1.1616 EUR per GBP
            "total_price": "100.00",
            "total_price_set": _set("100.00", "116.16"),
            **extra,
        }
    )


def test_duties_and_fees_sets_become_the_customers_amounts() -> None:
    order = order_in_presentment(
        _order(
            original_total_duties_set=_set("5.16", "6.00"),
            current_total_duties_set=_set("5.16", "6.00"),
            original_total_additional_fees_set=_set("2.15", "2.50"),
        )
    )
    assert order.original_total_duties_set is not None
    assert order.original_total_duties_set.shop_money is not None
    assert order.original_total_duties_set.shop_money.amount == Decimal("6.00")
    assert order.original_total_additional_fees_set is not None
    assert order.original_total_additional_fees_set.shop_money is not None
    assert order.original_total_additional_fees_set.shop_money.amount == Decimal("2.50")
    assert order.current_total_additional_fees_set is None  # absent stays absent


def test_a_tip_without_a_line_is_converted_at_shopifys_rate_to_the_cent() -> None:
    """2.00 GBP x 1.1616 = 2.3232 -> 2.32 EUR (REST gives the tip no presentment twin)."""
    assert order_in_presentment(_order(total_tip_received="2.00")).total_tip_received == (
        Decimal("2.32")
    )


def test_a_duty_set_without_its_presentment_side_names_the_field() -> None:
    broken = {"shop_money": {"amount": "5.16", "currency_code": "GBP"}}
    with pytest.raises(MappingError) as caught:
        order_in_presentment(_order(original_total_duties_set=broken))
    assert caught.value.field == "original_total_duties_set"
