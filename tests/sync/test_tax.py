"""TaxResolver: Shopify tax lines -> the org's TaxType codes, against standard Xero charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.sandbox.seeds.xero_defaults import default_tax_rates
from shopxero.shopify.models import TaxLine
from shopxero.translate.tax import TaxResolver

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


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


def _with(country: str, *extra: tuple[str, str]) -> list[dict[str, Any]]:
    """The country's standard rates plus ACTIVE revenue rates (TaxType, percent) of our own."""
    rates = default_tax_rates(country)
    for tax_type, percent in extra:
        rates.append(
            {
                "TaxType": tax_type,
                "Name": f"Custom {percent}%",
                "Status": "ACTIVE",
                "CanApplyToRevenue": True,
                "EffectiveRate": Decimal(percent),
            }
        )
    return rates


def _custom(country: str, overrides: dict[str, str], *extra: tuple[str, str]) -> TaxResolver:
    return TaxResolver.from_xero(_with(country, *extra), overrides, country=country)


@pytest.mark.parametrize("key", ["VAT", "vat", "VAT@0.2", "VAT@20", " VAT @ 20 "])
def test_override_by_title_or_title_at_rate(key: str) -> None:
    """Overrides win over rate matching; titles compare case-insensitively."""
    resolver = _custom("GB", {key: "VATSHOP"}, ("VATSHOP", "20"))
    assert resolver.for_lines([_line("VAT", "0.2")], taxable=True) == "VATSHOP"


def test_override_for_combined_lines() -> None:
    """``GST+PST`` names the combination (in any order); components all overridden alike also
    count. The type's rate is the combined 12 %."""
    lines = [_line("GST", "0.05"), _line("PST", "0.07")]
    for key in ("GST+PST", "pst+gst"):
        resolver = _custom("US", {key: "TAX012"}, ("TAX012", "12"))
        assert resolver.for_lines(lines, taxable=True) == "TAX012"
    both = {"GST": "TAX012", "PST": "TAX012"}
    assert _custom("US", both, ("TAX012", "12")).for_lines(lines, taxable=True) == "TAX012"


def test_override_whose_xero_rate_differs_is_refused() -> None:
    """Issue 5: a mapped TaxType must have the rate Shopify charged, or Xero computes other tax.
    VAT 20 % mapped to RROUTPUT (5 %) names the key, both rates and the place."""
    resolver = _resolver("GB", {"VAT": "RROUTPUT"})
    with pytest.raises(MappingError) as caught:
        resolver.for_lines([_line("VAT", "0.2")], taxable=True)
    message = caught.value.message
    assert "SHOPXERO_TAX_TYPE_MAP['VAT'] = RROUTPUT is 5% in Xero" in message
    assert "Shopify charged VAT 20%" in message


def test_key_with_a_rate_applies_only_to_that_rate() -> None:
    """``VAT@5`` maps reduced-rate VAT and leaves 20 % VAT to rate matching."""
    resolver = _custom("GB", {"VAT@5": "RR5"}, ("RR5", "5"))
    assert resolver.for_lines([_line("VAT", "0.05")], taxable=True) == "RR5"
    assert resolver.for_lines([_line("VAT", "0.2")], taxable=True) == "OUTPUT2"


def test_no_matching_rate_names_the_tax_line() -> None:
    """12% exists nowhere in a UK org: the error says which Shopify tax and how to fix it."""
    with pytest.raises(MappingError) as caught:
        _resolver("GB").for_lines([_line("Weird Tax", "0.12")], taxable=True)
    assert "Weird Tax 12%" in str(caught.value)
    assert 'SHOPXERO_TAX_TYPE_MAP {"Weird Tax": "<TaxType>"}' in caught.value.message


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
    resolver = _custom("US", {"CA State Tax@7.25": "CA725"}, ("CA725", "7.25"))
    assert resolver.for_lines([line], taxable=True) == "CA725"
