"""One sync run: settle interrupted writes, then customers, products, orders, then the cursors;
then, when ``SHOPXERO_SYNC_PAYOUTS`` is on, Shopify Payments payouts.

For each Shopify resource: fetch what changed since its cursor minus the lookback window (first
run: everything), plus records whose retryable error is due; the step maps, plans, links and
writes them; then the cursor advances to the newest ``updated_at`` seen, capped at the run's start
(docs/architecture.md, invariant 3). Every record's outcome is committed (synced, skipped or
queued) before its cursor moves; a run stopped by the Xero day budget leaves the cursors of the
unfinished resources where they were.

Orders stream: they go to their step a chunk at a time (``SHOPXERO_ORDER_CHUNK``, 1,000: four
REST pages), and each chunk's invoices, payments and refunds are sent and committed before the
next chunk is read, so a first import holds one chunk of orders, not the shop. Their cursor still
moves only at the end: Shopify lists orders by id, not by ``updated_at``, so a chunk's newest
stamp says nothing about the orders not read yet. A run that stops between chunks keeps what it
committed; the next one reads the orders again and finds the committed ones unchanged (no Xero
call for them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from shopxero.config import Settings
from shopxero.engine.context import RunContext
from shopxero.engine.orgdata import OrgDataLoader
from shopxero.engine.ports import ShopifyApi, XeroApi
from shopxero.engine.run_report import (
    ENTITIES,
    INTERRUPTED_MESSAGE,
    NullProgress,
    ProgressSink,
    RunReport,
)
from shopxero.engine.settle import settle_open_intents
from shopxero.entities.contacts import sync_customers
from shopxero.entities.items import sync_products
from shopxero.entities.orders.invoices import OrdersStep
from shopxero.entities.payouts import PAYOUTS, sync_payouts
from shopxero.errors import QuotaExhaustedError
from shopxero.shopify.models import raw_updated_at
from shopxero.store import StateStore
from shopxero.store.errors_queue import QueuedError

__all__ = ["SyncEngine"]

Step = Callable[[RunContext, Sequence[dict[str, Any]]], Awaitable[None]]


class StepRun(Protocol):
    """One resource's step over one run: ``take`` each chunk of raw records in turn, then
    ``finish`` (the notes that sum up the whole run)."""

    async def take(self, records: Sequence[dict[str, Any]]) -> None: ...

    def finish(self) -> None: ...


@dataclass
class AllAtOnce:
    """A step that takes its records in one call (customers, products: their linking reads the
    whole list of contacts or items, which chunks would repeat)."""

    ctx: RunContext
    step: Step

    async def take(self, records: Sequence[dict[str, Any]]) -> None:
        await self.step(self.ctx, records)

    def finish(self) -> None:
        return None


@dataclass(frozen=True)
class ResourceStep:
    """One Shopify resource, in the order a run takes them: how to read what changed since a
    time, how to read one record again by id, the entity step that takes its records, and how
    whether it takes them a chunk at a time (``SHOPXERO_ORDER_CHUNK``: each chunk ends its
    batches of 50 with one part-filled request, so a bigger chunk costs fewer Xero calls and more
    memory) or all at once."""

    name: str
    changed_since: Callable[[ShopifyApi, datetime | None], AsyncIterator[dict[str, Any]]]
    get_one: Callable[[ShopifyApi, int], Awaitable[dict[str, Any] | None]]
    open: Callable[[RunContext], StepRun]
    chunked: bool = False


# The run's order: an invoice needs its contact and its items in Xero first.
RESOURCE_STEPS: dict[str, ResourceStep] = {
    r.name: r
    for r in (
        ResourceStep(
            "customers",
            lambda shopify, since: shopify.iter_customers(updated_at_min=since),
            lambda shopify, record_id: shopify.get_customer(record_id),
            lambda ctx: AllAtOnce(ctx, sync_customers),
        ),
        ResourceStep(
            "products",
            lambda shopify, since: shopify.iter_products(updated_at_min=since),
            lambda shopify, record_id: shopify.get_product(record_id),
            lambda ctx: AllAtOnce(ctx, sync_products),
        ),
        ResourceStep(
            "orders",
            lambda shopify, since: shopify.iter_orders(updated_at_min=since),
            lambda shopify, record_id: shopify.get_order(record_id),
            OrdersStep,
            chunked=True,
        ),
    )
}
# Closed intents only matter while a crash may still be settled; the call log is for diagnosis.
INTENT_RETENTION = timedelta(days=30)
CALL_LOG_RETENTION = timedelta(days=90)


class SyncEngine:
    """Runs syncs over one state DB with a Shopify and a Xero client (both already built)."""

    def __init__(
        self,
        *,
        store: StateStore,
        shopify: ShopifyApi,
        xero: XeroApi,
        settings: Settings,
        progress: ProgressSink | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.shopify = shopify
        self.xero = xero
        self.settings = settings
        self.progress = progress or NullProgress()
        self.now = now or (lambda: datetime.now(UTC))
        self.current_run_id: int | None = None  # for the API-call log
        self.org = OrgDataLoader(
            store,
            settings,
            organisation=xero.get_organisation,
            accounts=xero.list_accounts,
            tax_rates=xero.list_tax_rates,
            shop=shopify.get_shop,
        )

    async def run(
        self,
        *,
        dry_run: bool = False,
        only: Iterable[str] | None = None,
        retry: Sequence[QueuedError] | None = None,
        plan_lifecycle: bool = True,
    ) -> RunReport:
        """One sync run (``retry``: only these queued records, fetched by id; no cursor moves).

        ``plan_lifecycle=False``: a dry run plans records only, not orders' payments, credit
        notes and voids, nor payouts (the rebuild's read pass)."""
        resources = [e for e in ENTITIES if only is None or e in set(only)]
        started = self.now()
        report = RunReport(started_at=started, dry_run=dry_run)
        report.run_id = self.store.runs.start(started_at=started, dry_run=dry_run)
        self.current_run_id = report.run_id
        ctx = RunContext(
            store=self.store,
            shopify=self.shopify,
            xero=self.xero,
            settings=self.settings,
            org=self.org,
            report=report,
            started_at=started,
            now=self.now,
            dry_run=dry_run,
            progress=self.progress,
            retrying=retry is not None,
            plan_lifecycle=plan_lifecycle,
        )
        try:
            if not dry_run:
                await settle_open_intents(ctx)
            if retry is None:
                # All the resources' reads asked at once: the GraphQL client starts its bulk
                # operations together, or asks every first page of changes in one query.
                await self.shopify.prepare_reads({r: self._since(r) for r in resources})
            for resource in resources:
                await self._sync_resource(ctx, resource, retry)
            if plan_lifecycle and self._payouts_due(only, retry):
                await sync_payouts(ctx)
            report.status = "failed_records" if report.total("failed") else "ok"
        except QuotaExhaustedError as exc:
            when = exc.resume_at.isoformat() if exc.resume_at else "tomorrow (Xero's day resets)"
            report.status = "stopped"
            report.message = (
                f"Xero's daily API budget is spent; committed work is saved. Run again after "
                f"{when} to finish."
            )
        except BaseException as exc:
            self._finish_broken(report, exc)
            raise
        self._finish(report)
        return report

    def _payouts_due(self, only: Iterable[str] | None, retry: Sequence[QueuedError] | None) -> bool:
        """Payouts are not a ``ResourceStep``: they are no Shopify resource with ``updated_at``
        (their cursor is the payout date, held before a payout whose posting failed). They come
        after the orders, whose payments and refunds must be in the clearing account first: in a
        full run (not ``--only``), and in ``errors retry`` when a payout's entry is retried (the
        payouts step then posts every payout still due, that one among them)."""
        if not self.settings.sync_payouts or only is not None:
            return False
        return retry is None or any(entry.entity == PAYOUTS for entry in retry)

    def _finish_broken(self, report: RunReport, exc: BaseException) -> None:
        """Record a run that ended by an exception. Ctrl-C (asyncio cancels the run's task; a
        signal handler may raise KeyboardInterrupt) is no error: every write's intent was
        committed before it was sent, so the next run settles it and goes on."""
        if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt):
            report.status = "interrupted"
            report.message = INTERRUPTED_MESSAGE
        else:
            report.status = "error"
            report.message = str(exc) or type(exc).__name__
        self._finish(report)

    def _finish(self, report: RunReport) -> None:
        report.finished_at = self.now()
        if not report.dry_run:
            with self.store.atomic():
                self.store.intents.prune(report.finished_at - INTENT_RETENTION)
                self.store.calls.prune(report.finished_at - CALL_LOG_RETENTION)
        report.queue_size = self.store.errors.count_open()
        assert report.run_id is not None
        self.store.runs.finish(
            report.run_id,
            status=report.status,
            counts=report.counts,
            notes=report.notes,
            message=report.message,
            finished_at=report.finished_at,
        )

    async def _sync_resource(
        self, ctx: RunContext, resource: str, retry: Sequence[QueuedError] | None
    ) -> None:
        step = RESOURCE_STEPS[resource].open(ctx)
        newest: datetime | None = None
        started = False
        async for records in self._chunks(ctx, resource, retry):
            units = _progress_units(resource, records)
            if started:
                self.progress.grow(resource, units)
            else:
                self.progress.start(resource, units)
                started = True
            await step.take(records)
            for stamp in map(raw_updated_at, records):
                if stamp is not None and (newest is None or stamp > newest):
                    newest = stamp
        if not started:
            self.progress.start(resource, 0)
        step.finish()
        if retry is None and not ctx.dry_run and newest is not None:
            with self.store.atomic():
                self.store.cursors.advance(resource, min(newest, ctx.started_at), now=ctx.now())

    async def _chunks(
        self, ctx: RunContext, resource: str, retry: Sequence[QueuedError] | None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """The records to sync, a chunk at a time: what changed since the cursor, then the
        queued records due for a retry that were not among them (read again by id)."""
        size = self.settings.order_chunk if RESOURCE_STEPS[resource].chunked else None
        seen: set[str] = set()
        raws: dict[str, dict[str, Any]] = {}
        async for raw in self._records(ctx, resource, retry, seen):
            raws[str(raw.get("id"))] = raw  # de-duplicate by id: the last copy wins
            if size is not None and len(raws) >= size:
                ctx.more_chunks = True
                yield list(raws.values())
                raws = {}
        if raws or not seen:
            yield list(raws.values())

    def _since(self, resource: str) -> datetime | None:
        """Where a read of ``resource`` starts: its cursor less the look-back window (None: the
        first run reads everything)."""
        cursor = self.store.cursors.get(resource)
        return cursor - timedelta(minutes=self.settings.lookback_minutes) if cursor else None

    async def _records(
        self,
        ctx: RunContext,
        resource: str,
        retry: Sequence[QueuedError] | None,
        seen: set[str],
    ) -> AsyncIterator[dict[str, Any]]:
        """What changed since the cursor (none for ``errors retry``), then the queued records of
        ``resource`` not ``seen`` among them, read again by id."""
        if retry is None:
            since = self._since(resource)
            async for raw in RESOURCE_STEPS[resource].changed_since(self.shopify, since):
                seen.add(str(raw.get("id")))
                yield raw
            due = [] if ctx.dry_run else self.store.errors.due_for_retry(ctx.now())
        else:
            due = list(retry)
        get_one = RESOURCE_STEPS[resource].get_one
        for entry in due:
            record_id = entry.shopify_id.split("/")[0]
            if entry.entity != resource or record_id in seen or not record_id.isdigit():
                continue
            seen.add(record_id)
            again = await get_one(self.shopify, int(record_id))
            if again is not None:
                yield again
            elif not ctx.dry_run:
                with self.store.atomic():
                    self.store.errors.resolve(
                        entry.id, resolution="no longer exists in Shopify", now=ctx.now()
                    )


def _progress_units(resource: str, records: Sequence[dict[str, Any]]) -> int:
    """What the progress bar counts: records, or a product's variants (its Items)."""
    if resource == "products":
        return sum(max(len(r.get("variants") or []), 1) for r in records)
    return len(records)
