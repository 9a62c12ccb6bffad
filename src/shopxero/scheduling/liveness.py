"""Ending a hung scheduler, so the container's restart policy starts a fresh one (issue 17 §6).

Docker never restarts a container for being unhealthy; it restarts one whose main process
exited. So the scheduler's healthcheck (``shopxero health --restart-hung``) ends the scheduler
when the heartbeat says it is stuck: a run far past ``--max-run-minutes`` or a tick long
overdue. SIGKILL, because a stuck run may never get back to the signal handler; killing it is
safe, as every run is (intent before write: the next run settles and resumes it). Only a
scheduler on this host (in Docker: this container) is ended, and only a process whose command
line is a ``schedule`` one, so a reused pid or another container's scheduler is never touched.
"""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

from shopxero.scheduling.times import Heartbeat

__all__ = ["end_hung_scheduler"]


def end_hung_scheduler(hb: Heartbeat, proc: Path = Path("/proc")) -> str:
    """SIGKILL the scheduler ``hb`` names when it runs here; what was done, in words."""
    here = socket.gethostname()
    if hb.host != here:
        return f"the hung scheduler runs on {hb.host or 'another host'}, not {here}: not ended"
    if hb.pid == os.getpid():
        return "the heartbeat names this process: not ended"
    try:
        argv = (proc / str(hb.pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"no process {hb.pid} here: the scheduler is gone already"
    if b"schedule" not in argv:
        return f"process {hb.pid} is not a shopxero scheduler: not ended"
    os.kill(hb.pid, signal.SIGKILL)
    return (
        f"ended the hung scheduler (pid {hb.pid}, SIGKILL) so the restart policy starts it "
        "again; the run it was in resumes at the next run"
    )
