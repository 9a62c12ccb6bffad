"""The engine against both simulators over real HTTP (uvicorn), with the real clients.

Clients are built from Settings by ``sync.factory.build_clients``, exactly as ``shopxero sync``
does; assertions read the simulators' ``/_sandbox/state`` and ``/_sandbox/requests``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shopxero.config import Settings
from shopxero.sandbox.clock import SandboxClock
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
from shopxero.sync.factory import build_clients, store_call_sink

pytestmark = pytest.mark.anyio


@pytest.fixture
def sandboxes() -> Iterator[tuple[str, str, Any]]:
    seed = load_seed("demo")
    shopify_app = create_shopify_app(seed["shopify"], credentials=shopify_credentials())
    xero_app = create_xero_app(seed["xero"], credentials=xero_credentials())
    with serve_in_thread(shopify_app) as s, serve_in_thread(xero_app) as x:
        yield s.url, x.url, seed


def _settings(shop_url: str, xero_url: str, data_dir: Path) -> Settings:
    return Settings.model_validate(
        {
            "data_dir": str(data_dir),
            "shopify_base_url": shop_url,
            "shopify_access_token": SHOPIFY_ACCESS_TOKEN,
            "xero_mode": "custom_connection",
            "xero_client_id": XERO_CC_CLIENT_ID,
            "xero_client_secret": XERO_CC_CLIENT_SECRET,
            "xero_api_base_url": f"{xero_url}/api.xro/2.0",
            "xero_identity_base_url": xero_url,
        }
    )


async def _sync(
    shop_url: str,
    xero_url: str,
    data_dir: Path,
    *,
    clock: SandboxClock | None = None,
    only: list[str] | None = None,
) -> Any:
    settings = _settings(shop_url, xero_url, data_dir)
    with StateStore.open(settings.state_db_path) as store:
        async with build_clients(
            settings, call_sink=store_call_sink(store), clock=clock
        ) as clients:
            engine = SyncEngine(
                store=store,
                shopify=clients.shopify,
                xero=clients.xero,
                settings=settings,
                now=clock.now if clock else None,
            )
            report = await engine.run(only=only)
            return report, store.errors.list_open()


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
    customer["email"] = None  # removed in Shopify: blanked in Xero too
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
    assert not contact.get("EmailAddress")


async def test_deleting_state_db_creates_no_duplicate(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, _seed = sandboxes
    await _sync(shop_url, xero_url, tmp_path / "a")
    before = _state(xero_url)
    calls_before = len(_requests(xero_url))
    report, _ = await _sync(shop_url, xero_url, tmp_path / "b")  # a fresh state DB
    after = _state(xero_url)
    for key in ("contacts", "items", "invoices"):
        assert len(after[key]) == len(before[key]), key
    assert report.total("created") == 0
    # Everything is found and equal: linked without rewriting the organisation.
    writes = [
        r
        for r in _requests(xero_url)[calls_before:]
        if r["method"] in ("PUT", "POST") and r["path"].startswith("/api.xro")
    ]
    assert writes == []
    assert report.counts["orders"]["linked"] > 0


async def test_existing_xero_records_are_linked_and_same_names_stay_distinct(
    sandboxes: tuple[str, str, Any], tmp_path: Path
) -> None:
    shop_url, xero_url, seed = sandboxes
    await _sync(shop_url, xero_url, tmp_path)
    xero = _state(xero_url)
    # The contact the merchant made by hand (same email as a Shopify customer) is linked.
    sophie = [c for c in xero["contacts"] if c.get("EmailAddress") == "sophie.martin@example.com"]
    assert len(sophie) == 1
    assert sophie[0]["ContactID"] == seed["xero"]["contacts"][0]["ContactID"]
    assert sophie[0].get("ContactNumber")  # now carries the Shopify customer id
    # The item whose Code equals a Shopify SKU is linked, not created again.
    earl = [i for i in xero["items"] if i["Code"] == "TEA-EARL-100"]
    assert len(earl) == 1 and earl[0]["ItemID"] == seed["xero"]["items"][0]["ItemID"]
    # Customers sharing a name both arrive, under distinct names.
    by_name: dict[str, list[int]] = {}
    for c in seed["shopify"]["customers"]:
        name = f"{c.get('first_name') or ''} {c.get('last_name') or ''}".strip()
        if name:
            by_name.setdefault(name, []).append(c["id"])
    twins = next(ids for ids in by_name.values() if len(ids) > 1)
    names = {
        c["Name"] for c in xero["contacts"] if c.get("ContactNumber") in {str(i) for i in twins}
    }
    assert len(names) == len(twins)


async def test_xero_calls_grow_with_batches_of_50(tmp_path: Path) -> None:
    seed = load_seed("bench:customers=300,products=5,orders=1")
    with (
        serve_in_thread(
            create_shopify_app(seed["shopify"], credentials=shopify_credentials())
        ) as s,
        serve_in_thread(create_xero_app(seed["xero"], credentials=xero_credentials())) as x,
    ):
        report, _ = await _sync(s.url, x.url, tmp_path)
        calls = [r for r in _requests(x.url) if r["path"].startswith("/api.xro")]
    puts = [r for r in calls if r["method"] == "PUT" and r["path"].endswith("/Contacts")]
    assert report.counts["customers"]["created"] == 300
    assert len(puts) == 6  # 300 contacts / 50 per request
    assert len(calls) <= 20, [(r["method"], r["path"]) for r in calls]


async def test_lost_write_answers_never_duplicate(tmp_path: Path) -> None:
    """Invariant 2 over real sockets: Xero commits the PUT, the answer is lost, every retry too.

    The run queues the contacts as retryable with their intents open; the next run settles the
    intents by ContactNumber and maps what was written, creating nothing twice.
    """
    clock = SandboxClock(speed=60)  # the client's retry backoff runs 60x faster
    seed = load_seed("demo", now=clock.now())
    shopify_app = create_shopify_app(
        seed["shopify"], clock=clock, credentials=shopify_credentials()
    )
    xero_app = create_xero_app(seed["xero"], clock=clock, credentials=xero_credentials())
    with serve_in_thread(shopify_app) as s, serve_in_thread(xero_app) as x:
        fault = {"method": "PUT", "path": "/Contacts$", "kind": "drop_after_commit", "times": 100}
        httpx.post(f"{x.url}/_sandbox/faults", json=fault).raise_for_status()
        report, queued = await _sync(s.url, x.url, tmp_path, clock=clock, only=["customers"])
        assert report.counts["customers"]["failed"] > 0
        assert queued and all(q.entity == "customers" and q.retryable for q in queued)
        with StateStore.open(tmp_path / "state.db") as store:
            assert store.intents.open(), "the creates' intents stay open"
        written = len(_state(x.url)["contacts"])
        assert written > len(seed["xero"]["contacts"])  # the writes did happen

        httpx.delete(f"{x.url}/_sandbox/faults").raise_for_status()
        await _sync(s.url, x.url, tmp_path, clock=clock, only=["customers"])
        contacts = _state(x.url)["contacts"]
    assert len(contacts) == written  # nothing created twice
    numbers = [c["ContactNumber"] for c in contacts if c.get("ContactNumber")]
    assert len(numbers) == len(set(numbers))
    for customer in seed["shopify"]["customers"]:
        assert str(customer["id"]) in numbers
    with StateStore.open(tmp_path / "state.db") as store:
        assert store.intents.open() == []
        assert store.errors.list_open("customers") == []
