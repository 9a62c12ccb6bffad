"""HTTP answers and httpx exceptions -> shopxero's error tree (``shopxero.errors``).

The one place that decides what a status means: 429 is rate limited (with ``Retry-After``), 5xx
and Xero's plain-text 503 "Organisation is offline" are transient, 401/403 auth, 404 not found,
400/422 validation (with the vendor's own messages), a redirect or any other 4xx permanent.
Bodies may be JSON, plain text or XML (xero-api-notes §7: "check status before parsing"), so
parsing never raises.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Iterable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from shopxero.errors import (
    ApiAuthError,
    ApiError,
    NotFoundError,
    PermanentApiError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from shopxero.http.calllog import redact_excerpt, redact_text, truncate

__all__ = [
    "EXCERPT_LIMIT",
    "error_from_exception",
    "error_from_response",
    "parse_retry_after",
    "request_id_of",
    "validation_messages",
    "xml_messages",
]

EXCERPT_LIMIT = 500

# Shopify answers with X-Request-Id; Xero with Xero-Correlation-Id (xero-api-notes §7).
_REQUEST_ID_HEADERS = ("x-request-id", "xero-correlation-id", "request-id")


def request_id_of(headers: httpx.Headers) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value: str | None = headers.get(name)
        if value:
            return value
    return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds (``"2.0"``) or an HTTP date.

    Shopify sends fractional seconds (shopify-api-notes §3); RFC 9110 also allows a date.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _parse_json(text: str) -> Any:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


def _shopify_messages(errors: Any) -> list[str]:
    # Shopify's "errors" is a string, a list of strings, or {field: [messages]}.
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, list):
        return [str(e) for e in errors]
    if isinstance(errors, dict):
        out: list[str] = []
        for key, value in errors.items():
            items = value if isinstance(value, list) else [value]
            out.extend(f"{key}: {item}" if key != "base" else str(item) for item in items)
        return out
    return []


def _xero_messages(body: dict[str, Any]) -> list[str]:
    # Xero 400: {"Elements": [{"ValidationErrors": [{"Message": ...}]}]} (xero-api-notes §7).
    out: list[str] = []
    for element in body.get("Elements") or []:
        if isinstance(element, dict):
            for problem in element.get("ValidationErrors") or []:
                if isinstance(problem, dict) and problem.get("Message"):
                    out.append(str(problem["Message"]))
    return out


_XML_VALIDATION = re.compile(r"<ValidationError>\s*<Message>(.*?)</Message>", re.DOTALL)
_XML_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.DOTALL)


def xml_messages(text: str) -> list[str]:
    """Xero's messages from an XML error body (sent when Accept is not JSON, xero-api-notes §7):
    each ``ValidationError``'s message, else the exception's own ``Message``."""
    if not text.lstrip().startswith("<"):
        return []
    found = _XML_VALIDATION.findall(text) or _XML_MESSAGE.findall(text)[:1]
    return [html.unescape(" ".join(m.split())) for m in found if m.strip()]


def validation_messages(body: Any) -> list[str]:
    """The vendor's own messages from a parsed error body, most specific first."""
    if not isinstance(body, dict):
        return []
    messages = _xero_messages(body)
    if not messages and "errors" in body:
        messages = _shopify_messages(body["errors"])
    if not messages:
        # OAuth token endpoints: {"error": "invalid_client", "error_description": "..."};
        # Xero problem+json: {"Title": ..., "Detail": ...}; Xero 400: {"Message": ...}.
        for key in ("error_description", "Detail", "detail", "Message", "message", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                messages.append(value)
                break
    return messages


def _summary(status: int, messages: Iterable[str], text: str, reason: str) -> str:
    found = [m for m in messages if m]
    if found:
        head = "; ".join(found[:3])
        more = f" (+{len(found) - 3} more)" if len(found) > 3 else ""
        return truncate(head, 300) + more
    plain = " ".join(text.split())
    if plain and not plain.startswith("<"):
        return truncate(plain, 200)
    return reason or f"HTTP {status}"


def error_from_response(
    service: str,
    method: str,
    path: str,
    response: httpx.Response,
    *,
    now: float | None = None,
    secrets: Iterable[str] = (),
) -> ApiError:
    """The error for a non-2xx answer. ``now`` (epoch seconds) resolves a ``Retry-After`` date."""
    status = response.status_code
    secrets = tuple(secrets)
    try:
        text = response.text
    except (httpx.HTTPError, UnicodeDecodeError, LookupError):
        text = ""
    safe_text = redact_excerpt(text, secrets, limit=EXCERPT_LIMIT)
    body = _parse_json(text)
    found = validation_messages(body) if body is not None else xml_messages(text)
    messages = [redact_text(m, secrets) for m in found]
    common: dict[str, Any] = {
        "service": service,
        "method": method,
        "path": path,
        "status": status,
        "request_id": request_id_of(response.headers),
        "body_excerpt": safe_text,
    }
    message = _summary(status, messages, safe_text, response.reason_phrase)
    if status == 429:
        return RateLimitedError(
            message if messages else "rate limited",
            retry_after=parse_retry_after(response.headers.get("retry-after"), now=now),
            problem=response.headers.get("x-rate-limit-problem"),
            **common,
        )
    if 300 <= status < 400:
        location = redact_text(response.headers.get("location") or "(no Location)", secrets)
        return PermanentApiError(
            f"redirected to {truncate(location, 200)}; not followed (credentials would go "
            "along): check the configured base URL or shop domain",
            **common,
        )
    if status >= 500 or status == 408:
        return UnavailableError(message, **common)
    if status in (401, 403):
        return ApiAuthError(message, **common)
    if status == 404:
        return NotFoundError(message, **common)
    if status in (400, 422):
        return ValidationError(message, messages=messages, **common)
    return PermanentApiError(message, **common)


def error_from_exception(
    service: str,
    method: str,
    path: str,
    exc: Exception,
    *,
    secrets: Iterable[str] = (),
    host: str | None = None,
) -> ApiError:
    """The error for an httpx exception: network trouble is transient, the rest permanent.
    ``host`` (``my-shop.myshopify.com``) is named, so the reader knows which address failed."""
    kind = type(exc).__name__
    detail = redact_text(str(exc), secrets) if str(exc) else ""
    text = f"{kind}: {detail}" if detail else kind
    common: dict[str, Any] = {"service": service, "method": method, "path": path}
    where = f" {host}" if host else ""
    if isinstance(exc, httpx.TimeoutException):
        return UnavailableError(f"timed out waiting for{where or ' the server'} ({text})", **common)
    if isinstance(exc, httpx.TransportError):
        return UnavailableError(f"connection failed{where and ':' + where} ({text})", **common)
    return PermanentApiError(f"request failed ({text})", **common)
