"""Telling the configured channels about problems, once each, with reminders and "resolved".

``notify_after_run`` (end of every sync that is not a dry run), ``notify_failure`` (a run that
could not run, exit 2) and ``notify_doctor`` (``shopxero doctor``) each look at the problems of
their own scope, decide per channel (``problems.decide``), send, and record in the state DB
(``store.notices``) what each channel was told, only once it accepted the message: a channel that
is down gets it at the next run. None of them raises: a notification problem is logged (masked)
and never changes a run's outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import timedelta

from shopxero.checks.doctor import Check
from shopxero.config import Settings
from shopxero.notify import events
from shopxero.notify.channels import (
    Channel,
    Delivery,
    channels_from,
    send,
    service_name,
    unknown_url,
)
from shopxero.notify.masking import Masker
from shopxero.notify.problems import Message, Problem, decide, render
from shopxero.store import StateStore
from shopxero.store.notices import SentNotice
from shopxero.store.values import utcnow

__all__ = [
    "Notifier",
    "channel_checks",
    "current_time",
    "notify_after_run",
    "notify_doctor",
    "notify_failure",
    "send_test",
]

logger = logging.getLogger("shopxero.notify")
current_time = utcnow  # module attribute so a test can move the notifier's clock

Scope = Callable[[str], bool]


class Notifier:
    def __init__(self, settings: Settings, store: StateStore) -> None:
        self.channels = channels_from(settings.notify_urls)
        self.store = store
        self.masker = Masker(settings.notify_urls)
        self.remind_after = timedelta(hours=settings.notify_remind_hours)
        shop = settings.shopify_shop
        self.source = f"shopxero ({shop})" if shop else "shopxero"

    def update(self, problems: Sequence[Problem], scope: Scope) -> list[Delivery]:
        """Decide, send and record, for every channel and every problem key in ``scope``."""
        now = current_time()
        current = {p.key: p for p in problems if scope(p.key)}
        self.store.notices.keep_only_channels(c.id for c in self.channels)
        deliveries: list[Delivery] = []
        for channel in self.channels:
            told = {n.key: n for n in self.store.notices.for_channel(channel.id) if scope(n.key)}
            for key in sorted(set(current) | set(told)):
                problem, notice = current.get(key), told.get(key)
                kind = decide(problem, notice, now, self.remind_after)
                if kind is None:
                    if problem is not None and notice is not None:  # forget members now gone
                        members = notice.members & problem.members
                        self.store.notices.put(replace(notice, members=members))
                    continue
                message = render(kind, problem, notice, now, self.source)
                delivery = self._send(channel, message)
                deliveries.append(delivery)
                if delivery.ok:
                    self._record(channel, message, problem, notice)
        return deliveries

    def _send(self, channel: Channel, message: Message) -> Delivery:
        delivery = send(channel, message.title, self.masker.mask(message.body), message.level)
        if delivery.ok:
            logger.info("notified %s: %s", channel.label, message.title)
        else:
            logger.warning(
                "notification %r to %s failed: %s; it is sent again at the next run",
                message.title,
                channel.label,
                delivery.detail.rstrip("."),
            )
        return delivery

    def _record(
        self,
        channel: Channel,
        message: Message,
        problem: Problem | None,
        notice: SentNotice | None,
    ) -> None:
        if problem is None:
            self.store.notices.delete(channel.id, message.key)
            return
        now = current_time()
        self.store.notices.put(
            SentNotice(
                channel=channel.id,
                key=problem.key,
                title=problem.title,
                members=problem.members,
                first_sent_at=notice.first_sent_at if notice else now,
                last_sent_at=now,
            )
        )


def _in(keys: Collection[str]) -> Scope:
    return lambda key: key in keys


def _guarded(what: str, settings: Settings, action: Callable[[], list[Delivery]]) -> list[Delivery]:
    """Run ``action``; any error is logged, masked, and swallowed (it must not fail a sync)."""
    try:
        return action()
    except Exception as exc:
        text = Masker(settings.notify_urls).mask(f"{type(exc).__name__}: {exc}")
        logger.warning("notifications after %s were not sent: %s", what, text)
        return []


def notify_after_run(
    settings: Settings, store: StateStore, *, status: str, message: str | None
) -> list[Delivery]:
    """After a run that finished: new queued records, a run stopped early, the Xero refresh
    token's age; a failure notified before is resolved."""
    if not settings.notify_urls:
        return []

    def action() -> list[Delivery]:
        found = [
            events.queue_problem(store.errors.list_open()),
            events.stopped_problem(status, message),
            events.token_problem(settings.token_file_path, current_time()),
        ]
        scope = _in({events.QUEUE, events.RUN_STOPPED, events.TOKEN, events.RUN_FAILURE})
        return Notifier(settings, store).update([p for p in found if p], scope)

    return _guarded("the run", settings, action)


def notify_failure(settings: Settings, store: StateStore, exc: BaseException) -> list[Delivery]:
    """After a run that could not run (exit 2); the token's age is looked at too, since an
    expired refresh token is the usual cause in a container left alone."""
    if not settings.notify_urls:
        return []

    def action() -> list[Delivery]:
        found = [
            events.failure_problem(exc),
            events.token_problem(settings.token_file_path, current_time()),
        ]
        scope = _in({events.RUN_FAILURE, events.TOKEN})
        return Notifier(settings, store).update([p for p in found if p], scope)

    return _guarded("the failed run", settings, action)


def notify_doctor(settings: Settings, checks: Sequence[Check]) -> list[Delivery]:
    """After ``shopxero doctor``: a check in error is a problem until a later doctor passes it."""
    if not settings.notify_urls:
        return []

    def action() -> list[Delivery]:
        with StateStore.open(settings.state_db_path) as store:
            return Notifier(settings, store).update(
                events.doctor_problems(checks), lambda key: key.startswith(events.DOCTOR)
            )

    return _guarded("doctor", settings, action)


def channel_checks(settings: Settings) -> list[Check]:
    """``doctor``'s lines for the notification channels: each one Apprise can read, masked."""
    checks: list[Check] = []
    for number, channel in enumerate(channels_from(settings.notify_urls), start=1):
        name = f"channel {number}"
        service = service_name(channel)
        if service is None:
            fix = "correct or remove this entry of SHOPXERO_NOTIFY_URLS"
            checks.append(Check("notify", name, "error", unknown_url(channel), fix))
        else:
            detail = f"{service} at {channel.label}; `shopxero doctor --notify-test` sends a test"
            checks.append(Check("notify", name, "ok", detail))
    return checks


def send_test(settings: Settings) -> list[Delivery]:
    """``shopxero doctor --notify-test``: one test message to every channel, nothing recorded."""
    source = f"shopxero ({settings.shopify_shop})" if settings.shopify_shop else "shopxero"
    return [
        send(
            channel,
            f"{source}: test notification",
            "This is a test from `shopxero doctor --notify-test`: notifications reach this "
            "channel. shopxero sends one when records are queued, a sync cannot run, the Xero "
            "connection nears its 60-day end or a doctor check fails.",
            "info",
        )
        for channel in channels_from(settings.notify_urls)
    ]
