"""``shopxero doctor``: each configuration mistake is found, named, and given a fix.

The checks run against both simulators in-process (``SandboxASGITransport``, fast); the CLI tests
go over real HTTP with the env a user would have.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopxero.checks.doctor import Check, DoctorReport, run_doctor
from shopxero.cli.app import _register_commands, app
from shopxero.config import Settings
from shopxero.sandbox.clock import SandboxClock
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
    shopify_credentials,
    xero_credentials,
)
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.shopify.auth import ShopifyCredentials
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.sandbox.xero.app import XeroSandbox, create_xero_app
from shopxero.xero.tokens import XeroTokenSet, save_token_file

pytestmark = pytest.mark.anyio

SHOP = "http://shop.test"
XERO = "http://xero.test"


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": str(tmp_path),
        "shopify_base_url": SHOP,
        "shopify_access_token": SHOPIFY_ACCESS_TOKEN,
        "xero_mode": "custom_connection",
        "xero_client_id": XERO_CC_CLIENT_ID,
        "xero_client_secret": XERO_CC_CLIENT_SECRET,
        "xero_api_base_url": f"{XERO}/api.xro/2.0",
        "xero_identity_base_url": XERO,
        "xero_connections_url": f"{XERO}/connections",
    }
    values.update(overrides)
    return Settings.model_validate(values)


async def _doctor(
    settings: Settings,
    *,
    seed: dict[str, Any] | None = None,
    scopes: tuple[str, ...] | None = None,
    day_limit: int = 5000,
    xero: XeroSandbox | None = None,
    now: datetime | None = None,
) -> DoctorReport:
    seed = seed or load_seed("demo")
    creds = shopify_credentials()
    if scopes is not None:
        creds = ShopifyCredentials(creds.access_token, creds.client_id, creds.client_secret, scopes)
    clock = SandboxClock()
    shop_app = create_shopify_app(seed["shopify"], clock=clock, credentials=creds)
    xero_app = xero or create_xero_app(
        seed["xero"], clock=clock, credentials=xero_credentials(), day_limit=day_limit
    )
    return await run_doctor(
        settings,
        shopify_transport=SandboxASGITransport(shop_app),
        xero_transport=SandboxASGITransport(xero_app),
        now=now,
    )


def _one(report: DoctorReport, service: str, name: str) -> Check:
    (check,) = [c for c in report.checks if (c.service, c.name) == (service, name)]
    return check


async def test_a_healthy_setup_passes_every_check(tmp_path: Path) -> None:
    report = await _doctor(_settings(tmp_path))
    # The demo chart has no gift-card liability account, and one demo order charged Irish VAT
    # (23 %, OSS) that the UK organisation has no rate for: the preflight's two warnings.
    irish, gift = sorted((c for c in report.checks if c.status != "ok"), key=lambda c: c.fix)
    for warning in (gift, irish):
        assert (warning.status, warning.name) == ("warning", "accounts and tax"), report.to_json()
    assert "SHOPXERO_GIFT_CARD_ACCOUNT" in gift.fix
    assert "IE VAT 23% on orders to IE" in irish.detail
    assert '{"IE:IE VAT": "<its TaxType>"}' in irish.fix
    assert "order(s) read" in _one(report, "shopify", "orders").detail
    names = {(c.service, c.name) for c in report.checks}
    assert {
        ("shopify", "connection"),
        ("shopify", "api version"),
        ("shopify", "scopes"),
        ("shopify", "token"),
        ("shopify", "orders"),
        ("xero", "organisation"),
        ("xero", "day budget"),
        ("xero", "currency"),
        ("xero", "accounts and tax"),
        ("xero", "payment account"),
    } <= names
    assert "4999 of 5,000" in _one(report, "xero", "day budget").detail
    assert "090" in _one(report, "xero", "payment account").detail


async def test_client_credentials_token_lifetime_is_reported(tmp_path: Path) -> None:
    now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    settings = _settings(
        tmp_path,
        shopify_access_token=None,
        shopify_client_id=SHOPIFY_CLIENT_ID,
        shopify_client_secret=SHOPIFY_CLIENT_SECRET,
    )
    report = await _doctor(settings, now=now)
    check = _one(report, "shopify", "token")
    # The grant's expires_in (shopify-api-notes §2b: 24 h, ~86399 s), read from the call log.
    assert check.status == "ok" and "valid for 24 h" in check.detail
    assert "2026-11-27 07:59 UTC" in check.detail
    assert SHOPIFY_CLIENT_SECRET not in json.dumps(report.to_json())


async def test_an_unsupported_pinned_version_is_found_from_the_served_header(
    tmp_path: Path,
) -> None:
    # shopify-api-notes §1: an unsupported version falls forward to the oldest supported one.
    report = await _doctor(_settings(tmp_path, shopify_api_version="2024-01"))
    check = _one(report, "shopify", "api version")
    assert check.status == "warning"
    assert "2024-01 is no longer supported" in check.detail and "2025-10" in check.detail
    assert "SHOPXERO_SHOPIFY_API_VERSION=2025-10" in check.fix


async def test_missing_read_all_orders_is_a_warning_and_missing_read_orders_an_error(
    tmp_path: Path,
) -> None:
    report = await _doctor(
        _settings(tmp_path), scopes=("read_customers", "read_products", "read_orders")
    )
    check = _one(report, "shopify", "scopes")
    assert (check.status, report.status) == ("warning", "warning")
    assert "read_all_orders" in check.detail and "60 days" in check.detail

    report = await _doctor(_settings(tmp_path), scopes=("read_customers", "read_products"))
    check = _one(report, "shopify", "scopes")
    assert check.status == "error" and "read_orders" in check.detail
    assert "reinstall" in check.fix


async def test_rejected_shopify_token_is_a_credentials_error_and_xero_is_still_checked(
    tmp_path: Path,
) -> None:
    report = await _doctor(_settings(tmp_path, shopify_access_token="shpat_wrong000000"))
    check = _one(report, "shopify", "credentials")
    assert check.status == "error"
    assert "SHOPXERO_SHOPIFY_ACCESS_TOKEN" in check.fix
    assert "shpat_wrong000000" not in json.dumps(report.to_json())
    assert _one(report, "xero", "organisation").status == "ok"
    # Without the shop, the currency cannot be compared: said so, not guessed.
    assert _one(report, "xero", "currency").status == "warning"


async def test_no_shop_configured_is_a_settings_error(tmp_path: Path) -> None:
    report = await _doctor(_settings(tmp_path, shopify_base_url=None))
    check = _one(report, "shopify", "settings")
    assert check.status == "error" and "SHOPXERO_SHOPIFY_SHOP" in check.detail


async def test_rejected_xero_client_secret_is_a_credentials_error(tmp_path: Path) -> None:
    report = await _doctor(_settings(tmp_path, xero_client_secret="not-the-secret"))
    check = _one(report, "xero", "credentials")
    assert check.status == "error" and "not-the-secret" not in check.detail
    assert report.status == "error"


async def test_payment_account_that_accepts_no_payments_is_an_error(tmp_path: Path) -> None:
    # 200 Sales is a REVENUE account without "Enable payments to this account".
    report = await _doctor(_settings(tmp_path, payment_account="200"))
    check = _one(report, "xero", "payment account")
    assert check.status == "error"
    assert "SHOPXERO_PAYMENT_ACCOUNT = 200" in check.detail
    assert "not a bank account or one with payments enabled" in check.detail
    assert "Enable payments to this account" in check.fix


async def test_payments_enabled_on_a_non_bank_account_is_accepted(tmp_path: Path) -> None:
    seed = load_seed("demo")
    for account in seed["xero"]["accounts"]:
        if account["Code"] == "260":
            account["EnablePaymentsToAccount"] = True
    report = await _doctor(_settings(tmp_path, payment_account="260"), seed=seed)
    assert _one(report, "xero", "payment account").status == "ok"


async def test_unknown_sales_account_code_is_an_error(tmp_path: Path) -> None:
    report = await _doctor(_settings(tmp_path, sales_account="999"))
    problems = [c for c in report.checks if c.status == "error"]
    assert problems and any("999" in c.detail for c in problems), report.to_json()


async def test_shop_currency_other_than_base_currency_is_a_warning(tmp_path: Path) -> None:
    seed = load_seed("demo")
    seed["shopify"]["shop"]["currency"] = "EUR"
    report = await _doctor(_settings(tmp_path), seed=seed)
    check = _one(report, "xero", "currency")
    assert check.status == "warning"
    assert "EUR" in check.detail and "GBP" in check.detail and "enable EUR" in check.fix


async def test_a_low_day_budget_is_a_warning(tmp_path: Path) -> None:
    report = await _doctor(_settings(tmp_path), day_limit=400)
    check = _one(report, "xero", "day budget")
    assert check.status == "warning" and "399 of 5,000" in check.detail


def _web_settings(tmp_path: Path) -> Settings:
    return _settings(
        tmp_path,
        xero_mode="web",
        xero_client_id=XERO_WEB_CLIENT_ID,
        xero_client_secret=XERO_WEB_CLIENT_SECRET,
    )


def _save_tokens(path: Path, xero: XeroSandbox, refreshed: datetime) -> XeroTokenSet:
    body = xero.issue_tokens_for_tests()
    tokens = XeroTokenSet.from_token_response(body, now=refreshed).with_tenant(
        body["tenant_id"], "Demo Shop Ltd"
    )
    save_token_file(path, tokens)
    return tokens


async def test_web_app_without_a_token_file_says_to_connect(tmp_path: Path) -> None:
    report = await _doctor(_web_settings(tmp_path))
    check = _one(report, "xero", "token file")
    assert check.status == "error" and "shopxero auth xero" in check.fix


async def test_web_app_token_ages_and_tenant(tmp_path: Path) -> None:
    settings = _web_settings(tmp_path)
    seed = load_seed("demo")
    xero = create_xero_app(seed["xero"], credentials=xero_credentials())
    now = datetime.now(UTC)
    _save_tokens(settings.token_file_path, xero, now)
    report = await _doctor(settings, seed=seed, xero=xero, now=now)
    assert _one(report, "xero", "tokens").status == "ok"
    assert "Demo Shop Ltd" in _one(report, "xero", "tenant").detail
    assert _one(report, "xero", "organisation").status == "ok"

    # Refresh token last used 55 days ago: it dies at 60 (xero-api-notes §1.3). Checked as of a
    # "now" 55 days after the tokens were saved.
    later = now + timedelta(days=55)
    report = await _doctor(settings, seed=seed, xero=xero, now=later)
    check = _one(report, "xero", "tokens")
    assert check.status == "warning" and "55 days" in check.detail

    report = await _doctor(settings, seed=seed, xero=xero, now=now + timedelta(days=61))
    check = _one(report, "xero", "tokens")
    assert check.status == "error" and "shopxero auth xero" in check.fix


# --- the command -----------------------------------------------------------------------------


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env(shopify_auth="access_token").items():
            monkeypatch.setenv(key, value)
        yield running


def _invoke(args: list[str]) -> Any:
    _register_commands()
    return CliRunner().invoke(app, args)


def test_cli_doctor_exit_0_when_fine_and_json(sandboxes: RunningSandboxes, tmp_path: Path) -> None:
    result = _invoke(["--data-dir", str(tmp_path), "doctor"])
    assert result.exit_code == 0, result.output
    assert "shopify scopes: read_all_orders read_customers read_orders" in result.output
    assert "all essential checks passed; 2 warning(s)." in result.output
    assert "fix: set SHOPXERO_GIFT_CARD_ACCOUNT" in result.output

    result = _invoke(["--data-dir", str(tmp_path), "doctor", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["status"] == "warning"
    assert [c["status"] for c in data["checks"]].count("ok") == len(data["checks"]) - 2


def test_cli_doctor_exit_2_with_the_fix_printed(
    sandboxes: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_PAYMENT_ACCOUNT", "200")
    result = _invoke(["--data-dir", str(tmp_path), "doctor"])
    assert result.exit_code == 2, result.output
    assert "error   xero payment account:" in result.output
    assert "fix: pick a BANK account, or tick 'Enable payments to this account'" in result.output


async def test_the_graphql_api_is_checked_when_chosen(tmp_path: Path) -> None:
    report = await _doctor(_settings(tmp_path, shopify_api="graphql"))
    check = _one(report, "shopify", "graphql")
    assert check.status == "ok", check
    assert "cost bucket 2000 points, restoring 100 a second" in check.detail
    scopes = await _doctor(_settings(tmp_path, shopify_api="graphql"), scopes=("read_products",))
    # currentAppInstallation's scopes, checked as REST's are (tests/cli/test_doctor_graphql.py)
    assert _one(scopes, "shopify", "scopes").status == "error"
    rest = await _doctor(_settings(tmp_path, shopify_api="rest"))
    assert not [c for c in rest.checks if c.name == "graphql"]
