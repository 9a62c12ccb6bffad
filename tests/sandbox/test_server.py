"""Serving a simulator over real HTTP in a background thread."""

from __future__ import annotations

import errno
import socket

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from shopxero.sandbox.server import RunningServer, serve_in_thread


async def _hello(_request: object) -> PlainTextResponse:
    return PlainTextResponse("hello")


APP = Starlette(routes=[Route("/", _hello)])


def test_the_port_is_held_from_the_moment_it_is_known() -> None:
    """No window between choosing a free port and binding it for another socket to take it."""
    server = RunningServer(APP, "127.0.0.1", 0)
    try:
        with socket.socket() as other, pytest.raises(OSError) as taken:
            other.bind(("127.0.0.1", server.port))
        assert taken.value.errno == errno.EADDRINUSE
        server.start()
        assert httpx.get(f"{server.url}/", timeout=30).text == "hello"
    finally:
        server.stop()


def test_serve_in_thread_serves_on_a_port_of_its_own() -> None:
    with serve_in_thread(APP) as first, serve_in_thread(APP) as second:
        assert first.port != second.port
        assert httpx.get(f"{first.url}/", timeout=30).text == "hello"
        assert httpx.get(f"{second.url}/", timeout=30).text == "hello"
