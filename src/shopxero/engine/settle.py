"""Settle open write intents left by an interrupted run (docs/architecture.md, invariant 2).

For each open create intent the natural key is looked up in Xero: found -> the mapping is
recorded (the write happened, its answer was lost); not found -> the intent is dropped and the
record is planned again. Open update intents are dropped: the mapping still holds the old
checksum, so the update is simply planned again.

Intents of an order's life (payments, credit notes, allocations; ``entities.orders.life``) have
no natural key to look up here and are closed as dropped: before writing again, that step reads
the invoice's Payments and the credit note by its number, so a write whose answer was lost is
found and mapped, never repeated.
"""

from __future__ import annotations

from typing import Any

from shopxero.engine.context import RunContext
from shopxero.engine.entity_specs import spec
from shopxero.engine.linking import BULK_THRESHOLD, ContactIndex, load_invoices, load_items
from shopxero.store.mappings import MappingRecord
from shopxero.xero.dates import parse_xero_date

__all__ = ["settle_open_intents"]


async def _contacts_by_number(ctx: RunContext, numbers: list[str]) -> ContactIndex:
    index = ContactIndex()
    record: dict[str, Any] | None
    if len(numbers) > BULK_THRESHOLD:
        async for record in ctx.xero.iter_contacts(page_size=1000):
            index.add(record)
    else:
        for number in numbers:
            record = await ctx.xero.get_contact_by_number(number)
            if record is not None:
                index.add(record)
    return index


async def settle_open_intents(ctx: RunContext) -> int:
    """Settle every open intent; returns how many were found in Xero and mapped."""
    intents = ctx.store.intents.open()
    if not intents:
        return 0
    creates = [i for i in intents if i.operation == "create"]
    found: dict[int, dict[str, Any]] = {}
    contact_keys = sorted({i.natural_key for i in creates if i.entity == "contact"})
    item_keys = sorted({i.natural_key for i in creates if i.entity == "item"})
    invoice_keys = sorted({i.natural_key for i in creates if i.entity == "invoice"})
    contacts = await _contacts_by_number(ctx, contact_keys) if contact_keys else ContactIndex()
    items = await load_items(ctx.xero, item_keys)
    invoices = await load_invoices(ctx.xero, invoice_keys)
    for intent in creates:
        record: dict[str, Any] | None = None
        if intent.entity == "contact":
            record = contacts.by_number(intent.natural_key)
        elif intent.entity == "item":
            record = items.get(intent.natural_key)
        elif intent.entity == "invoice":
            record = invoices.get(intent.natural_key)
        if record is not None:
            found[intent.id] = record
    mapped = 0
    with ctx.store.atomic():
        for intent in intents:
            record = found.get(intent.id)
            if record is None:
                ctx.store.intents.close(intent.id, state="dropped", now=ctx.now())
                continue
            xero_id = str(record[spec(intent.entity).id_field])
            holder = ctx.store.mappings.by_xero_id(intent.entity, xero_id)
            if holder is None or holder.shopify_id == intent.shopify_id:
                ctx.store.mappings.upsert(
                    MappingRecord(
                        entity=intent.entity,
                        shopify_id=intent.shopify_id,
                        xero_id=xero_id,
                        natural_key=intent.natural_key,
                        checksum=intent.checksum,
                        xero_updated_utc=parse_xero_date(record.get("UpdatedDateUTC")),
                        chosen_name=record.get("Name") if intent.entity == "contact" else None,
                        last_synced=ctx.now(),
                    )
                )
                ctx.store.errors.resolve_for(
                    spec(intent.entity).resource,
                    intent.shopify_id,
                    resolution="found in Xero when settling an interrupted write",
                    now=ctx.now(),
                )
                mapped += 1
            ctx.store.intents.close(intent.id, now=ctx.now())
    if mapped:
        ctx.report.note(f"{mapped} interrupted create(s) were found in Xero and mapped")
    return mapped
