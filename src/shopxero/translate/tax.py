"""Shopify tax lines -> a Xero TaxType code, from the organisation's own ``GET /TaxRates``.

Xero wants a TaxType *code* valid for revenue (``OUTPUT2``, ``TAX001``...; xero-api-notes §7, §9),
not a name, and it computes the tax itself from that type's rate. So for a line we pick:

1. an override from ``SHOPXERO_TAX_TYPE_MAP`` (see :func:`parse_tax_key` for the keys): by the
   Shopify tax title (``"VAT"``), title and rate (``"VAT@20"``), several titles joined with ``+``
   (``"GST+PST"``), or any charged tax (``"*"``) / no tax charged (``"untaxed"``), each optionally
   limited to where the order goes (``"US-MA:*"``, ``"CA-BC:PST"``, ``"abroad:untaxed"``). The most
   specific place wins (province, then country, then "abroad", then anywhere), then the most
   specific selector;
2. else the ACTIVE revenue rate whose ``EffectiveRate`` (a percentage) equals the sum of the
   line's Shopify rates (fractions) x 100;
3. for a line that carries no tax: the country's zero-rated / no-tax type (UK ZERORATEDOUTPUT,
   AU EXEMPTOUTPUT — EXEMPTEXPORT when the order ships abroad, NZ ZERORATED or NONE, US NONE),
   else any ACTIVE 0 % revenue rate.

An override whose Xero rate differs from what Shopify charged is refused: Xero would compute a
different tax than the customer paid. Nothing fitting raises :class:`MappingError` naming the tax
line. Pure: built from plain dicts and Shopify models.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from shopxero.errors import MappingError
from shopxero.shopify.models import LineItem, Order, ShippingLine, TaxLine
from shopxero.xero.records import XeroTaxRateRecord

__all__ = [
    "Region",
    "TaxKey",
    "TaxResolver",
    "is_charged",
    "line_tax_type",
    "map_key_for",
    "normalise_country",
    "order_region",
    "parse_tax_key",
]

_HUNDRED = Decimal(100)

# Zero / no-tax types in order of preference: (line is taxable, line is not taxable).
_ZERO_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "GB": (("ZERORATEDOUTPUT", "NONE"), ("ZERORATEDOUTPUT", "NONE", "EXEMPTOUTPUT")),
    "AU": (("EXEMPTOUTPUT", "BASEXCLUDED"), ("EXEMPTOUTPUT", "BASEXCLUDED")),
    "NZ": (("ZERORATED", "NONE"), ("NONE", "ZERORATED")),
    "US": (("NONE",), ("NONE",)),
}
# Zero types for goods exported (the order ships outside the organisation's country), tried
# before the ordinary zero types: AU BAS reports GST-free exports apart (G2, "GST Free Exports").
_EXPORT_TYPES: dict[str, tuple[str, ...]] = {"AU": ("EXEMPTEXPORT",)}
# Types for amounts outside the scope of sales tax (gift-card sales, rounding), which may sit on
# liability accounts: only rates that can apply to liabilities qualify.
_OUT_OF_SCOPE_TYPES: dict[str, tuple[str, ...]] = {
    "GB": ("NONE",),
    "AU": ("BASEXCLUDED",),
    "NZ": ("NONE",),
    "US": ("NONE",),
}
# Revenue types that share a rate with the ordinary sales rate but mean something else
# (capital sales, EC supplies, reverse charge...): only chosen when nothing else matches.
_SPECIAL_PREFIXES = ("CAPEX", "EC", "REVERSE", "DRCHARGE", "IMPORT", "GSTON")


# Place prefixes of a tax-map key: ISO 3166-1 alpha-2, optionally with Shopify's province code
# (ISO 3166-2 subdivision: "US-CA", "CA-BC", "AU-NSW"), or "abroad" (any country but the org's).
_PLACE = re.compile(r"^\s*(abroad|[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?)\s*:(.*)$", re.IGNORECASE)
ANY_TAX = "*"
UNTAXED = "untaxed"
ABROAD = "abroad"


@dataclass(frozen=True)
class Region:
    """Where an order goes: the place Shopify taxed it for (shopify-api-notes §5: tax follows the
    shipping address, or the billing address when nothing ships)."""

    country: str | None = None
    province: str | None = None

    def __str__(self) -> str:
        if self.country is None:
            return "an unknown place"
        return f"{self.country}-{self.province}" if self.province else self.country


NOWHERE = Region()


def order_region(o: Order) -> Region:
    """The order's shipping address, else its billing address, as a :class:`Region`."""
    for address in (o.shipping_address, o.billing_address):
        if address is not None and address.country_code and address.country_code.strip():
            province = (address.province_code or "").strip().upper() or None
            return Region(normalise_country(address.country_code), province)
    return NOWHERE


