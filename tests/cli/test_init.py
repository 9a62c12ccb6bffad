"""``shopxero init`` against both simulators over real HTTP: prompts, options, re-runs, the file."""

from __future__ import annotations

import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dotenv import dotenv_values
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.cli.init_cmd import normalise_shop, update_env_file
from shopxero.config import load_settings
from shopxero.errors import ConfigError
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import (
    SHOPIFY_ACCESS_TOKEN,
    SHOPIFY_CLIENT_ID,
    SHOPIFY_CLIENT_SECRET,
    XERO_CC_CLIENT_ID,
    XERO_CC_CLIENT_SECRET,
    XERO_WEB_CLIENT_ID,
    XERO_WEB_CLIENT_SECRET,
)
from shopxero.sandbox.server import free_port
from shopxero.xero.tokens import load_token_file


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    """Both sandboxes; only their addresses are in the environment, no credentials."""
    with start_sandboxes("demo") as running:
        for key, value in running.env().items():
            if key.endswith("_URL"):
                monkeypatch.setenv(key, value)
        yield running


def _consent_in_browser(url: str) -> None:
    """What a person does in the browser: open the consent page, press Allow, follow back."""
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        page = http.get(url)
        action = re.search(r'<form id="consent" method="post" action="([^"]+)"', page.text)
        request_id = re.search(r'name="request_id" value="([^"]+)"', page.text)
        assert action and request_id, page.text
        answer = http.post(
            httpx.URL(url).join(action.group(1)),
            data={"request_id": request_id.group(1), "decision": "allow"},
        )
        http.get(answer.headers["location"])


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []

    def open_url(url: str, *args: Any, **kwargs: Any) -> bool:
        opened.append(url)
        threading.Thread(target=_consent_in_browser, args=(url,), daemon=True).start()
        return True

    monkeypatch.setattr("webbrowser.open", open_url)
    return opened


def _init(tmp_path: Path, *args: str, input: str | None = None) -> Any:
    _register_commands()
    return CliRunner().invoke(
        app,
        [
            "--env-file",
            str(tmp_path / "shopxero.env"),
            "--data-dir",
            str(tmp_path / "data"),
            "init",
            *args,
        ],
        input=input,
    )


