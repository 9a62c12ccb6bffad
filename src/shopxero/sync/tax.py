"""Shopify tax lines -> a Xero TaxType code, from the organisation's own ``GET /TaxRates``.

Xero wants a TaxType *code* valid for revenue (``OUTPUT2``, ``TAX001``...; xero-api-facts §7, §9),
not a name, and it computes the tax itself from that type's rate. So for a line we pick:

1. an override from settings, keyed by the Shopify tax title (``"VAT"``), or title and rate
   (``"VAT@0.2"`` / ``"VAT@20"``), or several titles joined with ``+`` (``"GST+PST"``);
2. else the ACTIVE revenue rate whose ``EffectiveRate`` (a percentage) equals the sum of the
   line's Shopify rates (fractions) x 100;
3. for a line that carries no tax: the country's zero-rated / no-tax type (UK ZERORATEDOUTPUT,
   AU EXEMPTOUTPUT, NZ ZERORATED or NONE, US NONE), else any ACTIVE 0 % revenue rate.

Nothing fitting raises :class:`MappingError` naming the tax line. Pure: built from plain dicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from shopxero.errors import MappingError
from shopxero.shopify.models import TaxLine
from shopxero.xero.records import XeroTaxRateRecord

__all__ = ["TaxResolver", "is_charged", "normalise_country"]

_HUNDRED = Decimal(100)

# Zero / no-tax types in order of preference: (line is taxable, line is not taxable).
_ZERO_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "GB": (("ZERORATEDOUTPUT", "NONE"), ("ZERORATEDOUTPUT", "NONE", "EXEMPTOUTPUT")),
    "AU": (("EXEMPTOUTPUT", "BASEXCLUDED"), ("EXEMPTOUTPUT", "BASEXCLUDED")),
    "NZ": (("ZERORATED", "NONE"), ("NONE", "ZERORATED")),
    "US": (("NONE",), ("NONE",)),
}
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
        # Titles compare case-insensitively; an empty override value is a settings mistake.
        self._overrides = {k.strip().casefold(): v.strip() for k, v in overrides.items()}
        for key, value in self._overrides.items():
            if not value:
                raise ValueError(f"tax override {key!r} maps to an empty TaxType")

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

    def _override(self, charged: Sequence[TaxLine]) -> str | None:
        if not self._overrides or not charged:
            return None
        titles = [(t.title or "").strip().casefold() for t in charged]
        keys: list[str] = []
        if len(charged) == 1:
            rate = _rate(charged[0])
            keys += [
                f"{titles[0]}@{_rate_text(rate)}",
                f"{titles[0]}@{_rate_text(rate * _HUNDRED)}",
                titles[0],
            ]
        else:
            keys.append("+".join(titles))
        for key in keys:
            if key in self._overrides:
                return self._overrides[key]
        if len(charged) > 1:
            # Every component overridden to the same type counts as an override of the whole.
            chosen = {self._overrides.get(title) for title in titles}
            if len(chosen) == 1 and None not in chosen:
                return chosen.pop()
        return None

    def zero_type(self, *, taxable: bool) -> str:
        """The zero-rated / no-tax type for a line that carries no tax."""
        preferences = _ZERO_TYPES.get(self.country, ((), ()))[0 if taxable else 1]
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

    def for_lines(self, tax_lines: Sequence[TaxLine], *, taxable: bool) -> str:
        """The TaxType for a line with these Shopify tax lines.

        A tax line that charged nothing (rate 0 or price 0, e.g. a tax-exempt customer) does not
        count: such a line gets the zero type.
        """
        charged = [t for t in tax_lines if is_charged(t)]
        if charged:
            # A component that rounded to 0.00 on a cheap line (US county 0.25 % of 0.99) was
            # still charged at its rate: Xero needs the combined rate (state + county + city).
            charged = [t for t in tax_lines if not _rate(t).is_zero()]
        override = self._override(charged)
        if override is not None:
            return override
        if not charged:
            return self.zero_type(taxable=taxable)
        percent = sum((_rate(t) for t in charged), Decimal(0)) * _HUNDRED
        matches = [
            r for r in self._revenue if r.effective_rate is not None and r.effective_rate == percent
        ]
        if not matches:
            raise MappingError(
                f"no active Xero revenue tax rate of {_rate_text(percent)}% for Shopify tax "
                f"{_describe(charged)}; add a tax override (title or title@rate -> TaxType)",
                entity="tax_line",
                source_id=_describe(charged),
            )
        # The ordinary sales rate before capital/EC/reverse-charge ones that share its rate.
        matches.sort(key=lambda r: (_special(r.tax_type), r.tax_type))
        return matches[0].tax_type
