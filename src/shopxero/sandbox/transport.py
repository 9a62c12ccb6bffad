"""In-process transport for the simulators that behaves like the network on dropped connections."""

from __future__ import annotations

import httpx

from shopxero.sandbox.control import ConnectionDropped

__all__ = ["SandboxASGITransport"]


class SandboxASGITransport(httpx.ASGITransport):
    """``httpx.ASGITransport`` whose dropped connections raise what a real socket would."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from exc
