"""Catching reads outside the repository, statically (source text) and at run time (audit hook).

A user's clone has nothing beside it: a test or a module that reads ``../shared/...`` (or any other
sibling of the checkout) passes on a developer's machine and fails for every user. Two nets:

- ``outside_references(path)`` reads a source file and names each line that builds a path leaving
  the repository: a parent hop (``".."``), a ``parents[N]`` or ``.parent`` chain climbing above the
  repository root, a sibling ``shared/`` folder, or an absolute path into the developers' machine.
- ``OutsideReadRecorder`` is a ``sys.addaudithook`` hook (installed by ``tests/conftest.py``) that
  records every file a test opens or lists in the repository's parent folder but outside the
  repository. The temporary folder, the Python installation and dot-entries of the parent folder
  (``~/.cache`` when a clone sits in a home folder) are not reads of a sibling project, so they
  are left alone; for a clone inside the temporary folder, only what test runs make there is.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_PARENT_HOP = re.compile(r"""["']\.\.(?:[/\\][^"']*)?["']""")
_SHARED_SIBLING = re.compile(r"""shared["']?\s*[/\\]\s*["']?(?:specs|fixtures|docs|hooks)\b""")
_ROOT_PARENT = re.compile(r"\b(?:REPO|ROOT|REPO_ROOT|TOP)\.parent\b")
_MACHINE_PATH = re.compile(r"""["'](?:/work|/root|/home)/""")
# What test runs make in a temporary folder (pytest's base, mkdtemp's names).
_TEMPORARY = re.compile(r"^(?:pytest-of-|pytest-|tmp)")
_INSTALLATION = (sys.prefix, sys.base_prefix)
_PARENTS_INDEX = re.compile(r"parents\[(\d+)\]")
_PARENT_CHAIN = re.compile(r"__file__\)?(?:\.resolve\(\))?((?:\.parent)+)")


def _climb_limit(path: Path) -> int:
    """How many levels ``Path(__file__)`` of ``path`` may climb and still be inside the repo."""
    return len(path.resolve().relative_to(REPO).parts) - 1


def outside_references(path: Path, text: str | None = None) -> list[str]:
    """``"LINE: text"`` for each line of ``path`` (or of ``text``) that leaves the repository."""
    source = path.read_text(encoding="utf-8") if text is None else text
    limit = _climb_limit(path)
    found: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        escapes = bool(_PARENT_HOP.search(line) or _SHARED_SIBLING.search(line))
        escapes |= bool(_MACHINE_PATH.search(line) or _ROOT_PARENT.search(line))
        escapes |= any(int(index) > limit for index in _PARENTS_INDEX.findall(line))
        escapes |= any(chain.count(".parent") - 1 > limit for chain in _PARENT_CHAIN.findall(line))
        if escapes:
            found.append(f"{number}: {line.strip()}")
    return found


class OutsideReadRecorder:
    """Audit hook recording file opens and listings outside the repository, beside it."""

    EVENTS = frozenset({"open", "os.listdir", "os.scandir", "glob.glob"})

    def __init__(self, repo: Path = REPO) -> None:
        self.repo = repo.resolve()
        self.parent = self.repo.parent
        # The temporary folder and the Python installation are not sibling projects, unless the
        # repository itself lives inside one (a clone in /tmp): then only what test runs make
        # there (_TEMPORARY) is left alone.
        self.allowed = [
            folder
            for folder in (Path(p).resolve() for p in (tempfile.gettempdir(), *_INSTALLATION))
            if not self.repo.is_relative_to(folder)
        ]
        self.reads: list[str] = []

    def outside(self, raw: object) -> bool:
        if not isinstance(raw, str | bytes | os.PathLike):
            return False  # a file descriptor, or nothing
        text = os.fsdecode(raw)
        if not text:
            return False
        try:
            path = Path(text).resolve()
        except (OSError, RuntimeError, ValueError):
            return False
        if not path.is_relative_to(self.parent) or path.is_relative_to(self.repo):
            return False
        if any(path.is_relative_to(allowed) for allowed in self.allowed):
            return False
        rest = path.relative_to(self.parent).parts
        return bool(rest) and not rest[0].startswith(".") and not _TEMPORARY.match(rest[0])

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if event in self.EVENTS and args and self.outside(args[0]):
            self.reads.append(f"{event} {args[0]!s}")
