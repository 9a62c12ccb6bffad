"""Shopify's per-line arithmetic, checked against figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from shopxero.sandbox.seeds.money import cents, money, money_set, prorate, split_by_weight, tax_for


def test_fixed_discount_over_three_equal_lines_gives_the_first_line_the_penny() -> None:
    # shopify-api-notes §5 "Order": 10.00 over three 199.00 lines is 3.34 / 3.33 / 3.33.
    assert split_by_weight(D("10.00"), [D("199.00")] * 3) == [D("3.34"), D("3.33"), D("3.33")]


def test_split_is_proportional_and_skips_zero_weights() -> None:
    # 9.00 over 10 / 0 / 20: 3.00, 0, 6.00.
    assert split_by_weight(D("9.00"), [D(10), D(0), D(20)]) == [D("3.00"), D("0.00"), D("6.00")]


@given(
    st.decimals(min_value=0, max_value=10_000, places=2),
    st.lists(st.decimals(min_value=0, max_value=5_000, places=2), min_size=1, max_size=8),
)
def test_split_always_sums_exactly(total: D, weights: list[D]) -> None:
    shares = split_by_weight(total, weights)
    if sum(weights) == 0:
        assert all(s == 0 for s in shares)
    else:
        assert sum(shares) == total
        assert all(s >= 0 for s in shares)


def test_tax_exclusive_and_inclusive_by_hand() -> None:
    # Exclusive: 2 x 12.50 at 20% = 25.00 -> 5.00 tax.
    assert tax_for(D("25.00"), D("0.20"), inclusive=False) == D("5.00")
    # Inclusive: 24.00 contains 24 - 24/1.2 = 4.00 VAT.
    assert tax_for(D("24.00"), D("0.20"), inclusive=True) == D("4.00")
    # Inclusive 19.99: 19.99 / 1.2 = 16.658.. -> tax 3.331.. -> 3.33.
    assert tax_for(D("19.99"), D("0.20"), inclusive=True) == D("3.33")
    # Exclusive 6.99 x 6% = 0.4194 -> 0.42; half cents round away from zero: 0.125 -> 0.13.
    assert tax_for(D("6.99"), D("0.06"), inclusive=False) == D("0.42")
    assert cents(D("0.125")) == D("0.13")


def test_prorated_partial_refunds_add_up_to_the_whole() -> None:
    # 10.00 over 3 units refunded one at a time: 3.33 + 3.34 + 3.33 = 10.00.
    parts = [prorate(D("10.00"), done, 1, 3) for done in range(3)]
    assert parts == [D("3.33"), D("3.34"), D("3.33")]
    assert sum(parts) == D("10.00")


def test_wire_forms() -> None:
    assert money(D("5")) == "5.00"
    assert money_set(D("1"), "GBP", D("1.16"), "EUR") == {
        "shop_money": {"amount": "1.00", "currency_code": "GBP"},
        "presentment_money": {"amount": "1.16", "currency_code": "EUR"},
    }
