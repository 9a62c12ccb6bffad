"""The one path every Xero write takes: intents first, batches by count and bytes, one key rule.

For every batch (docs/architecture.md, invariant 2): an intent per element (natural key,
checksum) is committed, the batch's Idempotency-Key is derived from the intents and the exact
bodies, and only then the request goes out. What comes back is one ``Sent`` per element, in
order, for the caller to record or queue (a mapping, a payment, a credit note). The rules:

- at most ``MAX_BATCH_ELEMENTS`` (50) elements and ``MAX_BATCH_BYTES`` (3.5 MB) per request
  (xero-api-notes §4); an element too big on its own is refused here, without a request;
- the day budget spent or the connection refused (``QuotaExhaustedError``, ``ApiAuthError``):
  nothing was written, the batch's intents are dropped and the error goes up (the run stops);
- a transient failure of the whole batch: the write may have happened. Create intents stay open
  for the next run to settle by looking the natural key up; update intents are dropped (the
  update is planned again). After ``MAX_TRANSIENT_BATCHES`` such batches in a row the error goes
  up, so a run against a failing Xero stops instead of spending the day's budget;
- a permanent refusal of the whole batch: intents dropped, every element refused with it;
- per-element answers: the intent is settled, the element ``ok`` with Xero's record or refused
  with Xero's messages.

A dry run never gets here: its callers plan instead (``engine.apply``, the order's life sink).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from shopxero.engine.context import RunContext
from shopxero.engine.entity_specs import BatchWrite
from shopxero.errors import (
    ApiAuthError,
    ApiError,
    PermanentApiError,
    QuotaExhaustedError,
    TransientApiError,
    ValidationError,
)
from shopxero.xero.batching import MAX_BATCH_BYTES, MAX_BATCH_ELEMENTS, encode_json, split_batches
from shopxero.xero.elements import ElementResult

__all__ = ["MAX_TRANSIENT_BATCHES", "Element", "Sent", "idempotency_key", "send_batches"]

MAX_TRANSIENT_BATCHES = 2


@dataclass(frozen=True)
class Element:
    """One record to write: its kind (``contact``, ``payment``...), the Shopify record it stands
    for, the key Xero knows it by, the checksum to remember and the exact body."""

    entity: str
    operation: str  # create | update
    shopify_id: str
    natural_key: str
    checksum: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Sent:
    """What became of one element. ``record`` is Xero's answer when it was saved; otherwise
    ``errors`` holds Xero's messages (or ours), ``error_class`` the kind of failure,
    ``retryable`` whether sending again may succeed (the write may even have happened) and
    ``batch_error`` the error of a request that failed as a whole."""

    element: Element
    record: dict[str, Any] | None
    errors: tuple[str, ...] = ()  # Xero's messages for this element (may be empty)
    warnings: tuple[str, ...] = ()
    error_class: str = ""
    retryable: bool = False
    batch_error: ApiError | None = None  # the request failed as a whole: no element answer
    requested: bool = True  # False: refused here for its size, no request carried it

    @property
    def ok(self) -> bool:
        return self.record is not None


def idempotency_key(
    entity: str, operation: str, intent_ids: Sequence[int], payloads: Sequence[dict[str, Any]]
) -> str:
    """Deterministic from the batch's intents and the exact bodies sent.

    A retry of the same intents replays Xero's first answer; a later run (new intents) never
    collides with a cached error (xero-api-notes §3). The digest covers the bodies themselves:
    Xero answers 400 when one key comes with a different request. Intent ids alone are not
    enough either: a state DB rebuilt inside Xero's 6-minute window numbers its intents from 1.
    """
    digest = hashlib.sha256(encode_json(list(payloads))).hexdigest()[:32]
    return f"shopxero:{entity}:{operation}:{intent_ids[0]}-{intent_ids[-1]}:{digest}"


def _too_big(element: Element) -> Sent | None:
    size = len(encode_json(element.payload))
    if size <= MAX_BATCH_BYTES - 64:
        return None
    message = f"the payload is {size} bytes; Xero takes at most {MAX_BATCH_BYTES} per request"
    return Sent(element, None, (message,), error_class="ValidationError", requested=False)


def _batches(elements: Sequence[Element], max_elements: int) -> list[list[Element]]:
    batches: list[list[Element]] = []
    position = 0
    for payloads in split_batches([e.payload for e in elements], max_elements=max_elements):
        batches.append(list(elements[position : position + len(payloads)]))
        position += len(payloads)
    return batches


def _open_intents(ctx: RunContext, batch: Sequence[Element]) -> tuple[list[int], str]:
    with ctx.store.atomic():
        intent_ids = [
            ctx.store.intents.add(
                entity=e.entity,
                operation=e.operation,
                shopify_id=e.shopify_id,
                natural_key=e.natural_key,
                checksum=e.checksum,
                now=ctx.now(),
            )
            for e in batch
        ]
        first = batch[0]
        key = idempotency_key(first.entity, first.operation, intent_ids, [e.payload for e in batch])
        ctx.store.intents.set_idempotency_key(intent_ids, key)
    return intent_ids, key


def _close(ctx: RunContext, intent_ids: Sequence[int], *, state: str | None = None) -> None:
    with ctx.store.atomic():
        for intent_id in intent_ids:
            if state is None:
                ctx.store.intents.close(intent_id, now=ctx.now())
            else:
                ctx.store.intents.close(intent_id, state=state, now=ctx.now())


def _answer(element: Element, result: ElementResult, id_field: str | None) -> Sent:
    """One element's answer. A create "saved" without the id it is mapped by is no success:
    its intent stays open, so the next run settles it by its natural key instead of creating
    it again."""
    if not result.ok:
        return Sent(
            element, None, tuple(result.errors) or ("no message",), error_class="ValidationError"
        )
    if id_field and element.operation == "create" and not result.record.get(id_field):
        message = (
            f"Xero answered OK without a {id_field}; it is looked up by "
            f"{element.natural_key!r} on the next run"
        )
        return Sent(element, None, (message,), error_class="ApiError", retryable=True)
    return Sent(element, dict(result.record), warnings=tuple(result.warnings))


async def _send_batch(
    ctx: RunContext, write: BatchWrite, batch: list[Element], id_field: str | None
) -> tuple[list[Sent], TransientApiError | None]:
    """One request; its answers, and the transient error to raise once they are recorded."""
    intent_ids, key = _open_intents(ctx, batch)
    try:
        results = await write([e.payload for e in batch], idempotency_key=key)
    except (QuotaExhaustedError, ApiAuthError):
        _close(ctx, intent_ids, state="dropped")  # refused before anything was written
        raise
    except TransientApiError as exc:
        if batch[0].operation != "create":
            _close(ctx, intent_ids, state="dropped")
        ctx.transient_batches += 1
        name = type(exc).__name__
        failed = [
            Sent(e, None, (str(exc),), error_class=name, retryable=True, batch_error=exc)
            for e in batch
        ]
        return failed, exc if ctx.transient_batches >= MAX_TRANSIENT_BATCHES else None
    except PermanentApiError as exc:
        _close(ctx, intent_ids, state="dropped")
        messages = tuple(exc.messages) if isinstance(exc, ValidationError) else (str(exc),)
        name = type(exc).__name__
        return [Sent(e, None, messages, error_class=name, batch_error=exc) for e in batch], None
    ctx.transient_batches = 0
    answers = [_answer(e, r, id_field) for e, r in zip(batch, results, strict=True)]
    _close(ctx, [i for i, a in zip(intent_ids, answers, strict=True) if not a.retryable])
    return answers, None


async def send_batches(
    ctx: RunContext,
    write: BatchWrite,
    elements: Sequence[Element],
    *,
    id_field: str | None = None,
    max_elements: int = MAX_BATCH_ELEMENTS,
) -> AsyncIterator[list[Sent]]:
    """Send ``elements`` (one kind, one operation) through ``write``: one list of ``Sent`` per
    request, in order, for the caller to record before the next request goes out (elements
    refused here for their size come first, as their own list). ``max_elements``: 1 for an
    endpoint Xero takes one element at a time (bank transfers, xero-api-notes §13.1), so that
    each answer is recorded as it arrives.

    Every intent is settled here but a create's whose write may have happened (a transient
    failure, or an answer without ``id_field`` when one is given): those the next run settles.
    After too many transient failures in a row the last batch is handed over first, then the
    error is raised."""
    checked = [(e, _too_big(e)) for e in elements]
    too_big = [refused for _, refused in checked if refused is not None]
    if too_big:
        yield too_big
    sendable = [e for e, refused in checked if refused is None]
    for batch in _batches(sendable, max_elements):
        answers, stop = await _send_batch(ctx, write, batch, id_field)
        yield answers
        if stop is not None:
            raise stop
