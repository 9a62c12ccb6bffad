"""SIGTERM during a one-shot run: finish the run first, as the scheduler does (issue 17 §1).

``docker stop`` sends SIGTERM, then SIGKILL when the stop timeout runs out. Python's default for
SIGTERM ends the process at once, part way through a run. A run cut short is safe (the next one
settles and resumes it), but it wastes the calls made so far and leaves the run history saying
``interrupted``; finishing is nearly always quick. So the first SIGTERM says it will finish, and
a second one stops at once (exit 130, as Ctrl-C does). Ctrl-C (SIGINT) is left as it was.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["finish_on_sigterm"]

FINISHING = (
    "SIGTERM: finishing this run first (send it again to stop at once; the next run resumes)"
)


@contextmanager
def finish_on_sigterm(say: Callable[[str], None]) -> Iterator[None]:
    """For the block: the first SIGTERM is only reported, a second raises ``KeyboardInterrupt``."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    received = False

    def handle(signum: int, frame: FrameType | None) -> None:
        nonlocal received
        if received:
            raise KeyboardInterrupt
        received = True
        say(FINISHING)

    previous = signal.signal(signal.SIGTERM, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
