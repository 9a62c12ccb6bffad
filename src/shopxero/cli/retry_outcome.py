"""What `shopxero errors retry` did with each queue entry, and why (issue 16 §4).

Before the run: the entries it will retry, and those it leaves alone with the reason (a permanent
failure waits for a fix and an explicit ``--id``). After the run: each retried entry either closed
(with the queue's resolution: synced, skipped, gone from Shopify) or failed again, with the
message of this attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console

from shopxero.cli.layout import print_message
from shopxero.store.errors_queue import QueuedError

__all__ = ["RetryOutcome", "after_retry", "not_retried", "print_outcomes", "record_name"]


@dataclass(frozen=True)
class RetryOutcome:
    id: int
    record: str
    outcome: str  # "closed" (synced, skipped, gone) | "failed again" | "not retried"
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "record": self.record,
            "outcome": self.outcome,
            "reason": self.reason,
        }


def record_name(entry: QueuedError) -> str:
    """The record as a merchant knows it (``order #1043 (5500000000043)``)."""
    label = entry.label or f"{entry.entity} {entry.shopify_id}"
    return label if entry.shopify_id in label else f"{label} ({entry.shopify_id})"


def not_retried(entries: Sequence[QueuedError]) -> list[RetryOutcome]:
    """The open entries a plain `errors retry` leaves alone: permanent failures."""
    return [
        RetryOutcome(
            e.id,
            record_name(e),
            "not retried",
            "a permanent failure: it fails the same way until its cause is fixed; fix it, then "
            f"`errors retry --id {e.id}` (or `errors resolve --id {e.id}` to close it): "
            + e.message,
        )
        for e in entries
        if not e.retryable
    ]


def after_retry(
    retried: Sequence[QueuedError], now: Sequence[QueuedError | None]
) -> list[RetryOutcome]:
    """Each retried entry as the queue holds it after the run (``now``, in the same order)."""
    outcomes: list[RetryOutcome] = []
    for before, after in zip(retried, now, strict=True):
        if after is None or after.resolved_at is not None:
            why = (after.resolution if after else None) or "synced"
            outcomes.append(RetryOutcome(before.id, record_name(before), "closed", why))
        else:
            outcomes.append(
                RetryOutcome(before.id, record_name(before), "failed again", after.message)
            )
    return outcomes


def print_outcomes(console: Console, outcomes: Sequence[RetryOutcome]) -> None:
    """One line per entry (id, outcome, record), the reason wrapped below it."""
    for o in outcomes:
        console.print(f"#{o.id} {o.outcome}: {o.record}", markup=False, highlight=False)
        print_message(console, o.reason)
