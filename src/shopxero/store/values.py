"""How Python values are stored in SQLite columns: aware UTC datetimes as ISO-8601 text."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["dt_from_text", "dt_to_text", "utcnow"]


def dt_to_text(value: datetime) -> str:
    """ISO-8601 in UTC; naive datetimes are refused (every datetime in shopxero is aware)."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} cannot be stored; use an aware UTC datetime")
    return value.astimezone(UTC).isoformat()


def dt_from_text(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
