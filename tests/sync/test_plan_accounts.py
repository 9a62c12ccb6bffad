"""Default account codes come from the organisation's own chart (UK, AU, NZ, US defaults)."""

from __future__ import annotations

import pytest

from shopxero.errors import ConfigError
from shopxero.translate.accounts import resolve_accounts

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

UK_LIKE = [
    {"Code": "090", "Name": "Business Bank Account", "Type": "BANK", "Status": "ACTIVE"},
    {"Code": "260", "Name": "Other Revenue", "Type": "REVENUE", "Status": "ACTIVE"},
    {"Code": "200", "Name": "Sales", "Type": "REVENUE", "Status": "ACTIVE"},
    {"Code": "860", "Name": "Rounding", "Type": "CURRLIAB", "SystemAccount": "ROUNDING"},
]


def test_standard_uk_chart_defaults() -> None:
    got = resolve_accounts(UK_LIKE)
    assert (got.sales, got.shipping, got.rounding, got.payment) == ("200", "200", "860", "090")


def test_us_chart_uses_400_and_a_named_shipping_account() -> None:
    chart = [
        {"Code": "400", "Name": "Sales", "Type": "REVENUE", "Status": "ACTIVE"},
        {"Code": "410", "Name": "Shipping Income", "Type": "REVENUE", "Status": "ACTIVE"},
        {"Code": "460", "Name": "Interest Income", "Type": "REVENUE", "Status": "ACTIVE"},
        {"Code": "800", "Name": "Clearing", "Type": "CURRLIAB", "EnablePaymentsToAccount": True},
    ]
    got = resolve_accounts(chart)
    assert (got.sales, got.shipping, got.rounding, got.payment) == ("400", "410", None, "800")


def test_archived_accounts_are_not_picked() -> None:
    chart = [{**UK_LIKE[2], "Status": "ARCHIVED"}, UK_LIKE[1]]
    assert resolve_accounts(chart).sales == "260"


def test_settings_override_and_are_checked() -> None:
    assert resolve_accounts(UK_LIKE, sales="260").sales == "260"
    with pytest.raises(ConfigError, match="SHOPXERO_SHIPPING_ACCOUNT=999"):
        resolve_accounts(UK_LIKE, shipping="999")


def test_no_revenue_account_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="SHOPXERO_SALES_ACCOUNT"):
        resolve_accounts([UK_LIKE[0]])
