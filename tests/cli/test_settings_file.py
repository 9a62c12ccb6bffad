"""Which settings file is read, and the global options after the command (issue 16 §1).

A newcomer runs ``shopxero init`` and then types the commands it prints, exactly: they must read
the ``./shopxero.env`` init wrote. People also put ``--env-file`` after the command.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer.main
from typer.testing import CliRunner

from shopxero.cli.app import (
    GLOBAL_FLAGS,
    GLOBAL_VALUE_OPTIONS,
    _register_commands,
    app,
    hoist_global_options,
)
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds.credentials import (
    SHOPIFY_ACCESS_TOKEN,
    XERO_CC_CLIENT_ID,
    XERO_CC_CLIENT_SECRET,
    XERO_WEB_CLIENT_ID,
    XERO_WEB_CLIENT_SECRET,
)
from shopxero.xero.tokens import load_token_file

NOTICE = "settings from shopxero.env (the default; --env-file picks another)"


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    """Both sandboxes; only their addresses are in the environment (a real shop needs none)."""
    with start_sandboxes("demo") as running:
        for key, value in running.env().items():
            if key.endswith("_URL"):
                monkeypatch.setenv(key, value)
        yield running


def _invoke(args: list[str]) -> Any:
    _register_commands()
    return CliRunner().invoke(app, args)


def _as_typed(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a printed ``shopxero ...`` command line in ``cwd``, as a user would type it."""
    words = shlex.split(command)
    assert words[0] == "shopxero", command
    return subprocess.run(
        [sys.executable, "-m", "shopxero", *words[1:]],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "80"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_commands_init_prints_work_as_printed(
    tmp_path: Path, sandboxes: RunningSandboxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _invoke(
        [
            "init",
            "--no-input",
            "--shop",
            sandboxes.shop_domain,
            "--shopify-auth",
            "token",
            "--shopify-token",
            SHOPIFY_ACCESS_TOKEN,
            "--xero-app",
            "custom-connection",
            "--xero-client-id",
            XERO_CC_CLIENT_ID,
            "--xero-client-secret",
            XERO_CC_CLIENT_SECRET,
        ]
    )
    assert result.exit_code == 0, result.output
    printed = re.findall(r"`(shopxero [^`]*)`", result.output.split("Next:", 1)[1])
    assert printed == ["shopxero doctor", "shopxero sync"]

    doctor = _as_typed(printed[0], tmp_path)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert NOTICE in doctor.stdout  # doctor says where its settings came from
    assert "SHOPXERO_SHOPIFY_SHOP is not set" not in doctor.stdout

    sync = _as_typed(printed[1], tmp_path)
    assert sync.returncode in (0, 1), sync.stdout + sync.stderr  # 2: could not run
    assert sync.stderr.count(NOTICE) == 1  # one dim line, once
    assert (tmp_path / "data" / "state.db").is_file()  # the default data dir, beside the file


def test_init_with_another_env_file_prints_commands_that_read_it(
    tmp_path: Path, sandboxes: RunningSandboxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _invoke(
        [
            "init",
            "--env-file",  # after the command, as people type it
            "shop.env",
            "--no-input",
            "--no-connect",
            "--shop",
            sandboxes.shop_domain,
            "--shopify-auth",
            "token",
            "--shopify-token",
            SHOPIFY_ACCESS_TOKEN,
            "--xero-app",
            "custom-connection",
            "--xero-client-id",
            XERO_CC_CLIENT_ID,
            "--xero-client-secret",
            XERO_CC_CLIENT_SECRET,
        ]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "shop.env").is_file() and not (tmp_path / "shopxero.env").exists()
    printed = re.findall(r"`(shopxero [^`]*)`", result.output.split("Next:", 1)[1])
    assert printed[0] == "shopxero --env-file shop.env doctor"
    doctor = _as_typed(printed[0], tmp_path)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "settings from shop.env and SHOPXERO_* variables" in doctor.stdout


def test_global_options_after_the_command(tmp_path: Path, sandboxes: RunningSandboxes) -> None:
    env_file = tmp_path / "elsewhere" / "settings.env"
    env_file.parent.mkdir()
    env_file.write_text(
        "".join(f"{k}={v}\n" for k, v in sandboxes.env(shopify_auth="access_token").items())
    )
    data = tmp_path / "data"
    result = _invoke(["doctor", "--env-file", str(env_file), "--data-dir", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["settings"] == f"{env_file} and SHOPXERO_* variables"
    # The = form, a flag, and a sub-command's group: all moved before the command.
    result = _invoke(["errors", "list", f"--data-dir={data}", "-v", f"--env-file={env_file}"])
    assert result.exit_code == 0, result.output
    assert "No such option" not in result.output


def test_without_a_settings_file_doctor_says_where_settings_come_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _invoke(["doctor"])
    assert result.exit_code == 2
    assert result.stdout.startswith(
        "settings from SHOPXERO_* variables only (no --env-file, no ./shopxero.env)\n"
    )


def test_an_env_file_given_is_not_announced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shopxero.env").write_text("SHOPXERO_INVOICE_PREFIX=A-\n")
    (tmp_path / "other.env").write_text("SHOPXERO_INVOICE_PREFIX=B-\n")
    quiet = _invoke(["--env-file", "other.env", "errors", "list"])
    assert quiet.exit_code == 0, quiet.output
    assert "settings from" not in quiet.stderr
    told = _invoke(["errors", "list"])
    assert told.exit_code == 0, told.output
    assert told.stderr.count(NOTICE) == 1


def _consent_in_browser(url: str) -> None:
    """What a person does in the browser: open the consent page, press Allow, follow back."""
    with httpx.Client(follow_redirects=False, timeout=30) as http:
        page = http.get(url)
        action = re.search(r'<form id="consent" method="post" action="([^"]+)"', page.text)
        request_id = re.search(r'name="request_id" value="([^"]+)"', page.text)
        assert action and request_id, page.text
        answer = http.post(
            httpx.URL(url).join(action.group(1)),
            data={"request_id": request_id.group(1), "decision": "allow"},
        )
        http.get(answer.headers["location"])


def test_docker_md_host_consent_reads_shopxero_env(
    tmp_path: Path, sandboxes: RunningSandboxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/docker.md: `shopxero --data-dir ./data auth xero` on the host, beside shopxero.env
    (issue 17 §2 first half)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shopxero.env").write_text(
        "SHOPXERO_XERO_MODE=web\n"
        f"SHOPXERO_XERO_CLIENT_ID={XERO_WEB_CLIENT_ID}\n"
        f"SHOPXERO_XERO_CLIENT_SECRET={XERO_WEB_CLIENT_SECRET}\n"
    )

    def open_url(url: str, *args: Any, **kwargs: Any) -> bool:
        threading.Thread(target=_consent_in_browser, args=(url,), daemon=True).start()
        return True

    monkeypatch.setattr("webbrowser.open", open_url)
    result = _invoke(shlex.split("--data-dir ./data auth xero"))
    assert result.exit_code == 0, result.output + result.stderr
    tokens = load_token_file(tmp_path / "data" / "xero-token.json")
    assert tokens is not None and tokens.tenant_id == sandboxes.tenant_id


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        (["doctor", "--env-file", "a.env"], ["--env-file", "a.env", "doctor"]),
        (["-v", "sync", "--dry-run", "--data-dir=d"], ["-v", "--data-dir=d", "sync", "--dry-run"]),
        (
            ["--log-format", "json", "errors", "list", "--verbose", "--json"],
            ["--log-format", "json", "--verbose", "errors", "list", "--json"],
        ),
        # After `--` nothing is an option.
        (["sync", "--", "--env-file", "x"], ["sync", "--", "--env-file", "x"]),
    ],
)
def test_hoisting_moves_only_global_options(typed: list[str], parsed: list[str]) -> None:
    assert hoist_global_options(typed) == parsed


def test_no_command_has_an_option_named_like_a_global_one() -> None:
    """Otherwise moving a global option to the front would take a command's own option."""
    _register_commands()
    names = set(GLOBAL_VALUE_OPTIONS) | set(GLOBAL_FLAGS)
    clashes: list[str] = []

    def walk(command: Any, path: str) -> None:
        for param in command.params:
            clashes.extend(f"{path} {opt}" for opt in param.opts if opt in names)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    root = typer.main.get_command(app)
    for name, sub in root.commands.items():  # type: ignore[attr-defined]
        walk(sub, name)
    assert clashes == []
