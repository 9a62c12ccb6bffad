"""``shopxero sync --dry-run`` (plain text and ``--json``) shows orders' payments, credit notes
and what happens to each credit note, over real HTTP against both simulators, writing nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sync.test_dryrun_lifecycle import _demo_orders
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    # 1032: paid, then two refunds with money back; 1048: 20.00 of 55.00 paid.
    with start_sandboxes(_demo_orders({1032, 1048})) as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        yield running


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _xero_writes(url: str) -> list[dict[str, Any]]:
    requests = httpx.get(f"{url}/_sandbox/requests").json()["requests"]
    return [
        r for r in requests if r["path"].startswith("/api.xro") and r["method"] in ("PUT", "POST")
    ]


def test_dry_run_text_and_json_show_payments_and_credit_notes(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path), "sync", "--dry-run"])
    assert code == 0, out
    lines = out.splitlines()
    flat = " ".join(out.split())  # the console wraps long plan lines at the terminal width
    assert re.search(
        r"payments: create order #1048 payment \d+ — 20\.00 paid on invoice SHOP-1048 into "
        r"account 090 on \d{4}-\d\d-\d\d",  # not a Shopify Payments payment: the bank
        flat,
    ), out
    for number in ("SHOP-1032-R1", "SHOP-1032-R2"):
        assert f"(credit note {number}) — total 8.00: 8.00 paid out to the customer" in flat, out
        assert f"(paid out of {number}) — 8.00 paid back to the customer from account 091" in flat
    # The summary table counts what the real run would make.
    [row] = [line for line in lines if "payments" in line and "│" in line]
    assert row.split("│")[2].strip() == "4"  # 1032's payment and two refunds, 1048's payment
    assert "not planned" not in out

    code, out = _invoke(["--data-dir", str(tmp_path), "sync", "--dry-run", "--json"])
    assert code == 0, out
    report = json.loads(out)
    assert report["counts"]["credit_notes"]["created"] == 2
    notes = sorted(report["plan"]["credit_notes"], key=lambda c: c["natural_key"])
    assert [n["details"] for n in notes] == [
        {
            "number": number,
            "total": "8.00",
            "invoice": "SHOP-1032",
            "paid_out": "8.00",
            "allocated": "0.00",
        }
        for number in ("SHOP-1032-R1", "SHOP-1032-R2")
    ]
    payments = report["plan"]["payments"]
    assert {p["action"] for p in payments} == {"create"}
    assert sorted(p["details"]["amount"] for p in payments) == ["20.00", "38.95", "8.00", "8.00"]
    # Shopify Payments money into the clearing account (docs/payouts.md), 1048's into the bank
    assert sorted((p["details"]["amount"], p["details"]["account"]) for p in payments) == [
        ("20.00", "090"),
        ("38.95", "091"),
        ("8.00", "091"),
        ("8.00", "091"),
    ]
    assert _xero_writes(sandboxes.xero_url) == []
