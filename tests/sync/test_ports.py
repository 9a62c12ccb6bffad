"""The rebuild's client views against the engine's ports (engine/ports.py).

``ReadOnlyXero`` and ``RecordingShopify`` provide the protocols' methods through ``__getattr__``,
which mypy accepts for any name; these tests are the check that they really conform: every
``XeroReader`` read reaches the real client (and is remembered), every ``XeroWriter`` write is
refused before it reaches it, and every ``ShopifyApi`` call reaches the real Shopify client.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from shopxero.engine.ports import ShopifyApi, XeroApi, XeroReader, XeroWriter
from shopxero.rebuild.views import ReadOnlyXero, RebuildWriteRefused, RecordingShopify
from shopxero.shopify.client import ShopifyClient
from shopxero.xero.client import XeroClient

# The engine over in-memory fakes of both clients: no Shopify API to choose, runs once.
pytestmark = [pytest.mark.anyio, pytest.mark.not_per_api]


def _members(*protocols: type) -> list[str]:
    """The methods a protocol declares, its bases' included."""
    return sorted(
        {
            name
            for protocol in protocols
            for cls in protocol.__mro__
            for name, value in vars(cls).items()
            if callable(value) and not name.startswith("_")
        }
    )


READS = _members(XeroReader)
WRITES = _members(XeroWriter)
SHOPIFY = _members(ShopifyApi)


class _Recorder:
    """A client answering any call with one record (``id_field`` set to the method's name)."""

    def __init__(self, id_field: str) -> None:
        self.calls: list[str] = []
        self._id_field = id_field

    def __getattr__(self, name: str) -> Callable[..., Any]:
        record = {self._id_field: name}

        def call(*_args: Any, **_kwargs: Any) -> Any:
            self.calls.append(name)
            if name.startswith("iter_"):
                return _one(record)
            return _answer(record)

        return call


async def _one(record: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    yield record


async def _answer(record: dict[str, Any]) -> dict[str, Any]:
    return record


async def _drain(result: Any) -> None:
    if inspect.isawaitable(result):
        await result
    elif hasattr(result, "__aiter__"):
        async for _ in result:
            pass


def test_the_protocols_list_what_they_should() -> None:
    assert set(_members(XeroApi)) == set(READS) | set(WRITES)
    assert not set(READS) & set(WRITES)
    assert all(name.startswith(("create_", "update_", "allocate_")) for name in WRITES)
    # The real clients have every method (mypy checks the signatures where a run is built).
    assert all(callable(getattr(XeroClient, name, None)) for name in READS + WRITES)
    assert all(callable(getattr(ShopifyClient, name, None)) for name in SHOPIFY)


@pytest.mark.parametrize("name", READS)
async def test_read_only_xero_forwards_and_remembers_every_read(name: str) -> None:
    inner = _Recorder("InvoiceID")
    view = ReadOnlyXero(inner)
    await _drain(getattr(view, name)())
    assert inner.calls == [name]
    assert name in view.seen


@pytest.mark.parametrize("name", WRITES)
async def test_read_only_xero_refuses_every_write(name: str) -> None:
    inner = _Recorder("InvoiceID")
    view = ReadOnlyXero(inner)
    with pytest.raises(RebuildWriteRefused, match=name):
        await _drain(getattr(view, name)([{"Name": "x"}], idempotency_key="k"))
    assert inner.calls == []


@pytest.mark.parametrize("name", SHOPIFY)
async def test_recording_shopify_forwards_every_call(name: str) -> None:
    inner = _Recorder("id")
    view = RecordingShopify(inner)
    await _drain(getattr(view, name)())
    assert inner.calls == [name]
