"""Problems that need a person, and when a channel is told about one (pure: no I/O, no clock).

A ``Problem`` is open while its source says so (each run, each ``doctor``). Per channel:

- ``new``: the channel has not been told about it, or it holds a member the channel has not
  heard of (a record queued since, a different kind of failure);
- ``reminder``: still open ``remind_after`` after the channel was last told;
- ``resolved``: the channel was told about it and it is no longer open.

Anything else is quiet: the same problem again is not news.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from shopxero.notify.channels import Level
from shopxero.store.notices import SentNotice

__all__ = ["Kind", "Message", "Problem", "decide", "render"]

Kind = Literal["new", "reminder", "resolved"]
# A long error queue is listed up to this many records; the rest are counted.
_LIST_AT_MOST = 20


@dataclass(frozen=True)
class Problem:
    """``key`` names the problem (``run:queue``, ``doctor:xero:tokens``); ``items`` maps each
    member (an error-queue entry id, a failure's kind) to the line that describes it."""

    key: str
    title: str
    body: str
    level: Level = "warning"
    items: dict[str, str] = field(default_factory=dict)

    @property
    def members(self) -> frozenset[str]:
        return frozenset(self.items)


@dataclass(frozen=True)
class Message:
    kind: Kind
    key: str
    title: str
    body: str
    level: Level


def decide(
    problem: Problem | None, told: SentNotice | None, now: datetime, remind_after: timedelta
) -> Kind | None:
    if problem is None:
        return "resolved" if told is not None else None
    if told is None or problem.members - told.members:
        return "new"
    if now - told.last_sent_at >= remind_after:
        return "reminder"
    return None


def render(
    kind: Kind, problem: Problem | None, told: SentNotice | None, now: datetime, source: str
) -> Message:
    """The message a channel gets; ``source`` says which shop (a merchant may have several)."""
    if kind == "resolved":
        assert told is not None
        return Message(
            kind,
            told.key,
            f"{source}: resolved: {told.title}",
            f"Cleared at {now:%Y-%m-%d %H:%M} UTC (first reported "
            f"{told.first_sent_at:%Y-%m-%d %H:%M} UTC). Nothing more to do.",
            "success",
        )
    assert problem is not None
    if kind == "new":
        fresh = [m for m in problem.items if told is None or m not in told.members]
        lines = _listed(problem, fresh, "New:" if told is not None else "")
        known = len(problem.items) - len(fresh)
        if known:
            lines.append(f"({known} reported before and still open.)")
        title = f"{source}: {problem.title}"
    else:
        assert told is not None
        lines = _listed(problem, list(problem.items), "")
        lines.append(
            f"Reminder: first reported {told.first_sent_at:%Y-%m-%d %H:%M} UTC and still open."
        )
        title = f"{source}: reminder: {problem.title}"
    body = "\n".join([problem.body, *lines]).strip()
    return Message(kind, problem.key, title, body, problem.level)


def _listed(problem: Problem, members: list[str], heading: str) -> list[str]:
    if not members:
        return []
    lines = [""] + ([heading] if heading else [])
    lines += [f"- {problem.items[m]}" for m in members[:_LIST_AT_MOST]]
    if len(members) > _LIST_AT_MOST:
        lines.append(f"- ... and {len(members) - _LIST_AT_MOST} more")
    return lines