def test_interactive_first_run_writes_0600_connects_xero_and_checks_shopify(
    tmp_path: Path, sandboxes: RunningSandboxes, browser: list[str]
) -> None:
    redirect = f"http://localhost:{free_port()}/callback"
    answers = [
        sandboxes.shop_domain,
        "client-credentials",
        SHOPIFY_CLIENT_ID,
        SHOPIFY_CLIENT_SECRET,
        "web",
        XERO_WEB_CLIENT_ID,
        XERO_WEB_CLIENT_SECRET,
        redirect,
    ]
    result = _init(tmp_path, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    for step in ("1/4", "2/4", "3/4", "4/4"):
        assert step in result.output
    assert "Shopify shop: Demo Tea Shop" in result.output
    assert len(browser) == 1
    # Hidden prompts: the secrets are never echoed.
    assert SHOPIFY_CLIENT_SECRET not in result.output
    assert XERO_WEB_CLIENT_SECRET not in result.output

    env_file = tmp_path / "shopxero.env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    values = dotenv_values(env_file)
    assert values["SHOPXERO_SHOPIFY_SHOP"] == sandboxes.shop_domain
    assert values["SHOPXERO_SHOPIFY_CLIENT_SECRET"] == SHOPIFY_CLIENT_SECRET
    assert values["SHOPXERO_XERO_MODE"] == "web"
    assert values["SHOPXERO_XERO_REDIRECT_URI"] == redirect
    assert values["SHOPXERO_DATA_DIR"] == str((tmp_path / "data").resolve())
    tokens = load_token_file(tmp_path / "data" / "xero-token.json")
    assert tokens is not None and tokens.tenant_id == sandboxes.tenant_id

    # Re-run, pressing Enter everywhere: the same values, secrets kept, no consent this time.
    env_file.write_text("# my notes\n" + env_file.read_text() + "SHOPXERO_INVOICE_PREFIX=WEB-\n")
    result = _init(tmp_path, "--no-connect", input="\n" * 8)
    assert result.exit_code == 0, result.output
    assert f"[{sandboxes.shop_domain}]" in result.output  # current value shown as the default
    again = dotenv_values(env_file)
    assert again == {**values, "SHOPXERO_INVOICE_PREFIX": "WEB-"}
    assert env_file.read_text().startswith("# my notes\n")
    assert len(browser) == 1


def test_options_only_switch_to_a_token_and_custom_connection(
    tmp_path: Path, sandboxes: RunningSandboxes
) -> None:
    env_file = tmp_path / "shopxero.env"
    env_file.write_text(
        f"SHOPXERO_SHOPIFY_CLIENT_ID={SHOPIFY_CLIENT_ID}\n"
        f"SHOPXERO_SHOPIFY_CLIENT_SECRET={SHOPIFY_CLIENT_SECRET}\nSHOPXERO_SALES_ACCOUNT=200\n"
    )
    result = _init(
        tmp_path,
        "--no-input",
        "--shop",
        f"https://{sandboxes.shop_domain}/admin",
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
    )
    assert result.exit_code == 0, result.output
    assert "Xero organisation: Demo Shop Ltd" in result.output
    assert "payouts: Shopify Payments money will go to 091 (Shopify Clearing)" in result.output
    assert "static admin token" in result.output
    values = dotenv_values(env_file)
    # The token replaces the client credentials (it would win over them anyway).
    assert "SHOPXERO_SHOPIFY_CLIENT_ID" not in values
    assert values["SHOPXERO_SHOPIFY_ACCESS_TOKEN"] == SHOPIFY_ACCESS_TOKEN
    assert values["SHOPXERO_SHOPIFY_SHOP"] == sandboxes.shop_domain
    assert values["SHOPXERO_XERO_MODE"] == "custom_connection"
    assert values["SHOPXERO_SALES_ACCOUNT"] == "200"
    assert "SHOPXERO_XERO_REDIRECT_URI" not in values


def test_no_input_names_the_missing_option_and_writes_nothing(tmp_path: Path) -> None:
    result = _init(tmp_path, "--no-input", "--shop", "my-shop")
    assert result.exit_code == 2
    assert "--shopify-client-id is needed" in result.stderr
    assert not (tmp_path / "shopxero.env").exists()


def test_rejected_xero_secret_exits_2_but_keeps_what_was_entered(
    tmp_path: Path, sandboxes: RunningSandboxes
) -> None:
    result = _init(
        tmp_path,
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
        "wrong-secret-value",
    )
    assert result.exit_code == 2, result.output
    assert "wrong-secret-value" not in result.output + result.stderr
    assert "run `shopxero init` again" in result.stderr
    assert (
        dotenv_values(tmp_path / "shopxero.env")["SHOPXERO_SHOPIFY_SHOP"] == sandboxes.shop_domain
    )


def test_shop_domains() -> None:
    assert normalise_shop("My-Shop") == "my-shop.myshopify.com"
    assert normalise_shop(" https://my-shop.myshopify.com/admin ") == "my-shop.myshopify.com"
    for bad in ("shop.example.com", "", "-x.myshopify.com", "my shop"):
        with pytest.raises(ConfigError, match=r"myshopify\.com"):
            normalise_shop(bad)


def test_env_file_values_survive_quoting(tmp_path: Path) -> None:
    path = tmp_path / "x.env"
    tricky = 'a b#c"d\\e'
    update_env_file(path, {"SHOPXERO_GUEST_CONTACT_NAME": tricky, "SHOPXERO_INVOICE_PREFIX": "S-"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = load_settings(path)
    assert settings.guest_contact_name == tricky and settings.invoice_prefix == "S-"
    update_env_file(path, {"SHOPXERO_INVOICE_PREFIX": None})
    assert "INVOICE_PREFIX" not in path.read_text()


def test_choosing_an_organisation_reprompts_until_a_number_in_range() -> None:
    import typer

    from shopxero.cli.init_cmd import _prompt_tenant

    probe = typer.Typer()
    orgs = [{"tenantId": "a", "tenantName": "A Ltd"}, {"tenantId": "b", "tenantName": "B Ltd"}]

    @probe.command()
    def choose() -> None:
        typer.echo(f"chose {_prompt_tenant(orgs)['tenantId']}")

    result = CliRunner().invoke(probe, [], input="x\n3\n2\n")
    assert result.exit_code == 0, result.output
    assert "1. A Ltd (a)" in result.output and "chose b" in result.output
    assert result.output.count("enter a number from 1 to 2") == 2


def test_init_says_how_to_add_the_clearing_account_payouts_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = load_seed("demo")
    seed["xero"]["accounts"] = [a for a in seed["xero"]["accounts"] if a["Code"] != "091"]
    with start_sandboxes(seed) as running:
        for key, value in running.env().items():
            if key.endswith("_URL"):
                monkeypatch.setenv(key, value)
        result = _init(
            tmp_path,
            "--no-input",
            "--shop",
            running.shop_domain,
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
        )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "payouts: Shopify Payments payouts are not posted: there is no clearing account" in said
    assert "add a BANK account without a bank feed" in said
