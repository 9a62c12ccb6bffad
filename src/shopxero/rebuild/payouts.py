"""Rebuild the payouts' mappings: the sync's own payouts step, against the read-only Xero view.

It finds each paid payout's transfer and spend/receive money by their Reference (``Shopify
payout <id>``), maps them and marks the payouts whose postings are all there, as it does after a
lost answer (``entities.payouts``). Nothing is re-implemented here. A payout with a posting not
in Xero needs a write, which the view refuses: its intents are dropped and the next sync posts
what is missing (the payouts cursor stays before it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shopxero.config import Settings
from shopxero.engine.orgdata import OrgDataLoader
from shopxero.engine.ports import ShopifyApi
from shopxero.engine.run_report import RunReport
from shopxero.entities.payouts import sync_payouts
from shopxero.rebuild.lifecycle import drop_open_intents, relink_context
from shopxero.rebuild.views import ReadOnlyXero, RebuildWriteRefused
from shopxero.store import StateStore

__all__ = ["relink_payouts"]


async def relink_payouts(
    store: StateStore,
    *,
    shopify: ShopifyApi,
    xero_view: ReadOnlyXero,
    settings: Settings,
    org: OrgDataLoader,
    started: datetime,
    now: Callable[[], datetime],
) -> list[str]:
    """Map what Xero holds for the shop's payouts; notes for the report."""
    if not settings.sync_payouts:
        return []
    report = RunReport(started_at=started)
    ctx = relink_context(store, shopify, xero_view, settings, org, report, now)
    notes: list[str] = []
    try:
        await sync_payouts(ctx)
    except RebuildWriteRefused:
        drop_open_intents(store, now)
        notes.append("some payouts are not all in Xero yet: the next sync posts what is missing")
    linked = report.counts.get("payouts", {}).get("linked", 0)
    if linked:
        notes.append(f"{linked} payout(s) found in Xero by Reference and linked")
    notes.extend(n for n in report.notes if n.startswith(("payout", "Shopify Payments")))
    return notes