@dataclass(frozen=True)
class TaxKey:
    """One parsed ``SHOPXERO_TAX_TYPE_MAP`` key.

    ``titles`` are case-folded Shopify tax titles (empty for the ``*`` / ``untaxed`` selectors);
    ``percent`` the rate the key names (20 for ``@20`` or ``@0.2``); ``country``/``province``
    the place it is limited to (``country`` is ``"abroad"`` for any foreign country).
    """

    text: str
    titles: tuple[str, ...]
    percent: Decimal | None = None
    country: str | None = None
    province: str | None = None
    untaxed: bool = False

    @property
    def any_tax(self) -> bool:
        return not self.titles and not self.untaxed

    def place_rank(self, region: Region, home: str) -> int | None:
        """How specifically the key's place fits ``region`` (0 best), None if it does not."""
        if self.country is None:
            return 3
        if self.country == ABROAD:
            return 2 if region.country is not None and region.country != home else None
        if self.country != region.country:
            return None
        if self.province is None:
            return 1
        return 0 if self.province == region.province else None


def map_key_for(tax_lines: Sequence[TaxLine], region: Region) -> str:
    """The map key naming these lines' titles where the order went (``IE:IE VAT``)."""
    titles = "+".join(sorted({t.title or "" for t in tax_lines}))
    return f"{region.country}:{titles}" if region.country else titles


def parse_tax_key(key: str) -> TaxKey:
    """``"[PLACE:]SELECTOR[@RATE]"`` -> :class:`TaxKey`; ``ValueError`` says what is wrong.

    PLACE: ``GB``, ``US-CA`` (country and Shopify's ``province_code``) or ``abroad``.
    SELECTOR: a Shopify tax title, titles joined with ``+``, ``*`` (any tax charged) or
    ``untaxed`` (no tax charged; needs a PLACE). RATE: a percentage (``20``) or a fraction
    (``0.2``, as Shopify states rates) — a value below 1 is read as a fraction.
    """
    country: str | None = None
    province: str | None = None
    rest = key
    placed = _PLACE.match(key)
    if placed is not None:
        place, rest = placed.group(1).strip(), placed.group(2)
        if place.casefold() == ABROAD:
            country = ABROAD
        else:
            head, _, tail = place.partition("-")
            country, province = normalise_country(head), (tail.upper() or None)
    selector, at, rate_text = rest.partition("@")
    titles = tuple(t.strip().casefold() for t in selector.split("+"))
    if not selector.strip() or any(not t for t in titles):
        raise ValueError(f"tax map key {key!r} names no Shopify tax title")
    percent: Decimal | None = None
    if at:
        try:
            rate = Decimal(rate_text.strip())
        except InvalidOperation:
            raise ValueError(f"tax map key {key!r}: {rate_text.strip()!r} is not a rate") from None
        if not rate.is_finite() or rate < 0:
            raise ValueError(f"tax map key {key!r}: {rate_text.strip()!r} is not a rate")
        # Shopify says fractions (0.2), people say percentages (20).
        percent = (rate * _HUNDRED if rate < 1 else rate).quantize(_PERCENT_PLACES).normalize()
    if titles == (UNTAXED,) or titles == (ANY_TAX,):
        if country is None:
            raise ValueError(
                f"tax map key {key!r}: {titles[0]!r} needs a place, e.g. 'US-OR:{titles[0]}' or "
                f"'abroad:{titles[0]}' (for every order it would override the rate matching)"
            )
        if titles == (UNTAXED,):
            if percent is not None:
                raise ValueError(f"tax map key {key!r}: an untaxed line has no rate")
            return TaxKey(key, (), None, country, province, untaxed=True)
        return TaxKey(key, (), percent, country, province)
    if ANY_TAX in titles or UNTAXED in titles:
        raise ValueError(f"tax map key {key!r}: '*' and 'untaxed' stand alone, not joined by '+'")
    return TaxKey(key, titles, percent, country, province)


