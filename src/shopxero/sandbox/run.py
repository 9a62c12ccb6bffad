"""Start both simulators together over real HTTP, seeded from one seed, and say how to reach them.

``start_sandboxes`` serves the Shopify and Xero simulators on localhost (free ports unless given)
in background threads, sharing one ``SandboxClock``. ``RunningSandboxes.env()`` gives the
settings (``config.Settings`` names, ``SHOPXERO_`` prefix) that point the tool at them, with the
credentials the sandboxes accept (``seeds.credentials``) and Xero in Custom Connection mode, so
nothing needs a browser. ``shopxero sandbox`` and ``shopxero demo`` use it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import credentials, load_seed
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.sandbox.xero.app import XeroSandbox, create_xero_app

__all__ = ["RunningSandboxes", "ShopifyAuth", "XeroApp", "start_sandboxes"]

ShopifyAuth = Literal["client_credentials", "access_token"]
XeroApp = Literal["custom_connection", "web"]


@dataclass
class RunningSandboxes:
    """Both simulators, serving; the URLs have no trailing slash."""

    shopify_url: str
    xero_url: str
    shopify: ShopifySandbox
    xero: XeroSandbox
    shop_domain: str

    @property
    def tenant_id(self) -> str:
        return self.xero.tenant_id

    def env(
        self,
        *,
        shopify_auth: ShopifyAuth = "client_credentials",
        xero_app: XeroApp = "custom_connection",
    ) -> dict[str, str]:
        """Settings that point shopxero at these sandboxes.

        ``shopify_auth``: the Dev Dashboard client credentials grant (default; the path new
        installs use, shopify-api-notes §2b) or the legacy static ``shpat_`` token (§2a). Only one
        is written, since the tool prefers a static token when both are set.
        ``xero_app``: a Custom Connection (default: no browser needed) or the web app, whose
        consent page (``shopxero auth xero``) the Xero sandbox serves.
        """
        web = xero_app == "web"
        env = {
            "SHOPXERO_SHOPIFY_SHOP": self.shop_domain,
            "SHOPXERO_SHOPIFY_BASE_URL": self.shopify_url,
            "SHOPXERO_XERO_MODE": xero_app,
            "SHOPXERO_XERO_CLIENT_ID": (
                credentials.XERO_WEB_CLIENT_ID if web else credentials.XERO_CC_CLIENT_ID
            ),
            "SHOPXERO_XERO_CLIENT_SECRET": (
                credentials.XERO_WEB_CLIENT_SECRET if web else credentials.XERO_CC_CLIENT_SECRET
            ),
            "SHOPXERO_XERO_API_BASE_URL": f"{self.xero_url}/api.xro/2.0",
            "SHOPXERO_XERO_CONNECTIONS_URL": f"{self.xero_url}/connections",
            "SHOPXERO_XERO_IDENTITY_BASE_URL": self.xero_url,
            "SHOPXERO_XERO_LOGIN_BASE_URL": self.xero_url,
            "SHOPXERO_XERO_TENANT_ID": self.tenant_id,
        }
        if shopify_auth == "access_token":
            env["SHOPXERO_SHOPIFY_ACCESS_TOKEN"] = credentials.SHOPIFY_ACCESS_TOKEN
        else:
            env["SHOPXERO_SHOPIFY_CLIENT_ID"] = credentials.SHOPIFY_CLIENT_ID
            env["SHOPXERO_SHOPIFY_CLIENT_SECRET"] = credentials.SHOPIFY_CLIENT_SECRET
        return env


def _ensure_free(host: str, port: int, what: str) -> None:
    """Fail before starting anything when ``port`` is taken (uvicorn would die in its thread)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise OSError(f"{what} port {host}:{port} is not free ({exc.strerror})") from exc


@contextmanager
def start_sandboxes(
    seed: str | dict[str, Any] = "demo",
    *,
    shopify_port: int = 0,
    xero_port: int = 0,
    host: str = "127.0.0.1",
    clock: SandboxClock | None = None,
    now: datetime | None = None,
    shopify_options: dict[str, Any] | None = None,
    **xero_options: Any,
) -> Iterator[RunningSandboxes]:
    """Serve both simulators for the duration of the block.

    ``seed``: a name or file for ``load_seed``, or a seed dict (completed with defaults).
    ``xero_options`` go to ``create_xero_app`` (``day_limit``, ``minute_limit`` ...),
    ``shopify_options`` to ``create_shopify_app`` (``bucket_size``, ``credentials`` with other
    scopes ...). Port 0 = a free port.
    """
    _ensure_free(host, shopify_port, "Shopify")
    _ensure_free(host, xero_port, "Xero")
    clock = clock or SandboxClock()
    data = load_seed(seed, now=now or clock.now())
    options = {"credentials": credentials.shopify_credentials(), **(shopify_options or {})}
    shopify = create_shopify_app(data["shopify"], clock=clock, **options)
    xero = create_xero_app(
        data["xero"], clock=clock, credentials=credentials.xero_credentials(), **xero_options
    )
    shop = data["shopify"]["shop"]
    domain = str(shop.get("myshopify_domain") or shop.get("domain") or "sandbox.myshopify.com")
    with ExitStack() as stack:
        shopify_server = stack.enter_context(serve_in_thread(shopify, host, shopify_port))
        xero_server = stack.enter_context(serve_in_thread(xero, host, xero_port))
        yield RunningSandboxes(
            shopify_url=shopify_server.url,
            xero_url=xero_server.url,
            shopify=shopify,
            xero=xero,
            shop_domain=domain,
        )
