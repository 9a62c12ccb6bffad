"""``shopxero report``: options, JSON numbers and errors (the page itself: tests/browser)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.reports.charts import Limit, Series, bar_chart, line_chart
from shopxero.store import StateStore
from shopxero.store.calls import StoredCall

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _invoke(data_dir: Path, *args: str):  # type: ignore[no-untyped-def]
    _register_commands()
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), "report", *args])


def test_json_numbers_per_run(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "state.db") as store:
        run = store.runs.start(started_at=T0)
        for i in range(70):  # 60 in the first minute (09:00), 10 in the next
            when = T0 + timedelta(seconds=i)
            store.calls.add(
                StoredCall(when, "xero", "PUT", "/I", "", 200, 1.0, 1, None, None), run_id=run
            )
        store.calls.add(
            StoredCall(T0, "shopify", "GET", "/o", "", 429, 1.0, 1, None, None), run_id=run
        )
        store.runs.finish(run, status="ok", counts={"orders": {"created": 7}}, notes=[])
    result = _invoke(tmp_path, "--json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["runs"]
    assert entry["records"] == {"created": 7, "updated": 0, "linked": 0, "failed": 0}
    assert (entry["xero_calls"], entry["shopify_calls"]) == (70, 1)
    assert entry["xero_peak_minute"] == 60
    assert (entry["throttled"], entry["failed_calls"]) == (1, 1)


def test_needs_a_state_db(tmp_path: Path) -> None:
    result = _invoke(tmp_path)
    assert result.exit_code == 2 and "no state DB" in result.stderr
    result = _invoke(tmp_path, "--html", str(tmp_path / "x.html"))
    assert result.exit_code == 2 and "no state DB" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_charts_escape_labels_and_scale_to_the_limit() -> None:
    svg = bar_chart("c", "<t>", ["a&b"], [Series("s<", [3], "#000")], limit=Limit("L", 60))
    assert "<t>" not in svg and "&lt;t&gt;" in svg and "a&amp;b" in svg
    assert 'data-limit="60"' in svg and 'data-value="3"' in svg
    # The 3-high bar is drawn against a scale that reaches the limit: short, not full height.
    height = float(svg.split('height="')[2].split('"')[0])
    assert 0 < height < 20
    line = line_chart("l", "t", ["x", "y"], [Series("s", [0, 5], "#000")])
    assert line.count('class="point"') == 2 and 'class="line"' in line
