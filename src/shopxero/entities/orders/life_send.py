"""Writes of an order's life (payments, credit notes, voids), through the one sender.

``engine.sender`` sends them as it sends every write (intents first, batches by count and bytes,
the Idempotency-Key), and every element's outcome is returned to the caller, which records the
mapping or queues the failure. A batch lost to a transient error leaves its create intents open
and returns retryable failures: the next run settles them by looking at Xero (a payment by the
invoice's Payments, a credit note by its number), never by sending blindly again. A dry run sends
nothing: the writes become the run's plan (``life_plan``), the real run's other sink.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.entity_specs import BatchWrite
from shopxero.engine.sender import Element, send_batches
from shopxero.entities.orders.life_plan import planned_record

__all__ = ["Outcome", "Write", "send_writes"]


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


async def send_writes(
    ctx: RunContext, method: BatchWrite, writes: Sequence[Write], *, operation: str = "create"
) -> list[Outcome]:
    """Send ``writes`` (all one entity) through ``method`` (a XeroClient batch write).

    A dry run sends nothing and opens no intent: each write goes into the run's plan and comes
    back as if Xero had taken it (``life_plan``), so the steps after it plan on."""
    if ctx.dry_run:
        return [Outcome(w, planned_record(ctx, w, operation=operation)) for w in writes]
    elements = [
        Element(
            entity=w.entity,
            operation=operation,
            shopify_id=w.shopify_id,
            natural_key=w.natural_key,
            checksum=payload_checksum(w.payload),
            payload=w.payload,
        )
        for w in writes
    ]
    owners = dict(zip(map(id, elements), writes, strict=True))  # each Sent names its Element
    outcomes: list[Outcome] = []
    async for batch in send_batches(ctx, method, elements):
        for sent in batch:
            errors = sent.errors if sent.batch_error else sent.errors or ("no message",)
            outcomes.append(
                Outcome(
                    owners[id(sent.element)], sent.record, errors, sent.error_class, sent.retryable
                )
            )
    return outcomes
