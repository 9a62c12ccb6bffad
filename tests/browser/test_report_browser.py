"""``shopxero report --html`` opened in a real headless Chromium: the charts are in the rendered DOM
with the right number of bars and points carrying the right numbers, the page's script ran, and
the browser logged no console message (no error).

Chromium must be installed (Debian's ``chromium``; CI's ``.ci/run`` installs it): the test fails,
never skips, without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.store import StateStore
from shopxero.store.calls import StoredCall

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    pytest.fail(
        "Chromium is needed for the browser tests: `apt-get install -y chromium` "
        "(CI's .ci/run installs it)"
    )


def _render(page: Path, screenshot: Path) -> tuple[str, list[str]]:
    """The DOM after scripts ran, and the browser's console lines, for ``page``."""
    common = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=900,1900",
    ]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=90
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot = subprocess.run(
        [*common, f"--screenshot={screenshot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    console = [line for line in (dom.stderr + shot.stderr).splitlines() if ":CONSOLE" in line]
    return dom.stdout, console


class _Elements(HTMLParser):
    """Every element's tag and attributes, with the id of the chart (svg) it sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], str | None]] = []
        self._svg: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "svg":
            self._svg = values.get("id")
        self.found.append((tag, values, self._svg))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg = None


def _marks(dom: str) -> dict[str, dict[str, dict[str, int]]]:
    """chart id -> series -> label -> value, for every bar and point in the DOM."""
    parser = _Elements()
    parser.feed(dom)
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for tag, attrs, chart in parser.found:
        if tag in ("rect", "circle") and attrs.get("class") in ("bar", "point") and chart:
            out[chart][attrs["data-series"]][attrs["data-label"]] = int(attrs["data-value"])
    return out


def _limits(dom: str) -> dict[str, int]:
    parser = _Elements()
    parser.feed(dom)
    return {
        chart: int(attrs["data-limit"])
        for tag, attrs, chart in parser.found
        if tag == "line" and attrs.get("class") == "limit" and chart
    }


def _call(when: datetime, service: str, status: int | None = 200) -> StoredCall:
    return StoredCall(when, service, "GET", "/x", "", status, 5.0, 1, None, None)


def _seed_history(db: Path) -> None:
    """Four runs with known numbers (the expected values below are counted from this)."""
    with StateStore.open(db) as store:
        # Run 1: a first import. 41 Xero calls, 35 of them in its first minute; 12 Shopify calls;
        # one 429 and one call with no answer.
        r1 = store.runs.start(started_at=T0)
        for i in range(35):
            store.calls.add(_call(T0 + timedelta(seconds=i), "xero"), run_id=r1)
        for i in range(6):
            store.calls.add(_call(T0 + timedelta(minutes=1, seconds=i), "xero"), run_id=r1)
        store.calls.add(_call(T0 + timedelta(minutes=2), "xero", 429), run_id=r1)
        store.calls.add(_call(T0 + timedelta(minutes=2, seconds=5), "xero", None), run_id=r1)
        for i in range(12):
            store.calls.add(_call(T0 + timedelta(seconds=i), "shopify"), run_id=r1)
        store.runs.finish(
            r1,
            status="failed_records",
            counts={
                "customers": {"created": 20, "failed": 1},
                "products": {"created": 30, "linked": 5},
                "orders": {"created": 70, "failed": 2},
            },
            notes=[],
            finished_at=T0 + timedelta(minutes=3),
        )
        # Run 2: a dry run (reads only).
        r2 = store.runs.start(started_at=T0 + timedelta(hours=1), dry_run=True)
        for i in range(3):
            store.calls.add(_call(T0 + timedelta(hours=1, seconds=i), "shopify"), run_id=r2)
        store.runs.finish(r2, status="ok", counts={"orders": {"unchanged": 70}}, notes=[])
        # Run 3: four updates.
        r3 = store.runs.start(started_at=T0 + timedelta(hours=2))
        for i in range(5):
            store.calls.add(_call(T0 + timedelta(hours=2, seconds=i), "xero"), run_id=r3)
        store.calls.add(_call(T0 + timedelta(hours=2), "shopify"), run_id=r3)
        store.runs.finish(r3, status="ok", counts={"products": {"updated": 4}}, notes=[])
        # Run 4: nothing changed: one Shopify call per entity, no Xero call.
        r4 = store.runs.start(started_at=T0 + timedelta(hours=3))
        for i in range(3):
            store.calls.add(_call(T0 + timedelta(hours=3, seconds=i), "shopify"), run_id=r4)
        store.runs.finish(r4, status="ok", counts={}, notes=[])


def test_report_page_in_headless_chromium(tmp_path: Path) -> None:
    _seed_history(tmp_path / "state.db")
    page = tmp_path / "out" / "history.html"
    _register_commands()
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "report", "--html", str(page)])
    assert result.exit_code == 0, result.output
    source = page.read_text(encoding="utf-8")
    # Self-contained: nothing is fetched from anywhere.
    for needle in ("http://", "https://", "src=", "href=", "@import", "url("):
        assert needle not in source, needle

    screenshot = tmp_path / "history.png"
    dom, console = _render(page, screenshot)
    assert console == [], console  # no console message at all, so no error
    assert screenshot.stat().st_size > 10_000  # a rendered page, not a blank image
    shutil.copy(screenshot, Path(os.environ.get("REPORT_SCREENSHOT", tmp_path / "keep.png")))

    marks = _marks(dom)
    labels = ["#1", "#2 dry", "#3", "#4"]
    records = marks["records-per-run"]
    assert set(records) == {"created", "updated", "linked", "failed"}
    assert all(list(records[s]) == labels for s in records)  # 4 runs x 4 outcomes = 16 bars
    assert records["created"] == {"#1": 120, "#2 dry": 0, "#3": 0, "#4": 0}
    assert records["failed"]["#1"] == 3 and records["linked"]["#1"] == 5
    assert records["updated"]["#3"] == 4

    calls = marks["api-calls-per-run"]
    assert calls["xero"] == {"#1": 43, "#2 dry": 0, "#3": 5, "#4": 0}
    assert calls["shopify"] == {"#1": 12, "#2 dry": 3, "#3": 1, "#4": 3}
    assert marks["xero-peak-minute"]["xero"] == {"#1": 35, "#2 dry": 0, "#3": 5, "#4": 0}

    errors = marks["errors-over-time"]
    assert errors["failed"] == {"#1": 3, "#2 dry": 0, "#3": 0, "#4": 0}
    assert errors["failed calls"]["#1"] == 2  # the 429 and the call with no answer
    assert errors["429s"]["#1"] == 1
    assert sum(len(v) for v in errors.values()) == 12  # 3 lines x 4 points

    assert _limits(dom) == {"api-calls-per-run": 5000, "xero-peak-minute": 60}
    # The inline script ran over every bar and point: 16 + 8 + 4 + 12.
    assert 'data-ready="40"' in dom


def test_the_console_check_catches_a_script_error(tmp_path: Path) -> None:
    """The no-console-message assertion above can fail: a broken script is seen."""
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>notDefinedAnywhere();</script></body></html>")
    _, console = _render(page, tmp_path / "broken.png")
    assert any("notDefinedAnywhere" in line for line in console), console


def test_no_runs_yet_gives_a_page_that_says_so(tmp_path: Path) -> None:
    StateStore.open(tmp_path / "state.db").close()
    page = tmp_path / "empty.html"
    _register_commands()
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "report", "--html", str(page)])
    assert result.exit_code == 0, result.output
    dom, console = _render(page, tmp_path / "empty.png")
    assert console == []
    assert "No sync has run yet" in dom and "<svg" not in dom