def _special(tax_type: str) -> bool:
    return tax_type.startswith(_SPECIAL_PREFIXES)


def normalise_country(country: str) -> str:
    """ISO alpha-2, with Xero's/people's ``UK`` spelled ``GB``."""
    code = country.strip().upper()
    return "GB" if code == "UK" else code


def _rate_text(rate: Decimal) -> str:
    return "0" if rate.is_zero() else format(rate.normalize(), "f")


# Xero keeps rates to 4 decimals of a percent (20.0000); a Shopify rate that went through a
# float (0.07250000000000001) must still match 7.25.
_PERCENT_PLACES = Decimal("0.0001")


def _rate(t: TaxLine) -> Decimal:
    """The line's rate as a fraction, tidied to what a percentage with 4 decimals can say."""
    if t.rate is None:
        return Decimal(0)
    return (t.rate * _HUNDRED).quantize(_PERCENT_PLACES) / _HUNDRED


def is_charged(t: TaxLine) -> bool:
    """Whether a Shopify tax line charged something: a rate, and a price that is not 0 (a
    tax-exempt customer gets 0.00 lines). An unknown price with a rate counts as charged."""
    return not _rate(t).is_zero() and (t.price is None or not t.price.is_zero())


def _describe(tax_lines: Sequence[TaxLine]) -> str:
    if not tax_lines:
        return "no tax"
    return " + ".join(
        f"{t.title or '(untitled)'} {_rate_text(_rate(t) * _HUNDRED)}%" for t in tax_lines
    )


