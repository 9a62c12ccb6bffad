"""``doctor``'s checks on a schedule, so a check turning red reaches a person (issue 16 §5).

A scheduled sync with nothing to write makes no Xero call and reads no settings of Xero's; a
revoked app, a deleted account or an expiring connection would only show at the next order. With
notification channels set (``SHOPXERO_NOTIFY_URLS``), the scheduler runs the checks after its
first tick and then once a day, and ``notify.notify_doctor`` tells the channels about each check
in error (once, a reminder, "resolved"). The checks only read (a handful of calls).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from shopxero.checks.doctor import run_doctor
from shopxero.config import Settings
from shopxero.errors import ShopxeroError
from shopxero.notify import channel_checks, notify_doctor
from shopxero.store.values import utcnow

__all__ = ["DOCTOR_EVERY", "DoctorRounds"]

logger = logging.getLogger("shopxero.schedule")
DOCTOR_EVERY = timedelta(days=1)


class DoctorRounds:
    """Called after each tick; runs the checks when a day has passed since the last round."""

    def __init__(
        self,
        load_settings: Callable[[], Settings],
        *,
        every: timedelta = DOCTOR_EVERY,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.load_settings = load_settings
        self.every = every
        self.now = now
        self.last: datetime | None = None

    def __call__(self) -> int | None:
        """The number of checks in error, or None when no round was due (or possible)."""
        try:
            settings = self.load_settings()
        except ShopxeroError:
            return None  # the tick has reported it
        moment = self.now()
        if not settings.notify_urls or (self.last and moment - self.last < self.every):
            return None
        self.last = moment
        try:
            report = asyncio.run(run_doctor(settings))
        except Exception:
            # The checks report problems as checks; anything else is a bug, not the schedule's end.
            logger.exception("the scheduled doctor checks crashed")
            return None
        report.checks.extend(channel_checks(settings))
        notify_doctor(settings, report.checks)
        return sum(c.status == "error" for c in report.checks)
