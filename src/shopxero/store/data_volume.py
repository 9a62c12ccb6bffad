"""Is the data dir on storage that outlives the container? (issue 17 §1)

In the image, state lives in ``/data``. Started without ``-v NAME:/data`` (or a bind mount),
``/data`` is the container's own layer, and ``docker run --rm`` throws it away with the state DB
and the Xero token: every run is then a first import and the Xero connection is lost. An
anonymous volume (``-v /data``) is no better: each new container gets a new, empty one.

The image sets ``SHOPXERO_REQUIRE_DATA_VOLUME=true``, and then every command that loads the
settings refuses such a data dir with the one ``docker run`` command that keeps it. The kernel's
mount table says what ``/data`` is: ``/proc/self/mountinfo`` lists each mount point with the
folder it shows (its "root"), and Docker keeps every volume in ``.../volumes/<name>/_data``, an
anonymous one under a 64-hex-digit name (mountinfo: proc(5), "/proc/pid/mountinfo").
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from shopxero.errors import ConfigError

__all__ = ["DataVolumeError", "data_volume_problem", "mount_root"]

MOUNTINFO = Path("/proc/self/mountinfo")
_ANONYMOUS_VOLUME = re.compile(r"/volumes/[0-9a-f]{64}/_data$")
KEEP_IT = (
    "fix: give it a named volume (or a bind mount), e.g. "
    "`docker run --rm --init --stop-timeout 120 -v shopxero-data:/data "
    "shopxero:latest sync` (docs/docker.md: the settings go in the volume); "
    "SHOPXERO_REQUIRE_DATA_VOLUME=false allows a throwaway data dir"
)


class DataVolumeError(ConfigError):
    """The data dir would be lost with the container (exit 2, "could not run")."""


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes (\040 ...).
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def mount_root(path: Path, mountinfo: str) -> str | None:
    """The folder mounted on ``path`` (mountinfo's 4th field), or None when ``path`` is no
    mount point. The last entry wins, as a later mount hides an earlier one."""
    target = os.path.normpath(str(path))
    root = None
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) >= 5 and _unescape(fields[4]) == target:
            root = _unescape(fields[3])
    return root


def data_volume_problem(path: Path, mountinfo: str | None = None) -> str | None:
    """Why ``path`` would not outlive the container (one line with the fix), or None.

    ``mountinfo``: the text of ``/proc/self/mountinfo`` (read when not given). Where there is
    no such file (not Linux), any mount point counts."""
    resolved = path.resolve()
    if mountinfo is None:
        try:
            mountinfo = MOUNTINFO.read_text(encoding="utf-8")
        except OSError:
            return None if os.path.ismount(resolved) else _not_a_volume(resolved)
    root = mount_root(resolved, mountinfo)
    if root is None:
        return _not_a_volume(resolved)
    if _ANONYMOUS_VOLUME.search(root):
        return (
            f"data dir {resolved} is an anonymous volume, which a new container does not get "
            f"back: the state DB and the Xero token would be lost; {KEEP_IT}"
        )
    return None


def _not_a_volume(path: Path) -> str:
    return (
        f"data dir {path} is not a volume: the state DB and the Xero token would be lost with "
        f"the container and every run would be a first import; {KEEP_IT}"
    )
