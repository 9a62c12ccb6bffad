"""Bulk operations for the GraphQL client's full reads (a first import, a rebuild).

One ``bulkOperationRunQuery`` per resource; its status is polled (``node(id:)``, at growing
intervals on the client's clock) and the JSONL it leaves is downloaded from its ``url`` with no
Shopify token (a signed storage URL; shopify-api-notes §10). Lines of nested connections carry
``__parentId``; ``nest`` rebuilds each record's connections as ``{"nodes": [...]}``, the shape the
paged queries return, so one set of converters (``graphql_records``) serves both. An operation
that cannot start, fails, expires, is cancelled or outlasts ``max_wait`` returns None with a
note, and the caller reads the same records with paged queries instead: nothing is lost.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from shopxero.errors import ApiError
from shopxero.http.clock import Clock
from shopxero.shopify import graphql_queries as q

__all__ = ["BulkReader", "nest"]

Node = dict[str, Any]
Query = Callable[[str, dict[str, Any] | None], Awaitable[Node]]
Warn = Callable[[str], None]

# A nested line's place in its parent, by its __typename (set on every nested node of a query).
CONNECTIONS = {
    "LineItem": "lineItems",
    "ShippingLine": "shippingLines",
    "ProductVariant": "variants",
}
DISCOUNT_APPLICATIONS = "discountApplications"


def nest(lines: list[Node]) -> list[Node]:
    """JSONL objects -> the top-level records, children gathered under their connection."""
    roots: list[Node] = []
    by_id: dict[str, Node] = {}
    for line in lines:
        parent_id = line.pop("__parentId", None)
        if parent_id is None:
            roots.append(line)
            if line.get("id"):
                by_id[str(line["id"])] = line
            continue
        parent = by_id.get(str(parent_id))
        if parent is None:
            raise ValueError(f"a bulk line names a parent not seen before it: {parent_id}")
        kind = str(line.get("__typename") or "")
        field = CONNECTIONS.get(kind, DISCOUNT_APPLICATIONS if "Discount" in kind else kind)
        parent.setdefault(field, {"nodes": []})["nodes"].append(line)
    return roots


class BulkReader:
    """Runs one bulk query through ``query`` (the client's paced GraphQL call)."""

    def __init__(
        self,
        query: Query,
        *,
        clock: Clock,
        download: httpx.AsyncClient,
        warn: Warn,
        max_wait: float = 4 * 3600.0,
    ) -> None:
        self._query = query
        self._clock = clock
        self._download = download
        self._warn = warn
        self.max_wait = max_wait
        self.polls = 0

    async def read(self, what: str, document: str) -> list[Node] | None:
        """The records of one bulk query, or None (noted) when the caller must page instead."""
        started = await self._query(q.RUN_BULK, {"query": document})
        payload = started.get("bulkOperationRunQuery") or {}
        errors = payload.get("userErrors") or []
        operation = payload.get("bulkOperation") or {}
        if errors or not operation.get("id"):
            message = "; ".join(str(e.get("message")) for e in errors) or "no operation"
            self._warn(f"the bulk read of {what} could not start ({message}); reading page by page")
            return None
        done = await self._wait(what, str(operation["id"]))
        if done is None:
            return None
        if not done.get("url"):
            return []  # nothing matched: Shopify leaves no file
        try:
            response = await self._download.get(str(done["url"]))
            response.raise_for_status()
        except httpx.HTTPError as exc:
            self._warn(
                f"the bulk result of {what} could not be downloaded "
                f"({exc.__class__.__name__}); reading page by page"
            )
            return None
        lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
        return nest(lines)

    async def _wait(self, what: str, operation_id: str) -> Node | None:
        waited, interval = 0.0, 1.0
        while True:
            await self._clock.sleep(interval)
            waited += interval
            interval = min(interval * 2, 30.0)
            self.polls += 1
            node = (await self._query(q.POLL_BULK, {"id": operation_id})).get("node") or {}
            status = str(node.get("status") or "")
            if status == "COMPLETED":
                return node
            if status in ("FAILED", "CANCELED", "CANCELING", "EXPIRED"):
                code = node.get("errorCode")
                self._warn(
                    f"the bulk read of {what} ended {status}"
                    f"{f' ({code})' if code else ''}; reading page by page"
                )
                return None
            if waited >= self.max_wait:
                await self._cancel(operation_id)
                self._warn(
                    f"the bulk read of {what} took over {self.max_wait:.0f} s; cancelled, "
                    "reading page by page"
                )
                return None

    async def _cancel(self, operation_id: str) -> None:
        try:
            await self._query(q.CANCEL_BULK, {"id": operation_id})
        except ApiError:
            return
