"""Rebuild the mappings of orders' lives: payments, credit notes, and which lives are complete.

After the rebuild has linked the invoices, the sync's own orders step runs once more, for the
orders whose invoice is in step only, against the read-only Xero view: every invoice plans
"unchanged" (no write), and the lifecycle step (``orders.life``) finds what already exists
the way it does after a lost answer: payments among the invoice's Payments (Reference, Amount,
Date), credit notes by number (40 per call), and marks each order's life complete. Nothing is
re-implemented here.

If that would need a write (a payment or refund that never reached Xero), the view refuses it;
the intents it left are dropped, and those orders stay for the next sync, which sends what is
missing (the rebuild places the orders cursor before them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shopxero.config import Settings
from shopxero.engine.context import RunContext
from shopxero.engine.orgdata import OrgDataLoader
from shopxero.engine.ports import ShopifyApi
from shopxero.engine.run_report import RunReport
from shopxero.entities.orders.invoices import sync_orders
from shopxero.entities.orders.life_common import LIFE
from shopxero.rebuild.views import ReadOnlyXero, RebuildWriteRefused
from shopxero.store import StateStore

__all__ = ["drop_open_intents", "relink_context", "relink_lifecycles"]


def relink_context(
    store: StateStore,
    shopify: ShopifyApi,
    xero_view: ReadOnlyXero,
    settings: Settings,
    org: OrgDataLoader,
    report: RunReport,
    now: Callable[[], datetime],
) -> RunContext:
    """A real (not dry) run's context against the read-only view: what the sync finds is
    recorded, and any write it would make is refused (``RebuildWriteRefused``)."""
    return RunContext(
        store=store,
        shopify=shopify,
        xero=xero_view,
        settings=settings,
        org=org,
        report=report,
        started_at=report.started_at,
        now=now,
    )


def drop_open_intents(store: StateStore, now: Callable[[], datetime]) -> None:
    """After the read-only view refused a write: its intents never became writes."""
    with store.atomic():
        for intent in store.intents.open():
            store.intents.close(intent.id, state="dropped", now=now())


async def relink_lifecycles(
    store: StateStore,
    *,
    shopify: ShopifyApi,
    xero_view: ReadOnlyXero,
    settings: Settings,
    org: OrgDataLoader,
    raws: list[dict[str, Any]],
    started: datetime,
    now: Callable[[], datetime],
) -> tuple[set[str], list[str]]:
    """Relink the lives of the orders ``raws`` (their invoices linked in step).

    Returns the ids of the orders whose life is complete in the new state DB (all of them when
    payments are not synced) and notes for the report.
    """
    ids = {str(raw.get("id")) for raw in raws}
    if not settings.sync_payments or not raws:
        return ids, []
    report = RunReport(started_at=started)
    ctx = relink_context(store, shopify, xero_view, settings, org, report, now)
    notes: list[str] = []
    try:
        await sync_orders(ctx, raws)
    except RebuildWriteRefused:
        drop_open_intents(store, now)
        notes.append(
            "some payments or refunds are not in Xero yet: the next sync sends them "
            "(their orders are read again)"
        )
    changed = sum(report.counts.get("orders", {}).get(o, 0) for o in ("created", "updated"))
    if changed:  # cannot happen through the read-only view; say so loudly if it ever does
        notes.append(f"unexpected: {changed} order(s) planned a write during the rebuild")
    if settings.invoice_status != "AUTHORISED":
        return ids, notes  # no life to record: payments need AUTHORISED invoices
    done = {m.shopify_id for m in store.mappings.all(LIFE)}
    linked_notes = [n for n in report.notes if n.endswith("was already in Xero: linked")]
    if linked_notes:
        notes.append(f"{len(linked_notes)} credit note(s) found in Xero by number and linked")
    notes.extend(n for n in report.notes if n not in linked_notes and "payment" in n)
    return ids & done, notes
