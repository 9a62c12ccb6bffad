"""What a user reads at 80 (and 120) columns: `sync -v`, `sync --dry-run`, `status`, `errors list`
and `log --last 20` after a real sync of the demo shop, each run as a subprocess with ``COLUMNS``.

Every line fits the width; the fields a user looks for are whole on one line (full times, an order
as ``#1043 (5500000000043)``); the error message wraps on its own lines and loses no word; no
raw Python dict; skipped orders are named with their reason (issue 16 §3, §4).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from shopxero.sandbox.run import start_sandboxes
from shopxero.store import StateStore
from shopxero.store.calls import StoredCall

WIDTHS = (80, 120)
MINUTE = re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d\b")
SECOND = re.compile(r"^(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d\b")


@dataclass
class Shop:
    env: dict[str, str]
    data_dir: Path
    shopify_url: str
    dry_run: subprocess.CompletedProcess[str]
    verbose_sync: subprocess.CompletedProcess[str]

    def run(self, *args: str, width: int = 80) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "shopxero", "--data-dir", str(self.data_dir), *args],
            capture_output=True,
            text=True,
            env={**self.env, "COLUMNS": str(width)},
            timeout=300,
            check=False,
        )


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """The demo shop synced once with `-v` (its order #1043 is queued: no 23% tax rate in Xero;
    three orders are skipped by rule), after a dry run."""
    data_dir = tmp_path_factory.mktemp("width")
    with start_sandboxes("demo") as running:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPXERO_")}
        env.update(running.env())
        shop = Shop(env, data_dir, running.shopify_url, None, None)  # type: ignore[arg-type]
        shop.dry_run = shop.run("sync", "--dry-run")
        shop.verbose_sync = shop.run("-v", "sync")
        yield shop


def _fits(text: str, width: int) -> list[str]:
    """The lines of ``text``, all within ``width`` (except a command to copy: kept whole)."""
    lines = text.splitlines()
    too_long = [line for line in lines if len(line) > width and not line.endswith("`")]
    assert not too_long, f"lines over {width} columns: {too_long}"
    return lines


def test_sync_names_each_skipped_order_with_its_reason(shop: Shop) -> None:
    for result in (shop.verbose_sync, shop.dry_run):
        assert result.returncode == 1, result.stdout + result.stderr  # #1043 queued
        lines = _fits(result.stdout, 80)
        skipped = [line for line in lines if line.startswith("  order #")]
        assert "skipped by rule (3):" in lines
        assert "  order #1055 (5500000000055): test order" in skipped
        assert any(
            line.startswith("  order #1059 (5500000000059): financial status 'pending'")
            for line in skipped
        )


def test_a_plain_sync_counts_the_skipped_and_says_how_to_see_them(shop: Shop) -> None:
    # Nothing new; an order updated last of all is read again (the cursor's lookback window).
    result = shop.run("sync")
    assert result.returncode == 0, result.stdout + result.stderr
    out = " ".join(_fits(result.stdout, 80))
    assert "record(s) skipped by rule (a test order," in out
    assert "with -v each is named with its reason" in out
    assert "order #" not in out


@pytest.mark.parametrize("width", WIDTHS)
def test_status_one_run_a_line_with_full_times(shop: Shop, width: int) -> None:
    result = shop.run("status", width=width)
    assert result.returncode == 0, result.stderr
    lines = _fits(result.stdout, width)
    runs = json.loads(shop.run("status", "--json").stdout)["runs"]
    run_lines = [line for line in lines if MINUTE.search(line) and "read up to" not in line]
    assert len(run_lines) == len(runs)  # one line per run
    for line, run in zip(run_lines, runs, strict=True):
        assert line.split()[0] == str(run["id"])
        assert run["started_at"][:16].replace("T", " ") in line
    assert "{" not in result.stdout and "'" not in result.stdout  # no Python dict
    assert any(
        re.fullmatch(r"records in Xero: \d+ contacts, \d+ items, \d+ invoices", x) for x in lines
    )
    cursors = json.loads(shop.run("status", "--json").stdout)["cursors"]
    assert sum("read up to" in line for line in lines) == len(cursors) == 4  # with payouts


@pytest.mark.parametrize("width", WIDTHS)
def test_errors_list_wraps_only_the_message(shop: Shop, width: int) -> None:
    result = shop.run("errors", "list", width=width)
    assert result.returncode == 0, result.stderr
    lines = _fits(result.stdout, width)
    (entry,) = json.loads(shop.run("errors", "list", "--json").stdout)
    (record_line,) = [line for line in lines if line.lstrip().startswith(f"{entry['id']} ")]
    assert record_line.endswith("order #1043 (5500000000043)")
    assert "after a fix" in record_line
    start = lines.index(record_line) + 1
    message_lines = [line for line in lines[start:] if line.startswith("    ")]
    assert len(message_lines) >= 2  # wrapped, on lines of its own
    assert " ".join(x.strip() for x in message_lines) == " ".join(entry["message"].split())
    assert entry["message"].startswith("order #1043 (5500000000043) field line_items.0.tax_lines")


@pytest.mark.parametrize("width", WIDTHS)
def test_log_one_call_a_line(shop: Shop, width: int) -> None:
    result = shop.run("log", "--last", "20", width=width)
    assert result.returncode == 0, result.stderr
    lines = _fits(result.stdout, width)
    calls = json.loads(shop.run("log", "--last", "20", "--json").stdout)
    call_lines = [line for line in lines if SECOND.match(line)]
    assert len(call_lines) == 20
    one_day = len({call["time"][:10] for call in calls}) == 1
    if one_day:  # the day once, in the title; each call's time to the second
        assert lines[0].startswith(f"API calls (last 20; {calls[0]['time'][:10]}, times UTC)")
    for line, call in zip(call_lines, calls, strict=True):
        time = call["time"][:19].replace("T", " ")
        assert line.startswith(time[11:] if one_day else time)
        assert f" {call['method']} " in line and f" {call['status']} " in line
    if one_day or width >= 120:  # every path whole on its call's line
        assert len([line for line in lines if line.strip()]) == 20 + 3  # title, header, rule


def test_log_failed_leaves_out_the_expected_not_found(shop: Shop) -> None:
    """A look-up's 404 (e.g. a contact by number) is an answer, not a failure (issue 16 §4):
    `log --failed` leaves it out and keeps a 404 nobody expected; `log --status 404` marks it."""
    now = datetime.now(UTC)
    with StateStore.open(shop.data_dir / "state.db") as store:
        for path, expected in (("/Contacts/SHOPIFY-GUEST", True), ("/Invoices/LOST", False)):
            store.calls.add(
                StoredCall(now, "xero", "GET", f"/api.xro/2.0{path}", "", 404, 5.0, 1, None,
                           None, expected=expected)
            )  # fmt: skip
    everything = json.loads(shop.run("log", "--last", "5000", "--json").stdout)
    assert {c["path"] for c in everything if c["status"] == 404} >= {
        "/api.xro/2.0/Contacts/SHOPIFY-GUEST",
        "/api.xro/2.0/Invoices/LOST",
    }
    failed = json.loads(shop.run("log", "--failed", "--last", "5000", "--json").stdout)
    assert [c["path"] for c in failed if c["status"] == 404] == ["/api.xro/2.0/Invoices/LOST"]
    table = shop.run("log", "--status", "404")
    assert "Contacts/SHOPIFY-GUEST" in table.stdout and "expected" in table.stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_plain_report_shows_the_history_in_the_terminal(shop: Shop, width: int) -> None:
    result = shop.run("report", width=width)
    assert result.returncode == 0, result.stderr
    lines = _fits(result.stdout, width)
    runs = json.loads(shop.run("report", "--json").stdout)["runs"]
    run_lines = [line for line in lines if MINUTE.search(line)]
    assert len(run_lines) == len(runs) >= 2  # one line per run, oldest first
    for line, run in zip(run_lines, runs, strict=True):
        cells = line.split()
        assert cells[0] == str(run["id"])
        assert run["started_at"][:16].replace("T", " ") in line
        assert cells[-3:] == [
            str(run["xero_calls"]),
            str(run["xero_peak_minute"]),
            str(run["throttled"]),
        ]
    assert "Error queue: 1 open" in " ".join(lines)


def test_errors_retry_says_why_each_entry_was_not_retried_or_failed_again(shop: Shop) -> None:
    """Runs last: it voids order #1043 in Shopify to close the entry."""
    (entry,) = json.loads(shop.run("errors", "list", "--json").stdout)
    runs_before = len(json.loads(shop.run("report", "--json").stdout)["runs"])
    ref = f"#{entry['id']}"

    plain = shop.run("errors", "retry")  # only a permanent entry: nothing is retried
    assert plain.returncode == 1, plain.stdout + plain.stderr
    lines = _fits(plain.stdout, 80)
    assert lines[0] == "nothing retried: the 1 open entry needs a fix first"
    assert lines[1] == f"{ref} not retried: order #1043 (5500000000043)"
    reason = " ".join(x.strip() for x in lines[2:])
    assert reason.startswith("a permanent failure")
    assert f"`errors retry --id {entry['id']}`" in reason and "23%" in reason
    assert len(json.loads(shop.run("report", "--json").stdout)["runs"]) == runs_before  # no run

    again = shop.run("errors", "retry", "--id", str(entry["id"]))
    assert again.returncode == 1, again.stdout + again.stderr
    lines = _fits(again.stdout, 80)
    at = lines.index(f"{ref} failed again: order #1043 (5500000000043)")
    assert " ".join(x.strip() for x in lines[at + 1 :]) == " ".join(entry["message"].split())

    # The merchant voids the order in Shopify: the retry closes the entry and says how.
    order = next(
        o
        for o in httpx.get(f"{shop.shopify_url}/_sandbox/state").json()["orders"]
        if o["id"] == 5500000000043
    )
    order["financial_status"] = "voided"
    httpx.post(f"{shop.shopify_url}/_sandbox/records", json={"orders": [order]}).raise_for_status()
    closed = shop.run("errors", "retry", "--id", str(entry["id"]), "--json")
    assert closed.returncode == 0, closed.stdout + closed.stderr
    (outcome,) = json.loads(closed.stdout)["entries"]
    assert outcome["outcome"] == "closed"
    assert outcome["reason"].startswith("skipped: financial status 'voided' is not synced")


