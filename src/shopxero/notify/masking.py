"""Notification URLs shown without their secrets, and every log line cleaned of them.

An Apprise URL carries its credentials in any part: the password (``mailto://user:pw@...``),
the "host" (``slack://TOKEN_A/TOKEN_B/TOKEN_C``, ``discord://WEBHOOK_ID/TOKEN``), the path
(``json://host/hooks/TOKEN``) or the query (``?token=...``). Apprise's own privacy mode masks
passwords but not path tokens (its JSON plugin logs ``POST URL: http://host/hooks/TOKEN`` at
DEBUG). So shopxero keeps only the scheme and a real host name (one with a dot, or
``localhost``) and masks the rest, and while Apprise runs, every log record created in the
process has each secret part of every configured URL replaced (``masked_logging``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

__all__ = ["MASK", "Masker", "masked_logging", "masked_url", "secret_parts"]

MASK = "****"
# Parts shorter than this are not credentials worth the name, and masking them would mangle
# ordinary words in log lines (a path segment "v1", a user "me").
_MIN_SECRET = 4


def _split(url: str) -> tuple[str, str, str, str | None, str, list[str], list[str]]:
    """scheme, userinfo, host, port, path, path segments, query values (all as written)."""
    scheme, _, rest = url.partition("://")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, tail = rest[:end], rest[end:]
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        userinfo, hostport = "", netloc
    bracket = hostport.find("]") + 1 if hostport.startswith("[") else 0  # an IPv6 literal
    host, colon, port = hostport[:bracket] or hostport.partition(":")[0], "", ""
    if ":" in hostport[bracket:]:
        host, colon, port = hostport[: hostport.index(":", bracket)], ":", hostport.split(":")[-1]
    parts = urlsplit("x://h" + tail)
    segments = [s for s in parts.path.split("/") if s]
    values = [v for _, v in parse_qsl(parts.query, keep_blank_values=False)]
    if parts.fragment:
        values.append(parts.fragment)
    return scheme, userinfo, host, port if colon else None, parts.path, segments, values


def _real_host(host: str) -> bool:
    """A host name (mail.example.com, 127.0.0.1, localhost), not a token in the host's place."""
    return "." in host or host.lower() == "localhost" or host.startswith("[")


def masked_url(url: str) -> str:
    """``json://****@127.0.0.1:8080/****``: what a person may see of a notification URL."""
    scheme, userinfo, host, port, path, _, values = _split(url)
    shown = f"{scheme}://"
    if userinfo:
        shown += f"{MASK}@"
    shown += host if _real_host(host) else MASK
    if port is not None:
        shown += f":{port}"
    if path.strip("/"):
        shown += f"/{MASK}"
    if values:
        shown += f"?{MASK}"
    return shown


def secret_parts(url: str) -> set[str]:
    """Every part of ``url`` that ``masked_url`` hides, as written and percent-decoded/encoded."""
    _, userinfo, host, _, _, segments, values = _split(url)
    raw: set[str] = set()
    if userinfo:
        user, _, password = userinfo.partition(":")
        raw |= {user, password, userinfo}
    if not _real_host(host):
        raw.add(host)
    raw |= set(segments) | set(values)
    found: set[str] = set()
    for part in raw:
        for form in (part, unquote(part), quote(unquote(part), safe="")):
            if len(form) >= _MIN_SECRET:
                found.add(form)
    return found


class Masker:
    """Replaces every secret part of the given URLs in a text (longest first)."""

    def __init__(self, urls: Iterable[str]) -> None:
        parts: set[str] = set()
        for url in urls:
            parts |= secret_parts(url)
        self._parts = sorted(parts, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for part in self._parts:
            if part in text:
                text = text.replace(part, MASK)
        return text


@contextmanager
def masked_logging(masker: Masker) -> Iterator[None]:
    """While it is open, every log record made in this process (Apprise's, urllib3's, ours, in
    any thread) has its message masked as it is created, before any handler or filter sees it."""
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            text = record.getMessage()
        except Exception:  # a malformed log call: leave it as logging would
            return record
        masked = masker.mask(text)
        if masked != text:
            record.msg, record.args = masked, None
        return record

    logging.setLogRecordFactory(factory)
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)
