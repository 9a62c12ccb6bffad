"""``shopxero sandbox`` as a user runs it: a subprocess that serves until terminated."""

from __future__ import annotations

import http.client
import os
import re
import shlex
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from shopxero.cli.app import EXIT_UNABLE, _register_commands, app, main
from shopxero.cli.sandbox_cmd import write_env_file
from shopxero.config import load_settings
from shopxero.sandbox.seeds.credentials import XERO_WEB_CLIENT_ID, XERO_WEB_CLIENT_SECRET
from shopxero.sandbox.server import free_port
from shopxero.xero.tokens import load_token_file


def _read_env(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip())


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists() or not path.read_text(encoding="utf-8").strip():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"shopxero sandbox exited early ({proc.returncode}): {out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail("shopxero sandbox did not write its env file in time")
        time.sleep(0.1)


def test_sandbox_serves_real_data_and_writes_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "sandbox.env"
    shopify_port, xero_port = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "shopxero", "sandbox", "--shopify-port", str(shopify_port),
         "--xero-port", str(xero_port), "--seed", "demo", "--write-env", str(env_file),
         "--shopify-token"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("SHOPXERO_")},
    )  # fmt: skip
    try:
        _wait_for(env_file, proc)
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        env = _read_env(env_file)
        assert env["SHOPXERO_SHOPIFY_BASE_URL"] == f"http://127.0.0.1:{shopify_port}"
        assert env["SHOPXERO_XERO_API_BASE_URL"] == f"http://127.0.0.1:{xero_port}/api.xro/2.0"
        assert env["SHOPXERO_XERO_MODE"] == "custom_connection"

        answer = httpx.get(
            f"{env['SHOPXERO_SHOPIFY_BASE_URL']}/admin/api/2026-10/customers.json",
            headers={"X-Shopify-Access-Token": env["SHOPXERO_SHOPIFY_ACCESS_TOKEN"]},
            timeout=10,
        )
        assert answer.status_code == 200
        names = {c["last_name"] for c in answer.json()["customers"]}
        assert "Smith" in names  # the demo's two Oliver Smiths

        # Header names as Shopify spells them, for case-sensitive clients (issue 16 §7).
        conn = http.client.HTTPConnection("127.0.0.1", shopify_port, timeout=10)
        conn.request(
            "GET",
            "/admin/api/2026-10/shop.json",
            headers={"X-Shopify-Access-Token": env["SHOPXERO_SHOPIFY_ACCESS_TOKEN"]},
        )
        raw_names = [name for name, _ in conn.getresponse().getheaders()]
        conn.close()
        assert "X-Shopify-Shop-Api-Call-Limit" in raw_names
        assert "X-Shopify-API-Version" in raw_names

        # The Xero side accepts the custom-connection client written to the file.
        token = httpx.post(
            f"{env['SHOPXERO_XERO_IDENTITY_BASE_URL']}/connect/token",
            data={"grant_type": "client_credentials"},
            auth=(env["SHOPXERO_XERO_CLIENT_ID"], env["SHOPXERO_XERO_CLIENT_SECRET"]),
            timeout=10,
        )
        assert token.status_code == 200
        org = httpx.get(
            f"{env['SHOPXERO_XERO_API_BASE_URL']}/Organisation",
            headers={"Authorization": f"Bearer {token.json()['access_token']}",
                     "Accept": "application/json"},
            timeout=10,
        )  # fmt: skip
        assert org.status_code == 200
        assert org.json()["Organisations"][0]["OrganisationID"] == env["SHOPXERO_XERO_TENANT_ID"]
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{shopify_port}" in out
    assert "curl" in out and "Stopped." in out


def test_the_env_file_is_read_by_the_tools_settings(tmp_path: Path) -> None:
    path = tmp_path / "x.env"
    write_env_file(path, {"SHOPXERO_XERO_MODE": "custom_connection",
                          "SHOPXERO_SHOPIFY_BASE_URL": "http://127.0.0.1:1"})  # fmt: skip
    settings = load_settings(path)
    assert settings.xero_mode == "custom_connection"
    assert settings.shopify_url == "http://127.0.0.1:1"


def test_write_env_file_tightens_an_existing_files_mode(tmp_path: Path) -> None:
    path = tmp_path / "old.env"
    path.write_text("OLD=1\n", encoding="utf-8")
    path.chmod(0o644)
    write_env_file(path, {"A": "1"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == "A=1\n"


def test_an_unknown_seed_is_a_one_line_error_with_exit_code_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sandbox", "--seed", "no-such-seed"])
    assert exited.value.code == EXIT_UNABLE
    assert "neither a seed name" in capsys.readouterr().err


def test_a_taken_port_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as exited:
            main(["sandbox", "--shopify-port", str(port)])
    assert exited.value.code == EXIT_UNABLE
    assert "could not start the sandboxes" in capsys.readouterr().err


def _consent_in_browser(url: str) -> None:
    """What a person does on the sandbox's consent page: press Allow, follow the redirect."""
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


def test_the_web_app_consent_flow_can_be_tried_against_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--xero-app web` writes the web app's settings; the printed commands run the consent
    flow and a sync (issue 16 §4). The web app's credentials are printed either way."""
    env_file = tmp_path / "sandbox.env"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHOPXERO_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "shopxero", "sandbox", "--write-env", str(env_file),
         "--xero-app", "web"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**clean, "PYTHONUNBUFFERED": "1"}, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Serving until"):
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"shopxero sandbox stopped: {''.join(lines)}{proc.stderr.read()}")
            lines.append(line)
        out = "".join(lines)
        assert XERO_WEB_CLIENT_ID in out and XERO_WEB_CLIENT_SECRET in out
        env = _read_env(env_file)
        assert env["SHOPXERO_XERO_MODE"] == "web"
        assert env["SHOPXERO_XERO_CLIENT_ID"] == XERO_WEB_CLIENT_ID
        printed = re.search(
            r"Settings written to .*?: (shopxero .*) auth xero, then (.*) sync", out
        )
        assert printed, out
        auth_words = [*shlex.split(printed.group(1)), "auth", "xero"]

        # A free port for the callback, instead of the default 8765 others may hold.
        monkeypatch.setenv("SHOPXERO_XERO_REDIRECT_URI", f"http://localhost:{free_port()}/cb")
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(
            "webbrowser.open",
            lambda url, *a, **k: (
                threading.Thread(target=_consent_in_browser, args=(url,), daemon=True).start()
                or True
            ),
        )
        _register_commands()
        result = CliRunner().invoke(app, auth_words[1:])
        assert result.exit_code == 0, result.output + result.stderr
        tokens = load_token_file(tmp_path / "data" / "xero-token.json")
        assert tokens is not None and tokens.tenant_id == env["SHOPXERO_XERO_TENANT_ID"]

        # The printed sync, on the customers only: the token is what is tried here.
        sync_words = [*shlex.split(printed.group(2)), "sync", "--only", "customers"]
        synced = CliRunner().invoke(app, sync_words[1:])
        assert synced.exit_code == 0, synced.output + synced.stderr
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
