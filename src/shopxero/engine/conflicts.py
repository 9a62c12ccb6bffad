"""Conflict checks before updates (docs/architecture.md, invariant 5), run only when an update is
planned.

Someone edited the record in Xero when its UpdatedDateUTC is newer than the one we saw right
after our last write. Contacts and items: Shopify wins, the decision is noted in the run report.
Invoices that Xero no longer lets us rewrite (paid, part-paid, voided, deleted) are not sent: they
are queued for review with a clear message.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from shopxero.engine.context import RunContext
from shopxero.engine.plan import PlannedChange
from shopxero.xero.dates import parse_xero_date

__all__ = ["check_contact_edits", "check_invoice_updates", "check_item_edits"]

_UPDATABLE_INVOICE_STATUSES = frozenset({"DRAFT", "SUBMITTED", "AUTHORISED"})


def _since(ctx: RunContext, entity: str, updates: list[PlannedChange]) -> datetime | None:
    maps = ctx.store.mappings.many(entity, [u.desired.shopify_id for u in updates])
    stamps = [m.xero_updated_utc for m in maps.values() if m.xero_updated_utc is not None]
    return min(stamps) if stamps else None


def _edited(
    ctx: RunContext, entity: str, change: PlannedChange, record: dict[str, Any] | None
) -> bool:
    if record is None:
        return False
    mapping = ctx.store.mappings.get(entity, change.desired.shopify_id)
    theirs = parse_xero_date(record.get("UpdatedDateUTC"))
    return bool(
        mapping and mapping.xero_updated_utc and theirs and theirs > mapping.xero_updated_utc
    )


async def check_contact_edits(
    ctx: RunContext, updates: list[PlannedChange]
) -> tuple[list[PlannedChange], list[tuple[PlannedChange, str]]]:
    since = _since(ctx, "contact", updates)
    if since is None:
        return updates, []
    wanted = {u.xero_id for u in updates}
    seen: dict[str, dict[str, Any]] = {}
    async for record in ctx.xero.iter_contacts(modified_since=since):
        if record.get("ContactID") in wanted:
            seen[str(record["ContactID"])] = record
    for change in updates:
        if _edited(ctx, "contact", change, seen.get(change.xero_id or "")):
            ctx.report.note(
                f"{change.desired.label} was edited in Xero since our last write; "
                "Shopify wins (contact updated)"
            )
    return updates, []


async def check_item_edits(
    ctx: RunContext, updates: list[PlannedChange]
) -> tuple[list[PlannedChange], list[tuple[PlannedChange, str]]]:
    since = _since(ctx, "item", updates)
    if since is None:
        return updates, []
    seen = {str(r.get("ItemID")): r for r in await ctx.xero.list_items(modified_since=since)}
    for change in updates:
        if _edited(ctx, "item", change, seen.get(change.xero_id or "")):
            ctx.report.note(
                f"{change.desired.label} was edited in Xero since our last write; "
                "Shopify wins (item updated)"
            )
    return updates, []


async def check_invoice_updates(
    ctx: RunContext,
    updates: list[PlannedChange],
    *,
    seen: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[PlannedChange], list[tuple[PlannedChange, str]]]:
    """``seen`` (optional) receives the invoices read, by InvoiceID, for the caller's use."""
    # Look up by the number Xero holds now (the mapped one), not the one we are about to send.
    maps = ctx.store.mappings.many("invoice", [u.desired.shopify_id for u in updates])
    numbers = sorted(
        {maps[u.desired.shopify_id].natural_key for u in updates if u.desired.shopify_id in maps}
    )
    records = await ctx.xero.get_invoices_by_number(numbers) if numbers else []
    by_id = {str(r.get("InvoiceID")): r for r in records}
    if seen is not None:
        seen.update(by_id)
    allowed: list[PlannedChange] = []
    conflicts: list[tuple[PlannedChange, str]] = []
    for change in updates:
        record = by_id.get(change.xero_id or "")
        if record is None:
            allowed.append(change)
            continue
        status = str(record.get("Status") or "")
        paid = Decimal(str(record.get("AmountPaid") or 0)) + Decimal(
            str(record.get("AmountCredited") or 0)
        )
        if status not in _UPDATABLE_INVOICE_STATUSES or paid > 0:
            what = f"is {status}" if status not in _UPDATABLE_INVOICE_STATUSES else "has payments"
            changed = ", ".join(change.diff) or "lines"
            conflicts.append(
                (
                    change,
                    f"invoice {change.desired.natural_key} {what} in Xero and cannot be "
                    f"rewritten; the order changed in Shopify ({changed}): review it by hand",
                )
            )
            continue
        if _edited(ctx, "invoice", change, record):
            ctx.report.note(
                f"{change.desired.label} was edited in Xero since our last write; "
                "Shopify wins (invoice updated)"
            )
        allowed.append(change)
    return allowed, conflicts
