"""``shopxero auth xero`` and ``shopxero auth status`` against the simulator over real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app, main
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import RunningServer, free_port, serve_in_thread
from shopxero.xero.tokens import load_token_file

from .conftest import (
    CC_CLIENT_ID,
    CC_CLIENT_SECRET,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    consent_in_browser,
    platform_sandbox,
)


@pytest.fixture
def sandbox_server() -> Iterator[tuple[Any, RunningServer]]:
    _register_commands()
    sandbox = platform_sandbox(SandboxClock())
    with serve_in_thread(sandbox) as server:
        yield sandbox, server


def env_file(tmp_path: Path, url: str, *, mode: str = "web") -> Path:
    client_id, secret = (
        (WEB_CLIENT_ID, WEB_CLIENT_SECRET) if mode == "web" else (CC_CLIENT_ID, CC_CLIENT_SECRET)
    )
    path = tmp_path / "test.env"
    path.write_text(
        "\n".join(
            [
                f"SHOPXERO_XERO_MODE={mode}",
                f"SHOPXERO_XERO_CLIENT_ID={client_id}",
                f"SHOPXERO_XERO_CLIENT_SECRET={secret}",
                f"SHOPXERO_XERO_API_BASE_URL={url}/api.xro/2.0",
                f"SHOPXERO_XERO_CONNECTIONS_URL={url}/connections",
                f"SHOPXERO_XERO_IDENTITY_BASE_URL={url}",
                f"SHOPXERO_XERO_LOGIN_BASE_URL={url}",
                f"SHOPXERO_XERO_REDIRECT_URI=http://localhost:{free_port()}/callback",
                "SHOPXERO_SHOPIFY_SHOP=test-shop.myshopify.com",
                "SHOPXERO_SHOPIFY_ACCESS_TOKEN=shpat_notarealtoken0000",
                "",
            ]
        )
    )
    return path


def scripted_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []

    def open_url(url: str, *args: Any, **kwargs: Any) -> bool:
        opened.append(url)
        threading.Thread(target=consent_in_browser, args=(url,), daemon=True).start()
        return True

    monkeypatch.setattr("webbrowser.open", open_url)
    return opened


def run(tmp_path: Path, env: Path, *args: str) -> Any:
    return CliRunner().invoke(
        app, ["--env-file", str(env), "--data-dir", str(tmp_path / "data"), *args]
    )


def test_auth_xero_consent_saves_tokens_then_status_reports_them(
    tmp_path: Path, sandbox_server: tuple[Any, RunningServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox, server = sandbox_server
    env = env_file(tmp_path, server.url)
    opened = scripted_browser(monkeypatch)

    result = run(tmp_path, env, "auth", "xero")
    assert result.exit_code == 0, result.output
    assert "Connected to Xero organisation Platform Test Ltd" in result.output
    assert len(opened) == 1
    saved = load_token_file(tmp_path / "data" / "xero-token.json")
    assert saved is not None and saved.tenant_id == sandbox.tenant_id

    status = run(tmp_path, env, "auth", "status", "--json")
    assert status.exit_code == 0, status.output
    report = json.loads(status.output)
    assert report["xero"]["connected"] is True
    assert report["xero"]["tenant_id"] == sandbox.tenant_id
    assert report["xero"]["access_token_expired"] is False
    assert report["xero"]["refresh_token_age_days"] == 0
    assert report["shopify"]["mode"] == "static_token"
    text = run(tmp_path, env, "auth", "status")
    assert "Platform Test Ltd" in text.output and "static_token" in text.output
    for output in (result.output, status.output, text.output):
        assert saved.access_token not in output
        assert (saved.refresh_token or "x") not in output
        assert WEB_CLIENT_SECRET not in output and "shpat_" not in output

    revoked = run(tmp_path, env, "auth", "xero", "--revoke")
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert not (tmp_path / "data" / "xero-token.json").exists()


def test_auth_xero_no_browser_prints_the_address(
    tmp_path: Path, sandbox_server: tuple[Any, RunningServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, server = sandbox_server
    env = env_file(tmp_path, server.url)
    called: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: called.append(url) or True)
    # The printed address is followed by a scripted person in another thread.
    import shopxero.cli.auth_xero as module

    real_run = module.run_consent_flow

    async def run_and_follow(**kwargs: Any) -> Any:
        printed = kwargs["open_browser"]

        def open_browser(url: str) -> None:
            printed(url)
            threading.Thread(target=consent_in_browser, args=(url,), daemon=True).start()

        return await real_run(**{**kwargs, "open_browser": open_browser})

    monkeypatch.setattr(module, "run_consent_flow", run_and_follow)
    result = run(tmp_path, env, "auth", "xero", "--no-browser")
    assert result.exit_code == 0, result.output
    assert "/identity/connect/authorize?" in result.output
    assert called == []


def test_auth_status_before_connecting_says_what_to_do(tmp_path: Path) -> None:
    _register_commands()
    env = env_file(tmp_path, "http://127.0.0.1:9")
    result = run(tmp_path, env, "auth", "status")
    assert result.exit_code == 0
    assert "run `shopxero auth xero`" in result.output


def test_custom_connection_check(tmp_path: Path, sandbox_server: tuple[Any, RunningServer]) -> None:
    _, server = sandbox_server
    env = env_file(tmp_path, server.url, mode="custom_connection")
    result = run(tmp_path, env, "auth", "xero")
    assert result.exit_code == 0, result.output
    assert "Custom Connection works: organisation Platform Test Ltd" in result.output
    status = json.loads(run(tmp_path, env, "auth", "status", "--json").output)
    assert status["xero"]["mode"] == "custom_connection"


def test_bad_client_secret_exits_2_with_one_line(
    tmp_path: Path, sandbox_server: tuple[Any, RunningServer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, server = sandbox_server
    env = env_file(tmp_path, server.url, mode="custom_connection")
    env.write_text(env.read_text().replace(CC_CLIENT_SECRET, "wrong-secret-0000"))
    with pytest.raises(SystemExit) as info:
        main(["--env-file", str(env), "--data-dir", str(tmp_path / "d"), "auth", "xero"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid_client" in err and "wrong-secret-0000" not in err


def test_broad_scopes_by_option_for_an_app_created_before_march_2026(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _register_commands()
    sandbox = platform_sandbox(SandboxClock(), old_app=True)
    with serve_in_thread(sandbox) as server:
        env = env_file(tmp_path, server.url)
        opened = scripted_browser(monkeypatch)
        result = run(tmp_path, env, "auth", "xero", "--scopes", "broad")
    assert result.exit_code == 0, result.output
    assert "accounting.transactions" in opened[0]  # xero-api-notes §1.4: broad set
    saved = load_token_file(tmp_path / "data" / "xero-token.json")
    assert saved is not None and "accounting.transactions" in saved.scopes


def test_an_unknown_scope_set_is_a_config_error(tmp_path: Path) -> None:
    _register_commands()
    env = env_file(tmp_path, "http://127.0.0.1:9")
    with pytest.raises(SystemExit) as info:
        main(["--env-file", str(env), "auth", "xero", "--scopes", "everything"])
    assert info.value.code == 2
