"""Xero's /Date(ms+0000)/ codec [xero-api-notes §5.1]."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from shopxero.xero.dates import format_xero_date, parse_xero_date


def test_parses_ms_with_offset() -> None:
    assert parse_xero_date("/Date(1419937200000+0000)/") == datetime(2014, 12, 30, 11, tzinfo=UTC)


def test_parses_ms_without_offset_and_iso() -> None:
    assert parse_xero_date("/Date(1439434356790)/") == datetime(
        2015, 8, 13, 2, 52, 36, 790000, tzinfo=UTC
    )
    assert parse_xero_date("2015-08-13T02:52:36") == datetime(2015, 8, 13, 2, 52, 36, tzinfo=UTC)


def test_plain_date_is_midnight_utc() -> None:
    assert format_xero_date(date(2026, 1, 2)) == "/Date(1767312000000+0000)/"


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)))
def test_round_trip_to_the_millisecond(value: datetime) -> None:
    value = value.replace(microsecond=value.microsecond // 1000 * 1000, tzinfo=UTC)
    assert parse_xero_date(format_xero_date(value)) == value
