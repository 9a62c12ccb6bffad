"""Rebuild the state DB from Xero and Shopify: every mapping, checksum and cursor, no Xero write.

How: the sync engine's own dry run over an empty state DB (the same fetch, mapping, linking and
planning a sync does: contacts by ContactNumber, then email, then name; items by Code; invoices by
InvoiceNumber; whole-list reads, so the call count is bounded, not one lookup per record),
against a read-only view of the Xero client that remembers what it read. Each record the plan
*links* becomes a mapping; its checksum is that of the payload the sync would send, stored only
when Xero's record already holds that payload, so the next sync skips it (no call), and updates
only the records that really differ. Records not in Xero are reported; the next sync creates them.

Then the orders whose invoice is in step go through the sync's orders step once more (every
invoice unchanged, so no write), and its lifecycle step links their payments and credit notes
as it does after a lost answer (``rebuild.lifecycle``).

Cursors (docs/architecture.md, invariant 3) are placed so that the next sync re-reads everything the
rebuild did not settle: at the rebuild's start when every record of a resource was linked in step
(an order: with its payments and refunds) or skipped by rule, else just before the oldest unsettled
record, else left unset (a full read). The engine subtracts the lookback window when it reads from a
cursor, as after any sync.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shopxero.config import Settings
from shopxero.engine.context import RunContext
from shopxero.engine.entity_specs import spec
from shopxero.engine.plan import Action, Desired, PlannedChange, record_matches_payload
from shopxero.engine.ports import ShopifyApi, XeroApi
from shopxero.engine.run_report import ENTITIES, ProgressSink, RunReport
from shopxero.entities.orders.guest_contact import ensure_guest_contact, guest_contact_desired
from shopxero.rebuild.lifecycle import relink_lifecycles
from shopxero.rebuild.payouts import relink_payouts
from shopxero.rebuild.views import ReadOnlyXero, RecordingShopify
from shopxero.run.engine import SyncEngine
from shopxero.shopify.models import raw_updated_at
from shopxero.store import StateStore
from shopxero.store.mappings import MappingRecord
from shopxero.xero.dates import parse_xero_date

__all__ = ["REBUILD_OUTCOMES", "RebuildReport", "Unlinked", "rebuild_state"]

# in_step: linked, Xero holds what we would send (checksum stored: the next sync skips it);
# differs: linked, the next sync updates it; missing: not in Xero, the next sync creates it;
# skipped: not synced by rule (test orders, statuses); failed: cannot be mapped (the next sync
# queues it with the reason).
REBUILD_OUTCOMES: tuple[str, ...] = ("in_step", "differs", "missing", "skipped", "failed")


@dataclass(frozen=True)
class Unlinked:
    """A Shopify record the rebuild found no Xero counterpart for, and why."""

    resource: str
    shopify_id: str
    label: str
    reason: str


@dataclass
class RebuildReport:
    started_at: datetime
    finished_at: datetime | None = None
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {e: dict.fromkeys(REBUILD_OUTCOMES, 0) for e in ENTITIES}
    )
    unlinked: list[Unlinked] = field(default_factory=list)
    cursors: dict[str, datetime | None] = field(default_factory=dict)
    guest_contact: str | None = None  # the guest contact's ContactID when it was linked
    notes: list[str] = field(default_factory=list)
    xero_reads: int = 0  # distinct Xero records read
    lives_relinked: int = 0  # orders whose payments and refunds were all found in Xero

    @property
    def linked(self) -> int:
        return sum(c["in_step"] + c["differs"] for c in self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "counts": self.counts,
            "linked": self.linked,
            "guest_contact": self.guest_contact,
            "lives_relinked": self.lives_relinked,
            "unlinked": [
                {
                    "resource": u.resource,
                    "shopify_id": u.shopify_id,
                    "label": u.label,
                    "reason": u.reason,
                }
                for u in self.unlinked
            ],
            "cursors": {k: v.isoformat() if v else None for k, v in self.cursors.items()},
            "notes": self.notes,
        }


async def rebuild_state(
    store: StateStore,
    *,
    shopify: ShopifyApi,
    xero: XeroApi,
    settings: Settings,
    progress: ProgressSink | None = None,
    now: Callable[[], datetime] | None = None,
) -> RebuildReport:
    """Fill the (new, empty) ``store`` from what Xero and Shopify hold; never writes to Xero."""
    clock = now or (lambda: datetime.now(UTC))
    started = clock()
    report = RebuildReport(started_at=started)
    xero_view = ReadOnlyXero(xero)
    shop_view = RecordingShopify(shopify)
    engine = SyncEngine(
        store=store,
        shopify=shop_view,
        xero=xero_view,
        settings=settings,
        progress=progress,
        now=clock,
    )
    await _link_guest_contact(store, engine, shop_view, xero_view, report, started, clock)
    # Lives are relinked below through the real lifecycle step; the read pass plans none.
    plan_report = await engine.run(dry_run=True, plan_lifecycle=False)
    settled: dict[str, set[str]] = {resource: set() for resource in ENTITIES}
    with store.atomic():
        for resource in ENTITIES:
            changes = plan_report.plan.get(resource, [])
            _apply_plan(store, resource, changes, xero_view, report, settled[resource], clock())
            counts = plan_report.counts.get(resource, {})
            report.counts[resource]["skipped"] = counts.get("skipped", 0)
            report.counts[resource]["failed"] = counts.get("failed", 0)

    complete = await _relink_money(store, engine, shop_view, xero_view, settled, report, clock)
    settled["orders"] &= complete
    _advance_cursors(store, plan_report, shop_view, settled, report, started, clock())
    _finish(store, plan_report, xero_view, report, clock())
    return report


async def _relink_money(
    store: StateStore,
    engine: SyncEngine,
    shop_view: RecordingShopify,
    xero_view: ReadOnlyXero,
    settled: dict[str, set[str]],
    report: RebuildReport,
    clock: Callable[[], datetime],
) -> set[str]:
    """Payments, credit notes and completed lives of the orders whose invoice is in step, then
    the payouts; the ids of the orders whose life is complete."""
    fetched_orders = shop_view.fetched["orders"]
    complete, notes = await relink_lifecycles(
        store,
        shopify=shop_view,
        xero_view=xero_view,
        settings=engine.settings,
        org=engine.org,
        raws=[fetched_orders[oid] for oid in sorted(settled["orders"]) if oid in fetched_orders],
        started=report.started_at,
        now=clock,
    )
    report.lives_relinked = len(complete)
    report.notes.extend(notes)
    report.notes.extend(
        await relink_payouts(
            store,
            shopify=shop_view,
            xero_view=xero_view,
            settings=engine.settings,
            org=engine.org,
            started=report.started_at,
            now=clock,
        )
    )
    return complete


async def _link_guest_contact(
    store: StateStore,
    engine: SyncEngine,
    shop_view: RecordingShopify,
    xero_view: ReadOnlyXero,
    report: RebuildReport,
    started: datetime,
    clock: Callable[[], datetime],
) -> None:
    """The guest contact first: orders without a customer are planned against it."""
    side = RunContext(
        store=store,
        shopify=shop_view,
        xero=xero_view,
        settings=engine.settings,
        org=engine.org,
        report=RunReport(started_at=started, dry_run=True),
        started_at=started,
        now=clock,
        dry_run=True,
    )
    guest_id = await ensure_guest_contact(side)
    if guest_id is not None and guest_id in xero_view.seen:
        desired = guest_contact_desired(engine.settings.guest_contact_name)
        record = xero_view.seen[guest_id]
        with store.atomic():
            equal = record_matches_payload(desired.payload, record)
            _store_link(store, desired, record, equal=equal, now=clock())
        report.guest_contact = guest_id


def _advance_cursors(
    store: StateStore,
    plan_report: RunReport,
    shop_view: RecordingShopify,
    settled: dict[str, set[str]],
    report: RebuildReport,
    started: datetime,
    now: datetime,
) -> None:
    with store.atomic():
        for resource in ENTITIES:
            changes = plan_report.plan.get(resource, [])
            counts = plan_report.counts.get(resource, {})
            cursor = _cursor_for(
                resource,
                shop_view.fetched[resource],
                settled[resource],
                {c.desired.shopify_id for c in changes},
                no_failures=counts.get("failed", 0) == 0,
                started=started,
            )
            report.cursors[resource] = cursor
            if cursor is not None:
                store.cursors.advance(resource, cursor, now=now)


def _finish(
    store: StateStore,
    plan_report: RunReport,
    xero_view: ReadOnlyXero,
    report: RebuildReport,
    finished: datetime,
) -> None:
    report.notes.extend(_plan_notes(plan_report.notes))
    report.xero_reads = len(xero_view.seen)
    report.finished_at = finished
    if plan_report.run_id is not None:
        # The run history shows the rebuild's read pass for what it was.
        store.runs.finish(
            plan_report.run_id,
            status=plan_report.status,
            counts=plan_report.counts,
            notes=report.notes,
            message=f"shopxero rebuild: {report.linked} record(s) linked, nothing written",
            finished_at=report.finished_at,
        )


def _apply_plan(
    store: StateStore,
    resource: str,
    changes: list[PlannedChange],
    xero_view: ReadOnlyXero,
    report: RebuildReport,
    settled: set[str],
    now: datetime,
) -> None:
    """Store a mapping for each LINK of the dry run's plan; report each CREATE as missing."""
    seen_ids: set[str] = set()
    for change in changes:
        desired = change.desired
        if desired.shopify_id in seen_ids:
            continue  # a linked record that differs is planned twice (LINK, then UPDATE)
        if change.action is Action.LINK and change.xero_id:
            seen_ids.add(desired.shopify_id)
            record = xero_view.seen.get(change.xero_id)
            taken = store.mappings.by_xero_id(desired.entity, change.xero_id)
            if record is None or taken is not None:
                why = "already linked to another record" if taken else "was not read back"
                report.unlinked.append(
                    Unlinked(resource, desired.shopify_id, desired.label, f"Xero record {why}")
                )
                continue
            equal = record_matches_payload(desired.payload, record)
            _store_link(store, desired, record, equal=equal, now=now)
            report.counts[resource]["in_step" if equal else "differs"] += 1
            if equal:
                settled.add(desired.shopify_id)
        elif change.action is Action.CREATE:
            seen_ids.add(desired.shopify_id)
            report.counts[resource]["missing"] += 1
            report.unlinked.append(
                Unlinked(
                    resource,
                    desired.shopify_id,
                    desired.label,
                    f"no {desired.entity} {desired.natural_key} in Xero: the next sync creates it",
                )
            )


