"""Counting calls from the sandboxes' own request logs (``GET /_sandbox/requests``).

The numbers come from what the simulators received, not from shopxero's counters, so a call the
client made but did not log (or logged twice) cannot flatter the result. Times in the log are on
the sandbox clock, so rates are in sandbox minutes whatever the clock's speed-up.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

__all__ = [
    "PhaseCalls",
    "RequestLog",
    "payouts_calls",
    "payouts_endpoint",
    "peak_per_minute",
    "span_endpoint",
    "summarise",
]

# Xero's limits count Accounting API calls; the token endpoint is Xero Identity, not counted.
XERO_API_PREFIX = "/api.xro/"
_OPERATION = re.compile(r"^\s*(query|mutation)\s+(\w+)")


class RequestLog:
    """A simulator's request log, read in slices: ``mark()`` then ``since(mark)``."""

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/_sandbox/requests"

    def all(self) -> list[dict[str, Any]]:
        response = httpx.get(self.url, timeout=120)
        response.raise_for_status()
        return list(response.json()["requests"])

    def mark(self) -> int:
        return len(self.all())

    def since(self, mark: int) -> list[dict[str, Any]]:
        return self.all()[mark:]


@dataclass
class PhaseCalls:
    """What one service received during one phase; ``payouts``: the Shopify calls of the
    payouts step (``payouts_calls``)."""

    calls: int
    by_endpoint: dict[str, int] = field(default_factory=dict)
    status_429: int = 0
    peak_per_minute: int = 0
    payouts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "by_endpoint": self.by_endpoint,
            "status_429": self.status_429,
            "peak_per_minute": self.peak_per_minute,
            "payouts": self.payouts,
        }


# The payouts step's own reads: Shopify Payments (over REST, or GraphQL operations named for
# payouts and balance transactions), and the orders of a payout's refunds it looks at again by
# id, together (REST ``orders.json?ids=``, GraphQL ``OrderNodes``) or, before, one by one. No
# other step reads orders by id in the bench: nothing is queued for a retry (the smoke test
# asserts it), and no bench order is longer than a GraphQL page.
_PAYOUT_OPERATIONS = re.compile(r"Payout|Balance")
_ORDERS_BY_ID = (
    "GET orders/*",
    "POST graphql.json Order",
    "GET orders.json?ids=",
    "POST graphql.json OrderNodes",
    "POST graphql.json OrderNodesAgreements",  # their refund agreements, when fees were refunded
)


def payouts_endpoint(endpoint: str) -> bool:
    """Whether the payouts step is what calls this Shopify endpoint (``_endpoint``'s names)."""
    return (
        "shopify_payments/" in endpoint
        or endpoint in _ORDERS_BY_ID
        or (" graphql.json " in endpoint and bool(_PAYOUT_OPERATIONS.search(endpoint)))
    )


def payouts_calls(by_endpoint: dict[str, int]) -> int:
    """Of a phase's Shopify calls (by endpoint), those the payouts step made."""
    return sum(n for endpoint, n in by_endpoint.items() if payouts_endpoint(endpoint))


def _endpoint(entry: dict[str, Any]) -> str:
    """``GET Invoices``, ``PUT Contacts``, ``GET orders/*/transactions.json`` (ids as ``*``),
    ``GET orders.json?ids=`` (orders by id); a GraphQL call by its operation,
    ``POST graphql.json Orders``."""
    parts = [p for p in str(entry["path"]).split("/") if p]
    if parts[-1:] == ["graphql.json"]:
        body = entry.get("body")
        query = str(body.get("query") or "") if isinstance(body, dict) else ""
        match = _OPERATION.match(query)
        return f"{entry['method']} graphql.json {match.group(2) if match else 'query'}"
    if parts[:1] == ["bulk-operation-results"]:
        return f"{entry['method']} bulk-operation-results/*"  # a bulk operation's JSONL
    if parts[:1] == ["api.xro"]:
        parts = parts[2:]
    elif parts[:2] == ["admin", "api"]:
        parts = parts[3:]
    name = "/".join("*" if _is_id(p) else p for p in parts)
    if name == "orders.json" and "ids=" in str(entry.get("query") or ""):
        name += "?ids="  # orders by id (the payouts step), not the orders' listing
    return f"{entry['method']} {name}"


def span_endpoint(label: str) -> str:
    """A label of the Shopify client's time spent (``http.time_spent``: ``GET /admin/api/v/
    orders.json?ids=1``, ``POST /admin/api/v/graphql.json Payouts``, ``bulk orders``) named as
    ``_endpoint`` names the call, so that ``payouts_endpoint`` sorts time as it sorts calls."""
    method, _, rest = label.partition(" ")
    target, _, operation = rest.partition(" ")
    url = httpx.URL(target)
    return _endpoint(
        {
            "method": method,
            "path": url.path or target,
            "query": url.query.decode("ascii", errors="replace"),
            "body": {"query": f"query {operation}"} if operation else None,
        }
    )


def _is_id(part: str) -> bool:
    stem = part.removesuffix(".json")
    return stem.isdigit() or (len(stem) == 36 and stem.count("-") == 4)


def peak_per_minute(entries: list[dict[str, Any]]) -> int:
    """Most requests in any 60-second window of sandbox time (Xero's minute limit is rolling)."""
    times = sorted(datetime.fromisoformat(str(e["time"])).timestamp() for e in entries)
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= 60:
            start += 1
        best = max(best, end - start + 1)
    return best


def summarise(entries: list[dict[str, Any]], *, service: str) -> PhaseCalls:
    """Calls that count against the service's limits: Xero Accounting API calls; every Shopify
    request (the Admin API and the client-credentials token endpoint share the shop)."""
    if service == "xero":
        entries = [e for e in entries if str(e["path"]).startswith(XERO_API_PREFIX)]
    counted = dict(sorted(Counter(_endpoint(e) for e in entries).items()))
    return PhaseCalls(
        calls=len(entries),
        by_endpoint=counted,
        payouts=payouts_calls(counted) if service == "shopify" else 0,
        status_429=sum(1 for e in entries if e.get("status") == 429),
        peak_per_minute=peak_per_minute(entries),
    )
