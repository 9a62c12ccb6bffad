"""Bulk operations for the GraphQL client's full reads (a first import, a rebuild).

One ``bulkOperationRunQuery`` per resource, the run's resources started together in one request;
their statuses are polled together (one ``nodes(ids:)`` query, at growing intervals on the
client's clock) and each JSONL is downloaded from its ``url`` with no Shopify token (a signed
storage URL; shopify-api-notes §10). Lines of nested connections carry ``__parentId``; ``nest``
rebuilds each record's connections as ``{"nodes": [...]}``, the shape the paged queries return,
so one set of converters (``graphql_records``) serves both. An operation that cannot start,
fails, expires, is cancelled or outlasts ``max_wait`` returns None with a note, and the caller
reads the same records with paged queries instead: nothing is lost.

The records stream: each operation asks for ``groupObjects: true`` (each record's children right
after it; Shopify's default since 2026-01 is ungrouped), the file is downloaded to a temporary
file rather than held in memory, and a record is handed on once the next record's line begins,
so a whole shop's orders are never in memory together (issue 15).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import httpx

from shopxero.errors import ApiError
from shopxero.http.clock import Clock
from shopxero.http.time_spent import TimeSpent
from shopxero.shopify import graphql_queries as q

__all__ = ["BulkReader", "nest", "nest_grouped"]

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
MAX_POLL_INTERVAL = 60.0  # seconds between two polls of a long bulk operation
DOWNLOAD_IN_MEMORY = 4 * 1024 * 1024  # bytes of JSONL kept in memory before it goes to disk


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
        _attach(parent, line)
    return roots


def nest_grouped(lines: Iterable[Node]) -> Iterator[Node]:
    """JSONL objects of a grouped operation (each record's children right after it) -> the
    top-level records, one at a time: a record is complete when the next one begins."""
    current: Node | None = None
    for line in lines:
        parent_id = line.pop("__parentId", None)
        if parent_id is None:
            if current is not None:
                yield current
            current = line
            continue
        if current is None or str(current.get("id")) != str(parent_id):
            raise ValueError(
                f"a bulk line names a parent that is not the record before it: {parent_id}"
            )
        _attach(current, line)
    if current is not None:
        yield current


def _attach(parent: Node, line: Node) -> None:
    kind = str(line.get("__typename") or "")
    field = CONNECTIONS.get(kind, DISCOUNT_APPLICATIONS if "Discount" in kind else kind)
    parent.setdefault(field, {"nodes": []})["nodes"].append(line)


def _lines(file: IO[bytes]) -> Iterator[Node]:
    """The JSON objects of a downloaded JSONL file, read a line at a time; the file is closed
    once they are all read (or the reader is dropped)."""
    with file:
        file.seek(0)
        for raw in file:
            if raw.strip():
                yield json.loads(raw)


class BulkReader:
    """Runs bulk queries through ``query`` (the client's paced GraphQL call).

    ``start`` sends several bulk queries in one request (one aliased ``bulkOperationRunQuery``
    each: from API 2026-01 a shop runs up to five at once, shopify-api-notes §3), so a run's
    customers, products and orders are prepared together; ``read`` then waits for one of them,
    polling every operation still running in one ``nodes(ids:)`` query, at intervals that double
    on the client's clock (1 s, 2 s, 4 s ... at most a minute: a small shop's operation is polled
    once or twice, one that runs for minutes about once a minute, at most a minute late). A query
    ``start`` could not start (an older API version runs one at a time) is started by ``read``
    when it is needed.
    """

    def __init__(
        self,
        query: Query,
        *,
        clock: Clock,
        download: httpx.AsyncClient,
        warn: Warn,
        max_wait: float = 4 * 3600.0,
        spent: TimeSpent | None = None,
    ) -> None:
        self._query = query
        self._clock = clock
        self._download = download
        self._warn = warn
        self.max_wait = max_wait
        self.polls = 0
        # The waits between polls and the download are Shopify's time too (the queries are
        # measured by the client's send path; overlapping spans count once).
        self._spent = spent or TimeSpent(clock)
        self._started: dict[str, _Started] = {}  # by what it reads ("orders"), until read

    async def start(self, documents: dict[str, str]) -> None:
        """Start these bulk queries (``{"orders": BULK_ORDERS, ...}``) in one request."""
        if not documents:
            return
        names = list(documents)
        data = await self._query(q.run_bulks(names), dict(documents))
        for name in names:
            payload = data.get(name) or {}
            operation = payload.get("bulkOperation") or {}
            if not payload.get("userErrors") and operation.get("id"):
                self._started[name] = _Started(str(operation["id"]), self._clock.monotonic())

    async def read(self, what: str, document: str) -> Iterator[Node] | None:
        """The records of one bulk query, one at a time, or None (noted) when the caller must
        page instead. The whole file is downloaded (to disk) before the first record is given."""
        if what not in self._started:
            await self._start_one(what, document)
        if what not in self._started:
            return None
        with self._spent.span(f"bulk {what}"):
            done = await self._wait(what)
        if done is None:
            return None
        if not done.get("url"):
            return iter(())  # nothing matched: Shopify leaves no file
        file = tempfile.SpooledTemporaryFile(max_size=DOWNLOAD_IN_MEMORY)  # noqa: SIM115
        try:
            with self._spent.span(f"bulk {what}"):
                async with self._download.stream("GET", str(done["url"])) as response:
                    response.raise_for_status()
                    async for chunk in response.aiter_bytes():
                        file.write(chunk)
        except httpx.HTTPError as exc:
            file.close()
            self._warn(
                f"the bulk result of {what} could not be downloaded "
                f"({exc.__class__.__name__}); reading page by page"
            )
            return None
        return nest_grouped(_lines(file))

    async def _start_one(self, what: str, document: str) -> None:
        data = await self._query(q.run_bulks([what]), {what: document})
        payload = data.get(what) or {}
        errors = payload.get("userErrors") or []
        operation = payload.get("bulkOperation") or {}
        if errors or not operation.get("id"):
            message = "; ".join(str(e.get("message")) for e in errors) or "no operation"
            self._warn(f"the bulk read of {what} could not start ({message}); reading page by page")
            return
        self._started[what] = _Started(str(operation["id"]), self._clock.monotonic())

    async def _wait(self, what: str) -> Node | None:
        mine = self._started[what]
        interval = 1.0
        while mine.node is None:
            await self._clock.sleep(interval)
            interval = min(interval * 2, MAX_POLL_INTERVAL)
            await self._poll()
            if mine.node is None and self._clock.monotonic() - mine.at >= self.max_wait:
                await self._cancel(mine.id)
                del self._started[what]
                self._warn(
                    f"the bulk read of {what} took over {self.max_wait:.0f} s; cancelled, "
                    "reading page by page"
                )
                return None
        del self._started[what]
        status = str(mine.node.get("status") or "")
        if status == "COMPLETED":
            return mine.node
        code = mine.node.get("errorCode")
        self._warn(
            f"the bulk read of {what} ended {status}{f' ({code})' if code else ''}; "
            "reading page by page"
        )
        return None

    async def _poll(self) -> None:
        """One query for every operation still running: each one that ended keeps its node."""
        running = {s.id: s for s in self._started.values() if s.node is None}
        self.polls += 1
        data = await self._query(q.POLL_BULKS, {"ids": list(running)})
        for node in data.get("nodes") or []:
            if not isinstance(node, dict) or str(node.get("id")) not in running:
                continue
            if str(node.get("status") or "") in _ENDED:
                running[str(node["id"])].node = node

    async def _cancel(self, operation_id: str) -> None:
        try:
            await self._query(q.CANCEL_BULK, {"id": operation_id})
        except ApiError:
            return


_ENDED = ("COMPLETED", "FAILED", "CANCELED", "CANCELING", "EXPIRED")


@dataclass
class _Started:
    """A bulk operation this reader started: its id, when (monotonic), its last node once ended."""

    id: str
    at: float
    node: Node | None = None
