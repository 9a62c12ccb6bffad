"""Shopify REST cursor pagination: reading the ``Link`` header and guarding the page loop.

A list answer links to the next page in ``Link: <...page_info=...>; rel="next"``; there is no
header when everything fit on one page. The link must be followed exactly as given: "page_info
can't be modified and must be used exactly as it appears", and a page URL may carry only
``page_info``, ``limit`` and ``fields`` (shopify-api-notes §4), so filters go on the first request
only. A server that hands back a cursor it already gave would make us loop forever;
``CursorGuard`` refuses that.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

__all__ = ["CursorGuard", "PaginationLoopError", "next_link", "page_info_of", "parse_link_header"]

# Shopify's own clients split on ", " and match <url>; rel="name" (shopify-api-notes §4).
_LINK_RE = re.compile(r'<([^<>]+)>\s*;\s*rel="?([^",;]+)"?')


def parse_link_header(value: str | None) -> dict[str, str]:
    """``{"next": url, "previous": url}`` from a ``Link`` header (absent rels left out)."""
    if not value:
        return {}
    links: dict[str, str] = {}
    for match in _LINK_RE.finditer(value):
        url, rels = match.group(1).strip(), match.group(2).strip()
        for rel in rels.split():
            links.setdefault(rel.lower(), url)
    return links


def next_link(link_header: str | None) -> str | None:
    """The ``rel="next"`` URL, verbatim, or None on the last page."""
    return parse_link_header(link_header).get("next")


def page_info_of(url: str) -> str | None:
    """The ``page_info`` cursor inside a page URL."""
    values = parse_qs(urlsplit(url).query, keep_blank_values=True).get("page_info")
    return values[0] if values else None


class PaginationLoopError(ValueError):
    """The server handed back a cursor it had already given in this listing."""


class CursorGuard:
    """Remembers every cursor of one listing; ``check`` refuses one seen before."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def check(self, url: str) -> None:
        cursor = page_info_of(url) or url
        if cursor in self._seen:
            raise PaginationLoopError(
                f"pagination loop: the next-page link repeats a cursor already followed "
                f"(page {len(self._seen) + 1})"
            )
        self._seen.add(cursor)

    @property
    def pages_followed(self) -> int:
        return len(self._seen)