class TaxResolver:
    """Chooses TaxType codes for Shopify tax lines. Build it with :meth:`from_xero`."""

    def __init__(
        self,
        rates: Sequence[XeroTaxRateRecord],
        overrides: Mapping[str, str],
        *,
        country: str,
    ) -> None:
        self.country = normalise_country(country)
        self._active = [r for r in rates if (r.status or "ACTIVE").upper() == "ACTIVE"]
        self._revenue = [r for r in self._active if r.can_apply_to_revenue is not False]
        self._by_type = {r.tax_type: r for r in rates}
        # Titles compare case-insensitively; a bad key or an empty value is a settings mistake.
        self._overrides: list[tuple[TaxKey, str]] = []
        for key, value in overrides.items():
            if not value.strip():
                raise ValueError(f"tax override {key!r} maps to an empty TaxType")
            self._overrides.append((parse_tax_key(key), value.strip()))

    @classmethod
    def from_xero(
        cls, tax_rates: list[dict[str, Any]], overrides: Mapping[str, str], *, country: str
    ) -> TaxResolver:
        """From ``GET /TaxRates``'s ``TaxRates`` list, the settings' override map and the org's
        country (``Organisation.CountryCode``)."""
        parsed: list[XeroTaxRateRecord] = []
        for index, raw in enumerate(tax_rates):
            try:
                parsed.append(XeroTaxRateRecord.model_validate(raw))
            except ValidationError as exc:
                raise ValueError(f"TaxRates[{index}] is not a Xero tax rate: {exc}") from None
        return cls(parsed, overrides, country=country)

    def rate_for(self, tax_type: str) -> Decimal:
        """The EffectiveRate of ``tax_type`` as a percentage (``20`` for 20 %); 0 if unknown."""
        record = self._by_type.get(tax_type)
        if record is None or record.effective_rate is None:
            return Decimal(0)
        return record.effective_rate

    def has(self, tax_type: str) -> bool:
        """Whether the organisation has an ACTIVE revenue tax rate with this code."""
        return any(r.tax_type == tax_type for r in self._revenue)

    def has_rate(self, percent: Decimal) -> bool:
        """Whether an ACTIVE revenue tax rate of ``percent`` (20 for 20 %) exists."""
        return any(r.effective_rate == percent for r in self._revenue)

    def _candidates(
        self, region: Region, *, charged: Sequence[TaxLine]
    ) -> Iterator[tuple[TaxKey, str]]:
        """The overrides that fit these lines in ``region``, best first: the most specific place,
        then title@rate, title, the joined titles, ``*@rate``, ``*`` (or ``untaxed``)."""
        titles = sorted((t.title or "").strip().casefold() for t in charged)
        percent = sum((_rate(t) for t in charged), Decimal(0)) * _HUNDRED
        ranked: list[tuple[int, int, TaxKey, str]] = []
        for key, tax_type in self._overrides:
            place = key.place_rank(region, self.country)
            if place is None:
                continue
            if key.percent is not None and key.percent != percent.normalize():
                continue
            if not charged:
                if key.untaxed:
                    ranked.append((place, 0, key, tax_type))
                continue
            if key.untaxed:
                continue
            if key.any_tax:
                ranked.append((place, 3 if key.percent is not None else 4, key, tax_type))
            elif sorted(key.titles) == titles:
                ranked.append((place, 0 if key.percent is not None else 1, key, tax_type))
        ranked.sort(key=lambda entry: (entry[0], entry[1]))
        for _, _, key, tax_type in ranked:
            yield key, tax_type
        if len(charged) > 1:
            # Every component overridden (by title alone, same place) to one type counts as an
            # override of the whole.
            for place in range(4):
                chosen: dict[str, str] = {}
                for key, tax_type in self._overrides:
                    if (
                        len(key.titles) == 1
                        and key.percent is None
                        and key.place_rank(region, self.country) == place
                    ):
                        chosen[key.titles[0]] = tax_type
                picked = {chosen.get(title) for title in titles}
                only = picked.pop() if len(picked) == 1 else None
                if only is not None:
                    yield TaxKey("+".join(titles), tuple(titles)), only
                    return

    def _override(self, charged: Sequence[TaxLine], region: Region) -> str | None:
        """The overriding TaxType, refused when its Xero rate is not what Shopify charged."""
        found = next(iter(self._candidates(region, charged=charged)), None)
        if found is None:
            return None
        key, tax_type = found
        record = self._by_type.get(tax_type)
        percent = sum((_rate(t) for t in charged), Decimal(0)) * _HUNDRED
        if record is not None and record.effective_rate not in (None, percent):
            assert record.effective_rate is not None
            raise MappingError(
                f"SHOPXERO_TAX_TYPE_MAP[{key.text!r}] = {tax_type} is "
                f"{_rate_text(record.effective_rate)}% in Xero, but Shopify charged "
                f"{_describe(charged)} (order to {region}); Xero would compute different "
                "tax than the customer paid: map this tax to a type of the same rate",
                entity="tax_line",
                source_id=_describe(charged),
            )
        return tax_type

    def zero_type(self, *, taxable: bool, region: Region = NOWHERE) -> str:
        """The zero-rated / no-tax type for a line that carries no tax (an export's own type
        when the order ships abroad and the country has one: AU "GST Free Exports")."""
        preferences = _ZERO_TYPES.get(self.country, ((), ()))[0 if taxable else 1]
        if region.country is not None and region.country != self.country:
            preferences = _EXPORT_TYPES.get(self.country, ()) + preferences
        for tax_type in preferences:
            if self.has(tax_type):
                return tax_type
        zero = [
            r for r in self._revenue if r.effective_rate is not None and r.effective_rate.is_zero()
        ]
        zero.sort(key=lambda r: (r.tax_type != "NONE", _special(r.tax_type), r.tax_type))
        if zero:
            return zero[0].tax_type
        raise MappingError(
            f"the Xero organisation has no active 0% revenue tax rate for untaxed lines "
            f"(country {self.country}); add a tax override",
            entity="tax_line",
            source_id="no tax",
        )

    def out_of_scope_type(self) -> str:
        """The no-tax type for amounts outside sales tax (a gift-card sale is a liability, not a
        supply; a rounding line is no sale at all): UK/NZ/US NONE, AU BASEXCLUDED, else any
        ACTIVE 0 % rate usable on liability accounts, else the zero type."""
        usable = [
            r
            for r in self._active
            if r.effective_rate is not None
            and r.effective_rate.is_zero()
            and r.can_apply_to_liabilities is not False
        ]
        for tax_type in _OUT_OF_SCOPE_TYPES.get(self.country, ()):
            if any(r.tax_type == tax_type for r in usable):
                return tax_type
        usable.sort(key=lambda r: (r.tax_type != "NONE", _special(r.tax_type), r.tax_type))
        if usable:
            return usable[0].tax_type
        return self.zero_type(taxable=False)

    def for_lines(
        self, tax_lines: Sequence[TaxLine], *, taxable: bool, region: Region = NOWHERE
    ) -> str:
        """The TaxType for a line with these Shopify tax lines, on an order going to ``region``.

        A tax line that charged nothing (rate 0 or price 0, e.g. a tax-exempt customer) does not
        count: such a line gets the zero type.
        """
        charged = [t for t in tax_lines if is_charged(t)]
        if charged:
            # A component that rounded to 0.00 on a cheap line (US county 0.25 % of 0.99) was
            # still charged at its rate: Xero needs the combined rate (state + county + city).
            charged = [t for t in tax_lines if not _rate(t).is_zero()]
        override = self._override(charged, region)
        if override is not None:
            return override
        if not charged:
            return self.zero_type(taxable=taxable, region=region)
        percent = sum((_rate(t) for t in charged), Decimal(0)) * _HUNDRED
        matches = [
            r for r in self._revenue if r.effective_rate is not None and r.effective_rate == percent
        ]
        if not matches:
            raise MappingError(
                f"no active Xero revenue tax rate of {_rate_text(percent)}% for Shopify tax "
                f"{_describe(charged)} (order to {region}); add a {_rate_text(percent)}% sales "
                "tax rate in Xero, or map this tax to an existing type: SHOPXERO_TAX_TYPE_MAP "
                f'{{"{map_key_for(charged, region)}": "<TaxType>"}}',
                entity="tax_line",
                source_id=_describe(charged),
            )
        # The ordinary sales rate before capital/EC/reverse-charge ones that share its rate.
        matches.sort(key=lambda r: (_special(r.tax_type), r.tax_type))
        return matches[0].tax_type

    def same_rate_types(self) -> list[list[str]]:
        """Groups of ACTIVE ordinary revenue types sharing one non-zero rate: rate matching can
        only pick the first of each, so the others need a tax map entry to be used."""
        groups: dict[Decimal, list[str]] = {}
        for r in self._revenue:
            if r.effective_rate is None or r.effective_rate.is_zero() or _special(r.tax_type):
                continue
            groups.setdefault(r.effective_rate, []).append(r.tax_type)
        return [sorted(types) for _, types in sorted(groups.items()) if len(types) > 1]


def line_tax_type(
    tax: TaxResolver, o: Order, line: LineItem | ShippingLine, *, taxable: bool, field: str
) -> str:
    """The TaxType of one line of order ``o`` (an invoice's or a credit note's), for the order's
    region; a line no rate fits is a MappingError of the order at ``{field}.tax_lines``."""
    try:
        return tax.for_lines(line.tax_lines, taxable=taxable, region=order_region(o))
    except MappingError as exc:
        raise MappingError(
            exc.message, entity="order", source_id=str(o.id), field=f"{field}.tax_lines"
        ) from None
