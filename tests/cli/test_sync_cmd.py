"""`shopxero sync` and `errors retry` end to end over real HTTP against both sandboxes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        yield running


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _xero_api_calls(url: str) -> list[dict[str, Any]]:
    requests = httpx.get(f"{url}/_sandbox/requests").json()["requests"]
    return [r for r in requests if r["path"].startswith("/api.xro")]


def test_sync_json_exit_codes_and_silent_rerun(sandboxes: RunningSandboxes, tmp_path: Path) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path), "sync", "--json"])
    report = json.loads(out)
    # The demo seed's broken order is queued: exit 1, and the summary says so.
    assert code == 1, out
    assert report["status"] == "failed_records"
    assert report["counts"]["orders"]["failed"] == 1
    assert report["counts"]["customers"]["created"] > 0
    calls = len(_xero_api_calls(sandboxes.xero_url))

    code, out = _invoke(["--data-dir", str(tmp_path), "sync", "--json"])
    assert code == 0, out
    assert len(_xero_api_calls(sandboxes.xero_url)) == calls  # nothing to do, no Xero call

    code, out = _invoke(["--data-dir", str(tmp_path), "errors", "list", "--json"])
    (entry,) = json.loads(out)
    assert entry["entity"] == "orders" and "tax" in entry["message"]


def test_dry_run_prints_the_plan_and_writes_nothing(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path), "sync", "--dry-run", "--only", "customers"])
    assert code == 0, out
    assert "dry run" in out and "create customer" in out
    writes = [r for r in _xero_api_calls(sandboxes.xero_url) if r["method"] in ("PUT", "POST")]
    assert writes == []


def test_errors_retry_by_id_after_a_fix(sandboxes: RunningSandboxes, tmp_path: Path) -> None:
    _invoke(["--data-dir", str(tmp_path), "sync", "--json"])
    _, out = _invoke(["--data-dir", str(tmp_path), "errors", "list", "--json"])
    (entry,) = json.loads(out)
    # Still broken: a retry by id runs, fails again, and bumps the attempts.
    code, out = _invoke(
        ["--data-dir", str(tmp_path), "errors", "retry", "--id", str(entry["id"]), "--json"]
    )
    assert code == 1, out
    _, out = _invoke(["--data-dir", str(tmp_path), "errors", "list", "--json"])
    (again,) = json.loads(out)
    assert again["id"] == entry["id"] and again["attempts"] == 2


def test_rejected_xero_credentials_exit_2_with_one_line(
    sandboxes: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", "wrong-secret-value-123")
    code, out = _invoke(["--data-dir", str(tmp_path), "sync", "--only", "customers", "--json"])
    assert code == 2, out
    assert out.startswith("error:") and len(out.strip().splitlines()) == 1
    assert "wrong-secret-value-123" not in out


def test_sync_reads_shopify_through_the_api_set(
    sandboxes: RunningSandboxes, tmp_path: Path, shopify_api: str
) -> None:
    """``SHOPXERO_SHOPIFY_API`` (set per test by tests/conftest.py): the same run, read through
    the GraphQL Admin API or through REST."""
    code, out = _invoke(["--data-dir", str(tmp_path), "sync", "--json"])
    report = json.loads(out)
    assert code == 1, out  # the demo seed's broken order is queued, as through REST
    assert report["counts"]["orders"]["failed"] == 1
    assert report["counts"]["orders"]["created"] > 0
    shopify = httpx.get(f"{sandboxes.shopify_url}/_sandbox/requests").json()["requests"]
    paths = {r["path"] for r in shopify}
    rest_orders = [p for p in paths if p.endswith("/orders.json") or "/orders/" in p]
    if shopify_api == "graphql":
        assert "/admin/api/2026-10/graphql.json" in paths
        # Orders and their transactions came through GraphQL (payouts: test_payouts_graphql_cli).
        assert not rest_orders
    else:
        assert "/admin/api/2026-10/graphql.json" not in paths
        assert "/admin/api/2026-10/orders.json" in rest_orders
