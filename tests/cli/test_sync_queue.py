"""`shopxero status` and `shopxero errors list|resolve` over a state DB, and sync's exit 2."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.store import StateStore

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _seeded_store(data_dir: Path) -> int:
    with StateStore.open(data_dir / "state.db") as store:
        run_id = store.runs.start(started_at=T0)
        store.runs.finish(
            run_id, status="failed_records", counts={"customers": {"created": 3}}, notes=[]
        )
        store.cursors.advance("customers", T0)
        return store.errors.record(
            operation="create",
            entity="orders",
            shopify_id="5500",
            label="order #1043",
            error_class="MappingError",
            message="order 5500 field line_items.0.tax_lines: no tax rate of 23%",
            retryable=False,
            run_id=run_id,
        )


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_status_json_shows_runs_cursors_and_queue(tmp_path: Path) -> None:
    _seeded_store(tmp_path)
    code, out = _invoke(["--data-dir", str(tmp_path), "status", "--json"])
    assert code == 0, out
    data = json.loads(out)
    assert data["queue_size"] == 1
    assert data["runs"][0]["status"] == "failed_records"
    assert data["runs"][0]["counts"] == {"customers": {"created": 3}}
    assert data["cursors"] == {"customers": T0.isoformat()}


def test_errors_list_and_resolve(tmp_path: Path) -> None:
    error_id = _seeded_store(tmp_path)
    code, out = _invoke(["--data-dir", str(tmp_path), "errors", "list", "--json"])
    assert code == 0
    (entry,) = json.loads(out)
    assert entry["id"] == error_id and "line_items.0.tax_lines" in entry["message"]
    assert entry["retryable"] is False
    code, out = _invoke(["--data-dir", str(tmp_path), "errors", "resolve", "--id", str(error_id)])
    assert code == 0 and "resolved" in out
    code, out = _invoke(["--data-dir", str(tmp_path), "errors", "list"])
    assert "empty" in out
    code, _ = _invoke(["--data-dir", str(tmp_path), "errors", "resolve", "--id", "999"])
    assert code == 2


def test_status_on_a_corrupt_state_db_exits_2_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "state.db").write_bytes(b"garbage" * 1000)
    code, out = _invoke(["--data-dir", str(tmp_path), "status"])
    assert code == 2
    assert "shopxero rebuild" in out


def test_sync_without_credentials_exits_2_with_one_line(tmp_path: Path) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path), "sync"])
    assert code == 2
    assert "SHOPXERO_SHOPIFY" in out
    assert len(out.strip().splitlines()) == 1


def test_a_second_concurrent_sync_is_refused(tmp_path: Path) -> None:
    from filelock import FileLock

    env_file = tmp_path / "x.env"
    env_file.write_text(
        "SHOPXERO_SHOPIFY_BASE_URL=http://127.0.0.1:9\nSHOPXERO_SHOPIFY_ACCESS_TOKEN=t\n"
    )
    with FileLock(str(tmp_path / "sync.lock")):
        code, out = _invoke(["--env-file", str(env_file), "--data-dir", str(tmp_path), "sync"])
    assert code == 2
    assert "another shopxero sync is running" in out
