"""Tax map keys limited to where the order goes (issue 5: "title, rate, country/province").

Two US states can share a rate (Texas and Massachusetts both 6.25 %) while the org files them
to different agencies under different TaxTypes; Canada's provinces all title their tax "GST" or
"HST"; an AU shop's untaxed export is "GST Free Exports", not ordinary GST-free. Only the place
tells these apart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.sandbox.seeds.xero_defaults import default_tax_rates
from shopxero.shopify.models import Order, TaxLine
from shopxero.translate.tax import NOWHERE, Region, TaxResolver, order_region, parse_tax_key

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

D = Decimal


def _line(title: str, rate: str, price: str = "1.00") -> TaxLine:
    return TaxLine(title=title, rate=Decimal(rate), price=Decimal(price))


def _resolver(country: str, overrides: dict[str, str], *extra: tuple[str, str]) -> TaxResolver:
    rates: list[dict[str, Any]] = default_tax_rates(country)
    for tax_type, percent in extra:
        rates.append(
            {
                "TaxType": tax_type,
                "Name": tax_type,
                "Status": "ACTIVE",
                "CanApplyToRevenue": True,
                "EffectiveRate": Decimal(percent),
            }
        )
    return TaxResolver.from_xero(rates, overrides, country=country)


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "titles", "percent", "country", "province", "untaxed"),
    [
        ("VAT", ("vat",), None, None, None, False),
        ("VAT@0.2", ("vat",), D("20"), None, None, False),
        ("VAT@20", ("vat",), D("20"), None, None, False),
        ("CA State Tax+LA County Tax", ("ca state tax", "la county tax"), None, None, None, False),
        ("US-MA:*", (), None, "US", "MA", False),
        (
            "us-ma:Massachusetts State Tax@6.25",
            ("massachusetts state tax",),
            D("6.25"),
            "US",
            "MA",
            False,
        ),
        ("CA-BC:PST", ("pst",), None, "CA", "BC", False),
        ("AU-NSW:GST", ("gst",), None, "AU", "NSW", False),
        ("UK:VAT", ("vat",), None, "GB", None, False),
        ("abroad:untaxed", (), None, "abroad", None, True),
        ("NZ:*@15", (), D("15"), "NZ", None, False),
        ("GB VAT@0.2", ("gb vat",), D("20"), None, None, False),  # a title with a space, no colon
    ],
)
def test_keys_parse(
    key: str,
    titles: tuple[str, ...],
    percent: Decimal | None,
    country: str | None,
    province: str | None,
    untaxed: bool,
) -> None:
    parsed = parse_tax_key(key)
    assert (parsed.titles, parsed.percent, parsed.country, parsed.province, parsed.untaxed) == (
        titles,
        percent,
        country,
        province,
        untaxed,
    )


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("*", "needs a place"),
        ("untaxed", "needs a place"),
        ("US:", "names no Shopify tax title"),
        ("", "names no Shopify tax title"),
        ("@20", "names no Shopify tax title"),
        ("GST++PST", "names no Shopify tax title"),
        ("US:GST+*", "stand alone"),
        ("VAT@twenty", "'twenty' is not a rate"),
        ("VAT@-5", "'-5' is not a rate"),
        ("VAT@NaN", "'NaN' is not a rate"),
        ("GB:untaxed@0", "an untaxed line has no rate"),
    ],
)
def test_bad_keys_say_what_is_wrong(key: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_tax_key(key)


def test_a_bad_key_fails_building_the_resolver() -> None:
    """The run's org data turns this into a ConfigError before any write (engine/orgdata.py)."""
    with pytest.raises(ValueError, match="needs a place"):
        _resolver("US", {"*": "TAX001"})


# --- where the order goes -----------------------------------------------------------------------


def _order(shipping: dict[str, Any] | None, billing: dict[str, Any] | None) -> Order:
    return Order.model_validate({"id": 1, "shipping_address": shipping, "billing_address": billing})


def test_region_is_the_shipping_address_else_the_billing_address() -> None:
    """Shopify taxes where the goods go; a digital or picked-up order by its billing address."""
    ma = {"country_code": "US", "province_code": "ma"}
    tx = {"country_code": "US", "province_code": "TX"}
    assert order_region(_order(ma, tx)) == Region("US", "MA")
    assert order_region(_order(None, tx)) == Region("US", "TX")
    assert order_region(_order({"country_code": ""}, {"country_code": "uk"})) == Region("GB")
    assert order_region(_order(None, None)) == NOWHERE
    assert str(Region("US", "MA")) == "US-MA" and str(NOWHERE) == "an unknown place"


# --- choosing by place --------------------------------------------------------------------------

MA = Region("US", "MA")
TX = Region("US", "TX")
MA_TAX = [_line("Massachusetts State Tax", "0.0625")]


def test_two_states_with_one_rate_get_their_own_types() -> None:
    """TX and MA both charge 6.25 %: rate matching alone would file MA under Texas' TAX003."""
    resolver = _resolver("US", {"US-MA:*": "TAX004"}, ("TAX004", "6.25"))
    assert resolver.for_lines(MA_TAX, taxable=True, region=MA) == "TAX004"
    texas = [_line("Texas State Tax", "0.0625")]
    assert resolver.for_lines(texas, taxable=True, region=TX) == "TAX003"
    # Without a known place, place keys do not apply.
    assert resolver.for_lines(MA_TAX, taxable=True) == "TAX003"


