"""Pure mapping of an order's life: refunds -> credit notes, transactions -> payments.

Expected figures are worked out by hand in each test, not by calling the mapping twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.shopify.models import parse_order
from shopxero.translate.common import MappingOptions
from shopxero.translate.credit_notes import (
    ADJUSTMENT_DESCRIPTION,
    credit_note_from_refund,
    credit_note_number_for,
    credit_total,
)
from shopxero.translate.payments import (
    GatewayAccounts,
    find_existing,
    invoice_payment,
    net_received,
    received_transactions,
    shop_amount,
)
from shopxero.translate.tax import TaxResolver

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

OPTIONS = MappingOptions(sales_account="200", shipping_account="210", shop_timezone="Europe/London")
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
VAT = [{"title": "GB VAT", "rate": 0.2, "price": "0.00"}]


def _order(**extra: Any) -> dict[str, Any]:
    """An exclusive-tax order: 3 x 10.00 with 3.00 discount over the line, 5.00 shipping."""
    return {
        "id": 1,
        "order_number": 1001,
        "name": "#1001",
        "currency": "GBP",
        "presentment_currency": "GBP",
        "taxes_included": False,
        "processed_at": "2026-10-01T10:00:00+01:00",
        "line_items": [
            {
                "id": 11,
                "variant_id": 111,
                "name": "Tea",
                "quantity": 3,
                "price": "10.00",
                "tax_lines": [{**VAT[0], "price": "5.40"}],
                "discount_allocations": [{"amount": "3.00"}],
            }
        ],
        "shipping_lines": [
            {"id": 21, "title": "Post", "price": "5.00", "tax_lines": [{**VAT[0], "price": "1.00"}]}
        ],
        **extra,
    }


def _refund(**extra: Any) -> dict[str, Any]:
    return {
        "id": 501,
        "processed_at": "2026-10-05T23:30:00+00:00",  # 00:30 on the 6th in London
        "refund_line_items": [],
        "refund_shipping_lines": [],
        "order_adjustments": [],
        "transactions": [],
        **extra,
    }


def test_a_refunded_line_nets_its_discount_into_the_unit_price() -> None:
    # One of three units: 10.00 less its 1.00 share of the discount = 9.00, +20 % VAT = 10.80.
    refund = _refund(
        refund_line_items=[{"line_item_id": 11, "quantity": 1, "subtotal": 9.0, "total_tax": 1.8}],
        transactions=[
            {"id": 9, "kind": "refund", "status": "success", "amount": "10.80", "currency": "GBP"}
        ],
    )
    order = parse_order(_order(refunds=[refund]))
    note = credit_note_from_refund(
        order, order.refunds[0], contact_id="c", item_codes={111: "TEA"}, options=OPTIONS, tax=TAX
    )
    assert note is not None
    payload = note.to_payload()
    assert payload["CreditNoteNumber"] == "SHOP-1001-R1"
    assert payload["Date"] == "2026-10-06"  # the shop's day
    assert payload["LineAmountTypes"] == "Exclusive" and payload["Status"] == "AUTHORISED"
    [line] = payload["LineItems"]
    assert (line["Quantity"], line["UnitAmount"]) == (Decimal(1), Decimal("9.0000"))
    assert "DiscountAmount" not in line and line["ItemCode"] == "TEA"
    assert line["TaxType"] == "OUTPUT2"
    assert credit_total(note, TAX) == Decimal("10.80")


def test_refunded_shipping_counts_once_though_shopify_states_it_twice() -> None:
    # shopify-api-notes §5: the refund shipping line and the shipping_refund adjustment are the
    # same 5.00 (+1.00 VAT).
    refund = _refund(
        refund_shipping_lines=[
            {
                "shipping_line_id": 21,
                "subtotal_amount_set": {"shop_money": {"amount": "5.00", "currency_code": "GBP"}},
            }
        ],
        order_adjustments=[{"kind": "shipping_refund", "amount": "-5.00", "tax_amount": "-1.00"}],
        transactions=[
            {"id": 9, "kind": "refund", "status": "success", "amount": "6.00", "currency": "GBP"}
        ],
    )
    order = parse_order(_order(refunds=[refund]))
    note = credit_note_from_refund(
        order, order.refunds[0], contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
    )
    assert note is not None
    [line] = note.to_payload()["LineItems"]
    assert (line["UnitAmount"], line["AccountCode"]) == (Decimal("5.00"), "210")
    assert credit_total(note, TAX) == Decimal("6.00")


def test_money_back_beyond_the_goods_is_an_adjustment_line_outside_vat() -> None:
    # Goods 9.00 + 1.80 VAT = 10.80, but 12.00 went back: 1.20 more, not taxed.
    refund = _refund(
        refund_line_items=[{"line_item_id": 11, "quantity": 1, "subtotal": 9.0, "total_tax": 1.8}],
        transactions=[
            {"id": 9, "kind": "refund", "status": "success", "amount": "12.00", "currency": "GBP"}
        ],
    )
    order = parse_order(_order(refunds=[refund]))
    note = credit_note_from_refund(
        order, order.refunds[0], contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
    )
    assert note is not None
    adjustment = note.to_payload()["LineItems"][-1]
    assert adjustment["Description"] == ADJUSTMENT_DESCRIPTION
    assert (adjustment["UnitAmount"], adjustment["TaxType"]) == (Decimal("1.20"), "NONE")
    assert credit_total(note, TAX) == Decimal("12.00")


def test_units_that_do_not_divide_evenly_become_one_line_of_their_total() -> None:
    refund = _refund(
        refund_line_items=[{"line_item_id": 11, "quantity": 3, "subtotal": 27.0, "total_tax": 5.4}]
    )
    order = parse_order(_order(refunds=[refund]))
    note = credit_note_from_refund(
        order, order.refunds[0], contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
    )
    assert note is not None
    [line] = note.to_payload()["LineItems"]
    assert (line["Quantity"], line["UnitAmount"]) == (Decimal(3), Decimal("9.0000"))
    refund["refund_line_items"][0]["subtotal"] = 10.0  # 3.3333... each
    order = parse_order(_order(refunds=[refund]))
    note = credit_note_from_refund(
        order, order.refunds[0], contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
    )
    assert note is not None
    [line] = note.to_payload()["LineItems"]
    assert (line["Quantity"], line["UnitAmount"]) == (Decimal(1), Decimal("10.0"))
    assert line["Description"] == "Refund: 3 x Tea"


def test_credit_note_numbers_count_refunds_by_id() -> None:
    order = parse_order(_order(refunds=[_refund(id=700), _refund(id=600)]))
    numbers = [credit_note_number_for(order, r, OPTIONS) for r in order.refunds]
    assert numbers == ["SHOP-1001-R2", "SHOP-1001-R1"]


def test_a_refund_that_moves_nothing_makes_no_credit_note() -> None:
    order = parse_order(_order(refunds=[_refund()]))
    assert (
        credit_note_from_refund(
            order, order.refunds[0], contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
        )
        is None
    )


def test_a_refunded_line_without_its_subtotal_names_the_field() -> None:
    refund = _refund(refund_line_items=[{"line_item_id": 11, "quantity": 1}])
    order = parse_order(_order(refunds=[refund]))
    with pytest.raises(MappingError) as caught:
        credit_note_from_refund(
            order, order.refunds[0], contact_id="c", item_codes={}, options=OPTIONS, tax=TAX
        )
    assert caught.value.field == "refunds.501.refund_line_items.0.subtotal"


def _txn(tid: int, kind: str, status: str, amount: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "kind": kind,
        "status": status,
        "amount": amount,
        "currency": "GBP",
        "gateway": "shopify_payments",
        "processed_at": "2026-10-01T23:15:00+00:00",
        **extra,
    }


def test_only_successful_sales_and_captures_are_money_received() -> None:
    order = parse_order(
        _order(
            transactions=[
                _txn(1, "authorization", "success", "30.00"),
                _txn(2, "capture", "success", "20.00"),
                _txn(3, "sale", "failure", "10.00"),
                _txn(4, "sale", "success", "5.00", test=True),
                _txn(5, "sale", "success", "10.00"),
                _txn(6, "refund", "success", "4.00"),
            ]
        )
    )
    assert [t.id for t in received_transactions(order.transactions)] == [2, 5]
    assert net_received(order.transactions) == Decimal("26.00")


def test_a_payment_is_dated_in_the_shop_timezone_and_names_its_transaction() -> None:
    order = parse_order(_order(transactions=[_txn(7, "sale", "success", "35.40")]))
    payload = invoice_payment(
        order.transactions[0], order_id=1, invoice_id="inv", account_code="090", zone=OPTIONS.zone
    ).to_payload()
    assert payload == {
        "Invoice": {"InvoiceID": "inv"},
        "Account": {"Code": "090"},
        "Date": "2026-10-02",
        "Amount": Decimal("35.40"),
        "Reference": "Shopify shopify_payments 7",
    }
    made = [
        {
            "Reference": "Shopify shopify_payments 7",
            "Amount": 35.4,
            "Date": "/Date(1790899200000+0000)/",
        }
    ]
    assert find_existing(payload, made) is made[0]
    assert find_existing({**payload, "Amount": Decimal("35.41")}, made) is None
    assert find_existing({**payload, "Reference": "Shopify shopify_payments 8"}, made) is None


def test_a_foreign_currency_transaction_converts_at_shopifys_rate() -> None:
    order = parse_order(
        _order(
            presentment_currency="EUR",
            total_price_set={
                "shop_money": {"amount": "40.46", "currency_code": "GBP"},
                "presentment_money": {"amount": "47.00", "currency_code": "EUR"},
            },
            transactions=[
                _txn(1, "sale", "success", "47.00", currency="EUR"),
                _txn(2, "sale", "success", "10.00", currency="EUR"),
            ],
        )
    )
    full, part = order.transactions
    assert shop_amount(full, order) == Decimal("40.46")  # the whole total: exactly its twin
    assert shop_amount(part, order) == Decimal("8.61")  # 10 x 40.46 / 47 = 8.6085...


def test_gateways_map_to_accounts_with_the_gift_card_liability_for_gift_cards() -> None:
    accounts = GatewayAccounts(default="090", by_gateway={"paypal": "091"}, gift_card="815")
    assert accounts.for_gateway("paypal") == "091"
    assert accounts.for_gateway("gift_card") == "815"
    assert accounts.for_gateway("shopify_payments") == "090"
    assert GatewayAccounts(default="090", by_gateway={}).for_gateway("gift_card") == "090"
