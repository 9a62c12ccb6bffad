"""Turning the in-memory records into Xero's JSON: envelope, money precision and /Date()/ dates.

Records are held with ``Decimal`` money, aware ``datetime`` timestamps and ``date`` dates. Xero
writes money as JSON numbers with fixed precision (``40.00``; unit amounts 2 dp, or 4 dp with
``unitdp=4``; quantities 4 dp), so this module emits the JSON text itself instead of going through
floats, which would print ``40.0`` and could drift [xero-api-notes §6.6].
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from starlette.responses import Response

from shopxero.xero.dates import format_xero_date

__all__ = [
    "PROVIDER_NAME",
    "JsonResponse",
    "dumps",
    "envelope",
    "money",
    "present_document",
    "quantize",
]

PROVIDER_NAME = "shopxero sandbox"

TWO_DP = Decimal("0.01")
FOUR_DP = Decimal("0.0001")

# Fields whose precision is not the 2 dp of ordinary money.
_FOUR_DP_FIELDS = frozenset({"Quantity", "DisplayTaxRate", "EffectiveRate", "Rate"})
# CurrencyRate is max [18].[6] and Xero answers it with 6 dp (spec examples 0.937053, 1.547150,
# 1.000000) [xero-api-notes §6.3, R1]: at 4 dp a rate like 1.161641 would read back as 1.1616.
_SIX_DP_FIELDS = frozenset({"CurrencyRate"})


def quantize(value: Decimal, places: int) -> Decimal:
    """Round half away from zero, as Xero does [xero-api-notes §6.6]."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: Decimal) -> Decimal:
    return quantize(value, 2)


def _encode(value: Any, parts: list[str]) -> None:
    if isinstance(value, Mapping):
        parts.append("{")
        first = True
        for key, item in value.items():
            if not first:
                parts.append(",")
            first = False
            parts.append(json.dumps(str(key)))
            parts.append(":")
            _encode(item, parts)
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _encode(item, parts)
        parts.append("]")
    elif isinstance(value, bool) or value is None or isinstance(value, int | str):
        parts.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Decimal):
        # Fixed-point text, never exponent notation (Decimal("1E+2") would print as 1E+2), and
        # never "-0.00" (a -0.004 tax rounds to a negative zero).
        parts.append(format(value.copy_abs() if value.is_zero() else value, "f"))
    elif isinstance(value, datetime | date):
        parts.append(json.dumps(format_xero_date(value)))
    elif isinstance(value, float):  # pragma: no cover - records never hold floats; guard only
        raise TypeError("floats are not allowed in sandbox records; use Decimal")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    """JSON text with Decimals written as exact fixed-point numbers."""
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


class JsonResponse(Response):
    """``application/json; charset=utf-8`` built with :func:`dumps`."""

    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


def envelope(now: datetime, key: str | None, items: Any, **extra: Any) -> dict[str, Any]:
    """Xero's response envelope: ``{"Id", "Status", "ProviderName", "DateTimeUTC", <key>...}``."""
    body: dict[str, Any] = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": PROVIDER_NAME,
        "DateTimeUTC": now,
    }
    body.update(extra)
    if key is not None:
        body[key] = items
    return body


def _present_value(key: str, value: Any, unitdp: int) -> Any:
    if isinstance(value, Decimal):
        if key in ("UnitAmount", "UnitPrice"):
            return quantize(value, unitdp)
        if key in _FOUR_DP_FIELDS:
            return quantize(value, 4)
        if key in _SIX_DP_FIELDS:
            return quantize(value, 6)
        return quantize(value, 2)
    if isinstance(value, Mapping):
        return present_document(value, unitdp=unitdp)
    if isinstance(value, list):
        return [_present_value(key, v, unitdp) for v in value]
    return value


def present_document(record: Mapping[str, Any], *, unitdp: int = 2) -> dict[str, Any]:
    """A copy of ``record`` with every number at Xero's precision for this request.

    Private keys (leading underscore) hold sandbox bookkeeping and never leave the sandbox.
    Dates get Xero's companion ``DateString`` (``2026-11-26T00:00:00``) [xero-api-notes §5.1].
    """
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key.startswith("_"):
            continue
        out[key] = _present_value(key, value, unitdp)
        if (
            key in ("Date", "DueDate")
            and isinstance(value, date)
            and not isinstance(value, datetime)
        ):
            out[f"{key}String"] = f"{value.isoformat()}T00:00:00"
        if key == "UpdatedDateUTC" and isinstance(value, datetime) and record.get("_iso_updated"):
            # Invoices, credit notes and payments also carry the ISO form [xero-api-notes §5.1].
            out["UpdatedDateUTCString"] = value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out
