"""Shopify money strings are plain decimals; anything else is refused naming record and field.

shopify-api-notes §5: "Money is a decimal string: "199.00"", with a few JSON-number exceptions in
refunds (§5 "Refund", §8 #7: ``refund_line_items[].subtotal``/``total_tax``) and tax ``rate``
(0.06 in the fixtures). Exponents, padding, ``NaN`` and ``Infinity`` are not what Shopify sends:
reading ``"1E+3"`` as 1000 would put a made-up amount on an invoice.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopxero.errors import MappingError
from shopxero.shopify.models import parse_order, parse_product, parse_refund, to_decimal

NOT_PLAIN = [
    "1E+3",
    "1e2",
    "1.5e-2",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    " 12.00 ",
    "12.00 ",
    "\t12.00",
    "12.00\n",
    "+12.00",
    ".50",
    "12.",
    "1_000.00",
    "1,000.00",
    "١٢.٥٠",  # Arabic-Indic digits: Decimal() reads them, Shopify never sends them
    "--1",
    "-",
    "",
]


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_a_non_plain_money_string_is_refused_naming_the_record_and_field(text: str) -> None:
    raw: dict[str, Any] = {"id": 7, "line_items": [{"id": 1}, {"id": 2, "price": text}]}
    with pytest.raises(MappingError) as caught:
        parse_order(raw)
    error = caught.value
    assert (error.entity, error.source_id, error.field) == ("order", "7", "line_items.1.price")
    assert "plain decimal" in error.message and repr(text) in error.message
    assert str(error).startswith("order 7 field line_items.1.price: ")


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"id": 9, "variants": [{"id": 91, "price": "1E+3"}]}, "variants.0.price"),
        (
            {"id": 9, "variants": [{"id": 91, "compare_at_price": "NaN"}]},
            "variants.0.compare_at_price",
        ),
    ],
)
def test_products_name_the_variant_field(record: dict[str, Any], field: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_product(record)
    assert (caught.value.entity, caught.value.source_id, caught.value.field) == (
        "product",
        "9",
        field,
    )


def test_refund_strings_are_checked_and_its_json_numbers_still_read() -> None:
    """The JSON-number exceptions (shopify-api-notes §8 #7) parse exactly; a string in the same
    refund that is not plain is still refused, with its path."""
    good = {
        "id": 5,
        "refund_line_items": [{"id": 1, "quantity": 1, "subtotal": 195.66, "total_tax": 3.98}],
        "transactions": [{"id": 2, "amount": "199.64"}],
    }
    refund = parse_refund(good)
    line = refund.refund_line_items[0]
    assert (line.subtotal, line.total_tax) == (Decimal("195.66"), Decimal("3.98"))
    assert refund.transactions[0].amount == Decimal("199.64")
    bad = {**good, "transactions": [{"id": 2, "amount": "1.9964E+2"}]}
    with pytest.raises(MappingError) as caught:
        parse_refund(bad)
    assert caught.value.field == "transactions.0.amount"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("199.00", "199.00"),
        ("-5.00", "-5.00"),  # order adjustments and refund discrepancies are negative
        ("0", "0"),
        ("0.001", "0.001"),
        ("007.50", "7.50"),
        (0.06, "0.06"),  # a tax rate as a JSON number
        (195.66, "195.66"),
        (3, "3"),
        (1e-05, "0.00001"),  # a JSON number may print with an exponent; it is still a number
        (Decimal("12.5"), "12.5"),
    ],
)
def test_plain_strings_and_json_numbers_are_read_exactly(value: object, expected: str) -> None:
    assert to_decimal(value) == Decimal(expected)


# --- properties ----------------------------------------------------------------------------

amounts = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=4, allow_nan=False
)
PLAIN = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@given(amounts)
def test_every_plain_rendering_round_trips_exactly(amount: Decimal) -> None:
    text = f"{amount:f}"  # how Shopify renders money: never an exponent
    assert str(to_decimal(text)) == text


@given(amounts.filter(lambda d: d != 0), st.sampled_from(["E", "e"]))
def test_every_exponent_rendering_is_refused(amount: Decimal, letter: str) -> None:
    text = f"{amount:E}".replace("E", letter)  # 1.2345E+3: the same number, not plain
    with pytest.raises(ValueError, match="plain decimal"):
        to_decimal(text)


@given(amounts, st.sampled_from([" ", "\t", "\n", "\u00a0"]), st.booleans())
def test_padding_is_refused(amount: Decimal, pad: str, before: bool) -> None:
    text = f"{pad}{amount:f}" if before else f"{amount:f}{pad}"
    with pytest.raises(ValueError, match="plain decimal"):
        to_decimal(text)


@given(st.text(max_size=12).filter(lambda t: PLAIN.fullmatch(t) is None))
def test_any_other_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        to_decimal(text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_json_numbers_go_through_str(number: float) -> None:
    assert to_decimal(number) == Decimal(str(number))
