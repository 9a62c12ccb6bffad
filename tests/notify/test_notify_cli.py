"""Notifications (issue 16 §5) through the commands a user runs, to a real local receiver.

``SHOPXERO_NOTIFY_URLS`` points Apprise's ``json://`` plugin at ``receiver.Receiver``. The
notifier's clock (``shopxero.notify.notifier.current_time``) is moved by the tests to reach
"a day later" without waiting; the sync itself runs on real time against the simulators.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.notify.receiver import SECRET_TOKEN, SECRETS, Receiver, receiver
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.notify import notifier
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds import credentials
from shopxero.xero.tokens import XeroTokenSet, save_token_file


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env(shopify_auth="access_token").items():
            monkeypatch.setenv(key, value)
        yield running


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with receiver() as listening:
        monkeypatch.setenv("SHOPXERO_NOTIFY_URLS", listening.url)
        yield listening


class Clock:
    """The notifier's clock: real time plus whatever the test moved it by."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = timedelta()
        monkeypatch.setattr(notifier, "current_time", self.now)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record at DEBUG, Apprise's and urllib3's included: none may hold a secret."""
    caplog.set_level(logging.DEBUG)
    return caplog


class Cli:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.outputs: list[str] = []

    def __call__(self, *args: str) -> tuple[int, str]:
        _register_commands()
        result = CliRunner(env={"COLUMNS": "80"}).invoke(
            app, ["--data-dir", str(self.data_dir), *args]
        )
        self.outputs.append(result.output)
        return result.exit_code, result.output


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data")


def _assert_no_secret(cli: Cli, logs: pytest.LogCaptureFixture) -> None:
    seen = "\n".join(cli.outputs) + "\n" + logs.text
    seen += "\n".join(r.getMessage() for r in logs.records)
    for secret in SECRETS:
        assert secret not in seen


def _copy_of_broken_order(sandboxes: RunningSandboxes, shopify_id: str) -> dict[str, Any]:
    state = httpx.get(f"{sandboxes.shopify_url}/_sandbox/state").json()
    broken = next(o for o in state["orders"] if str(o["id"]) == shopify_id)
    twin = copy.deepcopy(broken)
    twin["id"] = max(o["id"] for o in state["orders"]) + 1
    twin["order_number"] = 1999
    twin["name"] = "#1999"
    for number, line in enumerate(twin.get("line_items", []), start=1):
        line["id"] = twin["id"] * 100 + number
    return dict(twin)


def test_queued_records_once_then_new_ones_a_reminder_and_resolved(
    sandboxes: RunningSandboxes,
    hook: Receiver,
    clock: Clock,
    cli: Cli,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    code, _ = cli("sync")
    assert code == 1  # the demo seed's broken order is queued
    (first,) = hook.take()
    assert first.path == f"/hooks/{SECRET_TOKEN}" and first.authorization  # the URL as given
    assert first.type == "warning"
    assert first.title == (
        f"shopxero ({sandboxes.shop_domain}): records could not be synced to Xero"
    )
    _, listed = cli("errors", "list", "--json")
    (entry,) = json.loads(listed)
    assert f"#{entry['id']} {entry['label']} (needs a fix" in first.message
    assert "1 record(s) wait in the error queue" in first.message
    assert "shopxero errors retry" in first.message

    # The same record again: not news.
    cli("sync")
    assert hook.take() == []

    # A new broken order: only it is news.
    twin = _copy_of_broken_order(sandboxes, entry["shopify_id"])
    httpx.post(f"{sandboxes.shopify_url}/_sandbox/records", json={"orders": [twin]})
    assert cli("sync")[0] == 1
    (second,) = hook.take()
    _, listed = cli("errors", "list", "--json")
    new = next(e for e in json.loads(listed) if e["shopify_id"] == str(twin["id"]))
    assert "New:" in second.message and f"#{new['id']} {new['label']} (" in second.message
    assert f"#{entry['id']} " not in second.message
    assert "(1 reported before and still open.)" in second.message

    # Still queued a day later: one reminder, listing both; then quiet again.
    clock.offset = timedelta(hours=25)
    cli("sync")
    (reminder,) = hook.take()
    assert reminder.title.endswith("reminder: records could not be synced to Xero")
    assert f"#{entry['id']} " in reminder.message and f"#{new['id']} " in reminder.message
    cli("sync")
    assert hook.take() == []

    # The merchant deals with both orders in Shopify (no longer synced: pending) and closes the
    # entries by hand: the next run says it cleared.
    _, listed = cli("errors", "list", "--json")
    state = httpx.get(f"{sandboxes.shopify_url}/_sandbox/state").json()
    for open_entry in json.loads(listed):
        order = next(o for o in state["orders"] if str(o["id"]) == open_entry["shopify_id"])
        order["financial_status"] = "pending"
        httpx.post(f"{sandboxes.shopify_url}/_sandbox/records", json={"orders": [order]})
        cli("errors", "resolve", "--id", str(open_entry["id"]))
    assert cli("sync")[0] == 0
    (resolved,) = hook.take()
    assert resolved.type == "success"
    assert resolved.title.endswith("resolved: records could not be synced to Xero")
    cli("sync")
    assert hook.take() == []
    _assert_no_secret(cli, debug_logs)


def test_a_run_that_cannot_run_is_notified_once_and_resolved(
    sandboxes: RunningSandboxes,
    hook: Receiver,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", "wrong-secret-value-123")
    code, out = cli("sync", "--only", "customers")
    assert code == 2, out
    (failure,) = hook.take()
    assert failure.type == "failure"
    assert failure.title.endswith("the sync could not run")
    assert "exit 2" in failure.message and "shopxero doctor" in failure.message
    assert "wrong-secret-value-123" not in failure.message

    assert cli("sync", "--only", "customers")[0] == 2
    assert hook.take() == []  # the same failure at every tick is not news

    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", credentials.XERO_CC_CLIENT_SECRET)
    assert cli("sync", "--only", "customers")[0] == 0
    (resolved,) = hook.take()
    assert resolved.type == "success" and resolved.title.endswith(
        "resolved: the sync could not run"
    )
    _assert_no_secret(cli, debug_logs)


def test_a_dry_run_notifies_nothing(sandboxes: RunningSandboxes, hook: Receiver, cli: Cli) -> None:
    assert cli("sync", "--dry-run")[0] == 1  # it would queue the demo's broken order
    assert hook.take() == []


def test_a_receiver_that_is_down_does_not_fail_the_sync_and_gets_it_next_time(
    sandboxes: RunningSandboxes,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    with receiver(listening=False) as down:
        monkeypatch.setenv("SHOPXERO_NOTIFY_URLS", down.url)
        code, out = cli("sync")
        assert code == 1, out  # records queued, as without notifications: not 2
        assert "to json://****@127.0.0.1:" in out and "failed" in out
        assert "sent again at the next run" in out

        down.up()
        assert cli("sync")[0] == 0
        (late,) = down.take()
        assert late.title.endswith("records could not be synced to Xero")
        cli("sync")
        assert down.take() == []
    _assert_no_secret(cli, debug_logs)


def test_refresh_token_near_its_60_days_is_notified(
    sandboxes: RunningSandboxes,
    hook: Receiver,
    clock: Clock,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPXERO_XERO_MODE", "web")
    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_ID", credentials.XERO_WEB_CLIENT_ID)
    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", credentials.XERO_WEB_CLIENT_SECRET)
    body = sandboxes.xero.issue_tokens_for_tests()
    tokens = XeroTokenSet.from_token_response(body, now=datetime.now(UTC))
    save_token_file(cli.data_dir / "xero-token.json", tokens.with_tenant(body["tenant_id"], "Demo"))
    assert cli("sync", "--only", "customers")[0] == 0
    assert hook.take() == []

    # 55 days on without a run that used the refresh token (xero-api-notes §1.3: 60 days).
    clock.offset = timedelta(days=55)
    cli("sync", "--only", "customers")
    (warning,) = hook.take()
    assert warning.title.endswith("the Xero connection is about to expire")
    assert "last used 55 days ago" in warning.message and "shopxero auth xero" in warning.message

    clock.offset = timedelta(days=55, hours=2)
    cli("sync", "--only", "customers")
    assert hook.take() == []

    clock.offset = timedelta()  # as after `shopxero auth xero` or a run that refreshed it
    cli("sync", "--only", "customers")
    (resolved,) = hook.take()
    assert resolved.title.endswith("resolved: the Xero connection is about to expire")


def test_doctor_notifies_a_failing_check_and_its_fix(
    sandboxes: RunningSandboxes,
    hook: Receiver,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    code, out = cli("doctor")
    assert code == 0, out
    assert "ok      notify channel 1: JSON at json://****@127.0.0.1:" in out
    assert hook.take() == []  # warnings are not notified

    monkeypatch.setenv("SHOPXERO_PAYMENT_ACCOUNT", "200")
    assert cli("doctor")[0] == 2
    (red,) = hook.take()
    assert red.type == "failure"
    assert red.title.endswith("doctor: xero payment account is failing")
    assert "Fix: pick a BANK account" in red.message
    assert cli("doctor")[0] == 2
    assert hook.take() == []

    monkeypatch.delenv("SHOPXERO_PAYMENT_ACCOUNT")
    assert cli("doctor")[0] == 0
    (resolved,) = hook.take()
    assert resolved.title.endswith("resolved: doctor: xero payment account is failing")
    _assert_no_secret(cli, debug_logs)


def test_doctor_notify_test_reports_each_channel_masked(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, debug_logs: pytest.LogCaptureFixture
) -> None:
    with receiver() as up, receiver(listening=False) as down:
        monkeypatch.setenv("SHOPXERO_NOTIFY_URLS", f"{up.url} {down.url}")
        code, out = cli("doctor", "--notify-test")
        assert code == 2, out
        lines = [line for line in out.splitlines() if "notify test" in line]
        assert lines[0].startswith(
            f"ok      notify test: test notification sent to json://****@127.0.0.1:{up.port}/****"
        )
        assert lines[1].startswith(
            f"error   notify test: json://****@127.0.0.1:{down.port}/****: JSON: A Connection error"
        )
        (test,) = up.take()
        assert test.type == "info" and test.title == "shopxero: test notification"
        assert down.take() == []

        monkeypatch.setenv("SHOPXERO_NOTIFY_URLS", up.url)
        code, out = cli("doctor", "--notify-test")
        assert code == 0 and "all checks passed." in out
    _assert_no_secret(cli, debug_logs)


def test_doctor_notify_test_without_urls_says_what_to_set(cli: Cli) -> None:
    code, out = cli("doctor", "--notify-test")
    assert code == 2
    assert "SHOPXERO_NOTIFY_URLS is not set" in out and "mailto://" in out


def test_a_url_apprise_cannot_read_is_a_doctor_error_shown_masked(
    sandboxes: RunningSandboxes, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_NOTIFY_URLS", f"nosuchservice://{SECRET_TOKEN}/x")
    code, out = cli("doctor")
    assert code == 2
    assert "error   notify channel 1: nosuchservice://****/**** is not a URL Apprise" in out
    assert SECRET_TOKEN not in out


def test_a_setting_that_is_not_a_url_is_refused_without_echoing_it(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_NOTIFY_URLS", f"json://ok.example.com/x {SECRET_TOKEN}")
    code, out = cli("sync")
    assert code == 2
    assert "SHOPXERO_NOTIFY_URLS" in out and "entry 2 is not a notification URL" in out
    assert SECRET_TOKEN not in out


def test_the_scheduler_runs_doctor_after_its_first_tick_and_notifies_a_red_check(
    sandboxes: RunningSandboxes, hook: Receiver, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_PAYMENT_ACCOUNT", "200")
    code, out = cli("schedule", "--every", "1s", "--max-runs", "1")
    assert code == 0, out
    titles = [m.title for m in hook.take()]
    assert any(t.endswith("doctor: xero payment account is failing") for t in titles), titles

    # A restarted scheduler checks again at once; the same red check is not news.
    assert cli("schedule", "--every", "1s", "--max-runs", "1")[0] == 0
    assert not any("doctor:" in m.title for m in hook.take())


def test_the_demo_notifies_nobody(hook: Receiver, cli: Cli) -> None:
    code, out = cli("demo", "--no-progress")
    assert code == 0, out
    assert hook.take() == []  # its broken order is the demo shop's, not the merchant's


def test_a_run_stopped_by_the_xero_day_budget_is_notified(
    hook: Receiver, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 30 calls a day, 20 of them kept in reserve (http.xero_throttle): the run stops cleanly.
    with start_sandboxes("demo", day_limit=30) as running:
        for key, value in running.env(shopify_auth="access_token").items():
            monkeypatch.setenv(key, value)
        code, out = cli("sync", "--json")
        assert code == 1 and json.loads(out)["status"] == "stopped", out
    stopped = [m for m in hook.take() if m.title.endswith("the sync stopped before finishing")]
    assert len(stopped) == 1, stopped
    assert "daily API budget is spent" in stopped[0].message
    assert "resumes by itself" in stopped[0].message
