"""Records by id, as many to a ``nodes(ids:)`` query as Shopify's limits let through.

A ``nodes(ids:)`` query takes at most 250 ids (the input cap) and may cost at most 1,000 points
(shopify-api-notes §3, §10). How Shopify prices the list for many ids is not documented beyond
its rules for objects, interfaces and connections (by which the simulator charges the list once,
by its dearest node), so the batch starts at the input cap; a query refused as too dear
(``MAX_COST_EXCEEDED``, which states its cost) is sent again as the batch that cost shows fits if
the cost grows in proportion to the ids (the dearest case), and later answers' requested costs
let it grow again. Nothing is lost, and learning the price costs at most one call a document.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from shopxero.errors import PermanentApiError
from shopxero.shopify.graphql_queries import MAX_IDS

__all__ = ["MAX_QUERY_COST", "IdBatches", "QueryTooCostly"]

MAX_QUERY_COST = 1000  # shopify-api-notes §3
Node = dict[str, Any]
Query = Callable[[str, dict[str, Any] | None], Awaitable[Node]]


class QueryTooCostly(PermanentApiError):
    """Shopify refused a query whose requested cost is over the single-query limit."""

    def __init__(self, message: str, *, cost: float, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.cost = cost


def _fitting(per_id: float) -> int:
    """How many ids fit under the cost cap if each costs at most ``per_id``."""
    if per_id <= 0:
        return MAX_IDS
    return max(1, min(MAX_IDS, int(MAX_QUERY_COST // per_id)))


class IdBatches:
    """``nodes(ids:)`` reads through the client's paced ``query``; ``requested(document)`` is the
    requested cost of that document's last answer.

    Per document it keeps, once a query was refused, the most an id may cost: the refused cost
    over its ids, then lowered by each answer's requested cost over its ids (an upper bound,
    whatever part of the cost does not grow with the ids).
    """

    def __init__(self, query: Query, requested: Callable[[str], float | None]) -> None:
        self._query = query
        self._requested = requested
        self._per_id: dict[str, float] = {}

    def size(self, document: str) -> int:
        """Ids the next batch of ``document`` takes."""
        per_id = self._per_id.get(document)
        return MAX_IDS if per_id is None else _fitting(per_id)

    async def nodes(self, document: str, ids: Sequence[str]) -> list[Node | None]:
        """The ``nodes`` of ``document`` for ``ids``, in their order (None: no such record)."""
        out: list[Node | None] = []
        start = 0
        while start < len(ids):
            batch = list(ids[start : start + self.size(document)])
            try:
                data = await self._query(document, {"ids": batch})
            except QueryTooCostly as exc:
                if len(batch) == 1:
                    raise
                self._per_id[document] = max(
                    exc.cost / len(batch), MAX_QUERY_COST / (len(batch) - 1)
                )
                continue
            requested = self._requested(document)
            known = self._per_id.get(document)
            if requested is not None and known is not None:
                self._per_id[document] = min(known, requested / len(batch))
            found = data.get("nodes") or []
            out += [n if isinstance(n, dict) else None for n in found]
            out += [None] * (len(batch) - len(found))
            start += len(batch)
        return out
