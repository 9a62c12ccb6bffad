"""The one exception tree of shopxero.

Classes are grouped by what the caller should do next::

    ShopxeroError
    ├── ConfigError                 fatal: settings missing or invalid (exit 2)
    ├── StoreError                  fatal: the state DB is unusable
    │   └── StateCorruptError       corrupt or foreign state DB: run `shopxero rebuild`
    ├── AuthError                   fatal: credentials rejected, token revoked (exit 2)
    │   └── ReauthorizeError        the Xero refresh token is dead: run `shopxero auth xero`
    ├── ApiError                    an HTTP exchange with Shopify or Xero failed
    │   ├── TransientApiError       retried: 5xx, network, timeouts, "Organisation is offline"
    │   │   ├── RateLimitedError    429 (carries retry_after and which limit)
    │   │   └── UnavailableError    5xx, connection errors, timeouts
    │   └── PermanentApiError       never retried
    │       ├── ApiAuthError        401 / 403 after one refresh attempt
    │       ├── NotFoundError       404
    │       ├── ValidationError     400 with the vendor's validation messages
    │       └── QuotaExhaustedError the day budget is spent; says when work can resume
    └── RecordError                 one record cannot be synced; the run goes on
        ├── MappingError            the Shopify record cannot be turned into a Xero payload
        ├── ConflictError           changed in Xero since our last write: not overwritten
        │                           (queued as "Conflict")
        └── DependencyError         waits for another record, e.g. an order for its contact

httpx exceptions never leave the API clients: they are mapped to ``UnavailableError``.

The error queue stores each failure's class as a string (``error_class``), which tests and users
read: it is the class's ``queue_name`` for the classes that have one, else its ``__name__``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

__all__ = [
    "ApiAuthError",
    "ApiError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "DependencyError",
    "MappingError",
    "NotFoundError",
    "PermanentApiError",
    "QuotaExhaustedError",
    "RateLimitedError",
    "ReauthorizeError",
    "RecordError",
    "ShopxeroError",
    "StateCorruptError",
    "StoreError",
    "TransientApiError",
    "UnavailableError",
    "ValidationError",
]


class ShopxeroError(Exception):
    """Root of every error shopxero raises on purpose."""


class ConfigError(ShopxeroError):
    """A setting is missing or invalid; the message names the setting and the fix."""


class StoreError(ShopxeroError):
    """The SQLite state cannot be read or written."""


class StateCorruptError(StoreError):
    """The state DB failed its integrity check or has a schema we do not know."""


class AuthError(ShopxeroError):
    """Credentials were rejected or cannot be refreshed."""


class ReauthorizeError(AuthError):
    """The Xero refresh token is expired, revoked or rotated away: the user must consent again."""


class ApiError(ShopxeroError):
    """An HTTP exchange with Shopify or Xero failed.

    ``body_excerpt`` is already redacted and truncated; it is safe to log and to show.
    """

    def __init__(
        self,
        message: str,
        *,
        service: str,
        method: str,
        path: str,
        status: int | None = None,
        request_id: str | None = None,
        body_excerpt: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.service = service
        self.method = method
        self.path = path
        self.status = status
        self.request_id = request_id
        self.body_excerpt = body_excerpt

    def __str__(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        rid = f" [request {self.request_id}]" if self.request_id else ""
        return f"{self.service} {self.method} {self.path}{status}: {self.message}{rid}"


class TransientApiError(ApiError):
    """Worth retrying: the same request may succeed later."""


class RateLimitedError(TransientApiError):
    """HTTP 429. ``retry_after`` is in seconds when the server said; ``problem`` names the limit."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        problem: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.problem = problem


class UnavailableError(TransientApiError):
    """5xx, a dropped connection, a timeout, or Xero's "Organisation is offline"."""


class PermanentApiError(ApiError):
    """Retrying the same request cannot help."""


class ApiAuthError(PermanentApiError):
    """401 or 403 that a token refresh did not cure."""


class NotFoundError(PermanentApiError):
    """HTTP 404."""


class ValidationError(PermanentApiError):
    """HTTP 400 with the vendor's own validation messages in ``messages``."""

    def __init__(self, message: str, *, messages: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.messages = list(messages or [])


class QuotaExhaustedError(PermanentApiError):
    """The Xero day budget is (nearly) spent. ``resume_at`` says when work can go on."""

    def __init__(self, message: str, *, resume_at: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.resume_at = resume_at


class RecordError(ShopxeroError):
    """One record cannot be synced. The run records it in the error queue and goes on."""

    def __init__(
        self, message: str, *, entity: str, source_id: str, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.entity = entity
        self.source_id = source_id
        self.field = field

    def __str__(self) -> str:
        return self.naming(self.source_id)

    def naming(self, record: str) -> str:
        """The message with the record named ``record`` (``order #1043 (5500000000043)``)."""
        where = f" field {self.field}" if self.field else ""
        return f"{self.entity} {record}{where}: {self.message}"


class MappingError(RecordError):
    """The Shopify record cannot be turned into a valid Xero payload."""


class ConflictError(RecordError):
    """The record changed in Shopify, but what Xero holds now must not be overwritten: it was
    changed there since our last write (an invoice paid, part-paid, credited, voided or deleted in
    Xero), so the update is not sent (docs/architecture.md, invariant 5). Not retried; the user
    settles it in Xero and resolves the queue entry.

    The error queue has always stored this failure as ``"Conflict"``, and users filter on that
    string, so it is kept as ``queue_name``; the class itself takes the ``Error`` suffix every
    class of this tree has. Write ``ConflictError.queue_name`` where the string is stored.
    """

    queue_name: ClassVar[str] = "Conflict"


class DependencyError(RecordError):
    """The record needs another record that is not in Xero yet, e.g. an order whose contact or
    items failed or were never synced: it is not sent without them and is retried later.

    Stored in the error queue under its class name, ``"DependencyError"`` (``queue_name`` says
    so, like ``ConflictError``'s).
    """

    queue_name: ClassVar[str] = "DependencyError"
