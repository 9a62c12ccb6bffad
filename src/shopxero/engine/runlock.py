"""The one-run-at-a-time lock of a data dir: ``sync``, ``schedule``, ``rebuild`` and ``redact``.

Two runs against the same state DB and Xero organisation must never overlap: both would read the
same cursors and could send the same invoice twice before either records the mapping. A file
lock (``filelock``, an OS-level ``flock``) in the data dir makes that true across processes and
containers sharing the volume, and the OS drops it when a crashed process dies, so a crash never
leaves a stale lock behind. ``rebuild`` and ``redact`` take the same lock: a sync writing the
state DB while it is replaced or scrubbed would undo either.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from shopxero.errors import ConfigError
from shopxero.store.private import FILE_MODE, make_data_dir

__all__ = ["LOCK_FILE_NAME", "RunInProgressError", "run_lock"]

LOCK_FILE_NAME = "sync.lock"


class RunInProgressError(ConfigError):
    """Another sync holds the data dir's lock.

    A ``ConfigError`` so a plain ``shopxero sync`` exits 2 ("could not run") with this one line;
    the scheduler catches it and skips the tick instead.
    """

    def __init__(self, data_dir: Path, hint: str | None = None) -> None:
        then = f": {hint}" if hint else ""
        super().__init__(
            f"another shopxero sync is running on {data_dir} (lock file {LOCK_FILE_NAME}){then}"
        )
        self.data_dir = data_dir


@contextmanager
def run_lock(data_dir: Path, *, wait_seconds: float = 0, hint: str | None = None) -> Iterator[None]:
    """Hold the data dir's run lock for the block, or raise ``RunInProgressError``.

    ``wait_seconds`` = 0 (the default) gives up at once: a run that finds another one going is
    not queued behind it, because the next run would find nothing left to do anyway.
    ``hint`` ends the refusal's message with what to do instead ("rebuild when it has finished").
    """
    make_data_dir(data_dir)
    lock = FileLock(str(data_dir / LOCK_FILE_NAME), mode=FILE_MODE)
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise RunInProgressError(data_dir, hint) from None
    try:
        yield
    finally:
        lock.release()
