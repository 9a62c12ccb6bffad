"""The ``query:`` argument of list fields: Shopify's search syntax, the part a sync client uses.

Supported (shopify-api-notes §10): terms separated by spaces are ANDed (``AND`` may be written),
``OR`` between terms, ``-`` or ``NOT`` before a term negates it, ``field:value`` compares equal,
``field:>value`` / ``>=`` / ``<`` / ``<=`` compare ranges; values may be quoted. Dates are ISO 8601
(a date or date-time without an offset is read in the shop's time zone, as Shopify does).
A field the resource does not know is ignored, with a warning in ``extensions.search`` the way
Shopify reports an invalid search field.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["SearchQuery", "parse_search"]

Record = dict[str, Any]

_TERM = re.compile(r"^(?P<neg>-)?(?P<field>[a-z_]+):(?P<op><=|>=|<|>)?(?P<value>.*)$")
_DATE_FIELDS = {
    "updated_at",
    "created_at",
    "processed_at",
    "published_at",
    "issued_at",
    "payout_date",
}
_TEXT_FIELDS: dict[str, dict[str, str]] = {
    "customers": {"email": "email", "state": "state"},
    "products": {
        "status": "status",
        "vendor": "vendor",
        "product_type": "product_type",
        "handle": "handle",
        "title": "title",
    },
    "orders": {"name": "name", "financial_status": "financial_status", "email": "email"},
    # Shopify Payments (shopify-api-notes §9): matched against the simulator's search views of
    # the records (``graphql/payments.py``), whose keys are the search fields.
    "payouts": {"status": "status", "currency": "currency"},
    "balance_transactions": {
        "payout_status": "payout_status",
        "currency": "currency",
        "transaction_type": "transaction_type",
    },
}
# Id-typed search fields besides ``id`` (compared as numbers; a gid's number counts).
_ID_FIELDS: dict[str, set[str]] = {"balance_transactions": {"payments_transfer_id"}}
_KNOWN_DATES = {
    "customers": {"updated_at", "created_at"},
    "products": {"updated_at", "created_at", "published_at"},
    "orders": {"updated_at", "created_at", "processed_at"},
    "payouts": {"issued_at"},
    "balance_transactions": {"processed_at", "payout_date"},
}


@dataclass(frozen=True)
class _Term:
    field: str
    op: str
    value: str
    negated: bool


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: OR of AND-groups of terms, plus warnings about ignored fields."""

    groups: tuple[tuple[_Term, ...], ...]
    warnings: tuple[dict[str, str], ...]
    text: str

    def matcher(self, kind: str, zone: ZoneInfo) -> Callable[[Record], bool]:
        if not self.groups:
            return lambda record: True

        def match(record: Record) -> bool:
            return any(all(_holds(kind, t, record, zone) for t in g) for g in self.groups)

        return match


def parse_search(kind: str, text: str | None) -> SearchQuery:
    if not text or not text.strip():
        return SearchQuery((), (), text or "")
    try:
        tokens = shlex.split(text)
    except ValueError:
        tokens = text.split()
    groups: list[tuple[_Term, ...]] = []
    current: list[_Term] = []
    warnings: list[dict[str, str]] = []
    negate_next = False
    for token in tokens:
        if token == "OR":
            groups.append(tuple(current))
            current = []
            continue
        if token == "AND":
            continue
        if token == "NOT":
            negate_next = True
            continue
        match = _TERM.match(token)
        field = match.group("field") if match else None
        if match is None or field is None or not _known(kind, field):
            warnings.append(
                {"field": field or token, "message": "Invalid search field for this query."}
            )
            negate_next = False
            continue
        current.append(
            _Term(
                field,
                match.group("op") or "=",
                match.group("value"),
                bool(match.group("neg")) or negate_next,
            )
        )
        negate_next = False
    groups.append(tuple(current))
    return SearchQuery(tuple(g for g in groups if g), tuple(warnings), text)


def _known(kind: str, field: str) -> bool:
    return (
        field == "id"
        or field in _ID_FIELDS.get(kind, set())
        or field in _KNOWN_DATES.get(kind, set())
        or field in _TEXT_FIELDS.get(kind, {})
    )


def _holds(kind: str, term: _Term, record: Record, zone: ZoneInfo) -> bool:
    result = _compare(kind, term, record, zone)
    return not result if term.negated else result


def _compare(kind: str, term: _Term, record: Record, zone: ZoneInfo) -> bool:
    if term.field == "id" or term.field in _ID_FIELDS.get(kind, set()):
        try:
            wanted: Any = int(term.value.strip("'\"").rsplit("/", 1)[-1])
        except ValueError:
            return False
        held = record.get(term.field)
        return isinstance(held, int) and _ordered(held, term.op, wanted)
    if term.field in _DATE_FIELDS:
        raw = record.get(term.field)
        if not isinstance(raw, str) or not raw:
            return False
        bound = _moment(term.value, zone)
        if bound is None:
            return False
        return _ordered(datetime.fromisoformat(raw).timestamp(), term.op, bound.timestamp())
    value = record.get(_TEXT_FIELDS[kind][term.field])
    return isinstance(value, str) and value.lower() == term.value.lower()


def _ordered(left: Any, op: str, right: Any) -> bool:
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    return bool(left == right)


def _moment(text: str, zone: ZoneInfo) -> datetime | None:
    text = text.strip("'\"")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), time())
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment
