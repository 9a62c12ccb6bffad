"""Relay connections as Shopify serves them: ``edges { cursor node }``, ``nodes``, ``pageInfo``.

A list field needs ``first`` or ``last`` (at most 250, shopify-api-notes §10); cursors are opaque
base64 JSON of the sort key and id, as Shopify's are (``{"last_id": .., "last_value": ..}``), so a
cursor stays valid when records are added or changed between pages. Inside a bulk operation the
page size is ignored: a bulk query reads the whole connection.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError

__all__ = ["MAX_PAGE", "Keyed", "connection", "decode_cursor", "encode_cursor", "page_size"]

MAX_PAGE = 250
Key = tuple[Any, int]
Keyed = tuple[Key, Any]  # (sort key, node)

BULK_HINT = (
    "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
    "See https://shopify.dev/api/usage/bulk-operations/queries for usage details."
)


def encode_cursor(key: Key) -> str:
    raw = json.dumps({"last_id": key[1], "last_value": key[0]}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> Key:
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return (data["last_value"], int(str(data["last_id"])))
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor!r}") from None


def page_size(args: dict[str, Any], *, bulk: bool) -> int | None:
    """The page size asked for, checked as Shopify checks it; None in a bulk operation."""
    first, last = args.get("first"), args.get("last")
    if bulk:
        return None
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    for name, value in (("first", first), ("last", last)):
        if value is not None and value > MAX_PAGE:
            raise GraphQLError(f"{name} cannot exceed {MAX_PAGE}. {BULK_HINT}")
        if value is not None and value < 0:
            raise GraphQLError(f"{name} must be greater than or equal to 0")
    size = first if first is not None else last
    assert size is not None
    return int(size)


def connection(
    items: Sequence[Keyed], args: dict[str, Any], *, descending: bool, bulk: bool
) -> dict[str, Any]:
    """One page of ``items`` (already in the requested order) for ``first/after/last/before``."""
    size = page_size(args, bulk=bulk)

    def beyond(key: Key, cursor: Key) -> bool:
        return key < cursor if descending else key > cursor

    window = list(items)
    before_window = after_window = False
    if args.get("after") and not bulk:
        cursor = decode_cursor(args["after"])
        kept = [item for item in window if beyond(_comparable(item[0]), _comparable(cursor))]
        before_window = len(kept) < len(window)
        window = kept
    if args.get("before") and not bulk:
        cursor = decode_cursor(args["before"])
        kept = [item for item in window if beyond(_comparable(cursor), _comparable(item[0]))]
        after_window = len(kept) < len(window)
        window = kept
    has_next = has_previous = False
    if size is not None and args.get("first") is not None:
        has_next = len(window) > size or after_window
        has_previous = before_window
        window = window[:size]
    elif size is not None:
        has_previous = len(window) > size or before_window
        has_next = after_window
        window = window[len(window) - size :] if size else []
    edges = [{"cursor": encode_cursor(key), "node": node} for key, node in window]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _comparable(key: Key) -> tuple[Any, int]:
    # JSON round trips turn tuples into lists and keep numbers; compare value then id.
    value, record_id = key
    return (value if value is not None else "", int(record_id))