@pytest.mark.parametrize("width", WIDTHS)
def test_doctor_wraps_details_and_fixes_under_their_own_column(shop: Shop, width: int) -> None:
    result = shop.run("doctor", width=width)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = _fits(result.stdout, width)
    checks = json.loads(shop.run("doctor", "--json").stdout)["checks"]
    marks = ("ok ", "warning ", "error ")
    # After the settings line and before the summary, only checks.
    body = [line for line in lines[:-1] if line.strip() and not line.startswith("settings from")]
    assert sum(line.startswith(marks) for line in body) == len(checks)
    # Every other line continues a check or gives its fix, indented under the text column.
    assert [x for x in body if not x.startswith(marks) and not x.startswith(" " * 8)] == []
    fixes = [c["fix"] for c in checks if c["status"] != "ok" and c["fix"]]
    text = " ".join(" ".join(lines).split())
    assert fixes and all(f"fix: {' '.join(fix.split())}" in text for fix in fixes)


def test_dry_run_diffs_show_values_as_json_wrapped_under_the_change(shop: Shop) -> None:
    """A customer moved house in Shopify: the dry run shows the contact's changed fields."""
    state = httpx.get(f"{shop.shopify_url}/_sandbox/state").json()
    customer = next(c for c in state["customers"] if c.get("addresses"))
    moved = [{**a, "address1": "1 New Street"} for a in customer["addresses"]]
    customer = {**customer, "addresses": moved, "default_address": moved[0]}
    httpx.post(
        f"{shop.shopify_url}/_sandbox/records", json={"customers": [customer]}
    ).raise_for_status()
    result = shop.run("sync", "--dry-run", "--only", "customers")
    assert result.returncode in (0, 1), result.stdout + result.stderr
    lines = _fits(result.stdout, 80)
    changed = [line for line in lines if line.startswith("      Addresses: ")]
    assert changed, result.stdout
    text = " ".join(" ".join(lines).split())
    assert '"AddressLine1": "1 New Street"' in text
    assert "{'" not in text  # JSON, not a Python dict
