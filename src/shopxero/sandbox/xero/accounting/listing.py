"""List queries: ``where``, ``order``, ``IDs``-style lists, If-Modified-Since and paging.

- Paging [xero-api-notes §5.1]: ``page`` (1-based) and ``pageSize`` (default 100, clamped to
  1..1000); the response carries ``pagination: {page, pageSize, pageCount, itemCount}``.
- Default order is ``UpdatedDateUTC ASC`` then the record ID, stable across pages
  [xero-api-notes §5.1].
- ``If-Modified-Since``: records with UpdatedDateUTC later than it, to the second
  [xero-api-notes §5.1].
"""

from __future__ import annotations

import email.utils
import math
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers, QueryParams

from shopxero.sandbox.xero.accounting.problems import BadRequest
from shopxero.sandbox.xero.accounting.where import Field, parse_where

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Page",
    "filter_where",
    "guid_list",
    "modified_since",
    "order_records",
    "paginate",
    "paging",
    "text_list",
]

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

Record = Any  # a record or its presented JSON shape (a Mapping)


def text_list(query: QueryParams, name: str) -> list[str] | None:
    """A comma-separated query list (``InvoiceNumbers=INV-1,INV-2``); names are case-insensitive."""
    for key, value in query.multi_items():
        if key.lower() == name.lower():
            return [part.strip() for part in value.split(",") if part.strip()]
    return None


def guid_list(query: QueryParams, name: str) -> list[str] | None:
    values = text_list(query, name)
    if values is None:
        return None
    try:
        return [str(uuid.UUID(value.strip('"'))) for value in values]
    except ValueError as exc:
        raise BadRequest.validation(f"{name} must be a comma separated list of GUIDs") from exc


def param(query: QueryParams, name: str) -> str | None:
    for key, value in query.multi_items():
        if key.lower() == name.lower():
            return value
    return None


def flag(query: QueryParams, name: str) -> bool:
    return (param(query, name) or "").lower() == "true"


def modified_since(headers: Headers) -> datetime | None:
    raw = headers.get("if-modified-since")
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None  # an unreadable header is ignored, as HTTP caches do
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def updated_after(records: list[Record], since: datetime | None) -> list[Record]:
    if since is None:
        return records
    # The header is accurate to the second [xero-api-notes §5.1] while records keep milliseconds: a
    # record changed at 10:00:00.5 is later than "10:00:00" and is returned.
    return [r for r in records if r["UpdatedDateUTC"] > since]


def filter_where(
    records: list[Record], query: QueryParams, fields: Mapping[str, Field], type_name: str
) -> list[Record]:
    where = param(query, "where")
    if not where or not where.strip():
        return records
    predicate = parse_where(where, fields, type_name)
    return [r for r in records if predicate(r)]


def order_records(
    records: list[Record],
    query: QueryParams,
    fields: Mapping[str, Field],
    id_field: str,
    type_name: str,
    *,
    time_field: str = "UpdatedDateUTC",
) -> list[Record]:
    """Sort by ``order`` (``Name ASC, Date DESC``) or by ``time_field`` (UpdatedDateUTC; a bank
    transfer has only CreatedDateUTC) then ID."""
    ordered = sorted(records, key=lambda r: (r[time_field], str(r[id_field])))
    spec = param(query, "order")
    if not spec or not spec.strip():
        return ordered
    lookup = {name.lower(): f for name, f in fields.items()}
    for clause in reversed([c.strip() for c in spec.split(",") if c.strip()]):
        parts = clause.split()
        found = lookup.get(parts[0].lower())
        if (
            found is None
            or len(parts) > 2
            or (len(parts) == 2 and parts[1].upper() not in ("ASC", "DESC"))
        ):
            raise BadRequest.query_parse(
                f"No property or field '{parts[0]}' exists in type '{type_name}'"
            )
        getter: Callable[[Record], Any] = found.getter
        descending = len(parts) == 2 and parts[1].upper() == "DESC"
        present = [r for r in ordered if getter(r) is not None]
        missing = [r for r in ordered if getter(r) is None]

        def key(record: Record, getter: Callable[[Record], Any] = getter) -> Any:
            value = getter(record)
            return value.casefold() if isinstance(value, str) else value

        present.sort(key=key, reverse=descending)
        ordered = missing + present if not descending else present + missing
    return ordered


class Page:
    def __init__(self, number: int, size: int) -> None:
        self.number = number
        self.size = size


def paging(query: QueryParams, *, forced: bool = False) -> Page | None:
    """The requested page, or None for an unpaged list (``forced``: Xero pages anyway)."""
    raw_page = param(query, "page")
    raw_size = param(query, "pageSize")
    if raw_page is None and not forced:
        return None
    try:
        number = int(raw_page) if raw_page is not None else 1
        size = int(raw_size) if raw_size is not None else DEFAULT_PAGE_SIZE
    except ValueError as exc:
        raise BadRequest.validation("page and pageSize must be whole numbers") from exc
    # Out-of-range sizes are clamped, e.g. 5000 -> 1000 [xero-api-notes §5.1].
    return Page(max(number, 1), min(max(size, 1), MAX_PAGE_SIZE))


def paginate(records: list[Any], page: Page) -> tuple[list[Any], dict[str, int]]:
    start = (page.number - 1) * page.size
    block = {
        "page": page.number,
        "pageSize": page.size,
        "pageCount": math.ceil(len(records) / page.size),
        "itemCount": len(records),
    }
    return records[start : start + page.size], block