def _plan_notes(notes: list[str]) -> list[str]:
    """The dry run's notes, worded for a rebuild."""
    kept: list[str] = []
    for note in notes:
        if note.startswith(("guest contact", "dry run:")):
            continue  # the rebuild reports these itself
        if note.startswith("would queue "):
            note = f"not mapped, the next sync queues it: {note.removeprefix('would queue ')}"
        kept.append(note)
    return kept


def _store_link(
    store: StateStore,
    desired: Desired,
    record: dict[str, Any],
    *,
    equal: bool,
    now: datetime | None = None,
) -> None:
    """The mapping of ``desired`` to Xero's ``record``; the checksum only when they are equal."""
    store.mappings.upsert(
        MappingRecord(
            entity=desired.entity,
            shopify_id=desired.shopify_id,
            xero_id=str(record[spec(desired.entity).id_field]),
            natural_key=desired.natural_key,
            checksum=desired.checksum if equal else None,
            payload=desired.payload if equal else None,
            xero_updated_utc=parse_xero_date(record.get("UpdatedDateUTC")),
            base_name=desired.base_name,
            chosen_name=desired.chosen_name,
            last_synced=now,
        )
    )


def _cursor_for(
    resource: str,
    fetched: dict[str, dict[str, Any]],
    settled: set[str],
    planned: set[str],
    *,
    no_failures: bool,
    started: datetime,
) -> datetime | None:
    """Where the next sync may start reading ``resource`` without missing unsettled work.

    A record is settled when it is linked in step; when the dry run failed nothing, a record it
    did not plan at all was skipped by rule (a test order, a status not synced) and is settled
    too. (A failure is only a count in a dry run, so then nothing unplanned counts as settled.)
    """

    def is_settled(shopify_id: str, raw: dict[str, Any]) -> bool:
        if resource == "products":
            variants = [str(v.get("id")) for v in raw.get("variants") or []]
            if variants and all(v in settled for v in variants):
                return True
            return no_failures and not any(v in planned for v in variants)
        return shopify_id in settled or (no_failures and shopify_id not in planned)

    pending = [raw for sid, raw in fetched.items() if not is_settled(sid, raw)]
    if not pending:
        return started
    stamps = [raw_updated_at(raw) for raw in pending]
    if any(stamp is None for stamp in stamps):
        return None  # cannot place it safely: the next sync reads everything
    oldest = min(s for s in stamps if s is not None)
    # One second before the oldest unsettled record, so even without a lookback it is re-read.
    return min(oldest - timedelta(seconds=1), started)
