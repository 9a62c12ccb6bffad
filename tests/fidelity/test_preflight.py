"""The tax/account preflight: each broken setting is one Problem with a specific fix, and the
sync refuses to start (exit 2, no Xero write) when there is an error.

Organisations are the sandbox's standard ones per country (``xero_defaults``), edited the way a
user's organisation might differ (an archived rate, a changed percentage).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from shopxero.checks.preflight import (
    Problem,
    check_tax_and_accounts,
    errors_message,
    seen_in_orders,
)
from shopxero.cli.app import _register_commands, app
from shopxero.config import Settings
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds.xero_defaults import (
    default_accounts,
    default_organisation,
    default_tax_rates,
)
from shopxero.shopify.models import TaxLine
from shopxero.translate.tax import NOWHERE

# Preflight checks Settings against Xero's chart and the shop record (read through REST on either
# API); the one CLI sync here stops before any order is read: runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


def _org(country: str = "GB") -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    return (
        default_organisation(country),
        copy.deepcopy(default_accounts(country)),
        copy.deepcopy(default_tax_rates(country)),
    )


def _check(
    settings: Settings,
    country: str = "GB",
    *,
    edit_rates: Any = None,
    edit_accounts: Any = None,
    shop: dict[str, Any] | None = None,
    seen: list[list[TaxLine]] | None = None,
) -> list[Problem]:
    organisation, accounts, rates = _org(country)
    if edit_rates:
        edit_rates(rates)
    if edit_accounts:
        edit_accounts(accounts)
    return check_tax_and_accounts(
        settings,
        organisation,
        accounts,
        rates,
        shop if shop is not None else {"country_code": country},
        seen_tax_lines=[(NOWHERE, lines) for lines in seen or []],
    )


def _rate(rates: list[dict[str, Any]], tax_type: str) -> dict[str, Any]:
    return next(r for r in rates if r["TaxType"] == tax_type)


def _only_error(problems: list[Problem]) -> Problem:
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1, problems
    return errors[0]


@pytest.mark.parametrize("country", ["GB", "AU", "NZ", "US"])
def test_a_standard_organisation_with_no_settings_has_no_problem(country: str) -> None:
    assert _check(Settings(), country) == []


def test_unknown_tax_type_names_the_key_and_offers_the_matching_rate() -> None:
    problem = _only_error(_check(Settings(tax_type_map={"VAT@20": "OUTPUT9"})))
    assert "SHOPXERO_TAX_TYPE_MAP['VAT@20'] = OUTPUT9" in problem.what
    assert "no TaxType 'OUTPUT9'" in problem.what
    # Only the 20 % revenue rate is offered: the key says Shopify charges 20 %.
    assert problem.fix == "use one of: OUTPUT2 (20% (VAT on Income), 20%)"


def test_archived_tax_type_says_restore_or_use_another() -> None:
    def archive(rates: list[dict[str, Any]]) -> None:
        _rate(rates, "RROUTPUT")["Status"] = "ARCHIVED"

    problem = _only_error(_check(Settings(tax_type_map={"VAT@5": "RROUTPUT"}), edit_rates=archive))
    assert "RROUTPUT (5% (VAT on Income)) is ARCHIVED" in problem.what
    assert problem.fix.startswith("restore it in Xero (Settings > Tax rates)")
    # No other active 5 % revenue rate exists, so the fix says to add one.
    assert "add a revenue tax rate at 5% in Xero" in problem.fix


def test_rate_mismatch_shopify_20_xero_17_5() -> None:
    def old_rate(rates: list[dict[str, Any]]) -> None:
        _rate(rates, "OUTPUT2")["EffectiveRate"] = Decimal("17.5")

    problem = _only_error(_check(Settings(tax_type_map={"VAT@20": "OUTPUT2"}), edit_rates=old_rate))
    assert "Shopify charges 20% but the Xero tax rate OUTPUT2" in problem.what
    assert "is 17.5%" in problem.what
    assert problem.fix.startswith("correct the rate in Xero or add a revenue tax rate at 20%")


def test_rate_mismatch_found_from_the_tax_lines_seen_when_the_key_has_no_rate() -> None:
    seen = [[TaxLine(title="VAT", rate=Decimal("0.2"), price=Decimal("2.00"))]]
    problem = _only_error(_check(Settings(tax_type_map={"VAT": "RROUTPUT"}), seen=seen))
    assert "Shopify charges 20% but the Xero tax rate RROUTPUT" in problem.what
    assert "OUTPUT2" in problem.fix


def test_a_seen_rate_xero_does_not_have_is_a_warning_with_the_fix() -> None:
    """Only the orders with that tax are queued (the run goes on), so a warning, once."""
    seen = [[TaxLine(title="VAT", rate=Decimal("0.175"), price=Decimal("1.75"))]] * 2
    (problem,) = _check(Settings(), seen=seen)
    assert problem.severity == "warning"
    assert "VAT 17.5%" in problem.what and "no active Xero revenue tax rate" in problem.what
    assert 'SHOPXERO_TAX_TYPE_MAP to {"VAT": "<its TaxType>"}' in problem.fix


def test_seen_orders_carry_their_place_into_the_checks() -> None:
    """Raw Shopify orders -> (place, tax lines); a place key is checked against the taxes of
    orders to that place only, and the fix names the place."""
    ma_tax = {"title": "Massachusetts State Tax", "rate": 0.0625, "price": "2.50"}
    ie_vat = {"title": "IE VAT", "rate": 0.23, "price": "4.60"}

    def order(n: int, country: str, province: str | None, tax: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": n,
            "shipping_address": {"country_code": country, "province_code": province},
            "line_items": [{"id": n, "price": "40.00", "quantity": 1, "tax_lines": [tax]}],
        }

    orders = [
        order(1, "US", "MA", ma_tax),
        order(2, "US", "MA", ma_tax),
        order(3, "IE", None, ie_vat),
    ]
    seen = seen_in_orders([*orders, {"id": "not a number"}])  # a broken order is skipped
    assert len(seen) == 2
    organisation, accounts, rates = _org("US")
    wrong = Settings(tax_type_map={"US-MA:Massachusetts State Tax": "TAX001"})
    problems = check_tax_and_accounts(
        wrong, organisation, accounts, rates, {"country_code": "US"}, seen_tax_lines=seen
    )
    error = _only_error(problems)
    assert "Shopify charges 6.25% but the Xero tax rate TAX001" in error.what
    (warning,) = [p for p in problems if p.severity == "warning"]
    assert "IE VAT 23% on orders to IE" in warning.what
    assert '{"IE:IE VAT": "<its TaxType>"}' in warning.fix


def test_tax_type_not_usable_on_revenue() -> None:
    problem = _only_error(_check(Settings(tax_type_map={"VAT": "INPUT2"})))
    assert "INPUT2 (20% (VAT on Expenses)) cannot be used on revenue" in problem.what
    assert "OUTPUT2" in problem.fix and "INPUT2" not in problem.fix


def test_missing_account_code() -> None:
    problem = _only_error(_check(Settings(account_by_sku={"MUG-1": "209"})))
    assert problem.what.startswith("SHOPXERO_ACCOUNT_BY_SKU['MUG-1'] = 209: no account")
    assert "Chart of accounts" in problem.fix


@pytest.mark.parametrize(
    ("settings", "needed", "fix"),
    [
        (Settings(shipping_account="090"), "is not a revenue account", "revenue account code"),
        (Settings(gift_card_account="200"), "is not a liability account", "liability account"),
        (Settings(account_by_gateway={"paypal": "200"}), "not a bank account", "BANK account"),
        (Settings(account_by_product_type={"Mugs": "800"}), "not a revenue", "revenue account"),
        (Settings(tips_account="477"), "not a revenue or liability", "liability account if"),
    ],
)
def test_account_of_the_wrong_type(settings: Settings, needed: str, fix: str) -> None:
    problem = _only_error(_check(settings))
    assert needed in problem.what and fix in problem.fix


def test_archived_account() -> None:
    def archive(accounts: list[dict[str, Any]]) -> None:
        next(a for a in accounts if a["Code"] == "260")["Status"] = "ARCHIVED"

    problem = _only_error(_check(Settings(sales_account="260"), edit_accounts=archive))
    assert "260 (Other Revenue, REVENUE) is ARCHIVED" in problem.what


def _payments_on_810(accounts: list[dict[str, Any]]) -> None:
    next(a for a in accounts if a["Code"] == "810")["EnablePaymentsToAccount"] = True


def test_fitting_settings_pass() -> None:
    settings = Settings(
        tax_type_map={"VAT@20": "OUTPUT2", "VAT@5": "RROUTPUT", "GST+PST": "OUTPUT2"},
        sales_account="200",
        shipping_account="260",
        gift_card_account="810",
        account_by_gateway={"paypal": "090"},
        tips_account="835",  # passed on to staff: owed
        fees_account="260",
    )
    assert _check(settings, edit_accounts=_payments_on_810) == []


def test_gift_cards_warnings_liability_unset_or_not_taking_payments() -> None:
    (unset,) = _check(Settings(), shop={"country_code": "GB", "has_gift_cards": True})
    assert unset.severity == "warning" and "SHOPXERO_GIFT_CARD_ACCOUNT" in unset.fix
    (no_payments,) = _check(Settings(gift_card_account="810"))
    assert no_payments.severity == "warning"
    assert "refuses payments to account 810" in no_payments.what
    assert "Enable payments to this account" in no_payments.fix


def test_no_zero_rate_is_an_error_and_no_standard_rate_a_warning() -> None:
    def archive_zero(rates: list[dict[str, Any]]) -> None:
        for rate in rates:
            if rate["EffectiveRate"] == 0 or rate["TaxType"] == "OUTPUT":
                rate["Status"] = "ARCHIVED"

    problems = _check(Settings(), "AU", edit_rates=archive_zero)
    assert [p.severity for p in problems] == ["error", "warning"], problems
    assert "no ACTIVE 0% revenue tax rate" in problems[0].what
    assert "no ACTIVE revenue tax rate of 10%" in problems[1].what


def test_foreign_shop_currency_is_a_warning_naming_both() -> None:
    (problem,) = _check(Settings(), shop={"country_code": "GB", "currency": "EUR"})
    assert problem.severity == "warning"
    assert "EUR" in problem.what and "GBP" in problem.what and "Currencies" in problem.fix
    assert errors_message([problem]) is None


# --- the sync refuses to start ----------------------------------------------------------------


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        yield running


def test_sync_with_a_broken_tax_map_exits_2_before_any_xero_write(
    sandboxes: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_TAX_TYPE_MAP", json.dumps({"VAT@20": "INPUT2"}))
    _register_commands()
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "sync"])
    assert result.exit_code == 2, result.output
    assert "SHOPXERO_TAX_TYPE_MAP['VAT@20'] = INPUT2" in result.output
    assert "cannot be used on revenue" in result.output
    requests = httpx.get(f"{sandboxes.xero_url}/_sandbox/requests").json()["requests"]
    writes = [r for r in requests if r["method"] in ("PUT", "POST") and "api.xro" in r["path"]]
    assert writes == []


# --- keys limited to a place (issue 5: country/province) ---------------------------------------


def test_a_malformed_key_is_an_error_with_the_key_grammar() -> None:
    """A bare ``*`` would override every order's rate matching: refused before any write."""
    problem = _only_error(_check(Settings(tax_type_map={"*": "OUTPUT2"})))
    assert "SHOPXERO_TAX_TYPE_MAP['*']" in problem.what and "needs a place" in problem.what
    assert '"US-MA:*"' in problem.fix


