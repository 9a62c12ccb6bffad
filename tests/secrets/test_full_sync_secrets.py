"""The secrets grep over a whole CLI session (docs/architecture.md, invariant 7; issue 6 "Secrets").

Both simulators over real HTTP with the demo seed; Xero in web mode with a token file the tool
must refresh (its access token is marked expired), Shopify by client credentials, then once more
by the static token. The session has failures on purpose: a 401 TokenExpired that quotes the
token back, a 400 whose body echoes the bearer header and the refresh token, a 500 echoing the
client secret. Then every output is searched for every secret the session used: each access and
refresh token either simulator ever issued, both client secrets and the static token. Outputs:
CLI stdout/stderr in text and JSON log formats, every log record, every row of every table of
the state DB (API-call log, error queue, runs, mappings), every other file in the data folder,
both simulators' request logs, and ``status``, ``status --json``, ``errors list --json``.
The token file itself must be 0600 at every moment, replaced atomically.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds import credentials
from shopxero.xero.tokens import XeroTokenSet, load_token_file, save_token_file

TOKEN_FILE = "xero-token.json"


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("SHOPXERO_XERO_MODE", "web")
        monkeypatch.setenv("SHOPXERO_XERO_CLIENT_ID", credentials.XERO_WEB_CLIENT_ID)
        monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", credentials.XERO_WEB_CLIENT_SECRET)
        yield running


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    text = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text += f"\n{result.exception!s}\n{result.exception!r}"
    return result.exit_code, text


def _issued_secrets(running: RunningSandboxes) -> set[str]:
    # Every token the simulators ever handed out (private state, read on purpose: the test must
    # know the intermediate generations a refresh produced inside one command).
    xero_state = running.xero.tokens._s
    issued = set(xero_state.access) | set(xero_state.refresh) | set(xero_state.codes)
    issued |= set(running.shopify.tokens._issued)
    return issued


def _state_db_text(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return "\n".join(db.iterdump())


def _fault(running: RunningSandboxes, spec: dict[str, Any]) -> None:
    httpx.post(f"{running.xero_url}/_sandbox/faults", json=spec).raise_for_status()


def _write_expired_tokens(running: RunningSandboxes, data_dir: Path) -> XeroTokenSet:
    body = running.xero.issue_tokens_for_tests()
    now = running.xero.clock.now()
    tokens = XeroTokenSet.from_token_response(body, now=now - timedelta(hours=2)).with_tenant(
        body["tenant_id"], "Demo"
    )
    save_token_file(data_dir / TOKEN_FILE, tokens)
    return tokens


def test_no_secret_in_any_output_of_a_session_with_failures(
    sandboxes: RunningSandboxes,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    data = tmp_path / "data"
    first = _write_expired_tokens(sandboxes, data)
    outputs: dict[str, str] = {}
    replaced: list[int] = []
    real_replace = os.replace

    def watching_replace(src: Any, dst: Any) -> None:
        # The temp file that becomes the token file: 0600 before the rename makes it visible,
        # and nothing else in the folder is readable by group or others meanwhile.
        if Path(dst).name == TOKEN_FILE:
            replaced.append(stat.S_IMODE(os.stat(src).st_mode))
            for entry in Path(dst).parent.iterdir():
                if entry.name.startswith(f".{TOKEN_FILE}"):
                    assert stat.S_IMODE(entry.stat().st_mode) & 0o077 == 0, entry
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", watching_replace)

    # A 401 quoting the token, a 400 echoing the bearer header and refresh token, a 500 echoing
    # the client secret: the tool must survive each and repeat none of it.
    _fault(
        sandboxes,
        {
            "method": "GET",
            "path": "/Organisation$",
            "kind": "status",
            "status": 401,
            "body": {"Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired: token"},
            "times": 1,
        },
    )
    echo = f"Authorization: Bearer {first.access_token} refresh_token={first.refresh_token}"
    _fault(
        sandboxes,
        {
            "method": "PUT",
            "path": "/Items$",
            "kind": "status",
            "status": 400,
            "body": {"Type": "ValidationException", "Message": echo, "Elements": []},
            "times": 1,
        },
    )
    _fault(
        sandboxes,
        {
            "method": "GET",
            "path": "/TaxRates$",
            "kind": "status",
            "status": 500,
            "body": f"client_secret={credentials.XERO_WEB_CLIENT_SECRET}",
            "times": 1,
        },
    )
    base = ["--data-dir", str(data)]
    code, outputs["sync text"] = _invoke([*base, "sync"])
    assert code in (0, 1), outputs["sync text"]
    code, outputs["sync json"] = _invoke([*base, "--log-format", "json", "sync", "--json"])
    assert code in (0, 1), outputs["sync json"]
    # The static Shopify token too, and a Xero refresh in the middle of a run.
    monkeypatch.setenv("SHOPXERO_SHOPIFY_ACCESS_TOKEN", credentials.SHOPIFY_ACCESS_TOKEN)
    sandboxes.xero.clock.advance(31 * 60)
    httpx.post(
        f"{sandboxes.shopify_url}/_sandbox/records",
        json={"customers": [{"id": sandboxes_first_customer(sandboxes), "note": "touched"}]},
    ).raise_for_status()
    code, outputs["sync static token"] = _invoke([*base, "--log-format", "json", "sync"])
    assert code in (0, 1), outputs["sync static token"]
    for args in (["status"], ["status", "--json"], ["errors", "list", "--json"]):
        code, outputs[" ".join(args)] = _invoke([*base, *args])
        assert code in (0, 1), outputs[" ".join(args)]
    json.loads(outputs["status --json"])  # machine-readable, not mixed with log lines

    saved = load_token_file(data / TOKEN_FILE)
    assert saved is not None and saved.refresh_token != first.refresh_token  # refreshed
    assert stat.S_IMODE((data / TOKEN_FILE).stat().st_mode) == 0o600
    assert replaced and all(mode == 0o600 for mode in replaced)

    outputs["log records"] = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.__dict__}" for r in caplog.records
    )
    outputs["state db"] = _state_db_text(data / "state.db")
    for path in data.rglob("*"):
        if path.is_file() and path.name != TOKEN_FILE and path.suffix not in (".db",):
            outputs[f"file {path.name}"] = path.read_bytes().decode("utf-8", "replace")
    for name, url in (("xero", sandboxes.xero_url), ("shopify", sandboxes.shopify_url)):
        outputs[f"{name} request log"] = httpx.get(f"{url}/_sandbox/requests").text

    secrets = _issued_secrets(sandboxes) | {
        credentials.XERO_WEB_CLIENT_SECRET,
        credentials.XERO_CC_CLIENT_SECRET,
        credentials.SHOPIFY_CLIENT_SECRET,
        credentials.SHOPIFY_ACCESS_TOKEN,
    }
    assert len(secrets) >= 8  # 2+ Xero generations (access + refresh), a Shopify grant, 4 fixed
    statuses = {r["status"] for r in json.loads(outputs["xero request log"])["requests"]}
    assert {400, 401, 500} <= statuses  # the failures really happened
    leaks = sorted(
        f"{where}: {secret[:8]}..."
        for where, text in outputs.items()
        for secret in secrets
        if secret and secret in text
    )
    assert leaks == []


def sandboxes_first_customer(running: RunningSandboxes) -> int:
    state = httpx.get(f"{running.shopify_url}/_sandbox/state").json()
    return int(state["customers"][0]["id"])


@pytest.mark.parametrize("failure", ["xero refresh token revoked", "shopify secret wrong"])
def test_runs_that_cannot_start_say_why_in_one_line_without_the_secret(
    sandboxes: RunningSandboxes,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    data = tmp_path / "data"
    tokens = _write_expired_tokens(sandboxes, data)
    wrong = "shpss_wrong_secret_that_must_not_show_0001"
    if failure.startswith("xero"):
        assert tokens.refresh_token is not None
        sandboxes.xero.tokens.revoke(tokens.refresh_token, client_id=credentials.XERO_WEB_CLIENT_ID)
    else:
        monkeypatch.setenv("SHOPXERO_SHOPIFY_CLIENT_SECRET", wrong)
    outputs: dict[str, str] = {}
    code, outputs["sync"] = _invoke(["--data-dir", str(data), "sync"])
    assert code == 2, outputs["sync"]
    reason = "shopxero auth xero" if failure.startswith("xero") else "client credentials"
    assert reason in outputs["sync"], outputs["sync"]
    code, outputs["sync json"] = _invoke(
        ["--data-dir", str(data), "--log-format", "json", "sync", "--json"]
    )
    assert code == 2, outputs["sync json"]
    outputs["log records"] = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.__dict__}" for r in caplog.records
    )
    outputs["state db"] = _state_db_text(data / "state.db") if (data / "state.db").exists() else ""
    for name, url in (("xero", sandboxes.xero_url), ("shopify", sandboxes.shopify_url)):
        outputs[f"{name} request log"] = httpx.get(f"{url}/_sandbox/requests").text
    secrets = _issued_secrets(sandboxes) | {
        wrong,
        credentials.XERO_WEB_CLIENT_SECRET,
        credentials.SHOPIFY_CLIENT_SECRET,
    }
    leaks = sorted(
        f"{where}: {secret[:8]}..."
        for where, text in outputs.items()
        for secret in secrets
        if secret and secret in text
    )
    assert leaks == []
    # The token file is left as it was (a refused refresh must not wipe it or loosen it).
    assert stat.S_IMODE((data / TOKEN_FILE).stat().st_mode) == 0o600
    assert load_token_file(data / TOKEN_FILE) is not None
