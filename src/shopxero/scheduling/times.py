"""When the scheduler runs next and how its runs went: the tick rules and the heartbeat file.

``scheduling.scheduler`` owns the loop; this module holds what it shares with ``shopxero health``:
``parse_every`` and ``CronTimes`` (when the next tick is due) and ``Heartbeat``, a small JSON file
in the data dir (``schedule.json``) the scheduler rewrites at each tick's start and end, so a
health check can tell a live scheduler from a hung, dead or always-failing one without touching
the state DB or the run lock.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from croniter import croniter

__all__ = [
    "HEARTBEAT_FILE_NAME",
    "CronTimes",
    "EveryTimes",
    "Heartbeat",
    "parse_every",
    "parse_utc",
    "utc_text",
]

HEARTBEAT_FILE_NAME = "schedule.json"

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"(?:\d+[smhd])+")


def parse_every(text: str) -> timedelta:
    """``15m``, ``90s``, ``1h30m``, ``1d`` -> a positive timedelta; anything else: ValueError."""
    cleaned = text.strip().lower()
    if not _EVERY.fullmatch(cleaned):
        raise ValueError(
            f"--every {text!r} is not an interval: use a number with a unit s, m, h or d, "
            "e.g. 15m, 90s, 1h30m"
        )
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in re.findall(r"(\d+)([smhd])", cleaned))
    if seconds <= 0:
        raise ValueError(f"--every {text!r} must be longer than zero")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class EveryTimes:
    """A fixed rate: each tick is due one interval after the previous one started.

    A run longer than the interval is followed at once by the next, never by a backlog.
    """

    interval: timedelta

    def first(self, now: datetime) -> datetime:
        return now

    def next_after(self, last_start: datetime, now: datetime) -> datetime:
        return max(last_start + self.interval, now)

    def describe(self) -> str:
        return f"every {_human(self.interval)}"


@dataclass(frozen=True)
class CronTimes:
    """A cron expression (5 fields, or 6 with seconds last), read in the process's local time.

    Ticks missed while a run was going are not made up: the next tick is the next match after
    the run ended.
    """

    expression: str

    def __post_init__(self) -> None:
        if not croniter.is_valid(self.expression):
            raise ValueError(
                f"--cron {self.expression!r} is not a cron expression "
                "(5 fields: minute hour day month weekday, e.g. '*/15 * * * *')"
            )

    def first(self, now: datetime) -> datetime:
        return self._next(now)

    def next_after(self, last_start: datetime, now: datetime) -> datetime:
        return self._next(now)

    def _next(self, now: datetime) -> datetime:
        # Local time, as cron users expect; TZ in the environment chooses it (UTC in containers).
        local_now = now.astimezone()
        nxt: datetime = croniter(self.expression, local_now).get_next(datetime)
        return nxt.astimezone(UTC)

    def describe(self) -> str:
        return f"cron '{self.expression}'"


def _human(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


TickState = Literal["waiting", "running", "stopped"]


@dataclass
class Heartbeat:
    """The scheduler's last known state, as written to ``<data_dir>/schedule.json``.

    ``consecutive_failures`` counts runs in a row that could not run (exit 2: settings, auth,
    connectivity) or crashed; a run that only queued records (exit 1) resets it, since the tool
    itself is working.
    """

    schedule: str
    state: TickState
    pid: int
    updated_at: str
    started_at: str | None = None
    finished_at: str | None = None
    next_run_at: str | None = None
    last_exit: int | None = None
    last_outcome: str | None = None
    last_message: str | None = None
    consecutive_failures: int = 0
    ticks: int = 0
    # The host name (in Docker: the container's id) where ``pid`` lives, so a health check in
    # another container on the same volume never takes that pid for one of its own processes.
    host: str | None = None

    def write(self, data_dir: Path) -> None:
        """Replace the file atomically, so a health check never reads half of it."""
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # private, as store.private says
        target = data_dir / HEARTBEAT_FILE_NAME
        tmp = data_dir / f".{HEARTBEAT_FILE_NAME}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(self), indent=2))
        os.replace(tmp, target)

    @classmethod
    def read(cls, data_dir: Path) -> Heartbeat | None:
        """The heartbeat, or None when no scheduler ever ran on this data dir.

        Raises ``ValueError`` when the file exists but is not a heartbeat.
        """
        path = data_dir / HEARTBEAT_FILE_NAME
        if not path.is_file():
            return None
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
            return cls(**raw)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{path} is not a scheduler heartbeat: {exc}") from exc


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
