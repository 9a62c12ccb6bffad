"""The data dir is private: folder 0700, its files 0600.

``state.db`` holds customers' names, emails and addresses, and the token file holds the keys to
the merchant's Xero, so nobody but the tool's own user may read them. New files are created with
these modes from the start (``StateStore.open``, the run lock, the heartbeat, the token file);
``make_private`` fixes a data dir made before (or by hand, or restored from a backup) with wider
modes, and says what it changed so the CLI can note it once.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from shopxero.errors import ConfigError

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "DataDirNotWritableError",
    "create_private_file",
    "make_data_dir",
    "make_private",
    "not_writable_reason",
]

DIR_MODE = 0o700
FILE_MODE = 0o600
# What shopxero keeps in a data dir; only these are touched, so a data dir pointed at a folder
# that also holds other things (e.g. --data-dir .) leaves those alone. `state.db` covers its WAL
# and SHM files and the copies `rebuild` and `redact` keep (`state.db.*`).
_OWN_FILES = ("state.db", "sync.lock", "schedule.json", "xero-token.json")


class DataDirNotWritableError(ConfigError):
    """The data dir cannot be written by this process: a ``ConfigError``, so every command
    exits 2 ("could not run") with this one line instead of a ``PermissionError`` traceback."""


def _unwritable_message(path: Path, exc: OSError) -> str:
    why = exc.strerror or str(exc)
    if exc.errno == errno.EROFS:
        return (
            f"data dir {path} is on a read-only file system ({why}); fix: mount it read-write "
            "(in Docker, a volume or bind mount on /data without :ro)"
        )
    if exc.errno not in (errno.EACCES, errno.EPERM):  # a file in its place, a missing parent...
        return (
            f"data dir {path} is not writable ({why}); fix: point SHOPXERO_DATA_DIR (or "
            "--data-dir) at a folder this user can create files in"
        )
    uid, gid = os.getuid(), os.getgid()
    # A root-owned bind mount is the usual cause: the container runs as 10001, which cannot
    # write a folder the host made for root (docs/docker.md, "Bind mounts").
    return (
        f"data dir {path} is not writable by user id {uid} ({why}); fix: give that user the "
        f"folder: `chown -R {uid}:{gid} {path}` (for a bind mount, run it on the host on the "
        "folder you mount)"
    )


def not_writable_reason(path: Path) -> str | None:
    """Why this process cannot create files in ``path`` (one line, with the fix), or None.

    It creates and drops an unnamed temporary file there: permission bits alone do not say it
    (root ignores them, a read-only mount keeps them), an actual write does. A folder that does
    not exist yet is judged by creating it, as a run would.
    """
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return _unwritable_message(path, exc)
    return None


def make_data_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) if needed, the folder itself mode 0700, and make
    sure this process can write it (``DataDirNotWritableError`` otherwise)."""
    reason = not_writable_reason(path)
    if reason is not None:
        raise DataDirNotWritableError(reason)


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
