"""Send planned creates and updates of contacts, items and invoices, and record what came back.

The sending itself (intents first, batches by count and bytes, the Idempotency-Key, transient and
permanent failures) is ``engine.sender``, the one path of every Xero write. Here each element's
outcome is recorded: OK -> mapping (Xero id, checksum, UpdatedDateUTC) and any queued entry
resolved; refused -> queued with Xero's own messages, except a duplicate natural key or a contact
name clash, which the caller links or renames. A batch that failed as a whole with a transient
error is queued as retryable (its create intents stay open for the next run to settle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shopxero.engine.context import RunContext
from shopxero.engine.entity_specs import spec
from shopxero.engine.error_queue import queue_error
from shopxero.engine.plan import Action, Desired, PlannedChange
from shopxero.engine.sender import Element, Sent, send_batches
from shopxero.errors import ValidationError
from shopxero.store.mappings import MappingRecord
from shopxero.xero.dates import parse_xero_date

__all__ = ["BatchResult", "queue_failure", "record_mapping", "send_changes"]


@dataclass
class BatchResult:
    """What the caller still has to handle after ``send_changes``."""

    ok: list[tuple[PlannedChange, dict[str, Any]]] = field(default_factory=list)
    duplicates: list[PlannedChange] = field(default_factory=list)  # look up and link
    name_clashes: list[PlannedChange] = field(default_factory=list)  # retry with another name
    failed: list[PlannedChange] = field(default_factory=list)  # queued


def _payload(change: PlannedChange) -> dict[str, Any]:
    payload = {**change.desired.payload, **change.payload_overrides}
    if change.action is Action.UPDATE and change.xero_id:
        payload[spec(change.desired.entity).id_field] = change.xero_id
        # Xero keeps fields an update omits (xero-api-notes §6.1 "omitted elements are preserved"),
        # so a text field we sent before and no longer have (a surname removed in Shopify) is
        # blanked.
        for key, (old, new) in change.diff.items():
            if new is None and isinstance(old, str) and old:
                payload[key] = ""
    return payload


def record_mapping(
    ctx: RunContext, desired: Desired, record: dict[str, Any], *, checksum: str | None
) -> None:
    """Store the mapping of ``desired`` to the Xero ``record`` (inside the caller's transaction)."""
    entity = spec(desired.entity)
    ctx.store.mappings.upsert(
        MappingRecord(
            entity=desired.entity,
            shopify_id=desired.shopify_id,
            xero_id=str(record[entity.id_field]),
            natural_key=desired.natural_key,
            checksum=checksum,
            payload=desired.payload if checksum is not None else None,
            xero_updated_utc=parse_xero_date(record.get("UpdatedDateUTC")),
            base_name=desired.base_name,
            chosen_name=desired.chosen_name,
            last_synced=ctx.now(),
        )
    )
    ctx.store.errors.resolve_for(
        entity.resource, _queue_id(desired), resolution="synced", now=ctx.now()
    )


def _queue_id(desired: Desired) -> str:
    return desired.queue_key or desired.shopify_id


def queue_failure(
    ctx: RunContext,
    desired: Desired,
    *,
    operation: str,
    error_class: str,
    message: str,
    retryable: bool,
    messages: Sequence[str] = (),
    xero_id: str | None = None,
) -> None:
    """Queue the record ``desired`` stands for (``engine.error_queue.queue_error``)."""
    queue_error(
        ctx,
        resource=spec(desired.entity).resource,
        shopify_id=_queue_id(desired),
        label=desired.label,
        operation=operation,
        error_class=error_class,
        message=message,
        retryable=retryable,
        messages=messages,
        xero_id=xero_id,
        checksum=desired.checksum,
    )


def _element(change: PlannedChange, operation: str) -> Element:
    return Element(
        entity=change.desired.entity,
        operation=operation,
        shopify_id=change.desired.shopify_id,
        natural_key=change.desired.natural_key,
        checksum=change.desired.checksum,
        payload=_payload(change),
    )


def _queue_refused(ctx: RunContext, change: PlannedChange, operation: str, sent: Sent) -> None:
    label = change.desired.label
    error = sent.batch_error
    if error is not None:  # the request failed as a whole
        messages = error.messages if isinstance(error, ValidationError) else []
        message, xero_id = f"{label}: {error}", change.xero_id
    elif sent.retryable or not sent.requested:  # answered OK without an id, or too big
        messages, message, xero_id = [], f"{label}: {'; '.join(sent.errors)}", None
    else:  # Xero refused this element
        messages, xero_id = list(sent.errors), change.xero_id
        message = f"{label}: Xero refused the {operation}: " + "; ".join(
            sent.errors or ("no message",)
        )
    queue_failure(
        ctx,
        change.desired,
        operation=operation,
        error_class=sent.error_class,
        message=message,
        retryable=sent.retryable,
        messages=messages,
        xero_id=xero_id,
    )


def _settle(
    ctx: RunContext, change: PlannedChange, operation: str, sent: Sent, result: BatchResult
) -> None:
    """Record one element's outcome (inside the caller's transaction)."""
    entity = spec(change.desired.entity)
    if sent.record is not None:
        if not sent.record.get(entity.id_field):
            sent.record[entity.id_field] = change.xero_id  # an update: we know whose it is
        record_mapping(ctx, change.desired, sent.record, checksum=change.desired.checksum)
        result.ok.append((change, sent.record))
        if sent.warnings:
            ctx.report.note(
                f"{change.desired.label}: saved with Xero's warning: " + "; ".join(sent.warnings)
            )
        return
    refused = operation == "create" and sent.batch_error is None and sent.requested
    if refused and entity.is_duplicate_key_error(sent.errors):
        result.duplicates.append(change)
    elif refused and entity.is_name_clash(sent.errors):
        result.name_clashes.append(change)
    else:
        _queue_refused(ctx, change, operation, sent)
        result.failed.append(change)


async def send_changes(ctx: RunContext, changes: Sequence[PlannedChange]) -> BatchResult:
    """Send creates (PUT) or updates (POST) of one entity, as many per request as Xero takes
    of it (50; Items 500)."""
    result = BatchResult()
    if not changes:
        return result
    entity = spec(changes[0].desired.entity)
    operation = "create" if changes[0].action is Action.CREATE else "update"
    elements = [_element(c, operation) for c in changes]
    owners = dict(zip(map(id, elements), changes, strict=True))  # each Sent names its Element
    write = entity.writer(ctx.xero, operation)
    batches = send_batches(
        ctx, write, elements, id_field=entity.id_field, max_elements=entity.max_batch
    )
    async for batch in batches:
        with ctx.store.atomic():
            for sent in batch:
                _settle(ctx, owners[id(sent.element)], operation, sent, result)
    return result
