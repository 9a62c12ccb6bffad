"""Xero's JSON date format, ``/Date(1439434356790+0000)/``, in one place.

Xero's JSON dates are Microsoft .NET style: milliseconds since the Unix epoch, optionally with an
offset that only says which zone the value was rendered in (the milliseconds are UTC). Some
elements also carry ISO strings (``DateString``, ``UpdatedDateUTCString``) [xero-api-notes §5.1].
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

__all__ = ["format_xero_date", "parse_xero_date"]

_MS_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?P<offset>[+-]\d{4})?\)/$")


def parse_xero_date(value: str | datetime | date | None) -> datetime | None:
    """Parse ``/Date(ms[+-hhmm])/`` or an ISO-8601 string to an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    match = _MS_DATE.match(value.strip())
    if match:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(match["ms"]))
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_xero_date(value: datetime | date) -> str:
    """Render as Xero does: ``/Date(ms+0000)/`` (a plain date is midnight UTC)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    ms = delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    return f"/Date({ms}+0000)/"
