"""Serve a simulator over real HTTP with uvicorn, in a background thread or in the foreground.

Tests that need real sockets (timeouts, dropped connections, subprocess CLI runs) and
``shopxero demo`` use ``serve_in_thread``; ``shopxero sandbox`` serves in the foreground.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

__all__ = ["RunningServer", "free_port", "serve_in_thread"]


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _bound_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (the OS picks the port when 0), for uvicorn to serve on.

    Bound here, before the server thread starts, the port is ours from the moment we know its
    number. Picking a free port and letting uvicorn bind it later raced every other socket on
    the machine for it (anything opening a connection takes ports from the same range).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class _QuietServer(uvicorn.Server):
    # Signal handlers belong to the main thread's owner (the CLI or pytest), not to us.
    def install_signal_handlers(self) -> None:
        return None


class RunningServer:
    """A uvicorn server running in a daemon thread; ``url`` is its base URL."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        self._socket = _bound_socket(host, port)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        # h11, not httptools: h11 writes header names with the case the app gives them, so the
        # Shopify simulator's X-Shopify-Shop-Api-Call-Limit reaches case-sensitive clients as
        # Shopify spells it (sandbox/shopify/header_case.py); httptools lower-cases every name.
        config = uvicorn.Config(
            app,
            host=host,
            port=self.port,
            http="h11",
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self._server = _QuietServer(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"sandbox:{self.port}",
            daemon=True,
        )

    def start(self, timeout: float = 60.0) -> RunningServer:
        """Start serving; ``timeout`` only bounds a start-up that is slow on a busy machine."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"sandbox server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        if not self._thread.is_alive():  # else uvicorn closes it when it has finished
            self._socket.close()


@contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningServer]:
    """Serve ``app`` on ``host:port`` (a free port when 0) for the duration of the block."""
    server = RunningServer(app, host, port).start()
    try:
        yield server
    finally:
        server.stop()
