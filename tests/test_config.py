"""Settings: environment over --env-file, clear errors naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopxero.config import load_settings
from shopxero.errors import ConfigError


def test_env_file_is_read_and_real_environment_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "x.env"
    env_file.write_text("SHOPXERO_INVOICE_PREFIX=WEB-\nSHOPXERO_SHOPIFY_SHOP=a.myshopify.com\n")
    monkeypatch.setenv("SHOPXERO_SHOPIFY_SHOP", "b.myshopify.com")
    settings = load_settings(env_file)
    assert settings.invoice_prefix == "WEB-"
    assert settings.shopify_url == "https://b.myshopify.com"


def test_invalid_setting_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="SHOPXERO_INVOICE_STATUS"):
        load_settings(None, invoice_status="PAID")


def test_missing_env_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.env")


def test_financial_statuses_accept_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPXERO_SYNCED_FINANCIAL_STATUSES", "paid, refunded")
    assert load_settings().synced_financial_statuses == ("paid", "refunded")


def test_shop_url_needs_a_shop() -> None:
    with pytest.raises(ConfigError, match="SHOPXERO_SHOPIFY_SHOP"):
        _ = load_settings().shopify_url


def test_paths_derive_from_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(None, data_dir=tmp_path)
    assert settings.state_db_path == tmp_path / "state.db"
    assert settings.token_file_path == tmp_path / "xero-token.json"


def test_a_mapping_setting_that_is_not_json_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPXERO_TAX_TYPE_MAP", "VAT=OUTPUT2")
    with pytest.raises(ConfigError, match="SHOPXERO_TAX_TYPE_MAP=VAT=OUTPUT2: not a JSON object"):
        load_settings()
