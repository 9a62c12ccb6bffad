"""Output: every command that prints data has ``--json``; the exceptions are named with why."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import SHOPIFY_ACCESS_TOKEN, shopify_credentials
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.shopify.app import create_shopify_app

# Commands that act rather than report: their output is progress for a person, and what they
# produce is reachable as JSON elsewhere (sync --json, status --json, auth status --json).
ACTIONS = {
    "sandbox": "serves the simulators until stopped",
    "demo": "a walk-through for people; `sync --json` is the scripted form",
    "schedule": "a long-running loop; each run is in `status --json` and `report --json`",
    "init": "asks questions and writes the env file",
    "auth xero": "runs the consent flow; `auth status --json` reports the result",
    "auth import-token": "copies a token file in; `auth status --json` reports the result",
}


def _leaf_commands() -> dict[str, list[str]]:
    _register_commands()
    found: dict[str, list[str]] = {}

    def walk(group: object, prefix: str) -> None:
        for name, sub in group.commands.items():  # type: ignore[attr-defined]
            if hasattr(sub, "commands"):
                walk(sub, f"{prefix}{name} ")
            else:
                found[prefix + name] = [o for p in sub.params for o in getattr(p, "opts", [])]

    walk(typer.main.get_command(app), "")
    return found


def test_every_reporting_command_has_json() -> None:
    commands = _leaf_commands()
    missing = sorted(n for n, opts in commands.items() if "--json" not in opts)
    assert missing == sorted(ACTIONS), missing
    for required in ("sync", "status", "errors list", "doctor", "log", "report", "auth status"):
        assert "--json" in commands[required]


def test_auth_shopify_json() -> None:
    sandbox = create_shopify_app(
        load_seed("demo")["shopify"], clock=SandboxClock(), credentials=shopify_credentials()
    )
    with serve_in_thread(sandbox) as server:
        result = CliRunner().invoke(
            app,
            ["auth", "shopify", "--json"],
            env={
                "SHOPXERO_SHOPIFY_BASE_URL": server.url,
                "SHOPXERO_SHOPIFY_ACCESS_TOKEN": SHOPIFY_ACCESS_TOKEN,
            },
        )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["shop_name"] == "Demo Tea Shop"
    assert report["served_api_version"] == report["api_version"] == "2026-10"
    assert "read_all_orders" in report["scopes"] and report["warnings"] == []
    assert SHOPIFY_ACCESS_TOKEN not in result.stdout
