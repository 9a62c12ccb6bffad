"""The API-call log: one ``CallRecord`` per HTTP exchange, and the redaction that keeps it safe.

Every attempt a client makes (retries and the re-send after a token refresh included) becomes one
frozen ``CallRecord`` handed to a ``CallSink``. Nothing secret may reach a record: query strings,
bodies and headers go through ``redact_query`` / ``redact_text`` / ``redact_headers`` first, and
bodies are truncated so a record stays small (docs/architecture.md, invariant 7).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "BODY_LIMIT",
    "MASK",
    "CallRecord",
    "CallSink",
    "ListSink",
    "mask_values",
    "redact_excerpt",
    "redact_headers",
    "redact_query",
    "redact_text",
    "truncate",
]

MASK = "***"
BODY_LIMIT = 2000

# Key names (JSON keys, form fields, query parameters, header names) whose values are secrets.
# Compared lower-cased, except ``code``: Xero's JSON uses ``Code`` for account and item codes,
# which are useful in a log, while OAuth's authorization code travels as lower-case ``code``.
_SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code_verifier",
        "client_assertion",
        "assertion",
        "password",
        "token",
        "secret",
        "api_key",
        "apikey",
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-shopify-access-token",
        "subject_token",
    }
)
_CASE_SENSITIVE_SECRET_KEYS = frozenset({"code"})

_SECRET_NAMES_RE = "(?:(?i:{})|{})".format(
    "|".join(re.escape(k) for k in sorted(_SECRET_KEYS, key=len, reverse=True)),
    "|".join(re.escape(k) for k in sorted(_CASE_SENSITIVE_SECRET_KEYS)),
)
# Patterns for secrets in free text, where no structure tells us which value is which.
_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Authorization: Bearer xyz" / "Basic xyz"
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + MASK),
    # Shopify admin tokens: shpat_ (app), shpca_ (custom), shppa_ (private), shpss_ (secret);
    # shopify-api-notes §2a.
    (re.compile(r"\bshp(?:at|ca|pa|ss|ua)_[A-Za-z0-9]+"), MASK),
    # JWTs (Xero access and id tokens are JWTs).
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), MASK),
    # "access_token": "..." (or a number) in JSON, at any depth, even in truncated JSON.
    (
        re.compile(rf'("{_SECRET_NAMES_RE}"\s*:\s*)(?:"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)'),
        r'\1"' + MASK + '"',
    ),
    # access_token=... in form bodies, URLs and prose.
    (re.compile(rf"\b({_SECRET_NAMES_RE}=)[^&\s\"']+"), r"\1" + MASK),
)


def _is_secret_key(key: str) -> bool:
    return key.lower() in _SECRET_KEYS or key in _CASE_SENSITIVE_SECRET_KEYS


@dataclass(frozen=True)
class CallRecord:
    """One HTTP exchange with Shopify or Xero, safe to store and to show.

    ``status`` is None when no answer came (timeout, dropped connection). ``attempt`` counts the
    exchanges made for one logical call, from 1. ``rate_limit`` holds the rate-limit headers the
    answer carried (``X-Shopify-Shop-Api-Call-Limit``, ``X-*Limit-Remaining``, ``Retry-After``,
    ``X-Rate-Limit-Problem``). ``expected`` marks an error status the caller asked for: the 404
    of a look-up, which answers "not there" and is no failure.
    """

    time: datetime
    service: str
    method: str
    path: str
    query: str
    status: int | None
    duration_ms: float
    attempt: int
    request_id: str | None = None
    rate_limit: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    response_body: str | None = None
    error: str | None = None
    expected: bool = False


CallSink = Callable[[CallRecord], None]


class ListSink:
    """A ``CallSink`` that keeps every record in a list (tests, ``--verbose`` summaries)."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    def __call__(self, record: CallRecord) -> None:
        self.records.append(record)


def mask_values(value: Any) -> Any:
    """``value`` (parsed JSON) with every secret-named key's value replaced by ``***``."""
    if isinstance(value, dict):
        return {k: (MASK if _is_secret_key(str(k)) else mask_values(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_values(v) for v in value]
    return value


def truncate(text: str, limit: int = BODY_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...[{len(text) - limit} more chars]"


def _mask_known(text: str, secrets: Iterable[str]) -> str:
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact_query(query: str, secrets: Iterable[str] = ()) -> str:
    """A URL query string with secret-named parameters masked (otherwise byte for byte)."""
    return redact_text(query, secrets) if query else ""


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` (a JSON body, a form body, a URL or prose) with secrets masked.

    Works on the text itself, never by parsing and re-dumping: a logged JSON body keeps its exact
    numbers (``10.10`` stays ``10.10``), and truncated JSON is handled the same way. Masked are
    secret-named JSON keys and ``key=value`` pairs, bearer tokens, ``shpat_`` tokens and JWTs, and
    finally every value in ``secrets`` (the credentials the caller knows it holds), anywhere.
    """
    if not text:
        return text
    result = text
    for pattern, replacement in _TEXT_PATTERNS:
        result = pattern.sub(replacement, result)
    return _mask_known(result, secrets)


# Redacting a 1 MB page of orders to keep 2,000 characters of it would parse and re-dump the
# whole body on every call. Past this margin beyond the limit only the head is redacted: long
# enough that a secret starting inside the kept part (a JWT is ~1-2k chars) is masked whole.
_EXCERPT_MARGIN = 8000


def redact_excerpt(text: str, secrets: Iterable[str] = (), limit: int = BODY_LIMIT) -> str:
    """``redact_text`` then ``truncate``, without redacting what the cut throws away."""
    if len(text) <= limit + _EXCERPT_MARGIN:
        return truncate(redact_text(text, secrets), limit)
    head = redact_text(text[: limit + _EXCERPT_MARGIN], secrets)
    return f"{head[:limit]}...[{len(text) - limit} more chars]"


def redact_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]], secrets: Iterable[str] = ()
) -> dict[str, str]:
    """Headers as a plain dict (lower-case names), secret ones masked."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    secrets = tuple(secrets)
    for name, value in items:
        key = name.lower()
        if _is_secret_key(key) or "token" in key or "secret" in key:
            out[key] = MASK
        else:
            out[key] = redact_text(value, secrets)
    return out
