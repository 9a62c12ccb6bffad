"""One sync run of given Shopify records through the real engine and both simulators, in process.

The simulators are served through ``SandboxASGITransport`` (no sockets, so hypothesis can afford
dozens of runs); the clients are built by ``sync.factory.build_clients`` exactly as ``shopxero
sync`` builds them. The Xero side is the demo seed's standard UK organisation; the Shopify side is
the demo shop with only the records a test gives.

Shopify is read through REST unless a test names the API: hostile values are REST JSON (a
country code ``""``, a price ``" "``, a currency ``"None"``) that the GraphQL Admin API's typed
schema cannot carry (an enum, a ``Decimal``), so Shopify never serves them through GraphQL and
the simulator refuses to (a GraphQL error for the whole query). What GraphQL can carry, e.g. a
400-digit price, is run on both APIs.
"""

from __future__ import annotations

import asyncio
import copy
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopxero.clients import build_clients, store_call_sink
from shopxero.config import Settings
from shopxero.engine.run_report import RunReport
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import (
    SHOPIFY_ACCESS_TOKEN,
    XERO_CC_CLIENT_ID,
    XERO_CC_CLIENT_SECRET,
    shopify_credentials,
    xero_credentials,
)
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.sandbox.xero.app import create_xero_app
from shopxero.store import StateStore
from shopxero.store.errors_queue import QueuedError

__all__ = ["DEMO", "Outcome", "run_sync", "run_syncs", "settings_for"]

DEMO: dict[str, Any] = load_seed("demo")
SHOP_URL = "http://shop.sandbox.test"
XERO_URL = "http://xero.sandbox.test"


@dataclass
class Outcome:
    report: RunReport
    queued: list[QueuedError]
    mapped: dict[str, set[str]]  # entity -> Shopify ids with a mapping
    xero: dict[str, Any]  # the Xero simulator's /_sandbox/state
    xero_requests: list[dict[str, Any]]

    def queued_for(self, entity: str, shopify_id: object) -> list[QueuedError]:
        return [q for q in self.queued if q.entity == entity and q.shopify_id == str(shopify_id)]


def settings_for(data_dir: Path, shopify_api: str | None = None) -> Settings:
    """``shopify_api`` None: SHOPXERO_SHOPIFY_API, as the test runs (tests/conftest.py)."""
    chosen = {} if shopify_api is None else {"shopify_api": shopify_api}
    return Settings.model_validate(
        {
            **chosen,
            "data_dir": str(data_dir),
            "shopify_base_url": SHOP_URL,
            "shopify_access_token": SHOPIFY_ACCESS_TOKEN,
            "xero_mode": "custom_connection",
            "xero_client_id": XERO_CC_CLIENT_ID,
            "xero_client_secret": XERO_CC_CLIENT_SECRET,
            "xero_api_base_url": f"{XERO_URL}/api.xro/2.0",
            "xero_identity_base_url": XERO_URL,
        }
    )


async def _runs(
    records: dict[str, list[dict[str, Any]]],
    data_dir: Path,
    *,
    faults: list[dict[str, Any]],
    runs: int,
    shopify_api: str | None,
) -> list[Outcome]:
    shopify_seed = {
        "shop": copy.deepcopy(DEMO["shopify"]["shop"]),
        "customers": copy.deepcopy(records.get("customers", [])),
        "products": copy.deepcopy(records.get("products", [])),
        "orders": copy.deepcopy(records.get("orders", [])),
    }
    shopify_app = create_shopify_app(shopify_seed, credentials=shopify_credentials())
    xero_app = create_xero_app(copy.deepcopy(DEMO["xero"]), credentials=xero_credentials())
    for fault in faults:
        xero_app.faults.add(fault)
    settings = settings_for(data_dir, shopify_api)
    outcomes: list[Outcome] = []
    for _ in range(runs):
        with StateStore.open(settings.state_db_path) as store:
            async with build_clients(
                settings,
                call_sink=store_call_sink(store),
                shopify_transport=SandboxASGITransport(shopify_app),
                xero_transport=SandboxASGITransport(xero_app),
            ) as clients:
                engine = SyncEngine(
                    store=store, shopify=clients.shopify, xero=clients.xero, settings=settings
                )
                report = await engine.run()
            mapped = {
                entity: {m.shopify_id for m in store.mappings.all(entity)}
                for entity in ("contact", "item", "invoice")
            }
            queued = store.errors.list_open()
        outcomes.append(
            Outcome(
                report=report,
                queued=queued,
                mapped=mapped,
                xero=xero_app.state(),
                xero_requests=xero_app.log.entries(),
            )
        )
    return outcomes


def run_syncs(
    records: dict[str, list[dict[str, Any]]],
    *,
    faults: Sequence[dict[str, Any]] = (),
    runs: int = 1,
    shopify_api: str | None = None,
) -> list[Outcome]:
    """``runs`` syncs of ``records`` over one state DB and one Xero organisation, ``faults``
    (``/_sandbox/faults`` specs) armed on the Xero simulator before the first."""
    with tempfile.TemporaryDirectory(prefix="shopxero-hostile-") as tmp:
        return asyncio.run(
            _runs(records, Path(tmp), faults=list(faults), runs=runs, shopify_api=shopify_api)
        )


def run_sync(
    records: dict[str, list[dict[str, Any]]], *, shopify_api: str | None = None
) -> Outcome:
    """Sync ``records`` (Shopify REST shapes) once into a fresh Xero organisation."""
    return run_syncs(records, shopify_api=shopify_api)[0]
