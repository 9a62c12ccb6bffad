"""Shared building blocks for tables that fit an 80-column terminal (issue 16 §3).

Every table command keeps one record per line where it can: short fixed columns first, the one
column of free text (a path, a record's name) last, so only that column wraps; long messages go on
their own indented lines below their record, using the full width. Times are UTC, to the minute
(``2026-12-06 15:04``) or, in the API-call log, to the second.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

__all__ = [
    "MESSAGE_INDENT",
    "compact_table",
    "duration_text",
    "print_message",
    "run_status_text",
    "utc_minute",
    "utc_second",
]

MESSAGE_INDENT = 4

# What `status` shows for a run's stored status (``--json`` keeps the stored word).
_RUN_STATUS_WORDS = {
    "ok": "ok",
    "failed_records": "queued",  # finished; some records failed and are in the error queue
    "stopped": "stopped",  # the Xero day budget ran out; committed work is kept
    "error": "error",
    "interrupted": "interrupted",
    "running": "running",
}


def utc_minute(when: datetime | None) -> str:
    return "-" if when is None else f"{when:%Y-%m-%d %H:%M}"


def utc_second(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M:%S}"


def duration_text(started: datetime, finished: datetime | None) -> str:
    """``12s``, ``3m05s``, ``2h04m``; ``-`` while the run has not finished."""
    if finished is None:
        return "-"
    seconds = max(int((finished - started) / timedelta(seconds=1)), 0)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def run_status_text(status: str, *, dry_run: bool) -> str:
    word = _RUN_STATUS_WORDS.get(status, status)
    return f"{word} (dry)" if dry_run else word


def compact_table(title: str | None = None) -> Table:
    """A table with no vertical rules and one space between columns: 80 columns go far."""
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 0),  # the box's own column separator is one space
        pad_edge=False,
        show_edge=False,
    )


def print_message(console: Console, text: str, *, style: str = "") -> None:
    """``text`` on its own lines, indented under the record it belongs to, wrapped to the width."""
    console.print(Padding(Text(text, style=style), (0, 0, 0, MESSAGE_INDENT)))
