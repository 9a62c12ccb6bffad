"""One first import in a process of its own, so the benchmark can read that process's peak RSS.

    python -m bench.sync_child SPEC.json

``SPEC.json`` holds the sandboxes' settings (``RunningSandboxes.env()``), the state folder and
the sandbox clock's speed with a reading of it taken at a known ``time.monotonic()``. Linux's
monotonic clock is shared by every process, so this process rebuilds the same sandbox clock
and paces its calls exactly as the parent's sandboxes count them. The engine is built the way
``shopxero sync`` builds it (``bench.engine_run.run_engine``); the report goes to stdout as JSON,
with this process's own peak RSS (``peak_rss_kb``, Linux's ``VmHWM``).

Why not the ``ru_maxrss`` the parent gets from ``os.wait4``: Linux carries a process's peak
across ``exec``, and a child spawned by ``subprocess`` (vfork) starts on its parent's memory, so
that figure is at least the parent's peak, and the parent holds the simulators and the whole
shop. ``VmHWM`` is the peak of the memory this program itself used after ``exec``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine_run import run_engine
from shopxero.cli.demo_cmd import settings_for_sandboxes
from shopxero.sandbox.clock import SandboxClock

__all__ = ["main"]


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    speed = float(spec["speed"])
    sandbox_now = spec["sandbox_time"] + (time.monotonic() - spec["monotonic"]) * speed
    clock = SandboxClock(speed=speed, start=datetime.fromtimestamp(sandbox_now, UTC))
    settings = settings_for_sandboxes(spec["env"], Path(spec["data_dir"]))
    result = asyncio.run(run_engine(settings, clock))
    result["peak_rss_kb"] = own_peak_rss_kb()
    print(json.dumps(result))
    return 0


def own_peak_rss_kb() -> int | None:
    """This process's peak resident set since its ``exec``, in kB (None off Linux)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
