"""The order builder's tips, import duties and additional fees, and refunds that give them back.

A hand-worked order first (every figure stated), then any combination checked against the
independent invariants (``tests/seeds/invariants.py``, which know duties and fees too).
Shapes: shopify-api-notes §5 "Refund" and "Tips, gift cards, duties"; refund ``duties``
[{duty_id, amount_set}] as ShopifySharp's ``RefundDuty.cs``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.seeds.invariants import order_problems

from shopxero.sandbox.seeds.demo import build_demo
from shopxero.sandbox.seeds.orders import (
    IdSequence,
    LineSpec,
    OrderBuilder,
    OrderSpec,
    RefundSpec,
    ShippingSpec,
    ShopContext,
)

SHOP = ShopContext(currency="GBP", timezone="Europe/London", tax_title="VAT",
                   tax_rate=Decimal("0.20"))  # fmt: skip
WHEN = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def _build(spec: OrderSpec) -> dict[str, Any]:
    return OrderBuilder(SHOP, IdSequence(), domain="x.myshopify.com").build(spec)


def _spec(**kw: Any) -> OrderSpec:
    base: dict[str, Any] = {
        "number": 1001,
        "processed_at": WHEN,
        "lines": (LineSpec("Teapot", Decimal("30.00")), LineSpec("Tip", Decimal("4.00"), tip=True)),
        "customer": None,
        "email": "someone@example.com",
        "shipping": ShippingSpec("Courier", Decimal("6.00")),
        "duties": Decimal("5.40"),
        "additional_fees": Decimal("1.50"),
    }
    return OrderSpec(**{**base, **kw})


def test_tips_duties_and_fees_add_up_the_way_shopify_states_them() -> None:
    # VAT-inclusive: teapot 30.00 (VAT 5.00) + tip 4.00 (no VAT) + shipping 6.00 (VAT 1.00)
    # + duties 5.40 + fees 1.50 = 46.90, VAT 6.00. Refund: the tip, the duty and the fees:
    # 4.00 + 5.40 + 1.50 = 10.90 back, current total 36.00.
    order = _build(_spec(refunds=(RefundSpec(2, ((1, 1),), duties=True, additional_fees=True),)))
    assert order_problems(order) == []
    assert (order["total_price"], order["total_tax"]) == ("46.90", "6.00")
    assert order["total_tip_received"] == "4.00"
    assert order["original_total_duties_set"]["shop_money"]["amount"] == "5.40"
    assert order["original_total_additional_fees_set"]["shop_money"]["amount"] == "1.50"
    assert order["current_total_duties_set"]["shop_money"]["amount"] == "0.00"
    assert order["current_total_price"] == "36.00"
    tip = order["line_items"][1]
    assert (tip["product_id"], tip["variant_id"], tip["taxable"], tip["tax_lines"]) == (
        None,
        None,
        False,
        [],
    )
    [duty] = order["line_items"][0]["duties"]
    [refund] = order["refunds"]
    assert refund["duties"] == [
        {
            "duty_id": duty["id"],
            "amount_set": {
                "shop_money": {"amount": "5.40", "currency_code": "GBP"},
                "presentment_money": {"amount": "5.40", "currency_code": "GBP"},
            },
        }
    ]
    assert refund["refund_duties"] == [{"duty_id": duty["id"], "refund_type": "FULL"}]
    assert refund["total_additional_fees_set"]["shop_money"]["amount"] == "1.50"
    assert [t["amount"] for t in refund["transactions"]] == ["10.90"]
    assert order["financial_status"] == "partially_refunded"


def test_an_order_without_duties_or_fees_states_them_as_null() -> None:
    order = _build(_spec(duties=None, additional_fees=None, lines=(LineSpec("Mug", Decimal(8)),)))
    assert order["original_total_duties_set"] is None
    assert order["current_total_additional_fees_set"] is None
    assert order["total_tip_received"] == "0.00"
    assert order["refunds"] == []


def test_duties_cannot_be_refunded_twice_or_when_none_were_charged() -> None:
    twice = (RefundSpec(1, duties=True), RefundSpec(2, duties=True))
    with pytest.raises(ValueError, match="no duties left to refund"):
        _build(_spec(refunds=twice))
    with pytest.raises(ValueError, match="no additional_fees left to refund"):
        _build(_spec(additional_fees=None, refunds=(RefundSpec(1, additional_fees=True),)))


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"), places=2)


@st.composite
def charged_orders(draw: st.DrawFn) -> OrderSpec:
    lines = [LineSpec("Thing", draw(money), quantity=draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        lines.append(LineSpec("Tip", draw(money), tip=True))
    duties = draw(st.one_of(st.none(), money))
    fees = draw(st.one_of(st.none(), money))
    refunds: list[RefundSpec] = []
    duty_left, fee_left, tip_left = duties is not None, fees is not None, len(lines) > 1
    for day in range(draw(st.integers(0, 2))):
        back_duty = duty_left and draw(st.booleans())
        back_fee = fee_left and draw(st.booleans())
        back_tip = tip_left and draw(st.booleans())
        duty_left, fee_left, tip_left = (
            duty_left and not back_duty,
            fee_left and not back_fee,
            tip_left and not back_tip,
        )
        refunds.append(
            RefundSpec(
                day + 1,
                ((1, 1),) if back_tip else (),
                duties=back_duty,
                additional_fees=back_fee,
            )
        )
    return _spec(
        lines=tuple(lines),
        duties=duties,
        additional_fees=fees,
        refunds=tuple(refunds),
        taxes_included=draw(st.booleans()),
        presentment_currency=draw(st.sampled_from([None, "EUR"])),
        exchange_rate=Decimal("0.8612"),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charged_orders())
def test_any_order_with_tips_duties_and_fees_adds_up(spec: OrderSpec) -> None:
    assert order_problems(_build(spec)) == []


def test_the_demo_has_a_refunded_duty_and_a_refunded_tip() -> None:
    orders = build_demo(WHEN)["shopify"]["orders"]
    duty_back = [o for o in orders if any(r["duties"] for r in o["refunds"])]
    tip_back = [
        o
        for o in orders
        if any(
            rli["line_item"]["title"] == "Tip" and rli["line_item"]["product_id"] is None
            for r in o["refunds"]
            for rli in r["refund_line_items"]
        )
    ]
    assert len(duty_back) == 1 and len(tip_back) == 1
    assert duty_back[0]["shipping_address"]["country_code"] != "GB"  # an international order
    assert duty_back[0]["current_total_duties_set"]["shop_money"]["amount"] == "0.00"
    assert tip_back[0]["total_tip_received"] == "2.00"
    assert all(order_problems(o) == [] for o in (*duty_back, *tip_back))


def test_a_refund_of_an_unpaid_order_moves_no_money_and_lowers_what_is_owed() -> None:
    # Pending (manual payment): teapot 30.00 + duties 5.40, no tip, fees or shipping = 35.40.
    # The duty is refunded before any payment: no refund transaction, 30.00 still owed.
    order = _build(
        _spec(
            lines=(LineSpec("Teapot", Decimal("30.00")),),
            shipping=None,
            additional_fees=None,
            payment="pending",
            gateway="manual",
            refunds=(RefundSpec(1, duties=True),),
        )
    )
    assert order_problems(order) == []
    [refund] = order["refunds"]
    assert refund["transactions"] == []
    assert refund["total_duties_set"]["shop_money"]["amount"] == "5.40"
    assert (order["total_price"], order["current_total_price"]) == ("35.40", "30.00")
    assert (order["total_outstanding"], order["financial_status"]) == ("30.00", "pending")
    assert [t["kind"] for t in order["transactions"]] == ["sale"]  # the pending one only
