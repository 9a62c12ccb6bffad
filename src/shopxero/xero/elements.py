"""Reading Xero's per-element write answers, and writing ``where`` filters safely.

With ``summarizeErrors=false`` Xero answers a batch with 200 and one element per element sent, in
order, each with ``StatusAttributeString`` OK / WARNING / ERROR, ``ValidationErrors[]`` and
``Warnings[]`` (xero-api-notes §4). A whole-request 400 ``ValidationException`` carries the same
elements under ``Elements`` (§7); both become one ``ElementResult`` per element sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shopxero.errors import PermanentApiError, ValidationError

__all__ = [
    "ElementResult",
    "XeroValidationError",
    "element_results",
    "where_equals",
    "where_guid",
    "where_string",
    "where_writable",
]


@dataclass(frozen=True)
class ElementResult:
    """One element of a write: saved (``ok``: OK or WARNING) or refused with Xero's messages."""

    ok: bool
    record: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class XeroValidationError(ValidationError):
    """A Xero 400 that still lists the elements (``Elements``) of the batch it refused."""

    def __init__(self, message: str, *, elements: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.elements = elements


def _messages(items: Any) -> list[str]:
    out: list[str] = []
    for item in items or []:
        if isinstance(item, dict) and item.get("Message"):
            out.append(str(item["Message"]))
        elif isinstance(item, str):
            out.append(item)
    return out


def _one(element: dict[str, Any]) -> ElementResult:
    errors = _messages(element.get("ValidationErrors"))
    warnings = _messages(element.get("Warnings"))
    status = str(element.get("StatusAttributeString") or "").upper()
    if status:
        ok = status in ("OK", "WARNING")
    else:
        # Older answers without the status string: the flags tell (Contact HasValidationErrors,
        # Invoice HasErrors; xero-api-notes §4).
        ok = not errors and not element.get("HasValidationErrors") and not element.get("HasErrors")
    if not ok and not errors:
        errors = ["Xero refused this element without a message"]
    return ElementResult(ok=ok, record=element, errors=errors, warnings=warnings)


def element_results(
    elements: Sequence[Any], sent: int, *, method: str, path: str
) -> list[ElementResult]:
    """One result per element sent, in order; a count mismatch is an error (never guess)."""
    if len(elements) != sent:
        raise PermanentApiError(
            f"Xero answered {len(elements)} elements for {sent} sent; cannot tell which is which",
            service="xero",
            method=method,
            path=path,
        )
    results: list[ElementResult] = []
    for element in elements:
        if not isinstance(element, dict):
            raise PermanentApiError(
                "Xero answered an element that is not an object",
                service="xero",
                method=method,
                path=path,
            )
        results.append(_one(element))
    return results


def where_writable(value: str) -> bool:
    """Whether ``value`` can be written as a ``where`` string literal (no line breaks or NUL)."""
    return not any(ch in value for ch in "\r\n\x00")


def where_string(value: str) -> str:
    """``value`` as a string literal inside a Xero ``where`` (C#-like: ``"O\\"Brien"``)."""
    if not where_writable(value):
        raise ValueError(f"a where value cannot contain line breaks or NUL: {value!r}")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def where_equals(field_name: str, value: str) -> str:
    """``Field=="value"`` with the value escaped; the field name must be a plain identifier."""
    if not field_name.replace(".", "").isalnum():
        raise ValueError(f"not a Xero field name: {field_name!r}")
    return f"{field_name}=={where_string(value)}"


def where_guid(field_name: str, value: str) -> str:
    """``Field==guid("…")``: a Guid field compared with a plain string is a QueryParseException
    (xero-api-notes §13.2)."""
    if not field_name.replace(".", "").isalnum():
        raise ValueError(f"not a Xero field name: {field_name!r}")
    try:
        canonical = str(uuid.UUID(value))
    except ValueError as exc:
        raise ValueError(f"not a GUID: {value!r}") from exc
    return f'{field_name}==guid("{canonical}")'
