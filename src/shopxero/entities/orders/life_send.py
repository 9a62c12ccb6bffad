"""Writes of an order's life (payments, credit notes, voids): intent first, batches of <= 50.

The same discipline as ``writer.send_changes`` (docs/architecture.md, invariant 2) for records that
are not planned by checksum: each element's intent is committed before the request, the
Idempotency-Key is derived from the intents, and every element's outcome is returned to the caller,
which records the mapping or queues the failure. A batch lost to a transient error leaves its
intents open and returns ``None`` results: the next run settles them by looking at Xero (a payment
by the invoice's Payments, a credit note by its number), never by sending blindly again. A dry run
sends nothing: the writes become the run's plan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.writer import BATCH_SIZE, MAX_TRANSIENT_BATCHES
from shopxero.entities.orders.life_plan import planned_record
from shopxero.errors import (
    ApiAuthError,
    PermanentApiError,
    QuotaExhaustedError,
    TransientApiError,
    ValidationError,
)
from shopxero.xero.elements import ElementResult

__all__ = ["Outcome", "Write", "send_writes"]

Method = Callable[..., Awaitable[list[ElementResult]]]


@dataclass(frozen=True)
class Write:
    """One element to send: ``shopify_id`` names the Shopify record (transaction, refund or
    order id), ``natural_key`` what identifies it in Xero (a payment's Reference, a credit
    note's number, an invoice number); ``label`` names it for people. ``parent`` is the number
    of the invoice or credit note it belongs to, and ``expected`` what Xero computes for it that
    a dry run must assume (a credit note's ``Total``): both only for the dry-run plan."""

    entity: str
    shopify_id: str
    natural_key: str
    payload: dict[str, Any]
    label: str
    parent: str = ""
    expected: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    write: Write
    record: dict[str, Any] | None  # the Xero record when it went through
    errors: tuple[str, ...] = ()  # Xero's messages when refused
    error_class: str = ""
    retryable: bool = False

    @property
    def ok(self) -> bool:
        return self.record is not None


def _key(entity: str, operation: str, intent_ids: list[int], writes: Sequence[Write]) -> str:
    digest = hashlib.sha256(
        "|".join(f"{w.natural_key}:{payload_checksum(w.payload)}" for w in writes).encode()
    ).hexdigest()[:32]
    return f"shopxero:{entity}:{operation}:{intent_ids[0]}-{intent_ids[-1]}:{digest}"


async def send_writes(
    ctx: RunContext, method: Method, writes: Sequence[Write], *, operation: str = "create"
) -> list[Outcome]:
    """Send ``writes`` (all one entity) through ``method`` (a XeroClient batch write).

    A dry run sends nothing and opens no intent: each write goes into the run's plan and comes
    back as if Xero had taken it (``lifecycle_plan``), so the steps after it plan on."""
    if ctx.dry_run:
        return [Outcome(w, planned_record(ctx, w, operation=operation)) for w in writes]
    outcomes: list[Outcome] = []
    for start in range(0, len(writes), BATCH_SIZE):
        batch = list(writes[start : start + BATCH_SIZE])
        entity = batch[0].entity
        with ctx.store.atomic():
            intent_ids = [
                ctx.store.intents.add(
                    entity=w.entity,
                    operation=operation,
                    shopify_id=w.shopify_id,
                    natural_key=w.natural_key,
                    checksum=payload_checksum(w.payload),
                    now=ctx.now(),
                )
                for w in batch
            ]
            key = _key(entity, operation, intent_ids, batch)
            ctx.store.intents.set_idempotency_key(intent_ids, key)
        try:
            results = await method([w.payload for w in batch], idempotency_key=key)
        except (QuotaExhaustedError, ApiAuthError):
            with ctx.store.atomic():
                for intent_id in intent_ids:
                    ctx.store.intents.close(intent_id, state="dropped", now=ctx.now())
            raise
        except TransientApiError as exc:
            # The write may have happened: the intents stay open for the next run to settle.
            outcomes.extend(
                Outcome(w, None, (str(exc),), type(exc).__name__, retryable=True) for w in batch
            )
            ctx.transient_batches += 1
            if ctx.transient_batches >= MAX_TRANSIENT_BATCHES:
                raise
            continue
        except PermanentApiError as exc:
            messages = tuple(exc.messages) if isinstance(exc, ValidationError) else (str(exc),)
            with ctx.store.atomic():
                for intent_id in intent_ids:
                    ctx.store.intents.close(intent_id, state="dropped", now=ctx.now())
            outcomes.extend(Outcome(w, None, messages, type(exc).__name__) for w in batch)
            continue
        ctx.transient_batches = 0
        with ctx.store.atomic():
            for intent_id in intent_ids:
                ctx.store.intents.close(intent_id, now=ctx.now())
        for write, element in zip(batch, results, strict=True):
            if element.ok:
                outcomes.append(Outcome(write, dict(element.record)))
            else:
                outcomes.append(
                    Outcome(
                        write, None, tuple(element.errors) or ("no message",), "ValidationError"
                    )
                )
    return outcomes
