"""``shopxero doctor`` on payouts: which accounts they post to, or what stops them and the fix
(docs/payouts.md). The command over real HTTP at 80 columns; the other cases in-process."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cli.test_doctor import _doctor, _invoke, _one, _settings

from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import shopify_credentials
from shopxero.store import StateStore
from shopxero.store.mappings import MappingRecord

pytestmark = pytest.mark.anyio


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env(shopify_auth="access_token").items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("COLUMNS", "80")
        yield running


def _payouts_lines(output: str) -> str:
    """The payouts check's lines (its detail and fix, as wrapped at 80 columns)."""
    lines = output.splitlines()
    start = next(n for n, line in enumerate(lines) if "xero payouts:" in line)
    end = next(
        (n for n in range(start + 1, len(lines)) if lines[n][:1] not in (" ", "")), len(lines)
    )
    return " ".join(line.strip() for line in lines[start:end])


def test_doctor_names_the_accounts_payouts_post_to(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    result = _invoke(["--data-dir", str(tmp_path), "doctor"])
    assert result.exit_code == 0, result.output
    text = _payouts_lines(result.output)
    assert text.startswith("ok ")
    assert "Shopify Payments money goes to 091" in text
    assert "a transfer to 090, fees to 404" in text


def test_doctor_on_a_state_db_from_before_payouts_says_how_to_switch(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    # A payment recorded by a version before payouts: no account kept with it.
    with StateStore.open(tmp_path / "state.db") as store:
        store.mappings.upsert(
            MappingRecord(
                entity="payment", shopify_id="1", xero_id="p-1", natural_key="SHOP-1001:1"
            )
        )
    result = _invoke(["--data-dir", str(tmp_path), "doctor"])
    assert result.exit_code == 0, result.output
    text = _payouts_lines(result.output)
    assert text.startswith("warning ")
    assert "shopify_payments payments go to account 090" in text
    assert "set SHOPXERO_CLEARING_ACCOUNT" in text and "already syncing" in text


async def test_a_chart_without_a_clearing_account_says_how_to_add_one(tmp_path: Path) -> None:
    seed = copy.deepcopy(load_seed("demo"))
    seed["xero"]["accounts"] = [a for a in seed["xero"]["accounts"] if a["Code"] != "091"]
    report = await _doctor(_settings(tmp_path), seed=seed)
    check = _one(report, "xero", "payouts")
    assert check.status == "warning"
    assert "there is no clearing account" in check.detail
    assert "BANK account without a bank feed" in check.detail
    assert "SHOPXERO_CLEARING_ACCOUNT" in check.fix and "SHOPXERO_SYNC_PAYOUTS=false" in check.fix


async def test_a_shopify_app_without_the_payouts_scope_is_a_warning(tmp_path: Path) -> None:
    granted = tuple(s for s in shopify_credentials().scopes if s != "read_shopify_payments_payouts")
    report = await _doctor(_settings(tmp_path), scopes=granted)
    check = _one(report, "shopify", "payouts")
    assert check.status == "warning"
    assert "read_shopify_payments_payouts is not granted" in check.detail
    assert "reinstall" in check.fix
    assert report.status == "warning"


async def test_payouts_off_is_said_and_checks_nothing_else(tmp_path: Path) -> None:
    seed: dict[str, Any] = copy.deepcopy(load_seed("demo"))
    seed["xero"]["accounts"] = [a for a in seed["xero"]["accounts"] if a["Code"] != "091"]
    report = await _doctor(_settings(tmp_path, sync_payouts=False), seed=seed)
    check = _one(report, "xero", "payouts")
    assert (check.status, check.detail) == ("ok", "payouts are off (SHOPXERO_SYNC_PAYOUTS=false)")