def test_an_untaxed_key_must_map_to_a_zero_rate() -> None:
    """``abroad:untaxed`` -> OUTPUT2 would add 20 % VAT to exports the customer paid none on."""
    problem = _only_error(_check(Settings(tax_type_map={"abroad:untaxed": "OUTPUT2"})))
    assert "Shopify charges 0% but the Xero tax rate OUTPUT2" in problem.what
    assert "ZERORATEDOUTPUT" in problem.fix


def test_a_place_key_with_a_rate_is_checked_like_any_other() -> None:
    problem = _only_error(_check(Settings(tax_type_map={"US-MA:*@6.25": "TAX001"}), "US"))
    assert "SHOPXERO_TAX_TYPE_MAP['US-MA:*@6.25'] = TAX001: Shopify charges 6.25%" in problem.what
    assert "TAX003" in problem.fix


def _add_ma(rates: list[dict[str, Any]]) -> None:
    rates.append({**_rate(rates, "TAX003"), "TaxType": "TAX004", "Name": "MA Sales Tax"})


def test_two_types_of_one_rate_warn_until_the_second_is_mapped() -> None:
    """TX and MA both 6.25 %: unmapped, every 6.25 % line lands on TAX003."""
    problems = _check(Settings(), "US", edit_rates=_add_ma)
    assert [p.severity for p in problems] == ["warning"]
    assert "TAX003, TAX004 all charge 6.25%" in problems[0].what
    assert '{"US-MA:*": "TAX004"}' in problems[0].fix
    mapped = Settings(tax_type_map={"US-MA:*": "TAX004"})
    assert _check(mapped, "US", edit_rates=_add_ma) == []
