"""Send planned creates and updates to Xero: intents first, batches of <= 50, per-element results.

For every batch (docs/architecture.md, invariant 2): the intents (natural key, checksum) are
committed, the Idempotency-Key is derived from them, and only then the request goes out. Each
element's outcome is recorded: OK -> mapping (Xero id, checksum, UpdatedDateUTC) and intent settled;
ERROR -> intent settled and the record queued with Xero's own messages. A batch that fails as a
whole with a transient error leaves its create intents open (the write may have happened: the next
run looks the natural keys up) and queues the records as retryable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shopxero.engine.context import RunContext
from shopxero.engine.plan import Action, Desired, PlannedChange
from shopxero.errors import (
    ApiAuthError,
    PermanentApiError,
    QuotaExhaustedError,
    TransientApiError,
    ValidationError,
)
from shopxero.store.mappings import MappingRecord
from shopxero.xero.batching import MAX_BATCH_BYTES, encode_json, split_batches
from shopxero.xero.dates import parse_xero_date

__all__ = [
    "BATCH_SIZE",
    "ID_FIELDS",
    "MAX_TRANSIENT_BATCHES",
    "RESOURCE_OF",
    "BatchResult",
    "is_duplicate_key_error",
    "is_name_clash",
    "send_changes",
]

BATCH_SIZE = 50  # xero-api-notes §4: "batch elements in bundles of up to 50"
MAX_TRANSIENT_BATCHES = 2
ID_FIELDS = {"contact": "ContactID", "item": "ItemID", "invoice": "InvoiceID"}
RESOURCE_OF = {"contact": "customers", "item": "products", "invoice": "orders"}
_METHODS = {
    ("contact", "create"): "create_contacts",
    ("contact", "update"): "update_contacts",
    ("item", "create"): "create_items",
    ("item", "update"): "update_items",
    ("invoice", "create"): "create_invoices",
    ("invoice", "update"): "update_invoices",
}


def is_duplicate_key_error(entity: str, messages: Sequence[str]) -> bool:
    """Xero refused a create because the natural key exists (so the record exists)."""
    text = " ".join(messages).lower()
    if entity == "contact":
        return "contact number" in text and "already" in text
    if entity == "item":
        return "with code" in text and "already exists" in text
    if entity == "invoice":
        return "must be unique" in text
    return False


def is_name_clash(entity: str, messages: Sequence[str]) -> bool:
    """A contact create refused because an unrelated active contact has the name."""
    text = " ".join(messages).lower()
    return entity == "contact" and "contact name" in text and "already assigned" in text


@dataclass
class BatchResult:
    """What the caller still has to handle after ``send_changes``."""

    ok: list[tuple[PlannedChange, dict[str, Any]]] = field(default_factory=list)
    duplicates: list[PlannedChange] = field(default_factory=list)  # look up and link
    name_clashes: list[PlannedChange] = field(default_factory=list)  # retry with another name
    failed: list[PlannedChange] = field(default_factory=list)  # queued


def _idempotency_key(
    entity: str, operation: str, intent_ids: list[int], payloads: Sequence[dict[str, Any]]
) -> str:
    """Deterministic from the batch's intents and the exact bodies sent.

    A retry of the same intents replays Xero's first answer; a later run (new intents) never
    collides with a cached error (xero-api-notes §3). The digest covers the bodies themselves, not
    only the desired checksums: Xero answers 400 when one key comes with a different request, and an
    update's body also carries the Xero ID and blanked fields, which the checksum does not.
    Intent ids alone are not enough either: a state DB rebuilt inside Xero's 6-minute window
    numbers its intents from 1 again.
    """
    digest = hashlib.sha256(encode_json(list(payloads))).hexdigest()[:32]
    return f"shopxero:{entity}:{operation}:{intent_ids[0]}-{intent_ids[-1]}:{digest}"


def _payload(change: PlannedChange) -> dict[str, Any]:
    payload = {**change.desired.payload, **change.payload_overrides}
    if change.action is Action.UPDATE and change.xero_id:
        payload[ID_FIELDS[change.desired.entity]] = change.xero_id
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
    ctx.store.mappings.upsert(
        MappingRecord(
            entity=desired.entity,
            shopify_id=desired.shopify_id,
            xero_id=str(record[ID_FIELDS[desired.entity]]),
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
        RESOURCE_OF[desired.entity], _queue_id(desired), resolution="synced", now=ctx.now()
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
    ctx.store.errors.record(
        operation=operation,
        entity=RESOURCE_OF[desired.entity],
        shopify_id=_queue_id(desired),
        xero_id=xero_id,
        label=desired.label,
        error_class=error_class,
        message=message,
        validation_messages=list(messages),
        retryable=retryable,
        checksum=desired.checksum,
        run_id=ctx.run_id,
        now=ctx.now(),
    )


def _batches(
    ctx: RunContext, changes: Sequence[PlannedChange], operation: str, result: BatchResult
) -> list[list[PlannedChange]]:
    """<= 50 elements and <= 3.5 MB per request (xero-api-notes §4); an element too big on its own
    is queued (no request could carry it)."""
    sendable: list[PlannedChange] = []
    for change in changes:
        size = len(encode_json(_payload(change)))
        if size > MAX_BATCH_BYTES - 64:
            with ctx.store.atomic():
                queue_failure(
                    ctx,
                    change.desired,
                    operation=operation,
                    error_class="ValidationError",
                    message=f"{change.desired.label}: the payload is {size} bytes; Xero takes "
                    f"at most {MAX_BATCH_BYTES} per request",
                    retryable=False,
                )
            result.failed.append(change)
        else:
            sendable.append(change)
    batches: list[list[PlannedChange]] = []
    position = 0
    for payloads in split_batches([_payload(c) for c in sendable], max_elements=BATCH_SIZE):
        batches.append(sendable[position : position + len(payloads)])
        position += len(payloads)
    return batches


async def send_changes(ctx: RunContext, changes: Sequence[PlannedChange]) -> BatchResult:
    """Send creates (PUT) or updates (POST) of one entity, <= 50 per request."""
    result = BatchResult()
    if not changes:
        return result
    entity = changes[0].desired.entity
    operation = "create" if changes[0].action is Action.CREATE else "update"
    method = getattr(ctx.xero, _METHODS[(entity, operation)])
    for batch in _batches(ctx, changes, operation, result):
        with ctx.store.atomic():
            intent_ids = [
                ctx.store.intents.add(
                    entity=entity,
                    operation=operation,
                    shopify_id=c.desired.shopify_id,
                    natural_key=c.desired.natural_key,
                    checksum=c.desired.checksum,
                    now=ctx.now(),
                )
                for c in batch
            ]
            payloads = [_payload(c) for c in batch]
            key = _idempotency_key(entity, operation, intent_ids, payloads)
            ctx.store.intents.set_idempotency_key(intent_ids, key)
        try:
            results = await method(payloads, idempotency_key=key)
        except (QuotaExhaustedError, ApiAuthError):
            # Refused before anything was written: nothing to settle later.
            with ctx.store.atomic():
                for intent_id in intent_ids:
                    ctx.store.intents.close(intent_id, state="dropped", now=ctx.now())
            raise
        except TransientApiError as exc:
            with ctx.store.atomic():
                for intent_id, change in zip(intent_ids, batch, strict=True):
                    if operation == "update":
                        ctx.store.intents.close(intent_id, state="dropped", now=ctx.now())
                    # Create intents stay open: the next run looks the natural key up first.
                    queue_failure(
                        ctx,
                        change.desired,
                        operation=operation,
                        error_class=type(exc).__name__,
                        message=f"{change.desired.label}: {exc}",
                        retryable=True,
                        xero_id=change.xero_id,
                    )
            result.failed.extend(batch)
            ctx.transient_batches += 1
            if ctx.transient_batches >= MAX_TRANSIENT_BATCHES:
                raise
            continue
        except PermanentApiError as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else []
            with ctx.store.atomic():
                for intent_id, change in zip(intent_ids, batch, strict=True):
                    ctx.store.intents.close(intent_id, state="dropped", now=ctx.now())
                    queue_failure(
                        ctx,
                        change.desired,
                        operation=operation,
                        error_class=type(exc).__name__,
                        message=f"{change.desired.label}: {exc}",
                        retryable=False,
                        messages=messages,
                        xero_id=change.xero_id,
                    )
            result.failed.extend(batch)
            continue
        ctx.transient_batches = 0
        with ctx.store.atomic():
            for intent_id, change, element in zip(intent_ids, batch, results, strict=True):
                id_field = ID_FIELDS[entity]
                if element.ok and not element.record.get(id_field):
                    if operation == "create":
                        # "Saved" without the ID we would map it by: the intent stays open, so
                        # the next run settles it by its natural key instead of creating again.
                        queue_failure(
                            ctx,
                            change.desired,
                            operation=operation,
                            error_class="ApiError",
                            message=f"{change.desired.label}: Xero answered OK without a "
                            f"{id_field}; it is looked up by {change.desired.natural_key!r} on "
                            "the next run",
                            retryable=True,
                        )
                        result.failed.append(change)
                        continue
                    element.record[id_field] = change.xero_id  # an update: we know whose it is
                ctx.store.intents.close(intent_id, now=ctx.now())
                if element.ok:
                    record_mapping(
                        ctx, change.desired, element.record, checksum=change.desired.checksum
                    )
                    result.ok.append((change, element.record))
                    if element.warnings:
                        ctx.report.note(
                            f"{change.desired.label}: saved with Xero's warning: "
                            + "; ".join(element.warnings)
                        )
                    continue
                errors = list(element.errors)
                if operation == "create" and is_duplicate_key_error(entity, errors):
                    result.duplicates.append(change)
                elif operation == "create" and is_name_clash(entity, errors):
                    result.name_clashes.append(change)
                else:
                    queue_failure(
                        ctx,
                        change.desired,
                        operation=operation,
                        error_class="ValidationError",
                        message=f"{change.desired.label}: Xero refused the {operation}: "
                        + "; ".join(errors or ["no message"]),
                        retryable=False,
                        messages=errors,
                        xero_id=change.xero_id,
                    )
                    result.failed.append(change)
    return result
