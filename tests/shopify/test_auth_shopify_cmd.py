"""``shopxero auth shopify`` over real HTTP against the Shopify simulator (typer's CliRunner)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import (
    SHOPIFY_ACCESS_TOKEN,
    SHOPIFY_CLIENT_ID,
    SHOPIFY_CLIENT_SECRET,
    shopify_credentials,
)
from shopxero.sandbox.server import RunningServer, serve_in_thread
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.shopify.auth import ShopifyCredentials

_register_commands()


@pytest.fixture(scope="module")
def shop_server() -> Iterator[RunningServer]:
    sandbox = create_shopify_app(
        load_seed("demo")["shopify"], clock=SandboxClock(), credentials=shopify_credentials()
    )
    with serve_in_thread(sandbox) as server:
        yield server


@pytest.fixture(scope="module")
def limited_server() -> Iterator[RunningServer]:
    """An app installed without read_all_orders."""
    base = shopify_credentials()
    limited = ShopifyCredentials(
        base.access_token,
        base.client_id,
        base.client_secret,
        ("read_customers", "read_products", "read_orders"),
    )
    sandbox = create_shopify_app(
        load_seed("demo")["shopify"], clock=SandboxClock(), credentials=limited
    )
    with serve_in_thread(sandbox) as server:
        yield server


def _run(env: dict[str, str]):
    return CliRunner().invoke(app, ["auth", "shopify"], env=env)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_static_token_prints_shop_version_and_scopes(shop_server) -> None:
    result = _run(
        {
            "SHOPXERO_SHOPIFY_BASE_URL": shop_server.url,
            "SHOPXERO_SHOPIFY_ACCESS_TOKEN": SHOPIFY_ACCESS_TOKEN,
        }
    )
    assert result.exit_code == 0, result.output
    assert "Shopify shop: Demo Tea Shop" in result.output
    assert "API version: 2026-10" in result.output
    assert "Scopes: read_all_orders read_customers read_orders read_products" in result.output
    assert "static admin token" in result.output
    assert "warning" not in result.output
    assert SHOPIFY_ACCESS_TOKEN not in result.output


def test_client_credentials_work_too(shop_server) -> None:
    result = _run(
        {
            "SHOPXERO_SHOPIFY_BASE_URL": shop_server.url,
            "SHOPXERO_SHOPIFY_CLIENT_ID": SHOPIFY_CLIENT_ID,
            "SHOPXERO_SHOPIFY_CLIENT_SECRET": SHOPIFY_CLIENT_SECRET,
        }
    )
    assert result.exit_code == 0, result.output
    assert "client credentials" in result.output
    assert "read_all_orders" in result.output
    assert SHOPIFY_CLIENT_SECRET not in result.output


def test_missing_read_all_orders_is_warned_about(limited_server) -> None:
    result = _run(
        {
            "SHOPXERO_SHOPIFY_BASE_URL": limited_server.url,
            "SHOPXERO_SHOPIFY_ACCESS_TOKEN": SHOPIFY_ACCESS_TOKEN,
        }
    )
    assert result.exit_code == 0, result.output
    assert "warning: read_all_orders is not granted" in result.output
    assert "60 days" in result.output


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"SHOPXERO_SHOPIFY_ACCESS_TOKEN": "shpat_wrong_token_00000000000000000"}, "401"),
        (
            {
                "SHOPXERO_SHOPIFY_CLIENT_ID": SHOPIFY_CLIENT_ID,
                "SHOPXERO_SHOPIFY_CLIENT_SECRET": "not-the-secret-123",
            },
            "Client authentication failed",
        ),
        ({}, "no Shopify credentials"),
    ],
    ids=["bad-token", "bad-client-secret", "no-credentials"],
)
def test_bad_credentials_exit_2_with_one_line(shop_server, env, reason) -> None:
    result = _run({"SHOPXERO_SHOPIFY_BASE_URL": shop_server.url, **env})
    assert result.exit_code == 2, result.output
    lines = _lines(result.output)
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and reason in lines[0]
    for value in env.values():
        if value != SHOPIFY_CLIENT_ID:
            assert value not in result.output


def test_an_unreachable_shop_exits_2() -> None:
    # A port bound but not listening refuses connections, and no other socket can take it
    # meanwhile (a port that was free a moment ago could be listened on by then).
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        result = _run(
            {
                "SHOPXERO_SHOPIFY_BASE_URL": f"http://127.0.0.1:{closed.getsockname()[1]}",
                "SHOPXERO_SHOPIFY_ACCESS_TOKEN": SHOPIFY_ACCESS_TOKEN,
            }
        )
    assert result.exit_code == 2
    assert len(_lines(result.output)) == 1 and "connection failed" in result.output


def test_on_the_graphql_path_it_asks_graphql_only() -> None:
    # SHOPXERO_SHOPIFY_API=graphql: the shop, the scopes (currentAppInstallation) and the
    # version served come from GraphQL answers, with no REST call (issue 14).
    sandbox = create_shopify_app(
        load_seed("demo")["shopify"], clock=SandboxClock(), credentials=shopify_credentials()
    )
    with serve_in_thread(sandbox) as server:
        env = {"SHOPXERO_SHOPIFY_BASE_URL": server.url, "SHOPXERO_SHOPIFY_API": "graphql"}
        result = _run(
            {
                **env,
                "SHOPXERO_SHOPIFY_CLIENT_ID": SHOPIFY_CLIENT_ID,
                "SHOPXERO_SHOPIFY_CLIENT_SECRET": SHOPIFY_CLIENT_SECRET,
            }
        )
        paths = {e["path"] for e in sandbox.log.entries()}
        sandbox.log.clear()
        old = _run(
            {
                **env,
                "SHOPXERO_SHOPIFY_ACCESS_TOKEN": SHOPIFY_ACCESS_TOKEN,
                "SHOPXERO_SHOPIFY_API_VERSION": "2024-01",
            }
        )
        old_paths = {e["path"] for e in sandbox.log.entries()}
        sandbox.log.clear()
        refused = _run({**env, "SHOPXERO_SHOPIFY_ACCESS_TOKEN": "shpat_wrong_token_0000000000"})
    assert result.exit_code == 0, result.output
    assert "Shopify shop: Demo Tea Shop" in result.output
    assert "API version: 2026-10" in result.output and "warning" not in result.output
    assert "read_all_orders" in result.output and "client credentials" in result.output
    assert paths == {"/admin/oauth/access_token", "/admin/api/2026-10/graphql.json"}
    # An unsupported pinned version falls forward, and the GraphQL answer says so.
    assert old.exit_code == 0, old.output
    assert "Shopify answered with API version 2025-10, not the pinned 2024-01" in old.output
    assert old_paths == {"/admin/api/2024-01/graphql.json"}
    assert refused.exit_code == 2 and _lines(refused.output)[0].startswith("error: ")
    assert "401" in refused.output and "shpat_wrong_token" not in refused.output
