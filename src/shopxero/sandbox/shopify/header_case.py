"""Response header names in Shopify's own spelling (``X-Shopify-Shop-Api-Call-Limit``).

Over HTTP/1.1 Shopify sends its header names in mixed case, and clients look them up that way:
Shopify's official Python library (``ShopifyAPI`` 12.7) copies the response headers into a plain
dict and reads ``"X-Shopify-Shop-Api-Call-Limit"`` case-sensitively (shopify-api-notes §3).
Starlette writes every header name in lower case (the ASGI convention), so this layer, between
the simulator's routes and its control layer, spells each name as Shopify does before the
response starts. The server must then pass the names through unchanged: h11, which
``sandbox.server`` pins for uvicorn, writes a header with the case it was given, while uvicorn's
httptools protocol lower-cases every name again (tests/sandbox/shopify/test_shopify_header_case.py
reads the raw bytes off the socket).

It sits inside ``ControlMiddleware`` rather than around it because that layer drops connections
through uvicorn's own ``send`` (``control.drop_connection``), which a wrapper would hide.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["SHOPIFY_HEADER_NAMES", "ShopifyHeaderCase", "shopify_spelling"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

# Names whose spelling is not plain Title-Case-Per-Word (the API and Id parts), as Shopify's
# documentation writes them (shopify-api-notes §1, §3, §4).
SHOPIFY_HEADER_NAMES: dict[str, str] = {
    name.lower(): name
    for name in (
        "X-Shopify-Shop-Api-Call-Limit",
        "X-Shopify-API-Version",
        "X-Shopify-API-Deprecated-Reason",
        "X-Request-Id",
        "Retry-After",
        "Link",
        "Content-Type",
        "Content-Length",
    )
}


def shopify_spelling(name: str) -> str:
    """``x-shopify-api-version`` -> ``X-Shopify-API-Version``; unknown names Title-Case."""
    known = SHOPIFY_HEADER_NAMES.get(name.lower())
    if known is not None:
        return known
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


class ShopifyHeaderCase:
    """ASGI middleware: rewrite the response's header names to Shopify's spelling."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def spelled(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (shopify_spelling(bytes(k).decode("latin-1")).encode("latin-1"), v)
                    for k, v in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, spelled)
