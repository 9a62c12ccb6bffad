"""The engine against the Xero simulator over real HTTP (uvicorn), with the real Xero client.

The Shopify side is read from the Shopify simulator over real HTTP too. Until brief E's
``ShopifyClient`` lands, ``_ShopifyReader`` below is a minimal stand-in (Link-header pagination,
``status=any``); the engine only needs ``iter_*``, ``get_*`` and ``get_shop``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shopxero.config import Settings
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import (
    SHOPIFY_ACCESS_TOKEN,
    XERO_CC_CLIENT_ID,
    XERO_CC_CLIENT_SECRET,
    shopify_credentials,
    xero_credentials,
)
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.xero.app import create_xero_app
from shopxero.store import StateStore
from shopxero.sync.engine import SyncEngine
from shopxero.xero.auth import ClientCredentialsTokens
from shopxero.xero.client import XeroClient

pytestmark = pytest.mark.anyio

API = "/admin/api/2026-10"


class _ShopifyReader:
    def __init__(self, base_url: str) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url, headers={"X-Shopify-Access-Token": SHOPIFY_ACCESS_TOKEN}
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _pages(self, resource: str, params: dict[str, str]) -> AsyncIterator[dict[str, Any]]:
        url: str | None = f"{API}/{resource}.json"
        query: dict[str, str] | None = {"limit": "250", **params}
        while url:
            response = await self._http.get(url, params=query)
            response.raise_for_status()
            for row in response.json()[resource]:
                yield row
            match = re.search(r'<([^>]+)>;\s*rel="next"', response.headers.get("link", ""))
            url, query = (match.group(1), None) if match else (None, None)

    def _iter(self, resource: str, since: datetime | None, **extra: str) -> Any:
        params = dict(extra)
        if since is not None:
            params["updated_at_min"] = since.isoformat()
        return self._pages(resource, params)

    def iter_customers(self, *, updated_at_min: datetime | None = None) -> Any:
        return self._iter("customers", updated_at_min)

    def iter_products(self, *, updated_at_min: datetime | None = None) -> Any:
        return self._iter("products", updated_at_min)

    def iter_orders(self, *, updated_at_min: datetime | None = None) -> Any:
        return self._iter("orders", updated_at_min, status="any")

    async def _get(self, resource: str, rid: int) -> dict[str, Any] | None:
        response = await self._http.get(f"{API}/{resource}s/{rid}.json")
        return None if response.status_code == 404 else response.json()[resource]

    async def get_customer(self, rid: int) -> dict[str, Any] | None:
        return await self._get("customer", rid)

    async def get_product(self, rid: int) -> dict[str, Any] | None:
        return await self._get("product", rid)

    async def get_order(self, rid: int) -> dict[str, Any] | None:
        return await self._get("order", rid)

    async def get_shop(self) -> dict[str, Any]:
        response = await self._http.get(f"{API}/shop.json")
        return dict(response.json()["shop"])


@pytest.fixture
def sandboxes() -> Iterator[tuple[str, str, Any]]:
    seed = load_seed("demo")
    shopify_app = create_shopify_app(seed["shopify"], credentials=shopify_credentials())
    xero_app = create_xero_app(seed["xero"], credentials=xero_credentials())
    with serve_in_thread(shopify_app) as s, serve_in_thread(xero_app) as x:
        yield s.url, x.url, seed


async def _sync(shop_url: str, xero_url: str, data_dir: Path) -> Any:
    settings = Settings.model_validate({"data_dir": str(data_dir)})
    tokens = ClientCredentialsTokens(XERO_CC_CLIENT_ID, XERO_CC_CLIENT_SECRET, xero_url)
    xero = XeroClient(api_base_url=f"{xero_url}/api.xro/2.0", tokens=tokens, tenant_id=None)
    shop = _ShopifyReader(shop_url)
    try:
        with StateStore.open(settings.state_db_path) as store:
            engine = SyncEngine(store=store, shopify=shop, xero=xero, settings=settings)
            report = await engine.run()
            return report, store.errors.list_open()
    finally:
        await xero.aclose()
        await tokens.identity.aclose() if hasattr(tokens.identity, "aclose") else None
        await shop.aclose()


def _state(url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{url}/_sandbox/state").json())


def _requests(url: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{url}/_sandbox/requests").json()["requests"])


async def test_demo_seed_syncs_over_http_and_second_run_is_silent(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = sandboxes
    report, queued = await _sync(shop_url, xero_url, tmp_path)
    xero = _state(xero_url)
    numbers = {c.get("ContactNumber") for c in xero["contacts"]}
    queued_ids = {q.shopify_id for q in queued}
    for customer in seed["shopify"]["customers"]:
        assert str(customer["id"]) in numbers or str(customer["id"]) in queued_ids
    invoice_numbers = {i["InvoiceNumber"] for i in xero["invoices"]}
    assert len(invoice_numbers) == len(xero["invoices"])
    # Only the intentionally broken order is queued; it names the order and the field.
    assert [q.entity for q in queued] == ["orders"], [q.message for q in queued]
    assert "tax_lines" in queued[0].message and queued[0].shopify_id in queued[0].message
    assert report.status == "failed_records"

    xero_before = len(_requests(xero_url))
    shop_before = len(_requests(shop_url))
    report2, _ = await _sync(shop_url, xero_url, tmp_path)
    assert len(_requests(xero_url)) == xero_before, "a no-op run makes no Xero call"
    shop_calls = _requests(shop_url)[shop_before:]
    assert len(shop_calls) <= 3, [r["path"] for r in shop_calls]
    assert report2.total("created") == report2.total("updated") == 0


async def test_records_changed_in_shopify_are_updated_exactly(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = sandboxes
    await _sync(shop_url, xero_url, tmp_path)
    customer = dict(seed["shopify"]["customers"][2])
    customer["last_name"] = "Changed-Surname"
    httpx.post(f"{shop_url}/_sandbox/records", json={"customers": [customer]}).raise_for_status()
    before = len(_requests(xero_url))
    report, _ = await _sync(shop_url, xero_url, tmp_path)
    writes = [
        r
        for r in _requests(xero_url)[before:]
        if r["method"] in ("PUT", "POST") and r["path"].startswith("/api.xro")
    ]
    assert [(w["method"], w["path"]) for w in writes] == [("POST", "/api.xro/2.0/Contacts")]
    assert report.counts["customers"]["updated"] == 1
    contact = next(
        c for c in _state(xero_url)["contacts"] if c.get("ContactNumber") == str(customer["id"])
    )
    assert contact["LastName"] == "Changed-Surname"


async def test_deleting_state_db_creates_no_duplicate(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, _seed = sandboxes
    await _sync(shop_url, xero_url, tmp_path / "a")
    before = _state(xero_url)
    report, _ = await _sync(shop_url, xero_url, tmp_path / "b")  # a fresh state DB
    after = _state(xero_url)
    for key in ("contacts", "items", "invoices"):
        assert len(after[key]) == len(before[key]), key
    assert report.total("created") == 0
