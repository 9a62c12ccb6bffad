"""How the Xero client authenticates and reads Xero-specific failures.

``BearerAuth`` adapts a ``XeroTokenProvider`` to the shared sender: the bearer and
``xero-tenant-id`` headers, and ONE refresh after a 401 whose ``Detail`` starts with
``TokenExpired`` (xero-api-notes §7); any other 401 is not cured by a refresh and is raised.
``refine_xero_error`` adds Xero's specifics to the generic status mapping.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from shopxero.errors import ApiAuthError, ApiError, QuotaExhaustedError
from shopxero.http.xero_throttle import XeroThrottle
from shopxero.xero.elements import XeroValidationError

__all__ = ["BearerAuth", "XeroTokenProvider", "json_or_none", "refine_xero_error"]


class XeroTokenProvider(Protocol):
    """The bearer-token source: ``OAuthTokenManager`` or ``ClientCredentialsTokens``."""

    async def access_token(self) -> str: ...

    async def refresh_after_401(self, rejected: str) -> str: ...


class BearerAuth:
    """Adapts a token provider to the sender: headers, and one refresh after TokenExpired."""

    def __init__(self, tokens: XeroTokenProvider, tenant_id: str | None) -> None:
        self.tokens = tokens
        self.tenant_id = tenant_id
        self.last_token: str | None = None
        self.expired: set[str] = set()  # tokens Xero answered "TokenExpired" for
        self.used: list[str] = []

    async def headers(self) -> dict[str, str]:
        self.last_token = await self.tokens.access_token()
        self._remember(self.last_token)
        headers = {"Authorization": f"Bearer {self.last_token}"}
        if self.tenant_id is not None:
            headers["xero-tenant-id"] = self.tenant_id
        return headers

    async def on_unauthorized(self) -> bool:
        # xero-api-notes §7: only "TokenExpired" is cured by a refresh; "AuthenticationUnsuccessful"
        # (revoked, wrong client) is not, and refreshing then would only hide the real problem.
        rejected = next(iter(self.expired), None)
        if rejected is None:
            return False
        self.last_token = await self.tokens.refresh_after_401(rejected)
        self._remember(self.last_token)
        return True

    def _remember(self, token: str) -> None:
        # Earlier tokens too: an answer about an old token may quote it back.
        if token not in self.used:
            self.used.append(token)
            del self.used[:-8]

    def secrets(self) -> tuple[str, ...]:
        return tuple(self.used)


def refine_xero_error(
    error: ApiError, response: httpx.Response, *, auth: BearerAuth, throttle: XeroThrottle
) -> ApiError:
    """Xero specifics on top of the generic mapping: note TokenExpired for the one refresh,
    turn a day-limit 429 into ``QuotaExhaustedError``, keep a 400's ``Elements``."""
    body = json_or_none(response)
    if response.status_code == 401 and isinstance(error, ApiAuthError):
        detail = str(body.get("Detail") or "") if isinstance(body, dict) else ""
        if detail.startswith("TokenExpired"):
            sent = response.request.headers.get("authorization", "")
            auth.expired.add(sent.removeprefix("Bearer "))
        elif detail == "AuthenticationUnsuccessful":
            # xero-api-notes §1.6: a revoked connection (the app disconnected in Xero) refuses every
            # call with this; no refresh cures it, so say what does.
            error.message = (
                "AuthenticationUnsuccessful: Xero no longer accepts this connection (revoked or "
                "disconnected); re-run `shopxero auth xero`"
            )
    if response.status_code == 429 and (error.status == 429):
        problem = (response.headers.get("x-rate-limit-problem") or "").lower()
        if problem.startswith("day"):
            # A day-limit Retry-After can be many hours (xero-api-notes §9): stop, do not wait.
            throttle.pause(_float_or_none(response.headers.get("retry-after")), problem)
            try:
                throttle.check_day_budget()
            except QuotaExhaustedError as exc:
                exc.method, exc.path, exc.status = error.method, error.path, 429
                return exc
    if (
        response.status_code == 400
        and isinstance(body, dict)
        and isinstance(body.get("Elements"), list)
    ):
        messages = getattr(error, "messages", [])
        return XeroValidationError(
            error.message,
            elements=[e for e in body["Elements"] if isinstance(e, dict)],
            messages=messages,
            service=error.service,
            method=error.method,
            path=error.path,
            status=error.status,
            request_id=error.request_id,
            body_excerpt=error.body_excerpt,
        )
    return error


def json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


def _float_or_none(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
