"""Query parameters of the REST list and count endpoints, and the record filters they mean.

Filter names per resource follow shopify-api-notes §4 (from Shopify's own generated 2026-07
resources). A bad value is a 400 naming the parameter, ``{"errors": {"<param>": ["..."]}}``:
a lenient simulator would let a client send nonsense that the real shop rejects.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "QueryError",
    "matches",
    "parse_fields",
    "parse_limit",
    "parse_order",
    "project",
    "record_time",
    "sort_value",
    "validate_filters",
]

Record = dict[str, Any]

DEFAULT_LIMIT = 50  # shopify-api-notes §4
MAX_LIMIT = 250  # shopify-api-notes §4

_COMMON = (
    "ids",
    "since_id",
    "created_at_min",
    "created_at_max",
    "updated_at_min",
    "updated_at_max",
)
_FILTERS: dict[str, tuple[str, ...]] = {
    "customers": _COMMON,
    "products": (
        *_COMMON,
        "title",
        "vendor",
        "handle",
        "product_type",
        "status",
        "published_at_min",
        "published_at_max",
        "published_status",
        "presentment_currencies",
    ),
    "orders": (
        *_COMMON,
        "processed_at_min",
        "processed_at_max",
        "status",
        "financial_status",
        "fulfillment_status",
        "name",
        "attribution_app_id",
    ),
}

_DATE_FILTERS = {
    f"{field}_{end}": field
    for field in ("created_at", "updated_at", "processed_at", "published_at")
    for end in ("min", "max")
}

ORDER_STATUSES = ("open", "closed", "cancelled", "any")
FINANCIAL_STATUSES = (
    "authorized",
    "pending",
    "paid",
    "partially_paid",
    "refunded",
    "voided",
    "partially_refunded",
    "any",
    "unpaid",
)
FULFILLMENT_FILTERS = ("shipped", "partial", "unshipped", "any", "unfulfilled")
PRODUCT_STATUSES = ("active", "archived", "draft")
PUBLISHED_STATUSES = ("published", "unpublished", "any")
SORTABLE: dict[str, tuple[str, ...]] = {
    "customers": ("id", "created_at", "updated_at"),
    "products": ("id", "created_at", "updated_at"),
    "orders": ("id", "created_at", "updated_at", "processed_at"),
}


class QueryError(ValueError):
    """A bad query parameter; the handler answers 400 with Shopify's per-parameter errors."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"errors": {self.param: [self.message]}}


def parse_limit(params: Mapping[str, str]) -> int:
    """``limit`` 1..250, default 50.

    Above 250 is refused, not clamped: "max limit is 250" errors are reported against the real
    API (donutdan4114/shopify issue #23), and a client that relies on clamping would then break.
    """
    raw = params.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        raise QueryError("limit", "must be an integer") from None
    if not 1 <= value <= MAX_LIMIT:
        raise QueryError("limit", f"must be between 1 and {MAX_LIMIT}")
    return value


def parse_fields(params: Mapping[str, str]) -> list[str] | None:
    """``fields=id, email`` (Shopify's own tests put spaces after the commas)."""
    raw = params.get("fields")
    if not raw:
        return None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    return names or None


def project(record: Record, fields: list[str] | None) -> Record:
    """Only the requested top-level keys, in the record's own order; unknown names are skipped."""
    if fields is None:
        return record
    wanted = set(fields)
    return {k: v for k, v in record.items() if k in wanted}


def parse_order(kind: str, params: Mapping[str, str]) -> str:
    """``order=created_at desc``; default ``id asc`` (REST lists come in id order)."""
    raw = (params.get("order") or "").strip()
    if not raw:
        return "id asc"
    parts = raw.split()
    field = parts[0]
    direction = parts[1].lower() if len(parts) > 1 else "asc"
    if field not in SORTABLE[kind] or direction not in ("asc", "desc") or len(parts) > 2:
        raise QueryError("order", f"must be one of {', '.join(SORTABLE[kind])} with asc or desc")
    return f"{field} {direction}"


