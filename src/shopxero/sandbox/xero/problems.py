"""The error bodies Xero's API gateway sends (RFC 7807 style), in one place.

401 and 403 shapes are recorded from the live API [xero-api-notes §7]:
``{"Type": null, "Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired: token expired
at 01/01/2001 00:00:00", "Instance": "…", "Extensions": {}}``. Xero does not publish the bodies of
its 429 and idempotency 400s; we use the same gateway shape for them (UNCONFIRMED, see
xero-api-notes §2, §3), with the documented message texts. The 500 body follows xero-api-notes §7
(I-node466).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "JSON_TYPE",
    "Problem",
    "authentication_unsuccessful",
    "authorization_unsuccessful",
    "bad_request",
    "forbidden",
    "server_error",
    "token_expired",
    "too_many_requests",
]

JSON_TYPE = "application/json; charset=utf-8"


class Problem:
    """A status and a JSON body, plus extra headers (e.g. rate-limit ones)."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def encode(self) -> bytes:
        return json.dumps(self.body).encode()


def _gateway(status: int, title: str, detail: str) -> dict[str, Any]:
    return {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }


def authentication_unsuccessful() -> Problem:
    """Unknown, garbage, revoked or missing bearer token."""
    return Problem(401, _gateway(401, "Unauthorized", "AuthenticationUnsuccessful"))


def token_expired(expired_at: float) -> Problem:
    when = datetime.fromtimestamp(expired_at, UTC).strftime("%m/%d/%Y %H:%M:%S")
    return Problem(401, _gateway(401, "Unauthorized", f"TokenExpired: token expired at {when}"))


def authorization_unsuccessful() -> Problem:
    """A valid token without the scope the endpoint needs [xero-api-notes §7: often
    scope/consent]."""
    return Problem(401, _gateway(401, "Unauthorized", "AuthorizationUnsuccessful"))


def forbidden() -> Problem:
    """Missing, unknown or disconnected ``xero-tenant-id`` [xero-api-notes §1.5, §7]."""
    return Problem(403, _gateway(403, "Forbidden", "AuthenticationUnsuccessful"))


def too_many_requests(problem: str, headers: dict[str, str]) -> Problem:
    return Problem(
        429,
        _gateway(429, "Too Many Requests", f"Rate limit exceeded: {problem}"),
        headers,
    )


def bad_request(detail: str) -> Problem:
    return Problem(400, _gateway(400, "Bad Request", detail))


def server_error() -> Problem:
    return Problem(
        500,
        {
            "Title": "An error occurred",
            "Detail": "An error occurred in Xero. Check the API Status page "
            "http://status.developer.xero.com for current service status.",
            "Status": 500,
            "Instance": str(uuid.uuid4()),
        },
    )
