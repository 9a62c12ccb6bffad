"""`shopxero demo` runs end to end in a subprocess, with no credentials, and exits 0."""

from __future__ import annotations

import os
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
