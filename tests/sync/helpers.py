"""What the sync tests over both simulators share (import from here, not from a test module).

Serving a seed on real HTTP, the Settings that point shopxero at the two simulators, one engine
run built the way ``shopxero sync`` builds it (``sync.factory.build_clients``), and reading the
simulators' ``/_sandbox/state`` and ``/_sandbox/requests``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from shopxero.clients import build_clients, store_call_sink
from shopxero.config import Settings
from shopxero.engine.run_report import RunReport
from shopxero.run.engine import SyncEngine
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
from shopxero.store.errors_queue import QueuedError

__all__ = [
    "run_engine",
    "sandbox_requests",
    "sandbox_settings",
    "sandbox_state",
    "serve_demo",
    "serve_seed",
]


@contextmanager
def serve_seed(
    seed: dict[str, Any], *, clock: SandboxClock | None = None
) -> Iterator[tuple[str, str]]:
    """Both simulators over real HTTP (uvicorn) holding ``seed``: (Shopify URL, Xero URL).

    ``clock``: one clock for both (a sped-up one makes pacing and back-off quick); without it
    each simulator keeps its own real-time clock.
    """
    timing: dict[str, Any] = {} if clock is None else {"clock": clock}
    shopify_app = create_shopify_app(seed["shopify"], credentials=shopify_credentials(), **timing)
    xero_app = create_xero_app(seed["xero"], credentials=xero_credentials(), **timing)
    with serve_in_thread(shopify_app) as s, serve_in_thread(xero_app) as x:
        yield s.url, x.url


@contextmanager
def serve_demo(clock: SandboxClock | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The demo seed served: (Shopify URL, Xero URL, the seed)."""
    seed = load_seed("demo")
    with serve_seed(seed, clock=clock) as (shop_url, xero_url):
        yield shop_url, xero_url, seed


def sandbox_settings(shop_url: str, xero_url: str, data_dir: Path) -> Settings:
    """Settings for the two simulators: a static Shopify token, a Xero Custom Connection."""
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


async def run_engine(
    shop_url: str,
    xero_url: str,
    data_dir: Path,
    *,
    clock: SandboxClock | None = None,
    only: list[str] | None = None,
    dry_run: bool = False,
    plan_lifecycle: bool = True,
    **overrides: Any,
) -> tuple[RunReport, list[QueuedError]]:
    """One engine run against the simulators: its report and the open error queue after it.
    ``overrides`` change settings (``sync_payments=False``...)."""
    settings = sandbox_settings(shop_url, xero_url, data_dir).model_copy(update=overrides)
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
            report = await engine.run(only=only, dry_run=dry_run, plan_lifecycle=plan_lifecycle)
            return report, store.errors.list_open()


def sandbox_state(url: str) -> dict[str, Any]:
    """A simulator's records (``GET /_sandbox/state``)."""
    return dict(httpx.get(f"{url}/_sandbox/state").json())


def sandbox_requests(url: str) -> list[dict[str, Any]]:
    """Every request a simulator received, in order (``GET /_sandbox/requests``)."""
    return list(httpx.get(f"{url}/_sandbox/requests").json()["requests"])
