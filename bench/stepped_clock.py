"""A sandbox clock that moves only when a client waits on it (``bench/run.py --stepped``).

On the default clock (real time sped up) a request takes the sandbox time the machine takes to
serve it, times the speed-up: on a busy machine every phase looks longer, and a bulk operation
that the simulator runs in a thread ends later. On this clock a request takes no time, and time
passes only by the clients' waits (pacing, back-off, a bulk operation's polls): the minutes are
then what the clients chose to wait, given the calls and what the simulators model (a bulk query
runs ``objects / 1,000`` seconds), the same on any machine. Before each wait the Shopify
simulator's bulk threads are let finish, so an operation lasts what the simulator models.

Only valid while one wait happens at a time (two concurrent sleeps would each move the clock):
a sync run is sequential, so it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from shopxero.sandbox.clock import SandboxClock

__all__ = ["SteppedClock"]

# A wait computed to land exactly on a mark can fall a float's last bit short of it at epoch
# scale; each wait moves the clock at least this far.
MIN_STEP = 0.001


class SteppedClock(SandboxClock):
    """Sandbox time that moves only by ``sleep`` (and ``advance``)."""

    def __init__(self, *, start: datetime | None = None) -> None:
        # SandboxClock wants a positive speed: a nanosecond per real second is standing still.
        super().__init__(speed=1e-9, start=start)
        self.before_wait: Callable[[], None] | None = None

    async def sleep(self, seconds: float) -> None:
        if self.before_wait is not None:
            self.before_wait()
        if seconds > 0:
            self.advance(max(seconds, MIN_STEP))
        await asyncio.sleep(0)  # let the other tasks run, as a real sleep would