def test_the_most_specific_place_wins_then_the_most_specific_selector() -> None:
    """Province before country before anywhere; within a place title@rate, title, ``*``."""
    overrides = {
        "Massachusetts State Tax": "GEN",
        "US:*": "USALL",
        "US-MA:*": "MAALL",
        "US-MA:Massachusetts State Tax": "MATITLE",
    }
    extra = [(t, "6.25") for t in ("GEN", "USALL", "MAALL", "MATITLE", "MARATE")]
    resolver = _resolver("US", overrides, *extra)
    assert resolver.for_lines(MA_TAX, taxable=True, region=MA) == "MATITLE"
    with_rate = {**overrides, "US-MA:Massachusetts State Tax@6.25": "MARATE"}
    resolver = _resolver("US", with_rate, *extra)
    assert resolver.for_lines(MA_TAX, taxable=True, region=MA) == "MARATE"
    # Another state: the country-wide wildcard beats the place-less title.
    assert resolver.for_lines(MA_TAX, taxable=True, region=TX) == "USALL"
    assert resolver.for_lines(MA_TAX, taxable=True, region=NOWHERE) == "GEN"


def test_a_province_key_does_not_touch_other_provinces() -> None:
    """Canada: every province's federal tax is titled GST; a BC key is BC's only."""
    resolver = _resolver("US", {"CA-BC:GST": "GSTBC"}, ("GSTBC", "5"), ("GST5", "5"))
    gst = [_line("GST", "0.05")]
    assert resolver.for_lines(gst, taxable=True, region=Region("CA", "BC")) == "GSTBC"
    assert resolver.for_lines(gst, taxable=True, region=Region("CA", "MB")) == "GST5"
    assert resolver.for_lines(gst, taxable=True, region=Region("CA")) == "GST5"


def test_wildcard_with_a_rate_matches_only_that_rate() -> None:
    resolver = _resolver("NZ", {"NZ:*@15": "GST15"}, ("GST15", "15"))
    assert resolver.for_lines([_line("GST", "0.15")], taxable=True, region=Region("NZ")) == "GST15"


def test_a_place_key_with_the_wrong_rate_is_refused_naming_the_place() -> None:
    resolver = _resolver("US", {"US-MA:*": "TAX001"})
    with pytest.raises(MappingError) as caught:
        resolver.for_lines(MA_TAX, taxable=True, region=MA)
    assert "SHOPXERO_TAX_TYPE_MAP['US-MA:*'] = TAX001 is 7.25% in Xero" in caught.value.message
    assert "(order to US-MA)" in caught.value.message


# --- untaxed lines by place ---------------------------------------------------------------------


def test_au_untaxed_export_is_gst_free_export_by_default() -> None:
    """An AU shop's untaxed line shipped to NZ is EXEMPTEXPORT (BAS G2), at home EXEMPTOUTPUT."""
    resolver = _resolver("AU", {})
    assert resolver.for_lines([], taxable=True, region=Region("NZ")) == "EXEMPTEXPORT"
    assert resolver.for_lines([], taxable=True, region=Region("AU", "NSW")) == "EXEMPTOUTPUT"
    assert resolver.for_lines([], taxable=True) == "EXEMPTOUTPUT"


def test_untaxed_key_maps_lines_with_no_tax_in_that_place() -> None:
    """``abroad:untaxed`` for exports; ``untaxed`` never touches a line that was charged."""
    resolver = _resolver("GB", {"abroad:untaxed": "NONE", "FR:untaxed": "ECZROUTPUT"})
    assert resolver.for_lines([], taxable=True, region=Region("US")) == "NONE"
    assert resolver.for_lines([], taxable=True, region=Region("FR")) == "ECZROUTPUT"
    assert resolver.for_lines([], taxable=True, region=Region("GB")) == "ZERORATEDOUTPUT"
    vat = [_line("VAT", "0.2")]
    assert resolver.for_lines(vat, taxable=True, region=Region("US")) == "OUTPUT2"


def test_untaxed_key_must_name_a_zero_rate() -> None:
    """Xero would add 20 % to a line the customer paid no tax on."""
    resolver = _resolver("GB", {"abroad:untaxed": "OUTPUT2"})
    with pytest.raises(MappingError, match=r"OUTPUT2 is 20% in Xero, but Shopify charged no tax"):
        resolver.for_lines([], taxable=True, region=Region("US"))


def test_rates_shared_by_several_ordinary_types_are_listed() -> None:
    """The preflight warns about these: rate matching can only ever pick the first."""
    resolver = _resolver("US", {}, ("TAX004", "6.25"))
    assert resolver.same_rate_types() == [["TAX003", "TAX004"]]
    assert _resolver("GB", {}).same_rate_types() == []  # INPUT2/CAPEX are not revenue/ordinary


def test_no_rate_names_the_place_and_the_entry_to_add() -> None:
    """Irish VAT (23 %, OSS) charged by a UK shop: the message says which map entry would do."""
    with pytest.raises(MappingError) as caught:
        _resolver("GB", {}).for_lines([_line("IE VAT", "0.23")], taxable=True, region=Region("IE"))
    message = caught.value.message
    assert "IE VAT 23% (order to IE)" in message
    assert "add a 23% sales tax rate in Xero" in message
    assert 'SHOPXERO_TAX_TYPE_MAP {"IE:IE VAT": "<TaxType>"}' in message
