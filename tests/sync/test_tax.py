"""TaxResolver: Shopify tax lines -> the org's TaxType codes, against standard Xero charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.sandbox.seeds.xero_defaults import default_tax_rates
from shopxero.shopify.models import TaxLine
from shopxero.sync.tax import TaxResolver


def _line(title: str, rate: str, price: str = "1.00") -> TaxLine:
    return TaxLine(title=title, rate=Decimal(rate), price=Decimal(price))


def _resolver(country: str, overrides: dict[str, str] | None = None) -> TaxResolver:
    return TaxResolver.from_xero(default_tax_rates(country), overrides or {}, country=country)


@pytest.mark.parametrize(
    ("country", "rate", "expected"),
    [
        ("GB", "0.2", "OUTPUT2"),  # 20% (VAT on Income), not the 20% capital-purchase rate
        ("GB", "0.05", "RROUTPUT"),
        ("AU", "0.1", "OUTPUT"),
        ("NZ", "0.15", "OUTPUT2"),
        ("US", "0.0725", "TAX001"),
    ],
)
def test_rate_matches_the_active_revenue_rate(country: str, rate: str, expected: str) -> None:
    """Shopify's fraction x 100 equals Xero's EffectiveRate percentage."""
    assert _resolver(country).for_lines([_line("Tax", rate)], taxable=True) == expected


def test_uk_accepts_the_alias_uk() -> None:
    """People and Xero's older docs say UK; ISO says GB."""
    assert _resolver("UK").for_lines([], taxable=True) == "ZERORATEDOUTPUT"


def test_several_tax_lines_sum_to_one_rate() -> None:
    """New York City: 4% state + 4.5% city + 0.375% MCTD = 8.875% (one Xero rate, TAX002)."""
    lines = [_line("NY State", "0.04"), _line("NYC", "0.045"), _line("MCTD", "0.00375")]
    assert _resolver("US").for_lines(lines, taxable=True) == "TAX002"


@pytest.mark.parametrize(
    ("country", "taxable", "expected"),
    [
        ("GB", True, "ZERORATEDOUTPUT"),
        ("GB", False, "ZERORATEDOUTPUT"),
        ("AU", True, "EXEMPTOUTPUT"),
        ("NZ", True, "ZERORATED"),
        ("NZ", False, "NONE"),
        ("US", True, "NONE"),
    ],
)
def test_untaxed_lines_get_the_country_zero_type(
    country: str, taxable: bool, expected: str
) -> None:
    """No tax lines at all -> the zero-rated / no-tax type of a standard org."""
    assert _resolver(country).for_lines([], taxable=taxable) == expected


def test_zero_priced_tax_line_counts_as_untaxed() -> None:
    """A tax-exempt customer's lines carry rate 0.2 but price 0.00: nothing was charged."""
    assert _resolver("GB").for_lines([_line("VAT", "0.2", "0.00")], taxable=True) == (
        "ZERORATEDOUTPUT"
    )


@pytest.mark.parametrize("key", ["VAT", "vat", "VAT@0.2", "VAT@20"])
def test_override_by_title_or_title_at_rate(key: str) -> None:
    """Overrides win over rate matching; titles compare case-insensitively."""
    resolver = _resolver("GB", {key: "RROUTPUT"})
    assert resolver.for_lines([_line("VAT", "0.2")], taxable=True) == "RROUTPUT"


def test_override_for_combined_lines() -> None:
    """``GST+PST`` names the combination; components all overridden alike also count."""
    lines = [_line("GST", "0.05"), _line("PST", "0.07")]
    assert _resolver("US", {"GST+PST": "TAX003"}).for_lines(lines, taxable=True) == "TAX003"
    both = {"GST": "TAX001", "PST": "TAX001"}
    assert _resolver("US", both).for_lines(lines, taxable=True) == "TAX001"


def test_no_matching_rate_names_the_tax_line() -> None:
    """12% exists nowhere in a UK org: the error says which Shopify tax and how to fix it."""
    with pytest.raises(MappingError) as caught:
        _resolver("GB").for_lines([_line("Weird Tax", "0.12")], taxable=True)
    assert "Weird Tax 12%" in str(caught.value)
    assert "override" in caught.value.message


def test_inactive_and_expense_only_rates_are_ignored() -> None:
    """A DELETED 20% revenue rate and an expense-only one never match."""
    rates: list[dict[str, Any]] = [
        {"TaxType": "OLD", "Status": "DELETED", "CanApplyToRevenue": True, "EffectiveRate": 20},
        {
            "TaxType": "INPUT2",
            "Status": "ACTIVE",
            "CanApplyToRevenue": False,
            "EffectiveRate": 20.0,
        },
        {"TaxType": "TAX009", "Status": "ACTIVE", "CanApplyToRevenue": True, "EffectiveRate": 20.0},
    ]
    resolver = TaxResolver.from_xero(rates, {}, country="GB")
    assert resolver.for_lines([_line("VAT", "0.2")], taxable=True) == "TAX009"
    assert resolver.rate_for("TAX009") == Decimal("20.0")
    assert resolver.rate_for("UNKNOWN") == 0


def test_no_zero_rate_in_the_org_is_a_mapping_error() -> None:
    """An org with no 0% revenue rate cannot take untaxed lines without an override."""
    rates = [{"TaxType": "OUTPUT", "Status": "ACTIVE", "EffectiveRate": 10}]
    with pytest.raises(MappingError, match="0% revenue tax rate"):
        TaxResolver.from_xero(rates, {}, country="AU").for_lines([], taxable=True)


def test_bad_tax_rate_rows_are_refused() -> None:
    """A row without TaxType is not a Xero tax rate."""
    with pytest.raises(ValueError, match=r"TaxRates\[0\]"):
        TaxResolver.from_xero([{"Name": "x"}], {}, country="GB")


@pytest.mark.parametrize(
    ("country", "expected"), [("GB", "NONE"), ("AU", "BASEXCLUDED"), ("NZ", "NONE"), ("US", "NONE")]
)
def test_out_of_scope_type_can_sit_on_a_liability_account(country: str, expected: str) -> None:
    """Gift-card sales and rounding lines: a 0% type that liability accounts accept."""
    assert _resolver(country).out_of_scope_type() == expected


def test_out_of_scope_falls_back_to_a_zero_rate_for_liabilities() -> None:
    """An org without NONE: any active 0% rate allowed on liabilities, else the zero type."""
    rates: list[dict[str, Any]] = [
        {
            "TaxType": "ZEROREV",
            "Status": "ACTIVE",
            "EffectiveRate": 0,
            "CanApplyToRevenue": True,
            "CanApplyToLiabilities": False,
        },
        {
            "TaxType": "TAX005",
            "Status": "ACTIVE",
            "EffectiveRate": 0,
            "CanApplyToLiabilities": True,
        },
    ]
    assert TaxResolver.from_xero(rates, {}, country="FR").out_of_scope_type() == "TAX005"
    assert TaxResolver.from_xero(rates[:1], {}, country="FR").out_of_scope_type() == "ZEROREV"


def test_float_noise_in_a_shopify_rate_still_matches() -> None:
    """0.07250000000000001 (a float round trip) is 7.25%, Xero's 7.2500."""
    line = _line("CA State Tax", "0.07250000000000001")
    assert _resolver("US").for_lines([line], taxable=True) == "TAX001"
    assert _resolver("US", {"CA State Tax@7.25": "TAX003"}).for_lines([line], taxable=True) == (
        "TAX003"
    )
