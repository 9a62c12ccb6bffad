"""Xero write batches: exact JSON encoding (Decimal as JSON numbers) and splitting into batches.

Xero recommends at most 50 elements per PUT/POST and refuses bodies above 3.5 MB
(xero-api-notes §4), so every write goes out in batches that respect both. The size of a batch is
measured with the same encoder the client sends with, so the limit is checked on the real bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_BATCH_ELEMENTS",
    "MAX_ITEMS_BATCH",
    "encode_json",
    "max_elements_for",
    "split_batches",
]

# xero-api-notes §4: "batch elements in bundles of up to 50"; "A single POST ... has a size limit
# of 3.5MB".
MAX_BATCH_ELEMENTS = 50
MAX_BATCH_BYTES = 3_500_000
# xero-api-notes §4: Items alone may be created or updated up to 500 in one request.
MAX_ITEMS_BATCH = 500


def max_elements_for(key: str) -> int:
    """The most elements of ``key`` (``Items``, ``Invoices`` ...) one write request carries."""
    return MAX_ITEMS_BATCH if key == "Items" else MAX_BATCH_ELEMENTS


def _encode(value: Any, where: str, out: list[str]) -> None:
    # bool before int: bool is an int subclass and must stay true/false.
    if value is None or isinstance(value, bool | str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"payload field {where} is {value}, not a finite amount")
        # Fixed-point text is exactly the Decimal's value: no float in between, no exponent.
        out.append(format(value, "f"))
    elif isinstance(value, float):
        # Money is Decimal end to end; a float here means a rounding error already happened.
        raise ValueError(f"payload field {where} is a float ({value!r}); use Decimal")
    elif isinstance(value, Mapping):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise ValueError(f"payload field {where} has a non-string key {key!r}")
            if index:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _encode(item, f"{where}.{key}" if where else key, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, f"{where}[{index}]", out)
        out.append("]")
    else:
        raise ValueError(f"payload field {where} has unsupported type {type(value).__name__}")


def encode_json(value: Any) -> bytes:
    """UTF-8 JSON for ``value`` with every ``Decimal`` written as an exact JSON number.

    Floats are refused (``ValueError`` naming the field): they would carry binary rounding error
    into an invoice. NaN and infinite Decimals are refused too (JSON has no such numbers).
    """
    out: list[str] = []
    _encode(value, "", out)
    return "".join(out).encode("utf-8")


def _element_size(payload: Mapping[str, Any]) -> int:
    return len(encode_json(payload)) + 1  # the comma between elements


def split_batches(
    payloads: Sequence[Mapping[str, Any]],
    *,
    max_elements: int = MAX_BATCH_ELEMENTS,
    max_bytes: int = MAX_BATCH_BYTES,
    envelope_bytes: int = 64,
) -> Iterator[list[Mapping[str, Any]]]:
    """Yield consecutive batches, in order, of at most ``max_elements`` and ``max_bytes``.

    ``envelope_bytes`` leaves room for the wrapper (``{"Invoices":[...]}``). A single element too
    big for a batch on its own raises ``ValueError`` naming its position: splitting cannot help.
    """
    if not 1 <= max_elements <= MAX_ITEMS_BATCH:
        raise ValueError(f"max_elements must be 1..{MAX_ITEMS_BATCH}, got {max_elements}")
    budget = max_bytes - envelope_bytes
    batch: list[Mapping[str, Any]] = []
    used = 0
    for index, payload in enumerate(payloads):
        size = _element_size(payload)
        if size > budget:
            raise ValueError(
                f"payload #{index} is {size} bytes of JSON; Xero accepts at most {max_bytes} "
                "bytes per request"
            )
        if batch and (len(batch) >= max_elements or used + size > budget):
            yield batch
            batch, used = [], 0
        batch.append(payload)
        used += size
    if batch:
        yield batch
