"""`shopxero demo` runs end to end in a subprocess, with no credentials, and exits 0."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path


def test_demo_runs_end_to_end_and_second_run_changes_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPXERO_")}
    result = subprocess.run(
        [sys.executable, "-m", "shopxero", "--data-dir", str(tmp_path), "demo", "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "first sync" in out and "second sync" in out
    assert "second run: 0 changes, 0 Xero calls" in out
    assert (tmp_path / "state.db").exists()


def test_the_commands_the_demo_prints_work_as_printed(tmp_path: Path) -> None:
    """No --data-dir: the state goes to a temporary folder, and the printed `errors list`
    command must find it from wherever the user types it (issue 16 §4)."""
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPXERO_")}
    env.update(TMPDIR=str(tmp_path), COLUMNS="80")
    demo = subprocess.run(
        [sys.executable, "-m", "shopxero", "demo", "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
        timeout=240,
        check=False,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    printed = sorted(set(re.findall(r"`(shopxero [^`\n]*errors list)`", demo.stdout)))
    assert len(printed) == 1, demo.stdout  # the same command after each sync and at the end
    words = shlex.split(printed[0])
    listed = subprocess.run(
        [sys.executable, "-m", "shopxero", *words[1:], "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    (entry,) = json.loads(listed.stdout)  # the demo seed's one broken order
    assert entry["entity"] == "orders"
    assert not (elsewhere / "data").exists()  # no new, empty state DB where the user stands