def _parse_query_time(param: str, raw: str, zone: ZoneInfo) -> datetime:
    """ISO 8601 with or without an offset; without one it is the shop's local time."""
    text = raw.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(0, 0))
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise QueryError(param, "must be an ISO 8601 date or time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def _int_list(param: str, raw: str) -> list[int]:
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise QueryError(param, "must be a comma-separated list of integer ids") from None


def _single_int(param: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise QueryError(param, "must be an integer id") from None


def _choices(param: str, raw: str, allowed: tuple[str, ...], *, many: bool = False) -> list[str]:
    """Check an enumerated filter; only product ``status`` takes a comma-separated list."""
    values = [v.strip() for v in raw.split(",")] if many else [raw]
    if not values or any(v not in allowed for v in values):
        listed = ", ".join(allowed)
        raise QueryError(param, f"must be {'a list of ' if many else ''}one of {listed}")
    return values


def validate_filters(kind: str, params: Mapping[str, str], zone: ZoneInfo) -> dict[str, str]:
    """The filters of ``kind`` present in ``params``, checked; what the cursor carries."""
    found = {name: params[name] for name in _FILTERS[kind] if params.get(name) not in (None, "")}
    for name, raw in found.items():
        if name in _DATE_FILTERS:
            _parse_query_time(name, raw, zone)
        elif name in ("ids", "attribution_app_id"):
            _int_list(name, raw)
        elif name == "since_id":
            _single_int(name, raw)
        elif name == "status" and kind == "orders":
            _choices(name, raw, ORDER_STATUSES)
        elif name == "status":
            _choices(name, raw, PRODUCT_STATUSES, many=True)
        elif name == "financial_status":
            _choices(name, raw, FINANCIAL_STATUSES)
        elif name == "fulfillment_status":
            _choices(name, raw, FULFILLMENT_FILTERS)
        elif name == "published_status":
            _choices(name, raw, PUBLISHED_STATUSES)
    return found


def record_time(record: Record, field: str) -> datetime | None:
    value = record.get(field)
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def sort_value(record: Record, field: str) -> float:
    """What a record sorts by; ids as numbers, times as epoch seconds (missing sorts first)."""
    if field == "id":
        return float(record["id"])
    moment = record_time(record, field)
    return moment.timestamp() if moment is not None else float("-1e18")


def _order_status(order: Record, wanted: str) -> bool:
    cancelled = order.get("cancelled_at") is not None
    closed = order.get("closed_at") is not None
    if wanted == "open":
        return not cancelled and not closed
    if wanted == "closed":
        return closed
    if wanted == "cancelled":
        return cancelled
    return True  # any: "any status, including archived"


def _financial(order: Record, wanted: str) -> bool:
    status = order.get("financial_status")
    if wanted == "unpaid":
        # Shopify's REST reference: "unpaid: Show authorized and partially paid orders."
        # (pending is its own value and is not included).
        return status in ("authorized", "partially_paid")
    return wanted in ("any", status)


# Shopify's REST reference: shipped = fulfilled; partial; unshipped = null;
# unfulfilled = null or partial.
_FULFILLMENT_MEANS: dict[str, tuple[str | None, ...]] = {
    "shipped": ("fulfilled",),
    "partial": ("partial",),
    "unshipped": (None,),
    "unfulfilled": (None, "partial"),
}


def _fulfillment(order: Record, wanted: str) -> bool:
    if wanted == "any":
        return True
    return order.get("fulfillment_status") in _FULFILLMENT_MEANS[wanted]


def _text_eq(record: Record, field: str, raw: str) -> bool:
    value = record.get(field)
    return isinstance(value, str) and value.casefold() == raw.strip().casefold()


def _time_filter(record: Record, name: str, raw: str, zone: ZoneInfo) -> bool:
    field = _DATE_FILTERS[name]
    bound = _parse_query_time(name, raw, zone)
    moment = record_time(record, field)
    if moment is None:
        return False
    # Both ends are inclusive ("at or after" / "at or before" in Shopify's reference).
    return moment >= bound if name.endswith("_min") else moment <= bound


def _passes(kind: str, record: Record, name: str, raw: str, zone: ZoneInfo) -> bool:
    if name in _DATE_FILTERS:
        return _time_filter(record, name, raw, zone)
    if name == "ids":
        return record.get("id") in _int_list(name, raw)
    if name == "since_id":
        return int(record.get("id", 0)) > _single_int(name, raw)
    if name == "attribution_app_id":
        return record.get("app_id") in _int_list(name, raw)
    if kind == "orders" and name == "financial_status":
        return _financial(record, raw)
    if kind == "orders" and name == "fulfillment_status":
        return _fulfillment(record, raw)
    if kind == "orders" and name == "name":
        return str(record.get("name", "")).lstrip("#") == raw.strip().lstrip("#")
    if kind == "products" and name == "status":
        return record.get("status") in [v.strip() for v in raw.split(",")]
    if kind == "products" and name == "handle":
        return record.get("handle") in [h.strip() for h in raw.split(",")]
    if kind == "products" and name in ("title", "vendor", "product_type"):
        return _text_eq(record, name, raw)
    if kind == "products" and name == "published_status":
        return _published(record, raw)
    return True  # accepted but not modelled (e.g. presentment_currencies)


def matches(kind: str, record: Record, filters: Mapping[str, str], zone: ZoneInfo) -> bool:
    """Whether ``record`` passes every filter; orders default to ``status=open``
    (shopify-api-notes §4)."""
    if kind == "orders" and not _order_status(record, filters.get("status", "open")):
        return False
    return all(_passes(kind, record, name, raw, zone) for name, raw in filters.items())


def _published(product: Record, wanted: str) -> bool:
    published = product.get("published_at") is not None
    if wanted == "published":
        return published
    if wanted == "unpublished":
        return not published
    return True
