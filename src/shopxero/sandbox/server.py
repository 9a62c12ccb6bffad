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


class _QuietServer(uvicorn.Server):
    # Signal handlers belong to the main thread's owner (the CLI or pytest), not to us.
    def install_signal_handlers(self) -> None:
        return None


class RunningServer:
    """A uvicorn server running in a daemon thread; ``url`` is its base URL."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", access_log=False, lifespan="off"
        )
        self._server = _QuietServer(config)
        self._thread = threading.Thread(
            target=self._server.run, name=f"sandbox:{port}", daemon=True
        )

    def start(self, timeout: float = 10.0) -> RunningServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"sandbox server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningServer]:
    """Serve ``app`` on ``host:port`` (a free port when 0) for the duration of the block."""
    server = RunningServer(app, host, port or free_port(host)).start()
    try:
        yield server
    finally:
        server.stop()
