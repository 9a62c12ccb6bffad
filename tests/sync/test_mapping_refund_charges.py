"""Refunded tips, import duties and additional fees on credit notes (pure mapping).

Shapes: REST refund ``duties`` [{"duty_id", "amount_set"}] (ShopifySharp ``RefundDuty.cs``;
GraphQL ``RefundDuty.amountSet``), ``additional_fees`` [{..., "amount_set"}] (GraphQL
``RefundAdditionalFee.amountSet``; the REST element is UNCONFIRMED, shopify-api-notes §5
"Refund"), ``total_duties_set`` / ``total_additional_fees_set``. Expected figures are worked out
by hand in each test.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.shopify.models import parse_order, parse_refund
from shopxero.translate.common import MappingOptions
from shopxero.translate.credit_notes import (
    ADJUSTMENT_DESCRIPTION,
    credit_note_from_refund,
    credit_total,
)
from shopxero.translate.currency import order_in_presentment
from shopxero.translate.tax import TaxResolver

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

OPTIONS = MappingOptions(
    sales_account="200",
    shipping_account="210",
    tips_account="220",
    fees_account="230",
    shop_timezone="Europe/London",
)
TAX = TaxResolver.from_xero(
    [
        {
            "TaxType": "OUTPUT2",
            "Name": "20% (VAT on Income)",
            "Status": "ACTIVE",
            "EffectiveRate": 20,
            "CanApplyToRevenue": True,
            "CanApplyToLiabilities": True,
        },
        {
            "TaxType": "NONE",
            "Name": "No VAT",
            "Status": "ACTIVE",
            "EffectiveRate": 0,
            "CanApplyToRevenue": True,
            "CanApplyToLiabilities": True,
        },
        {
            "TaxType": "ZERORATEDOUTPUT",
            "Name": "Zero Rated Income",
            "Status": "ACTIVE",
            "EffectiveRate": 0,
            "CanApplyToRevenue": True,
        },
    ],
    {},
    country="GB",
)
VAT = {"title": "GB VAT", "rate": 0.2, "price": "4.00"}


def _set(shop: str, pres: str | None = None, pres_cur: str = "GBP") -> dict[str, Any]:
    return {
        "shop_money": {"amount": shop, "currency_code": "GBP"},
        "presentment_money": {"amount": pres or shop, "currency_code": pres_cur},
    }


def _order(**extra: Any) -> dict[str, Any]:
    """Tax-exclusive: 2 x 10.00 (+4.00 VAT), a 3.00 tip line, duties 6.20, fees 2.00."""
    return {
        "id": 1,
        "order_number": 1001,
        "name": "#1001",
        "currency": "GBP",
        "presentment_currency": "GBP",
        "taxes_included": False,
        "processed_at": "2026-10-01T10:00:00+01:00",
        "total_price": "35.20",
        "total_tip_received": "3.00",
        "original_total_duties_set": _set("6.20"),
        "original_total_additional_fees_set": _set("2.00"),
        "line_items": [
            {
                "id": 11,
                "variant_id": 111,
                "product_id": 1111,
                "name": "Tea",
                "quantity": 2,
                "price": "10.00",
                "price_set": _set("10.00"),
                "tax_lines": [{**VAT, "price_set": _set("4.00")}],
            },
            {
                "id": 12,
                "variant_id": None,
                "product_id": None,
                "title": "Tip",
                "name": "Tip",
                "quantity": 1,
                "price": "3.00",
                "price_set": _set("3.00"),
                "taxable": False,
                "tax_lines": [],
            },
        ],
        **extra,
    }


def _refund(**extra: Any) -> dict[str, Any]:
    return {"id": 501, "processed_at": "2026-10-05T12:00:00+00:00", **extra}


def _cash(amount: str) -> list[dict[str, Any]]:
    return [{"id": 9, "kind": "refund", "status": "success", "amount": amount, "currency": "GBP"}]


def _note(order_body: dict[str, Any]) -> Any:
    order = parse_order(order_body)
    note = credit_note_from_refund(
        order, order.refunds[0], contact_id="c", item_codes={111: "TEA"}, options=OPTIONS, tax=TAX
    )
    assert note is not None
    return note


def _lines(note: Any) -> list[tuple[str, Decimal, str, str]]:
    return [
        (li["Description"], li["UnitAmount"], li["AccountCode"], li["TaxType"])
        for li in note.to_payload()["LineItems"]
    ]


def test_a_refunded_tip_line_goes_to_the_tips_account_outside_vat() -> None:
    # The invoice put the 3.00 tip on the tips account (220) with no VAT: the refund mirrors it.
    refund = _refund(
        refund_line_items=[{"line_item_id": 12, "quantity": 1, "subtotal": 3.0, "total_tax": 0.0}],
        transactions=_cash("3.00"),
    )
    note = _note(_order(refunds=[refund]))
    assert _lines(note) == [("Refund: Tip", Decimal("3.0000"), "220", "NONE")]
    assert credit_total(note, TAX) == Decimal("3.00")


def test_refunded_duties_and_goods_make_a_credit_note_for_the_money_back() -> None:
    # One tea back: 10.00 + 2.00 VAT, and the 6.20 duty (its entry and total agree): 18.20
    # went back, the lines explain all of it, so no adjustment line.
    refund = _refund(
        refund_line_items=[{"line_item_id": 11, "quantity": 1, "subtotal": 10.0, "total_tax": 2.0}],
        duties=[{"duty_id": 77, "amount_set": _set("6.20")}],
        refund_duties=[{"duty_id": 77, "refund_type": "FULL"}],
        total_duties_set=_set("6.20"),
        transactions=_cash("18.20"),
    )
    note = _note(_order(refunds=[refund]))
    assert _lines(note) == [
        ("Refund: Tea", Decimal("10.0000"), "200", "OUTPUT2"),
        ("Refund: duties", Decimal("6.20"), "230", "NONE"),
    ]
    assert ADJUSTMENT_DESCRIPTION not in [line[0] for line in _lines(note)]
    assert credit_total(note, TAX) == Decimal("18.20")


def test_additional_fees_stated_only_as_a_total_are_refunded_from_it() -> None:
    refund = _refund(
        additional_fees=None,
        total_additional_fees_set=_set("2.00"),
        duties=None,
        total_duties_set=_set("0.00"),
        transactions=_cash("2.00"),
    )
    note = _note(_order(refunds=[refund]))
    assert _lines(note) == [("Refund: additional fees", Decimal("2.00"), "230", "NONE")]
    assert credit_total(note, TAX) == Decimal("2.00")


def test_fees_refunded_on_an_unpaid_order_credit_the_invoice_without_cash() -> None:
    # No refund transaction (nothing was paid): the credit note is the lines, 6.20 + 2.00, and
    # orders.credit_notes allocates all of it to the invoice.
    refund = _refund(
        duties=[{"duty_id": 77, "amount_set": _set("6.20")}],
        additional_fees=[{"id": 5, "amount_set": _set("2.00")}],
    )
    note = _note(_order(refunds=[refund]))
    assert [line[0] for line in _lines(note)] == ["Refund: duties", "Refund: additional fees"]
    assert credit_total(note, TAX) == Decimal("8.20")


def test_fees_account_falls_back_to_sales() -> None:
    order = parse_order(
        _order(refunds=[_refund(duties=[{"duty_id": 77, "amount_set": _set("6.20")}])])
    )
    note = credit_note_from_refund(
        order,
        order.refunds[0],
        contact_id="c",
        item_codes={},
        options=MappingOptions(
            sales_account="200", shipping_account="210", shop_timezone="Europe/London"
        ),
        tax=TAX,
    )
    assert note is not None
    assert _lines(note) == [("Refund: duties", Decimal("6.20"), "200", "NONE")]


def test_duty_entries_that_disagree_with_the_refunds_total_name_the_field() -> None:
    refund = _refund(
        duties=[{"duty_id": 77, "amount_set": _set("6.20")}], total_duties_set=_set("7.00")
    )
    with pytest.raises(MappingError) as caught:
        _note(_order(refunds=[refund]))
    assert caught.value.field == "refunds.501.total_duties_set"
    assert "7.00" in caught.value.message and "6.20" in caught.value.message


def test_a_duty_entry_without_its_amount_names_the_field() -> None:
    refund = _refund(duties=[{"duty_id": 77}])
    with pytest.raises(MappingError) as caught:
        _note(_order(refunds=[refund]))
    assert caught.value.field == "refunds.501.duties.0.amount_set"


def test_duties_follow_an_order_stated_in_its_presentment_currency() -> None:
    # GBP shop, EUR customer at 0.86 GBP per EUR: the 6.20 GBP duty was 7.21 EUR.
    body = _order(
        presentment_currency="EUR",
        total_price_set=_set("35.20", "40.93", "EUR"),
        line_items=[],
        refunds=[
            _refund(
                duties=[{"duty_id": 77, "amount_set": _set("6.20", "7.21", "EUR")}],
                total_duties_set=_set("6.20", "7.21", "EUR"),
            )
        ],
    )
    order = order_in_presentment(parse_order(body))
    note = credit_note_from_refund(
        order, order.refunds[0], contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
    )
    assert note is not None
    assert note.to_payload()["CurrencyCode"] == "EUR"
    assert _lines(note) == [("Refund: duties", Decimal("7.21"), "230", "NONE")]


def test_null_duty_and_fee_fields_parse_as_nothing_refunded() -> None:
    refund = parse_refund(
        _refund(
            duties=None,
            refund_duties=None,
            additional_fees=None,
            total_duties_set=None,
            total_additional_fees_set=None,
        )
    )
    assert (refund.duties, refund.refund_duties, refund.additional_fees) == ([], [], [])
    assert refund.total_duties_set is None
    money = parse_refund(_refund(duties=[{"duty_id": 1, "amount_set": _set("1.10")}]))
    bag = money.duties[0].amount_set
    assert bag is not None and bag.shop_money is not None
    assert bag.shop_money.amount == Decimal("1.10")  # Decimal, never float
