"""Cursor pagination the way Shopify's REST Admin API does it (shopify-api-notes §4).

A page links to its neighbours in the ``Link`` header,
``<{base}/admin/api/{v}/orders.json?limit=N&page_info=XYZ>; rel="next"`` (and ``rel="previous"``),
with no header when everything fits on one page. ``page_info`` is opaque to clients: here it is
base64url of JSON holding the resource, the first request's filters and sort, the direction and
the sort key of the record at the page edge. Keying on (sort value, id) rather than an offset
keeps a traversal stable while records are added.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from shopxero.sandbox.shopify.filters import QueryError

__all__ = ["Cursor", "Page", "decode_cursor", "encode_cursor", "link_header", "paginate"]

Record = dict[str, Any]
Direction = Literal["next", "previous"]


@dataclass(frozen=True)
class Cursor:
    """What a ``page_info`` value stands for."""

    resource: str
    filters: dict[str, str]
    order: str
    direction: Direction
    key: tuple[float, int]


def encode_cursor(cursor: Cursor) -> str:
    raw = json.dumps(
        {
            "r": cursor.resource,
            "f": cursor.filters,
            "o": cursor.order,
            "d": cursor.direction,
            "k": list(cursor.key),
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, resource: str) -> Cursor:
    """Read a ``page_info``; anything not made by this endpoint is a 400."""
    invalid = QueryError("page_info", "Invalid value.")
    try:
        padded = text + "=" * (-len(text) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        key = data["k"]
        cursor = Cursor(
            resource=str(data["r"]),
            filters={str(k): str(v) for k, v in dict(data["f"]).items()},
            order=str(data["o"]),
            direction=data["d"],
            key=(float(key[0]), int(key[1])),
        )
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error, UnicodeDecodeError):
        raise invalid from None
    if cursor.resource != resource or cursor.direction not in ("next", "previous"):
        raise invalid
    return cursor


@dataclass(frozen=True)
class Page:
    records: list[Record]
    previous_key: tuple[float, int] | None
    next_key: tuple[float, int] | None


def paginate(
    ordered: list[Record],
    key_of: Callable[[Record], tuple[float, int]],
    *,
    descending: bool,
    limit: int,
    cursor: Cursor | None,
) -> Page:
    """Cut one page out of ``ordered`` (already filtered and sorted)."""

    def after(key: tuple[float, int], edge: tuple[float, int]) -> bool:
        return key < edge if descending else key > edge

    if cursor is None:
        page = ordered[:limit]
        has_previous, has_next = False, len(ordered) > limit
    elif cursor.direction == "next":
        rest = [r for r in ordered if after(key_of(r), cursor.key)]
        page = rest[:limit]
        has_previous, has_next = len(rest) < len(ordered), len(rest) > limit
    else:
        before = [r for r in ordered if after(cursor.key, key_of(r))]
        page = before[-limit:]
        has_previous, has_next = len(before) > limit, len(before) < len(ordered)
    if not page:
        return Page([], None, None)
    return Page(
        page,
        key_of(page[0]) if has_previous else None,
        key_of(page[-1]) if has_next else None,
    )


def link_header(
    url_base: str,
    *,
    limit: int,
    fields: str | None,
    previous_info: str | None,
    next_info: str | None,
) -> str | None:
    """Shopify's ``Link`` value; None when there is neither a previous nor a next page."""
    links: list[str] = []
    for info, rel in ((previous_info, "previous"), (next_info, "next")):
        if info is None:
            continue
        query: list[tuple[str, str]] = [("limit", str(limit))]
        if fields:
            query.append(("fields", fields))
        query.append(("page_info", info))
        links.append(f'<{url_base}?{urlencode(query)}>; rel="{rel}"')
    return ", ".join(links) or None
