"""Clock time a client spends on its service: the union of the spans it was busy with it.

A client opens a span around each thing it waits on: a whole logical call in ``Sender.send``
(pacing waits, the token request, every attempt and the back-off between them), a bulk
operation's polling and its download. The spans are measured on the client's clock, so on the
sandbox's clock the figure is in sandbox time; spans that overlap (nested, or concurrent reads)
are counted once: the meter adds time only while at least one span is open. The benchmark reports
it as a run's "Shopify minutes" (issue 14: the first import's Shopify time on the simulator
clock), which the run's whole length hides under Xero's pacing. Each span may carry a label (what
it waited on: ``GET /admin/api/.../orders.json``, ``POST /admin/api/.../graphql.json Payouts``);
the time is also told by the label of the outermost span open (``by_label``), so that the
benchmark can set one step's reads (the payouts') apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from shopxero.http.clock import Clock, SystemClock

__all__ = ["TimeSpent"]


class TimeSpent:
    """Seconds of ``clock`` time inside ``span()`` blocks, overlapping blocks counted once."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self._open = 0
        self._since = 0.0
        self._closed = 0.0  # seconds of the spans already closed
        self._label = ""  # the outermost open span's
        self.by_label: dict[str, float] = {}  # seconds, by the outermost span's label

    @property
    def seconds(self) -> float:
        """The time so far, an open span's included up to now."""
        if self._open:
            return self._closed + max(0.0, self._clock.monotonic() - self._since)
        return self._closed

    @contextmanager
    def span(self, label: str = "") -> Iterator[None]:
        if self._open == 0:
            self._since, self._label = self._clock.monotonic(), label
        self._open += 1
        try:
            yield
        finally:
            self._open -= 1
            if self._open == 0:
                seconds = max(0.0, self._clock.monotonic() - self._since)
                self._closed += seconds
                self.by_label[self._label] = self.by_label.get(self._label, 0.0) + seconds
