"""What one sync run did: counts per entity and outcome, notes, the plan of a dry run.

The CLI prints it (summary table, ``--json``) and the engine stores its counts and notes in the
run history. ``ProgressSink`` is how the engine reports progress without knowing about rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from shopxero.engine.plan import PlannedChange

__all__ = [
    "ENTITIES",
    "INTERRUPTED_MESSAGE",
    "LIFE_ENTITIES",
    "OUTCOMES",
    "NullProgress",
    "ProgressSink",
    "RunReport",
    "Skipped",
]

# Shopify resources in sync order (docs/architecture.md, Data flow: customers, then products, then
# orders).
ENTITIES: tuple[str, ...] = ("customers", "products", "orders")
# What an order's life adds in Xero (counted and, in a dry run, planned under these names).
LIFE_ENTITIES: tuple[str, ...] = ("payments", "credit_notes")
# created: new in Xero; updated: rewritten; linked: an existing Xero record adopted; unchanged:
# checksum equal (no call); skipped: not synced by rule (test order, status); failed: queued.
OUTCOMES: tuple[str, ...] = ("created", "updated", "linked", "unchanged", "skipped", "failed")
# A run stopped by Ctrl-C: intents are committed before each write, so the next run settles
# whatever was in flight (docs/architecture.md, invariant 2).
INTERRUPTED_MESSAGE = "interrupted; nothing lost, run again to finish"


class ProgressSink(Protocol):
    def start(self, entity: str, total: int) -> None: ...

    # Orders are read a chunk at a time, so their total grows as chunks arrive.
    def grow(self, entity: str, more: int) -> None: ...

    def advance(self, entity: str, count: int = 1) -> None: ...


class NullProgress:
    def start(self, entity: str, total: int) -> None:
        return None

    def grow(self, entity: str, more: int) -> None:
        return None

    def advance(self, entity: str, count: int = 1) -> None:
        return None


@dataclass(frozen=True)
class Skipped:
    """A record not synced by rule, and why (``order #1001 (5500000000001)``, ``test order``)."""

    entity: str
    shopify_id: str
    label: str
    reason: str


@dataclass
class RunReport:
    """Counts per Shopify resource and outcome, plus notes and (for dry runs) the plan."""

    started_at: datetime
    dry_run: bool = False
    run_id: int | None = None
    finished_at: datetime | None = None
    status: str = "running"  # ok | failed_records | stopped | error | interrupted
    message: str | None = None
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {e: dict.fromkeys(OUTCOMES, 0) for e in ENTITIES}
    )
    notes: list[str] = field(default_factory=list)
    # resource -> what a dry run would do; an order's life goes under "payments" and
    # "credit_notes" (its void under "orders").
    plan: dict[str, list[PlannedChange]] = field(default_factory=dict)
    queue_size: int = 0  # open entries of the error queue when the run ended
    skipped: list[Skipped] = field(default_factory=list)  # named, for `-v` and dry runs

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(entity, dict.fromkeys(OUTCOMES, 0))[outcome] += n

    def skip(self, entity: str, shopify_id: str, label: str, reason: str) -> None:
        """Count a record skipped by rule and keep its name and reason."""
        self.count(entity, "skipped")
        self.skipped.append(Skipped(entity, shopify_id, label, reason))

    def total(self, outcome: str) -> int:
        return sum(c.get(outcome, 0) for c in self.counts.values())

    def note(self, text: str) -> None:
        self.notes.append(text)

    def planned_ids(self, resource: str, action: str) -> set[str]:
        """The Shopify ids a dry run planned ``action`` (create, update, ...) for."""
        return {c.desired.shopify_id for c in self.plan.get(resource, []) if c.action == action}

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "dry_run": self.dry_run,
            "status": self.status,
            "message": self.message,
            "counts": self.counts,
            "notes": self.notes,
            "queue_size": self.queue_size,
            "skipped": [
                {
                    "entity": s.entity,
                    "shopify_id": s.shopify_id,
                    "label": s.label,
                    "reason": s.reason,
                }
                for s in self.skipped
            ],
            "plan": {
                entity: [
                    {
                        "action": str(change.action),
                        "entity": change.desired.entity,
                        "shopify_id": change.desired.shopify_id,
                        "natural_key": change.desired.natural_key,
                        "label": change.desired.label,
                        "xero_id": change.xero_id,
                        "reason": change.reason,
                        "diff": {k: [str(a), str(b)] for k, (a, b) in change.diff.items()},
                        **({"details": dict(change.details)} if change.details else {}),
                    }
                    for change in changes
                ]
                for entity, changes in self.plan.items()
            },
        }
