"""What every step of one sync run shares: the state DB, both clients, settings, the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shopxero.config import Settings
from shopxero.engine.linking import FirstPage
from shopxero.engine.orgdata import OrgDataLoader
from shopxero.engine.ports import ShopifyApi, XeroApi
from shopxero.engine.run_report import NullProgress, ProgressSink, RunReport
from shopxero.store import StateStore

__all__ = ["RunContext"]


@dataclass
class RunContext:
    """One run's shared state. ``started_at`` caps every cursor
    (docs/architecture.md, invariant 3)."""

    store: StateStore
    shopify: ShopifyApi  # shopify.client.ShopifyClient, a rebuild's recording view, or a fake
    xero: XeroApi  # xero.client.XeroClient, a rebuild's read-only view, or a fake
    settings: Settings
    org: OrgDataLoader
    report: RunReport
    started_at: datetime
    now: Callable[[], datetime]
    dry_run: bool = False
    progress: ProgressSink = field(default_factory=NullProgress)
    # Whole batches in a row that failed with a transient error after the client's retries:
    # the second one in a row means Xero is down, and the run stops (exit 2) instead of
    # spending every remaining batch's retries.
    transient_batches: int = 0
    # ``errors retry``: queued records are sent again even when unchanged.
    retrying: bool = False
    # Dry runs write no mapping, so what the plan would create or link is kept here, letting
    # orders be planned against the contacts and items the same run would have made:
    # (entity, shopify_id) -> Xero id, or a placeholder for a record not created yet.
    planned: dict[tuple[str, str], str] = field(default_factory=dict)
    planned_codes: dict[str, str] = field(default_factory=dict)  # variant id -> Item Code
    # Dry runs plan orders' payments, credit notes and voids too; a rebuild's read pass turns
    # this off (it relinks lives itself, through the real lifecycle step: ``rebuild.lifecycle``).
    plan_lifecycle: bool = True
    # Xero's answers to the invoices this run created, by InvoiceID: each invoice as it stands
    # right after its PUT (nothing paid or credited yet), so the lifecycle step pays them without
    # reading them again (xero-api-notes §6.3a). Taken out as they are used.
    created_invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What the first page of a whole list (``"invoices"``, ``"credit_notes"``) showed, read once a
    # run although the orders come in chunks (``engine.linking.FirstPage``).
    first_pages: dict[str, FirstPage] = field(default_factory=dict)
    # Set when a chunk of orders is full, so more may follow (``run.engine``).
    more_chunks: bool = False

    def first_page(self, kind: str) -> FirstPage:
        """This run's ``FirstPage`` of ``kind``, empty until a read fills it; with more chunks
        to come, read whole even for a few numbers (each chunk would look its own up)."""
        page = self.first_pages.setdefault(kind, FirstPage())
        page.whole_first = self.more_chunks
        return page

    @property
    def run_id(self) -> int | None:
        return self.report.run_id
