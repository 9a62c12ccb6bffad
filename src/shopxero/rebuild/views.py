"""The two client views a rebuild runs the engine against: read-only Xero, recorded Shopify.

``ReadOnlyXero`` forwards every read to the real Xero client and keeps each record it returned
(by its Xero id), so the rebuild can compare what Xero holds with the payload the sync would send
without reading anything twice. Any write method raises: a rebuild never changes Xero, whatever
the engine's dry-run path does. ``RecordingShopify`` keeps the raw Shopify records the engine
fetched, so cursors can be placed after the records the rebuild accounted for.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from shopxero.engine.entity_specs import SPECS
from shopxero.engine.ports import ShopifyApi, XeroApi
from shopxero.errors import ShopxeroError

__all__ = ["ReadOnlyXero", "RebuildWriteRefused", "RecordingShopify"]

# Xero's id fields of the records a rebuild reads: every kind the sync writes.
_ID_FIELDS = tuple(entity.id_field for entity in SPECS.values())
_WRITE_PREFIXES = ("create_", "update_", "allocate_", "add_", "delete_", "void_", "put_", "post_")
_SHOPIFY_ITERATORS = {
    "iter_customers": "customers",
    "iter_products": "products",
    "iter_orders": "orders",
}
_SHOPIFY_GETTERS = {"get_customer": "customers", "get_product": "products", "get_order": "orders"}


class RebuildWriteRefused(ShopxeroError):
    """Something tried to write to Xero during a rebuild (a bug: rebuilds only read)."""


def _wrap(fn: Callable[..., Any], remember: Callable[[Any], None]) -> Callable[..., Any]:
    """``fn`` with every value it returns (awaited or iterated) passed to ``remember``."""

    def call(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        if inspect.isawaitable(result):
            return _awaited(result, remember)
        if hasattr(result, "__aiter__"):
            return _iterated(result, remember)
        return result

    return call


async def _awaited(result: Awaitable[Any], remember: Callable[[Any], None]) -> Any:
    value = await result
    remember(value)
    return value


async def _iterated(result: Any, remember: Callable[[Any], None]) -> AsyncIterator[Any]:
    async for value in result:
        remember(value)
        yield value


class ReadOnlyXero:
    """A view of ``xero.client.XeroClient`` that reads, remembers, and refuses to write."""

    def __init__(self, inner: XeroApi) -> None:
        self._inner = inner
        self.seen: dict[str, dict[str, Any]] = {}

    def _remember(self, value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                self._remember(item)
            return
        if not isinstance(value, dict):
            return
        for field in _ID_FIELDS:
            if value.get(field):
                self.seen[str(value[field])] = value
                return

    def __getattr__(self, name: str) -> Any:
        if name.startswith(_WRITE_PREFIXES):

            def refused(*_args: Any, **_kwargs: Any) -> Any:
                raise RebuildWriteRefused(f"a rebuild never writes to Xero (refused {name})")

            return refused
        attr = getattr(self._inner, name)
        return _wrap(attr, self._remember) if callable(attr) else attr


class RecordingShopify:
    """A view of ``shopify.client.ShopifyClient`` keeping each raw record read, per resource."""

    def __init__(self, inner: ShopifyApi) -> None:
        self._inner = inner
        self.fetched: dict[str, dict[str, dict[str, Any]]] = {
            resource: {} for resource in _SHOPIFY_ITERATORS.values()
        }

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        resource = _SHOPIFY_ITERATORS.get(name) or _SHOPIFY_GETTERS.get(name)
        if resource is None or not callable(attr):
            return attr
        kept = self.fetched[resource]

        def remember(value: Any) -> None:
            if isinstance(value, dict) and value.get("id") is not None:
                kept[str(value["id"])] = value

        return _wrap(attr, remember)
