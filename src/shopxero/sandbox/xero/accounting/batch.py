"""Writing a batch of elements the way Xero does, including its partial-success trap.

- Body: ``{"Contacts": [...]}``, or one element without the wrapper; an empty or unreadable
  body, or an empty list, is ``NoDataProcessedException`` [xero-api-notes §7].
- Elements are saved one by one, in order, so a later element sees the earlier ones (two
  elements with the same ContactNumber: the second fails).
- ``summarizeErrors=false``: 200, every element back with ``StatusAttributeString`` OK or
  ERROR (+ ``ValidationErrors`` and the resource's error flag) [xero-api-notes §4].
- Otherwise one bad element makes the answer a 400 ValidationException listing the failed
  elements, although the good ones WERE saved, and their IDs are not returned [xero-api-notes §4,
  R38].
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from shopxero.sandbox.xero.accounting.problems import (
    BadRequest,
    ElementInvalid,
    validation_response,
)
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope

__all__ = ["read_elements", "summarize_errors", "unitdp", "write_batch"]


def summarize_errors(request: Request) -> bool:
    for key, value in request.query_params.multi_items():
        if key.lower() == "summarizeerrors":
            return value.strip().lower() != "false"
    return True  # the API summarises unless told otherwise [xero-api-notes §4]


def unitdp(request: Request) -> int:
    for key, value in request.query_params.multi_items():
        if key.lower() == "unitdp" and value.strip() == "4":
            return 4
    return 2


async def read_elements(request: Request, key: str) -> list[dict[str, Any]]:
    """The elements of a write body, with numbers as ``Decimal`` (never floats)."""
    raw = await request.body()
    try:
        body = json.loads(raw, parse_float=Decimal) if raw.strip() else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest.no_data() from exc
    if isinstance(body, dict) and key in body:
        elements = body[key]
    elif (
        isinstance(body, dict)
        and body
        and not any(
            isinstance(v, list) and k.endswith("s") and k[0].isupper() and k not in _ELEMENT_LISTS
            for k, v in body.items()
        )
    ):
        elements = [body]  # a single element without the wrapper, as Xero accepts
    else:
        elements = None
    if not isinstance(elements, list) or not elements:
        raise BadRequest.no_data()
    if not all(isinstance(e, dict) for e in elements):
        raise BadRequest.no_data()
    return elements


# List-valued fields of a single element, so ``{"Name": .., "Addresses": [..]}`` still counts
# as one element and not as a wrapper of some other collection.
_ELEMENT_LISTS = frozenset(
    {
        "Addresses",
        "Phones",
        "ContactPersons",
        "ContactGroups",
        "LineItems",
        "Tracking",
        "HistoryRecords",
        "SalesTrackingCategories",
        "PurchasesTrackingCategories",
        "Payments",
        "Allocations",
        "CreditNotes",
    }
)


_NUMBER_KEYS = frozenset(
    {
        "Quantity",
        "UnitAmount",
        "LineAmount",
        "TaxAmount",
        "DiscountRate",
        "DiscountAmount",
        "Amount",
        "UnitPrice",
        "CurrencyRate",
        "Total",
        "SubTotal",
        "TotalTax",
    }
)


def _as_parsed(value: Any, key: str = "") -> Any:
    """A refused element as Xero echoes it: after its own parsing, so ``"10.00"`` is a number."""
    if isinstance(value, dict):
        return {k: _as_parsed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_parsed(v, key) for v in value]
    if key in _NUMBER_KEYS and isinstance(value, str):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        return number if number.is_finite() else value
    return value


def write_batch(
    request: Request,
    *,
    now: datetime,
    key: str,
    elements: list[dict[str, Any]],
    save: Callable[[dict[str, Any]], Any],
    present: Callable[[Any], dict[str, Any]],
    error_flag: str | None,
    summarize: bool | None = None,
) -> Response:
    """Save ``elements`` one by one; ``summarize`` overrides the request's ``summarizeErrors``
    (an endpoint the spec gives no such parameter always summarises)."""
    results: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for element in elements:
        try:
            record = save(element)
        except ElementInvalid as exc:
            echo = _as_parsed(element)
            echo["ValidationErrors"] = [{"Message": message} for message in exc.messages]
            echo["StatusAttributeString"] = "ERROR"
            if error_flag:
                echo[error_flag] = True
            results.append(echo)
            failed.append(echo)
            continue
        warnings = record.pop("_warnings", None) if isinstance(record, dict) else None
        shown = present(record)
        shown["StatusAttributeString"] = "WARNING" if warnings else "OK"
        if warnings:
            shown["Warnings"] = [{"Message": message} for message in warnings]
        results.append(shown)
    if failed and (summarize_errors(request) if summarize is None else summarize):
        return validation_response(failed)
    return JsonResponse(envelope(now, key, results))
