"""Payouts through the CLI as a merchant meets them (docs/payouts.md): a transfer Xero refuses is
queued with Xero's message, is left alone by plain syncs (the payouts cursor stays before it),
and `errors retry --id` posts it once the cause is gone; the payout is never posted twice."""

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

# Xero's answer to a refused PUT (xero-api-notes §13.3: a locked period's message).
REFUSED: dict[str, Any] = {
    "ErrorNumber": 10,
    "Type": "ValidationException",
    "Message": "A validation exception occurred",
    "Elements": [
        {
            "ValidationErrors": [
                {
                    "Message": "The document date cannot be before the period lock date, "
                    "currently set at 30-Nov-2026."
                }
            ]
        }
    ],
}


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env(shopify_auth="access_token").items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("SHOPXERO_RESERVE_ACCOUNT", "620")
        monkeypatch.setenv("COLUMNS", "80")
        yield running


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _transfers(sandboxes: RunningSandboxes) -> list[str]:
    state = httpx.get(f"{sandboxes.xero_url}/_sandbox/state", timeout=60).json()
    return [t["Reference"] for t in state["bank_transfers"]]


def test_a_refused_transfer_is_queued_and_posted_once_by_errors_retry(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    data = ["--data-dir", str(tmp_path)]
    httpx.post(
        f"{sandboxes.xero_url}/_sandbox/faults",
        json={"method": "PUT", "path": "/BankTransfers$", "status": 400, "body": REFUSED},
    ).raise_for_status()
    code, out = _invoke([*data, "sync"])
    assert code == 1, out  # records queued
    code, out = _invoke([*data, "errors", "list", "--json"])
    entries = [e for e in json.loads(out) if e["entity"] == "payouts"]
    assert len(entries) == 1, out
    (entry,) = entries
    payout_id = entry["shopify_id"].split("/")[0]
    assert entry["shopify_id"].endswith("/payout_transfer")
    assert "period lock date" in entry["message"]
    posted = _transfers(sandboxes)
    assert f"Shopify payout {payout_id}" not in posted and posted  # the others went through

    # A plain sync leaves the refused payout to the person reading the queue ...
    code, out = _invoke([*data, "sync"])
    assert code in (0, 1), out  # 1 only for records newly queued by the run
    assert sorted(_transfers(sandboxes)) == sorted(posted)
    # ... who retries it once the cause is gone.
    code, out = _invoke([*data, "errors", "retry", "--id", str(entry["id"])])
    assert code == 0, out
    after = _transfers(sandboxes)
    assert after.count(f"Shopify payout {payout_id}") == 1
    assert len(after) == len(posted) + 1
    code, out = _invoke([*data, "errors", "list", "--json"])
    assert [e for e in json.loads(out) if e["entity"] == "payouts"] == []

    # Nothing is posted again by a later run.
    code, out = _invoke([*data, "sync"])
    assert code in (0, 1), out
    assert sorted(_transfers(sandboxes)) == sorted(after)
