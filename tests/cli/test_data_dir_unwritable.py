"""A data dir the process cannot write (issue 17 §3): a root-owned bind mount on /data, where the
container runs as user 10001. ``sync``, ``schedule``, ``health`` and ``doctor`` each say so in one
line naming the folder, the user id and the fix (``chown``), and ``sync`` exits 2 ("could not
run"), not 1 ("records queued") with a ``PermissionError`` traceback.

Honest about who writes: permission bits do not stop root, because root holds the capabilities
that override them. So when the tests run as root, the CLI runs in a subprocess started through
``setpriv`` without those capabilities (``CAP_DAC_OVERRIDE``, ``CAP_DAC_READ_SEARCH``,
``CAP_FOWNER``) on a folder another user (``nobody``) owns, mode 0755: exactly a bind mount made
by someone else, and the process really cannot write it. As any other user the folder is made
read-only (0555) for its owner instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shopxero.sandbox.run import RunningSandboxes, start_sandboxes

SRC = Path(__file__).resolve().parents[2] / "src"
NOBODY = 65534
# What lets root write where the permission bits say no; dropped from the bounding set, an
# exec'd root process never gets them.
OVERRIDES = "-dac_override,-dac_read_search,-fowner"


@dataclass
class Unwritable:
    folder: Path
    data: Path
    env: dict[str, str]


@pytest.fixture
def unwritable() -> Iterator[Unwritable]:
    # Not pytest's tmp_path: its parents are 0700 root, which `nobody` could not even enter.
    folder = Path(tempfile.mkdtemp(prefix="tmp-unwritable-"))
    folder.chmod(0o755)
    data = folder / "data"
    data.mkdir(mode=0o755)
    if os.getuid() == 0:
        os.chown(data, NOBODY, NOBODY)  # someone else's folder: root may enter, not write
    else:
        data.chmod(0o555)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(folder), "PYTHONPATH": str(SRC)}
    env["COLUMNS"] = "80"
    try:
        yield Unwritable(folder, data, env)
    finally:
        data.chmod(0o755)
        shutil.rmtree(folder)


@pytest.fixture
def sandboxes() -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        yield running


def _run(case: Unwritable, args: list[str], extra_env: dict[str, str] | None = None) -> Any:
    command = [sys.executable, "-m", "shopxero", "--data-dir", str(case.data), *args]
    if os.getuid() == 0:
        setpriv = shutil.which("setpriv")  # util-linux, in every Debian and Ubuntu image
        if setpriv is None:  # pragma: no cover
            pytest.fail("setpriv (util-linux) is needed to test this as root")
        command = [setpriv, f"--bounding-set={OVERRIDES}", "--", *command]
    return subprocess.run(
        command,
        env={**case.env, **(extra_env or {})},
        cwd=case.folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _says_who_and_how(text: str, case: Unwritable) -> None:
    uid, gid = os.getuid(), os.getgid()  # the subprocess runs as the same user
    assert f"data dir {case.data} is not writable by user id {uid} (Permission denied)" in text
    assert f"chown -R {uid}:{gid} {case.data}" in text, text
    assert "Traceback" not in text and "PermissionError" not in text, text


def test_sync_exits_2_with_one_line_naming_the_folder_the_user_and_chown(
    unwritable: Unwritable, sandboxes: RunningSandboxes
) -> None:
    result = _run(unwritable, ["sync"], sandboxes.env())
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    _says_who_and_how(lines[0], unwritable)
    assert list(unwritable.data.iterdir()) == []  # nothing was written (no lock, no state DB)


def test_schedule_exits_2_at_once_instead_of_failing_every_tick(unwritable: Unwritable) -> None:
    result = _run(unwritable, ["schedule", "--every", "1h", "--max-runs", "1"])
    assert result.returncode == 2, result.stderr
    _says_who_and_how(result.stderr, unwritable)
    assert "schedule: run" not in result.stdout + result.stderr


def test_health_is_unhealthy_and_names_the_fix(unwritable: Unwritable) -> None:
    result = _run(unwritable, ["health", "--json"])
    assert result.returncode == 1, result.stdout + result.stderr
    (problem,) = json.loads(result.stdout)["problems"]
    _says_who_and_how(problem, unwritable)


def test_doctor_reports_the_data_dir_as_an_error_with_the_fix(
    unwritable: Unwritable, sandboxes: RunningSandboxes
) -> None:
    result = _run(unwritable, ["doctor", "--json"], sandboxes.env())
    assert result.returncode == 2, result.stdout + result.stderr
    checks = json.loads(result.stdout)["checks"]
    (check,) = [c for c in checks if c["name"] == "data dir"]
    assert check["status"] == "error", check
    _says_who_and_how(f"{check['detail']}; fix: {check['fix']}", unwritable)


def test_a_writable_data_dir_passes_doctor_s_check(
    tmp_path: Path, sandboxes: RunningSandboxes
) -> None:
    env = {**os.environ, **sandboxes.env(), "PYTHONPATH": str(SRC)}
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "shopxero", "--data-dir", str(data), "doctor", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    checks = json.loads(result.stdout)["checks"]
    (check,) = [c for c in checks if c["name"] == "data dir"]
    assert check["status"] == "ok", check
