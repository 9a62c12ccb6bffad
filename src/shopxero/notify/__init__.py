"""Notifications for a sync left to run on its own: through Apprise, to e-mail, chat and
webhooks (``SHOPXERO_NOTIFY_URLS``), once per problem, a reminder after a day, and a
"resolved" message when it clears. Secrets in the URLs are masked in everything shown or logged.
"""

from __future__ import annotations

from shopxero.notify.channels import Channel, Delivery, channels_from
from shopxero.notify.notifier import (
    channel_checks,
    notify_after_run,
    notify_doctor,
    notify_failure,
    send_test,
)

__all__ = [
    "Channel",
    "Delivery",
    "channel_checks",
    "channels_from",
    "notify_after_run",
    "notify_doctor",
    "notify_failure",
    "send_test",
]
