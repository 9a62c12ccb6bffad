"""JSON text with Xero's number formatting, and half-away-from-zero rounding."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from shopxero.sandbox.xero.accounting.serialize import dumps, present_document, quantize


def test_decimals_are_fixed_point_without_negative_zero() -> None:
    assert dumps({"a": Decimal("1E+2"), "b": Decimal("-0.00"), "c": Decimal("12.30")}) == (
        '{"a":100,"b":0.00,"c":12.30}'
    )


def test_dates_are_ms_dates_and_text_is_unicode() -> None:
    text = dumps(
        {
            "d": date(2026, 11, 26),
            "t": datetime(2026, 11, 26, 9, 0, 0, 123000, tzinfo=UTC),
            "n": "Jürgen",
        }
    )
    assert text == (
        '{"d":"/Date(1795651200000+0000)/","t":"/Date(1795683600123+0000)/","n":"Jürgen"}'
    )


def test_rounding_is_half_away_from_zero() -> None:
    assert quantize(Decimal("1.665"), 2) == Decimal("1.67")
    assert quantize(Decimal("-1.665"), 2) == Decimal("-1.67")
    assert quantize(Decimal("2.345"), 2) == Decimal("2.35")  # banker's rounding would give 2.34


def test_present_document_applies_precision_and_hides_private_keys() -> None:
    shown = present_document(
        {
            "UnitAmount": Decimal("1.23456"),
            "Quantity": Decimal("2"),
            "Total": Decimal("3"),
            "_secret": 1,
            "Date": date(2026, 1, 2),
        },
        unitdp=4,
    )
    assert shown == {
        "UnitAmount": Decimal("1.2346"),
        "Quantity": Decimal("2.0000"),
        "Total": Decimal("3.00"),
        "Date": date(2026, 1, 2),
        "DateString": "2026-01-02T00:00:00",
    }
