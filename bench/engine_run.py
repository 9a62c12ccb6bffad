"""shopxero's engine, built exactly as ``shopxero sync`` builds it, run once on a sandbox clock."""

from __future__ import annotations

from typing import Any

from bench.counts import payouts_endpoint, span_endpoint
from shopxero.clients import build_clients, store_call_sink
from shopxero.config import Settings
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.clock import SandboxClock
from shopxero.store import StateStore

__all__ = ["run_engine"]


async def run_engine(settings: Settings, clock: SandboxClock) -> dict[str, Any]:
    """One run; its status, the records it counted, what it queued, and the clock time its
    Shopify client spent on Shopify (``shopify_minutes``: inside its calls, pacing and throttle
    waits, bulk polling and downloads; ``http.time_spent``), and how much of it the payouts step
    took (``shopify_minutes_payouts``)."""
    with StateStore.open(settings.state_db_path) as store:
        engines: list[SyncEngine] = []
        sink = store_call_sink(store, lambda: engines[0].current_run_id if engines else None)
        async with build_clients(settings, call_sink=sink, clock=clock, store=store) as clients:
            engine = SyncEngine(
                store=store,
                shopify=clients.shopify,
                xero=clients.xero,
                settings=settings,
                now=clock.now,
            )
            engines.append(engine)
            report = await engine.run()
            spent = clients.shopify.spent
            payouts_seconds = sum(
                seconds
                for label, seconds in spent.by_label.items()
                if payouts_endpoint(span_endpoint(label))
            )
        queued = [f"{e.entity} {e.shopify_id}: {e.message}" for e in store.errors.list_open()]
    return {
        "status": report.status,
        "records": {k: {o: n for o, n in v.items() if n} for k, v in report.counts.items()},
        "queued": len(queued),
        "queued_examples": queued[:5],
        "shopify_minutes": round(spent.seconds / 60, 3),
        # Of those, the payouts step's reads (``bench.counts.payouts_endpoint``, as for calls).
        "shopify_minutes_payouts": round(payouts_seconds / 60, 3),
    }
