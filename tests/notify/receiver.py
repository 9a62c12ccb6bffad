"""A notification receiver on localhost: what Apprise's ``json://`` plugin POSTs, kept in order.

Apprise sends synchronously (its ``notify`` returns after the HTTP answer), and the handler
keeps the message before it answers, so once a shopxero command has returned, everything it
sent is here: no waiting, no sleeping. ``Receiver.down()`` binds the port without listening
(connections are refused at once) and ``up()`` starts listening on that same port later, so a
test can check that a message refused once is sent again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET_USER = "hookuser-9f2c"
SECRET_PASSWORD = "S3cr3t-Passw0rd-7731"
SECRET_TOKEN = "TOPSECRET-webhook-token-5a9e41"
SECRETS = (SECRET_USER, SECRET_PASSWORD, SECRET_TOKEN)


@dataclass
class Received:
    path: str
    authorization: str | None
    body: dict[str, Any]

    @property
    def title(self) -> str:
        return str(self.body["title"])

    @property
    def message(self) -> str:
        return str(self.body["message"])

    @property
    def type(self) -> str:
        return str(self.body["type"])


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    messages: list[Received] = field(default_factory=list)
    thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        """An Apprise URL with a user, a password and a path token: all three are secrets."""
        return f"json://{SECRET_USER}:{SECRET_PASSWORD}@127.0.0.1:{self.port}/hooks/{SECRET_TOKEN}"

    def up(self) -> None:
        self.server.server_activate()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def take(self) -> list[Received]:
        """The messages received since the last call."""
        taken, self.messages[:] = list(self.messages), []
        return taken


def _handler(receiver: list[Receiver]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            receiver[0].messages.append(
                Received(self.path, self.headers.get("Authorization"), body)
            )
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def receiver(*, listening: bool = True) -> Iterator[Receiver]:
    holder: list[Receiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder), bind_and_activate=False)
    server.server_bind()  # the port is ours from here; refused until up()
    holder.append(Receiver(server))
    if listening:
        holder[0].up()
    try:
        yield holder[0]
    finally:
        if holder[0].thread is not None:
            server.shutdown()
        server.server_close()
