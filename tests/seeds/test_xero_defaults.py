"""Per-country Xero defaults: valid against the spec, and what a sync needs is in them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.seeds.spec_schemas import schema_errors

from shopxero.sandbox.seeds.xero_defaults import (
    default_accounts,
    default_organisation,
    default_tax_rates,
    normalise_country,
)

COUNTRIES = ["UK", "AU", "NZ", "US"]


@pytest.mark.parametrize("country", COUNTRIES)
def test_organisation_validates_against_the_spec(country: str) -> None:
    assert schema_errors("Organisation", default_organisation(country)) == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_account_validates_against_the_spec(country: str) -> None:
    problems = {
        a["Code"]: errs for a in default_accounts(country) if (errs := schema_errors("Account", a))
    }
    assert problems == {}


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_tax_rate_validates_against_the_spec(country: str) -> None:
    problems = {
        r["TaxType"]: errs
        for r in default_tax_rates(country)
        if (errs := schema_errors("TaxRate", r))
    }
    assert problems == {}


def test_the_schema_check_itself_rejects_a_bad_account() -> None:
    assert schema_errors("Account", {"Code": "1", "Type": "INCOME"}) != []


@pytest.mark.parametrize(
    ("country", "currency", "version", "iso"),
    [("UK", "GBP", "UK", "GB"), ("AU", "AUD", "AU", "AU"), ("NZ", "NZD", "NZ", "NZ"),
     ("US", "USD", "US", "US")],
)  # fmt: skip
def test_organisation_country_currency_and_version(
    country: str, currency: str, version: str, iso: str
) -> None:
    org = default_organisation(country)
    assert (org["BaseCurrency"], org["Version"], org["CountryCode"]) == (currency, version, iso)
    assert org["OrganisationType"] == "COMPANY"
    assert org["IsDemoCompany"] is False
    assert org["OrganisationStatus"] == "ACTIVE"
    assert "PeriodLockDate" not in org  # xero-api-notes §6.8: no lock date on a new org


@pytest.mark.parametrize("country", COUNTRIES)
def test_ids_are_stable_and_unique(country: str) -> None:
    first, second = default_accounts(country), default_accounts(country)
    assert [a["AccountID"] for a in first] == [a["AccountID"] for a in second]
    assert len({a["AccountID"] for a in first}) == len(first)
    assert len({a["Code"] for a in first}) == len(first)
    assert (
        default_organisation(country)["OrganisationID"]
        == default_organisation(country)["OrganisationID"]
    )
    others = {default_organisation(c)["OrganisationID"] for c in COUNTRIES}
    assert len(others) == len(COUNTRIES)


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_system_accounts_a_sync_relies_on_exist_once(country: str) -> None:
    # xero-api-notes §6.6: find the rounding account by SystemAccount == ROUNDING.
    system = [a.get("SystemAccount") for a in default_accounts(country)]
    for needed in ("ROUNDING", "DEBTORS", "CREDITORS", "GST", "RETAINEDEARNINGS"):
        assert system.count(needed) == 1, needed


@pytest.mark.parametrize("country", COUNTRIES)
def test_there_is_a_bank_account_payments_can_go_to(country: str) -> None:
    # xero-api-notes §6.4: a payment's account must be BANK or have EnablePaymentsToAccount.
    banks = [a for a in default_accounts(country) if a["Type"] == "BANK"]
    assert banks
    currency = default_organisation(country)["BaseCurrency"]
    assert all(b["BankAccountNumber"] and b["CurrencyCode"] == currency for b in banks)


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_account_tax_type_is_one_of_the_orgs_tax_rates(country: str) -> None:
    tax_types = {r["TaxType"] for r in default_tax_rates(country)}
    unknown = {a["Code"]: a["TaxType"] for a in default_accounts(country)}
    assert {code: t for code, t in unknown.items() if t not in tax_types} == {}


def test_uk_chart_matches_xeros_standard_codes() -> None:
    by_code = {a["Code"]: a for a in default_accounts("UK")}
    assert by_code["200"]["Name"] == "Sales"
    assert by_code["200"]["TaxType"] == "OUTPUT2"
    assert by_code["200"]["Class"] == "REVENUE"
    assert by_code["090"]["Type"] == "BANK"
    assert by_code["610"]["SystemAccount"] == "DEBTORS"
    assert by_code["820"]["Name"] == "VAT"
    assert by_code["860"]["SystemAccount"] == "ROUNDING"
    assert by_code["877"]["SystemAccount"] == "TRACKINGTRANSFERS"
    assert {"260", "270", "310", "800", "835", "840", "850"} <= set(by_code)


@pytest.mark.parametrize(
    ("country", "tax_type", "rate", "name"),
    [
        ("UK", "OUTPUT2", "20", "20% (VAT on Income)"),
        ("UK", "RROUTPUT", "5", "5% (VAT on Income)"),
        ("UK", "ZERORATEDOUTPUT", "0", "Zero Rated Income"),
        ("UK", "NONE", "0", "No VAT"),
        ("AU", "OUTPUT", "10", "GST on Income"),
        ("AU", "EXEMPTOUTPUT", "0", "GST Free Income"),
        ("AU", "BASEXCLUDED", "0", "BAS Excluded"),
        ("NZ", "OUTPUT2", "15", "15% GST on Income"),
        ("NZ", "ZERORATED", "0", "Zero Rated"),
        ("US", "NONE", "0", "Tax Exempt"),
        ("US", "TAX001", "7.25", "CA Sales Tax"),
        ("US", "TAX002", "8.875", "NY Sales Tax (New York City)"),
    ],
)
def test_tax_rates(country: str, tax_type: str, rate: str, name: str) -> None:
    rates = {r["TaxType"]: r for r in default_tax_rates(country)}
    found = rates[tax_type]
    assert found["Name"] == name
    assert found["EffectiveRate"] == Decimal(rate)
    assert isinstance(found["EffectiveRate"], Decimal)
    assert sum(c["Rate"] for c in found["TaxComponents"]) == Decimal(rate)


@pytest.mark.parametrize("country", COUNTRIES)
def test_sales_tax_types_apply_to_revenue(country: str) -> None:
    for rate in default_tax_rates(country):
        if rate["ReportTaxType"] == "OUTPUT":
            assert rate["CanApplyToRevenue"] is True, rate["TaxType"]


def test_country_aliases_and_unknown_country() -> None:
    assert normalise_country("uk") == "GB"
    assert normalise_country("GB") == "GB"
    assert default_organisation("GB") == default_organisation("UK")
    with pytest.raises(ValueError, match="'DE'"):
        default_accounts("DE")
