"""When a run cannot run, it says what is wrong and what to do (issue 16 §4), through the CLI:

- broken Xero credentials are noticed by every run, even one with nothing to write (a wrong
  Custom Connection secret; a web app disconnected from the organisation in Xero);
- an unreachable shop names the address and the setting to check;
- a Shopify token that is set but rejected is called that (not "set ...ACCESS_TOKEN"), in
  `sync` and in `doctor`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import stamina
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds.credentials import XERO_WEB_CLIENT_ID, XERO_WEB_CLIENT_SECRET
from shopxero.xero.tokens import XeroTokenSet, save_token_file

SEED = "bench:customers=3,products=2,orders=3"


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes(SEED) as running:
        for key, value in running.env(shopify_auth="access_token").items():
            monkeypatch.setenv(key, value)
        yield running


def _run(data_dir: Path, *args: str) -> Any:
    _register_commands()
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), *args])


def _xero_requests(running: RunningSandboxes) -> list[dict[str, Any]]:
    return list(httpx.get(f"{running.xero_url}/_sandbox/requests").json()["requests"])


def test_a_wrong_xero_secret_stops_a_run_with_nothing_to_write(
    shop: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _run(tmp_path, "sync")
    assert first.exit_code in (0, 1), first.output
    before = len(_xero_requests(shop))
    calm = _run(tmp_path, "sync")  # nothing new: no Accounting API call, one token request
    assert calm.exit_code in (0, 1), calm.output
    new = _xero_requests(shop)[before:]
    assert [r["path"] for r in new] == ["/connect/token"]

    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", "a-secret-someone-changed")
    broken = _run(tmp_path, "sync")
    assert broken.exit_code == 2, broken.output
    assert "Xero rejected the client id or secret" in broken.stderr
    assert "SHOPXERO_XERO_CLIENT_SECRET" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1


def test_a_web_app_disconnected_in_xero_is_noticed(
    shop: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_XERO_MODE", "web")
    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_ID", XERO_WEB_CLIENT_ID)
    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", XERO_WEB_CLIENT_SECRET)
    monkeypatch.delenv("SHOPXERO_XERO_TENANT_ID")
    body = shop.xero.issue_tokens_for_tests()  # as if the merchant had clicked Allow
    tokens = XeroTokenSet.from_token_response(body, now=datetime.now(UTC)).with_tenant(
        body["tenant_id"], "Bench"
    )
    save_token_file(tmp_path / "xero-token.json", tokens)
    first = _run(tmp_path, "sync")
    assert first.exit_code in (0, 1), first.output
    assert _run(tmp_path, "sync").exit_code in (0, 1)  # nothing to write: still fine

    # Someone removes the app in Xero: its connection to the organisation is deleted.
    bearer = {"Authorization": f"Bearer {tokens.access_token}"}
    (connection,) = httpx.get(f"{shop.xero_url}/connections", headers=bearer).json()
    gone = httpx.delete(f"{shop.xero_url}/connections/{connection['id']}", headers=bearer)
    assert gone.status_code == 204
    broken = _run(tmp_path, "sync")
    assert broken.exit_code == 2, broken.output
    assert f"the Xero organisation {body['tenant_id']} is no longer connected" in broken.stderr
    assert "shopxero auth xero" in broken.stderr


@pytest.fixture
def no_retry_waits() -> Iterator[None]:
    with stamina.set_testing(True, attempts=1):
        yield


def test_an_unreachable_shop_names_the_address_and_the_fix(
    shop: RunningSandboxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    free_tcp_port: int,
    no_retry_waits: None,
) -> None:
    address = f"127.0.0.1:{free_tcp_port}"
    monkeypatch.setenv("SHOPXERO_SHOPIFY_BASE_URL", f"http://{address}")
    result = _run(tmp_path, "sync")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"connection failed: {address}" in line
    assert f"fix: check SHOPXERO_SHOPIFY_BASE_URL (http://{address})" in line


def test_a_rejected_shopify_token_says_it_is_set_and_rejected(
    shop: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_SHOPIFY_ACCESS_TOKEN", "shpat_00000000000000000000000000000000")
    result = _run(tmp_path, "sync")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert "401" in line
    assert "fix: SHOPXERO_SHOPIFY_ACCESS_TOKEN is set but Shopify rejects it" in line

    doctor = _run(tmp_path, "doctor")
    assert doctor.exit_code == 2, doctor.output
    out = " ".join(doctor.stdout.split())
    assert "fix: SHOPXERO_SHOPIFY_ACCESS_TOKEN is set but Shopify rejects it" in out
    assert "set SHOPXERO_SHOPIFY_CLIENT_ID" not in out
