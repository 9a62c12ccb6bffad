"""A sandbox clock that stands still except when a client sleeps on it, for pacing tests.

Pacing tests measure how fully a client uses a rate limit: Shopify's leaky bucket, Xero's calls
a minute. On a sped-up ``SandboxClock`` that measure also depends on how fast the machine serves
the requests (a starved test process makes the sandbox seconds pass before the requests do),
so such a test could fail on a busy machine with nothing wrong in the client. On this clock a
request takes no sandbox time and the time between two requests is exactly what the client chose
to wait: what the test measures is the client's pacing, whatever the machine's load.

Only a client whose waits are serialised (one sleeper at a time, as both throttles are) can be
measured this way: two concurrent sleeps would each move the clock.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from shopxero.sandbox.clock import SandboxClock

__all__ = ["SteppingClock"]

# A wait computed to land exactly on a mark can fall a float's last bit short of it at epoch
# scale, where adding less than ~1e-7 s changes nothing; each sleep moves at least this far.
MIN_STEP = 0.001


class SteppingClock(SandboxClock):
    """Sandbox time that moves only by ``sleep`` (and ``advance``)."""

    def __init__(self, *, start: datetime | None = None) -> None:
        # SandboxClock wants a positive speed: a nanosecond per real second is standing still.
        super().__init__(speed=1e-9, start=start)

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(max(seconds, MIN_STEP))
        await asyncio.sleep(0)  # let the other tasks run, as a real sleep would
