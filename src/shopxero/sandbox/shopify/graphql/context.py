"""What every resolver can reach (``info.context``), and the helpers the shapes share.

Shapes are plain dicts keyed by the schema's field names; a value that needs arguments (a nested
connection) or would recurse (a transaction's order) is a function ``(info, **args) -> value``,
called by ``endpoint.resolve_field``. A field missing from a shape is refused by name, so a client
never mistakes "not simulated" for "empty".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from graphql import GraphQLError, GraphQLResolveInfo

from shopxero.sandbox.shopify.auth import Grant
from shopxero.sandbox.shopify.graphql.connections import Keyed, connection
from shopxero.sandbox.shopify.store import ShopStore

__all__ = [
    "Context",
    "Record",
    "gid",
    "legacy_id",
    "nested",
    "parse_gid",
    "split_tags",
    "timestamp",
    "upper",
]

Record = dict[str, Any]
_GID = re.compile(r"^gid://shopify/(?P<type>[A-Za-z]+)/(?P<id>\d+)(\?.*)?$")


@dataclass
class Context:
    """One request's view: the store, who asks, and whether this is a bulk operation's run."""

    store: ShopStore
    grant: Grant
    visible_order: Callable[[Record], bool]
    zone: ZoneInfo
    bulk: bool = False
    search_warnings: list[dict[str, Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)


def gid(kind: str, record_id: Any) -> str:
    return f"gid://shopify/{kind}/{record_id}"


def parse_gid(value: str, *expected: str) -> tuple[str, int]:
    """``gid://shopify/Order/1`` -> ``("Order", 1)``; a malformed id is Shopify's error."""
    match = _GID.match(value or "")
    if match is None:
        raise GraphQLError(f"Invalid global id '{value}'", extensions={"code": "INVALID_ID"})
    kind = match.group("type")
    if expected and kind not in expected:
        raise GraphQLError(
            f"Invalid global id '{value}': expected a {' or '.join(expected)} id",
            extensions={"code": "INVALID_ID"},
        )
    return kind, int(match.group("id"))


def legacy_id(record: Record) -> str:
    # UnsignedInt64 is serialised as a string (it may exceed JavaScript's safe integers).
    return str(record["id"])


def split_tags(tags: Any) -> list[str]:
    if isinstance(tags, list):
        return [str(t) for t in tags]
    return [t.strip() for t in str(tags or "").split(",") if t.strip()]


def timestamp(text: Any) -> float:
    return datetime.fromisoformat(str(text)).timestamp() if text else 0.0


def upper(value: Any) -> str | None:
    return str(value).upper() if value else None


def nested(items: Sequence[Record], build: Callable[[Record], Record], kind: str) -> Any:
    """A nested connection field over a record's own list, in stored order (by position)."""

    def resolve(info: GraphQLResolveInfo, **args: Any) -> Record:
        ctx: Context = info.context
        keyed: list[Keyed] = [
            ((i, int(item.get("id") or i)), build(item)) for i, item in enumerate(items)
        ]
        if args.get("reverse"):
            keyed.reverse()
        return connection(keyed, args, descending=bool(args.get("reverse")), bulk=ctx.bulk)

    resolve.__name__ = f"{kind}_connection"
    return resolve
