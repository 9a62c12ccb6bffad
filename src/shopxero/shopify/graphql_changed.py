"""What changed since each resource's cursor, asked of Shopify once at the start of a run.

A run reads customers, products and orders changed since their cursors, one resource after the
other. Asked one query per resource and page, a quiet rerun costs a call per resource and a page
of orders holds two (an order's selection costs hundreds of points). Instead, at the start of a
run ``prepare`` asks one query for the first page of ids of all three (ids only: 252 points a
resource), and the first of the run's reads fetches the records behind all of them in one
``nodes(ids:)`` query with each kind's full selection (``graphql_ids.IdBatches`` sizes it to
Shopify's limits). Each resource then yields its records; one with more than a page of ids
changed goes on page by page, as before. The records are those of the moment the run started,
as when each resource's first page is read as its turn comes: a record changed during the run is
read again by the next one (its cursor stops at the run's start).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shopxero.shopify import graphql_queries as q
from shopxero.shopify.graphql_ids import IdBatches

__all__ = ["ChangedReads"]

Node = dict[str, Any]
Query = Callable[[str, dict[str, Any] | None], Awaitable[Node]]


@dataclass
class _Changed:
    """One resource's prepared read: its search, the ids of its current page, its records once
    fetched, and where its next page of ids starts."""

    since: datetime
    search: str | None
    ids: list[str]
    after: str | None
    more: bool
    records: list[Node] | None = None


class ChangedReads:
    """The prepared reads of one run, by resource (``customers``, ``products``, ``orders``)."""

    def __init__(self, query: Query, ids: IdBatches) -> None:
        self._query = query
        self._ids = ids
        self._changed: dict[str, _Changed] = {}

    async def prepare(self, searches: dict[str, tuple[datetime, str | None]]) -> None:
        """The first page of ids changed of each resource (``{"orders": (since, search)}``)."""
        names = [n for n in q.RESOURCES if n in searches]
        if not names:
            return
        data = await self._query(q.changed_ids(names), {n: searches[n][1] for n in names})
        for name in names:
            since, search = searches[name]
            ids, after, more = _page(data.get(name))
            self._changed[name] = _Changed(since, search, ids, after, more)

    def holds(self, resource: str, since: datetime | None) -> bool:
        """Whether ``resource`` was prepared for this very ``since``."""
        changed = self._changed.get(resource)
        return changed is not None and since is not None and changed.since == since

    async def nodes(self, resource: str) -> AsyncIterator[Node]:
        """The prepared resource's changed records (nodes), then its further pages."""
        changed = self._changed.pop(resource)
        if changed.records is None:
            await self._fetch([changed, *self._changed.values()])
        records = changed.records or []
        for node in records:
            yield node
        while changed.more:
            data = await self._query(
                q.changed_ids([resource]),
                {resource: changed.search, f"{resource}After": changed.after},
            )
            changed.ids, changed.after, changed.more = _page(data.get(resource))
            changed.records = None
            await self._fetch([changed])
            for node in changed.records or []:
                yield node

    async def _fetch(self, pending: list[_Changed]) -> None:
        """The records of these resources' current ids, in as few queries as the limits let."""
        wanted = [c for c in pending if c.records is None]
        found = await self._ids.nodes(q.RECORDS, [i for c in wanted for i in c.ids])
        by_id = {str(n.get("id")): n for n in found if n is not None}
        for changed in wanted:
            changed.records = [by_id[i] for i in changed.ids if i in by_id]


def _page(connection: Any) -> tuple[list[str], str | None, bool]:
    connection = connection if isinstance(connection, dict) else {}
    ids = [str(n["id"]) for n in connection.get("nodes") or [] if isinstance(n, dict)]
    info = connection.get("pageInfo") or {}
    return ids, info.get("endCursor"), bool(info.get("hasNextPage"))
