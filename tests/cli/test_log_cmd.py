"""``shopxero log``: the API-call log after a real sync, filtered; bodies only of failed calls."""

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
from shopxero.sandbox.seeds.credentials import XERO_CC_CLIENT_SECRET
from shopxero.store import StateStore
from shopxero.store.history import status_filter


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningSandboxes, Path]]:
    """One sync in which Xero answers the first contacts write with a 503 (then accepts it)."""
    data_dir = tmp_path_factory.mktemp("log")
    # A small shop keeps the module fast; the demo seed's pacing takes ~15 s of wall time.
    with start_sandboxes("bench:customers=4,products=3,orders=5") as running:
        httpx.post(
            f"{running.xero_url}/_sandbox/faults",
            json={
                "path": "/Contacts",
                "method": "PUT",
                "status": 503,
                "body": {"Title": "Service Unavailable", "Detail": "try later"},
                "times": 1,
            },
        ).raise_for_status()
        with pytest.MonkeyPatch.context() as mp:
            for key, value in running.env().items():
                mp.setenv(key, value)
            _register_commands()
            result = CliRunner().invoke(app, ["--data-dir", str(data_dir), "sync", "--json"])
            assert result.exit_code in (0, 1), result.output
        yield running, data_dir


def _log(data_dir: Path, *args: str) -> Any:
    _register_commands()
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), "log", *args])


def test_json_matches_the_state_db_and_is_oldest_first(synced: tuple[Any, Path]) -> None:
    _, data_dir = synced
    result = _log(data_dir, "--last", "5", "--json")
    assert result.exit_code == 0, result.output
    calls = json.loads(result.stdout)
    assert len(calls) == 5
    assert [c["id"] for c in calls] == sorted(c["id"] for c in calls)
    with StateStore.open(data_dir / "state.db") as store:
        newest = store.history.recent_calls(1)[0]
        total = store.calls.count()
    assert calls[-1]["id"] == newest.id
    assert total > 5
    assert "request_body" not in calls[0]  # bodies only with --bodies


def test_filters_by_service_and_status_class(synced: tuple[Any, Path]) -> None:
    _, data_dir = synced
    calls = json.loads(_log(data_dir, "--last", "500", "--service", "shopify", "--json").stdout)
    assert calls and {c["service"] for c in calls} == {"shopify"}

    failed = json.loads(_log(data_dir, "--status", "5xx", "--json", "--bodies").stdout)
    (call,) = failed
    assert (call["service"], call["method"], call["status"]) == ("xero", "PUT", 503)
    assert "try later" in call["response_body"]
    assert call["request_body"] and '"Contacts"' in call["request_body"]
    # The retry that followed succeeded and kept no body (no customer data piling up).
    retried = json.loads(
        _log(data_dir, "--last", "500", "--service", "xero", "--json", "--bodies").stdout
    )
    ok_posts = [c for c in retried if c["method"] == "PUT" and c["status"] == 200]
    assert ok_posts and all(c["request_body"] is None for c in ok_posts)
    assert any(c["attempt"] == 2 for c in ok_posts)


def test_table_and_bodies_in_text(synced: tuple[Any, Path]) -> None:
    _, data_dir = synced
    result = _log(data_dir, "--last", "3")
    assert result.exit_code == 0, result.output
    assert "API calls (last 3; " in result.output and "times UTC)" in result.output
    for column in ("service", "method", "path", "status", "try"):
        assert column in result.output
    result = _log(data_dir, "--failed", "--bodies")
    assert "503" in result.output and "response:" in result.output and "try later" in result.output
    assert XERO_CC_CLIENT_SECRET not in result.output


def test_bad_filters_exit_2_naming_the_option(tmp_path: Path) -> None:
    result = _log(tmp_path, "--status", "4x")
    assert result.exit_code == 2 and "--status" in result.stderr
    result = _log(tmp_path, "--service", "amazon")
    assert result.exit_code == 2 and "--service" in result.stderr
    result = _log(tmp_path)
    assert result.exit_code == 2 and "no state DB" in result.stderr


def test_status_filter_forms() -> None:
    assert status_filter("4xx") == (400, 499)
    assert status_filter("429") == (429, 429)
    with pytest.raises(ValueError, match="4xx or 429"):
        status_filter("600")
