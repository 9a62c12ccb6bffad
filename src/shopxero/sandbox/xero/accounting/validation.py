"""Field-level checks shared by every resource: lengths, numbers, dates, GUIDs, booleans.

Each check collects Xero-style messages into a list instead of raising at the first problem,
because Xero reports every problem of an element at once in its ``ValidationErrors``.
Max lengths are the spec's (``xero_accounting.yaml`` schemas; xero-api-notes §6.1-§6.3).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shopxero.xero.dates import parse_xero_date

__all__ = [
    "Errors",
    "check_length",
    "optional_bool",
    "optional_date",
    "optional_decimal",
    "optional_guid",
    "optional_text",
]

Errors = list[str]

_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")


def optional_text(element: Mapping[str, Any], key: str, errors: Errors) -> str | None:
    value = element.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        errors.append(f"{key} must be a string.")
        return None
    return str(value)


def check_length(value: str | None, label: str, limit: int, errors: Errors) -> None:
    if value is not None and len(value) > limit:
        errors.append(f"{label} must not be more than {limit} characters long.")


def check_printable_ascii(value: str | None, label: str, errors: Errors) -> None:
    # InvoiceNumber: "printable ASCII only" [xero-api-notes §6.3].
    if value is not None and not _PRINTABLE_ASCII.match(value):
        errors.append(f"{label} can only contain printable ASCII characters.")


# Integer digits beyond which no Xero amount, quantity or rate can hold a number.
_MAX_DIGITS = 15


def optional_decimal(element: Mapping[str, Any], key: str, errors: Errors) -> Decimal | None:
    """A number; Xero also accepts numeric strings (its doc examples send ``"77.39"``)."""
    value = element.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.append(f"{key} must be a number.")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{key} must be a number.")
        return None
    if not number.is_finite():
        errors.append(f"{key} must be a number.")
        return None
    if number and number.adjusted() >= _MAX_DIGITS:
        # Xero's amounts are fixed-point columns (LineAmount <= 9,999,999,999.99,
        # xero-api-notes §6.3); a number like 1E+400 is a validation error there, never a stored
        # value (or a 500).
        errors.append(f"{key} is too large.")
        return None
    return number


def optional_date(element: Mapping[str, Any], key: str, errors: Errors) -> date | None:
    """``YYYY-MM-DD``, an ISO timestamp, or ``/Date(ms+0000)/``; the date part is kept."""
    value = element.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        errors.append(f"{key} must be a date.")
        return None
    try:
        parsed: datetime | None = parse_xero_date(value)
    except ValueError:
        errors.append(f"{key} '{value}' is not a valid date.")
        return None
    return parsed.date() if parsed else None


def optional_guid(element: Mapping[str, Any], key: str, errors: Errors) -> str | None:
    value = element.get(key)
    if value is None or value == "":
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        errors.append(f"{key} '{value}' is not a valid GUID.")
        return None


def optional_bool(element: Mapping[str, Any], key: str, errors: Errors) -> bool | None:
    value = element.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    errors.append(f"{key} must be true or false.")
    return None


def max_decimals(value: Decimal | None, places: int) -> bool:
    """True if ``value`` has at most ``places`` decimals."""
    if value is None:
        return True
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= places
