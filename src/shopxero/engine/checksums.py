"""Checksums of exactly the payload we send to Xero, for change detection
(docs/architecture.md, invariant 5).

The checksum is sha256 over a canonical JSON rendering: keys sorted, no whitespace, every number
(``int``, ``float`` or ``Decimal``) written in one normal form so that ``10``, ``10.0`` and
``Decimal("10.00")`` are the same value, as they are to Xero. Strings stay strings, so ``"10"``
and ``10`` differ. Dates render as ISO strings, like ``to_payload()`` writes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

__all__ = ["canonical_json", "payload_checksum"]


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"cannot checksum a non-finite number: {value}")
    if value.is_zero():
        return "0"  # also folds -0 and 0E-8 into one form
    return format(value.normalize(), "f")


def _encode(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Enum):
        return _encode(value.value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, int):
        return _number(Decimal(value))
    if isinstance(value, float):
        # repr of a float is the shortest exact round-trip text: Decimal(str(0.1)) == 0.1.
        return _number(Decimal(str(value)))
    if isinstance(value, datetime | date):
        return json.dumps(value.isoformat())
    if isinstance(value, Mapping):
        parts = []
        for key in sorted(value):
            if not isinstance(key, str):
                raise TypeError(f"payload keys must be strings, got {key!r}")
            parts.append(f"{json.dumps(key, ensure_ascii=False)}:{_encode(value[key])}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    raise TypeError(f"cannot checksum a {type(value).__name__}")


def canonical_json(payload: Mapping[str, object]) -> str:
    """The canonical text the checksum is taken over (handy when debugging a diff)."""
    return _encode(payload)


def payload_checksum(payload: Mapping[str, object]) -> str:
    """Hex sha256 of the canonical JSON of ``payload`` (a ``to_payload()`` dict)."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
