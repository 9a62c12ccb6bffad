"""Property test: any order the builder can be asked for adds up (``invariants``)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.seeds.invariants import order_problems

from shopxero.sandbox.seeds.orders import (
    DiscountSpec,
    IdSequence,
    LineSpec,
    OrderBuilder,
    OrderSpec,
    RefundSpec,
    ShippingSpec,
    ShopContext,
)

SHOP = ShopContext(currency="GBP", timezone="Europe/London", tax_title="GB VAT",
                   tax_rate=Decimal("0.20"))  # fmt: skip
WHEN = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
lines = st.builds(
    LineSpec,
    title=st.just("Thing"),
    price=prices,
    quantity=st.integers(1, 6),
    taxable=st.booleans(),
    gift_card=st.booleans(),
    tax_rate=st.sampled_from([None, Decimal("0.05"), Decimal("0.0725"), Decimal("0.15")]),
)
discounts = st.one_of(
    st.none(),
    st.builds(DiscountSpec, code=st.just("FIXED"), value=st.decimals(
        min_value=Decimal("0.01"), max_value=Decimal("20.00"), places=2)),
    st.builds(DiscountSpec, code=st.just("PCT"), value=st.sampled_from(
        [Decimal(5), Decimal(10), Decimal("12.5"), Decimal(33)]), value_type=st.just("percentage")),
)  # fmt: skip


@st.composite
def order_specs(draw: st.DrawFn) -> OrderSpec:
    spec_lines = draw(st.lists(lines, min_size=1, max_size=5))
    discount = draw(discounts)
    if discount is not None and discount.value_type == "fixed_amount":
        # Shopify never discounts more than the discountable amount.
        cap = sum((ln.price * ln.quantity for ln in spec_lines if not ln.gift_card), Decimal(0))
        discount = None if cap < discount.value else discount
    refunds: list[RefundSpec] = []
    left = [ln.quantity for ln in spec_lines]
    for day in range(draw(st.integers(0, 3))):
        picks: list[tuple[int, int]] = []
        for index, remaining in enumerate(left):
            if remaining and draw(st.booleans()):
                qty = draw(st.integers(1, remaining))
                picks.append((index, qty))
                left[index] -= qty
        refunds.append(RefundSpec(day + 1, tuple(picks), shipping=draw(st.booleans())))
    currency = draw(st.sampled_from([None, "EUR"]))
    return OrderSpec(
        number=1001,
        processed_at=WHEN,
        lines=tuple(spec_lines),
        customer=None,
        taxes_included=draw(st.booleans()),
        shipping=draw(st.one_of(st.none(), st.builds(ShippingSpec, st.just("Post"), prices))),
        discount=discount,
        refunds=tuple(refunds),
        presentment_currency=currency,
        exchange_rate=draw(st.sampled_from([Decimal("0.8612"), Decimal("1.1734")])),
        email="someone@example.com",
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order_specs())
def test_any_built_order_adds_up(spec: OrderSpec) -> None:
    order: dict[str, Any] = OrderBuilder(SHOP, IdSequence(), domain="x.myshopify.com").build(spec)
    assert order_problems(order) == []
