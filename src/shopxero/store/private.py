"""The data dir is private: folder 0700, its files 0600.

``state.db`` holds customers' names, emails and addresses, and the token file holds the keys to
the merchant's Xero, so nobody but the tool's own user may read them. New files are created with
these modes from the start (``StateStore.open``, the run lock, the heartbeat, the token file);
``make_private`` fixes a data dir made before (or by hand, or restored from a backup) with wider
modes, and says what it changed so the CLI can note it once.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["DIR_MODE", "FILE_MODE", "create_private_file", "make_data_dir", "make_private"]

DIR_MODE = 0o700
FILE_MODE = 0o600
# What shopxero keeps in a data dir; only these are touched, so a data dir pointed at a folder
# that also holds other things (e.g. --data-dir .) leaves those alone. `state.db` covers its WAL
# and SHM files and the copies `rebuild` and `redact` keep (`state.db.*`).
_OWN_FILES = ("state.db", "sync.lock", "schedule.json", "xero-token.json")


def make_data_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) if needed; the folder itself mode 0700."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (SQLite then opens it, and gives
    its -wal and -shm files the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def _is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in _OWN_FILES) or (
        name.startswith("state.db-")
    )


def make_private(data_dir: Path) -> list[str]:
    """Take group and other permissions away from the data dir and shopxero's files in it.

    Returns ``"<path> (was 0644)"`` for each one changed (empty when all were private already,
    or when the folder does not exist yet). A file that cannot be changed (another owner) is
    left for the command's own access to report.
    """
    changed: list[str] = []
    if not data_dir.is_dir():
        return changed
    targets = [(data_dir, DIR_MODE)] + [
        (entry, FILE_MODE)
        for entry in sorted(data_dir.iterdir())
        if _is_own(entry.name) and entry.is_file() and not entry.is_symlink()
    ]
    for path, mode in targets:
        try:
            current = stat.S_IMODE(path.stat().st_mode)
            if current & 0o077:
                path.chmod(current & mode)
                changed.append(f"{path} (was {current:04o})")
        except OSError:
            continue
    return changed
