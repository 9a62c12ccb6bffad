"""Sending one message to one notification URL through Apprise, with secrets masked.

Apprise (https://github.com/caronc/apprise) knows the senders: e-mail, Slack, Discord, Teams,
Telegram, ntfy, plain JSON webhooks and a hundred more, each from one URL. It is imported only
when something is sent (it loads its plugins on first use), so a sync with no notification URLs
pays nothing for it. Each URL is its own ``Channel`` with its own outcome, so one broken
channel neither hides nor repeats what the others were told.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from shopxero.notify.masking import Masker, masked_logging, masked_url

__all__ = [
    "Channel",
    "Delivery",
    "Level",
    "channels_from",
    "send",
    "service_name",
    "unknown_url",
]

Level = Literal["info", "success", "warning", "failure"]  # Apprise's notify types
# One channel must not hold up a sync: Apprise gives up on the call after this long.
SEND_TIMEOUT_SECONDS = 30.0

# Apprise logs to the "apprise" logger. A NullHandler stops Python's last-resort handler from
# printing its warnings raw on stderr; a handler on the root logger (a user's own logging setup)
# still receives them, masked by ``masked_logging``. What a person needs is logged again by
# shopxero.notify, in the CLI's format.
logging.getLogger("apprise").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Channel:
    """One notification URL. ``label`` is safe to show; ``id`` (a hash) is what the state DB
    keeps; ``url`` never leaves this package."""

    url: str = field(repr=False)
    label: str
    id: str


@dataclass(frozen=True)
class Delivery:
    channel: Channel
    ok: bool
    detail: str  # masked: why it failed, or the service that accepted it


def channels_from(urls: Sequence[str]) -> list[Channel]:
    return [
        Channel(url, masked_url(url), hashlib.sha256(url.encode("utf-8")).hexdigest()[:16])
        for url in dict.fromkeys(urls)  # the same URL twice is one channel
    ]


def send(channel: Channel, title: str, body: str, level: Level) -> Delivery:
    """Send one message; never raises (a failure is a ``Delivery`` with the masked reason)."""
    masker = Masker([channel.url])
    try:
        with masked_logging(masker):
            return _send(channel, title, body, level, masker)
    except Exception as exc:  # a plugin's bug must not become the sync's failure
        return Delivery(channel, False, masker.mask(f"{type(exc).__name__}: {exc}"))


def service_name(channel: Channel) -> str | None:
    """The service Apprise reads ``channel`` as ("E-Mail", "Slack", "JSON"), None if none."""
    with masked_logging(Masker([channel.url])):
        notifier = _apprise()
        return str(notifier[0].service_name) if notifier.add(channel.url) else None


def unknown_url(channel: Channel) -> str:
    return (
        f"{channel.label} is not a URL Apprise can send to: check the scheme and the parts its "
        "page in Apprise's wiki asks for (github.com/caronc/apprise/wiki)"
    )


def _apprise() -> Any:
    import apprise

    # Memory-only: Apprise's persistent store would write under the user's home folder.
    asset = apprise.AppriseAsset(app_id="shopxero", app_desc="shopxero", storage_mode="memory")
    return apprise.Apprise(asset=asset)


def _send(channel: Channel, title: str, body: str, level: Level, masker: Masker) -> Delivery:
    notifier = _apprise()
    if not notifier.add(channel.url):
        return Delivery(channel, False, unknown_url(channel))
    result = notifier.notify(
        body=body, title=title, notify_type=level, timeout=SEND_TIMEOUT_SECONDS
    )
    services = ", ".join(str(service.name) for service in result) or "Apprise"
    if result:
        return Delivery(channel, True, f"accepted by {services}")
    reasons = "; ".join(dict.fromkeys(entry.message.strip() for entry in result.logs()))
    reason = reasons or f"{result.status.name.lower()} (no reason given)"
    return Delivery(channel, False, masker.mask(f"{services}: {reason}"))
