"""Preflight checks of the tax mapping and the account settings against the Xero organisation.

A run that would write to Xero calls :func:`check_tax_and_accounts` once, before its first
write; ``shopxero doctor`` calls it too. Each :class:`Problem` says what is wrong and exactly
what to change; an ``error`` stops the sync (exit 2) because every order it touched would be
refused or, worse, accepted with the wrong VAT. Checks (issue 5 "Tax", xero-api-notes §7, §9):

- every ``SHOPXERO_TAX_TYPE_MAP`` TaxType exists in ``GET /TaxRates``, is ACTIVE, can apply to
  revenue, and has the rate the key (``VAT@20``) or the Shopify tax lines seen say Shopify charges;
- the country's default types exist (zero-rated / no-tax for untaxed lines, the standard rate);
- every configured account code exists, is ACTIVE and is of a type that fits its use (revenue for
  sales, shipping, product types, SKUs, tips and fees; a liability for gift cards; a bank account
  or one with payments enabled for payments);
- the shop's currency is the organisation's base currency (otherwise it must be enabled).

Pure: plain dicts in (Xero's and Shopify's JSON), problems out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import ValidationError as PydanticValidationError

from shopxero.config import Settings
from shopxero.errors import ConfigError, MappingError
from shopxero.shopify.models import Order, TaxLine
from shopxero.translate.accounts import is_active_account, resolve_accounts
from shopxero.translate.tax import (
    Region,
    TaxKey,
    TaxResolver,
    is_charged,
    map_key_for,
    normalise_country,
    order_region,
    parse_tax_key,
)

__all__ = [
    "Problem",
    "SeenTax",
    "Severity",
    "check_tax_and_accounts",
    "errors_message",
    "seen_in_orders",
]

Severity = Literal["error", "warning"]

_HUNDRED = Decimal(100)
_REVENUE_CLASS = "REVENUE"
_REVENUE_TYPES = frozenset({"REVENUE", "SALES", "OTHERINCOME"})
_LIABILITY_TYPES = frozenset({"CURRLIAB", "LIABILITY", "TERMLIAB", "PAYG"})
_MAP_ENTRY = re.compile(r"SHOPXERO_TAX_TYPE_MAP\[.*?\] = \w+")
# The rate a standard organisation charges on ordinary sales; its absence is worth a warning.
_STANDARD_PERCENT = {"GB": Decimal(20), "AU": Decimal(10), "NZ": Decimal(15)}


# The tax lines of one order line and where the order went (``seen_in_orders``).
SeenTax = tuple[Region, Sequence[TaxLine]]


def seen_in_orders(orders: Iterable[Mapping[str, Any]]) -> list[SeenTax]:
    """The distinct tax-line combinations (with their place) of these raw Shopify orders, for
    checking the map against what Shopify really charges. An order that does not parse is
    skipped: the sync names its field when it gets there."""
    seen: dict[tuple[Region, tuple[tuple[str, Decimal | None], ...]], SeenTax] = {}
    for raw in orders:
        try:
            order = Order.model_validate(raw)
        except PydanticValidationError:
            continue
        region = order_region(order)
        lists = [li.tax_lines for li in order.line_items]
        lists += [sl.tax_lines for sl in order.shipping_lines]
        for tax_lines in lists:
            charged = tuple(t for t in tax_lines if is_charged(t))
            if charged:
                key = (region, tuple(((t.title or "").casefold(), t.rate) for t in charged))
                seen.setdefault(key, (region, tuple(tax_lines)))
    return list(seen.values())


@dataclass(frozen=True)
class Problem:
    """One finding. ``what`` names the setting/record; ``fix`` is the change that cures it."""

    severity: Severity
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.what} Fix: {self.fix}"


def errors_message(problems: Iterable[Problem]) -> str | None:
    """One message listing every error Problem (for a ConfigError), or None if there is none."""
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return None
    lines = "; ".join(str(p) for p in errors)
    return f"the tax and account settings do not fit the Xero organisation: {lines}"


# --- helpers ----------------------------------------------------------------------------------


def _percent_text(value: Decimal) -> str:
    return "0" if value.is_zero() else format(value.normalize(), "f")


def _rate_percent(rate: Mapping[str, Any]) -> Decimal | None:
    raw = rate.get("EffectiveRate", rate.get("DisplayTaxRate"))
    if raw is None:
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def _rate_active(record: Mapping[str, Any]) -> bool:
    """A tax rate record's Status, read as ``TaxResolver`` reads it."""
    return str(record.get("Status") or "ACTIVE").upper() == "ACTIVE"


def _revenue_choices(tax_rates: Sequence[Mapping[str, Any]], percent: Decimal | None) -> str:
    """The ACTIVE revenue TaxTypes (with this rate when given), for a fix text."""
    options = [
        r
        for r in tax_rates
        if _rate_active(r)
        and r.get("CanApplyToRevenue") is not False
        and (percent is None or _rate_percent(r) == percent)
    ]
    if not options:
        where = f" at {_percent_text(percent)}%" if percent is not None else ""
        return f"add a revenue tax rate{where} in Xero (Settings > Tax rates) and map to its code"
    shown = ", ".join(
        f"{r.get('TaxType')} ({r.get('Name')}, {_percent_text(_rate_percent(r) or Decimal(0))}%)"
        for r in options[:8]
    )
    return f"use one of: {shown}"


def _seen_percent(key: TaxKey, seen: Sequence[SeenTax], home: str) -> set[Decimal]:
    """The combined rates (percent) Shopify charged, in the key's place, on lines taxed by
    exactly its titles (in any order), or on a line where its one title is a component."""
    found: set[Decimal] = set()
    titles = key.titles
    wanted = sorted(titles)
    for region, tax_lines in seen:
        if key.place_rank(region, home) is None:
            continue
        charged = [t for t in tax_lines if is_charged(t)]
        names = [(t.title or "").strip().casefold() for t in charged]
        if charged and (sorted(names) == wanted or (len(titles) == 1 and titles[0] in names)):
            pick = charged if sorted(names) == wanted else [charged[names.index(titles[0])]]
            found.add(sum((t.rate or Decimal(0) for t in pick), Decimal(0)) * _HUNDRED)
    return found


def _wanted_percents(key: TaxKey, seen: Sequence[SeenTax], home: str) -> set[Decimal]:
    """The rate(s) a key's TaxType must have: the key's own, 0 for ``untaxed``, else what
    Shopify charged on the lines seen with those titles (none known for a bare ``*``)."""
    if key.untaxed:
        return {Decimal(0)}
    if key.percent is not None:
        return {key.percent}
    if key.any_tax:
        return set()
    return _seen_percent(key, seen, home)


# --- tax --------------------------------------------------------------------------------------


def _check_map_entry(
    key: str,
    tax_type: str,
    tax_rates: Sequence[Mapping[str, Any]],
    seen: Sequence[SeenTax],
    home: str,
) -> list[Problem]:
    setting = f"SHOPXERO_TAX_TYPE_MAP[{key!r}]"
    if not tax_type.strip():
        return [Problem("error", f"{setting} is empty.", "map it to a TaxType code, e.g. OUTPUT2")]
    try:
        parsed = parse_tax_key(key)
    except ValueError as exc:
        return [
            Problem(
                "error",
                f"{setting}: {exc}.",
                'write the key as a title ("VAT"), title@rate ("VAT@20"), titles joined with "+", '
                'or with a place in front ("US-MA:*", "CA-BC:PST", "abroad:untaxed")',
            )
        ]
    wanted = _wanted_percents(parsed, seen, home)
    choice_percent = next(iter(wanted)) if len(wanted) == 1 else None
    record = next((r for r in tax_rates if r.get("TaxType") == tax_type), None)
    if record is None:
        return [
            Problem(
                "error",
                f"{setting} = {tax_type}: the Xero organisation has no TaxType {tax_type!r} "
                "(GET /TaxRates).",
                _revenue_choices(tax_rates, choice_percent),
            )
        ]
    name = f"{tax_type} ({record.get('Name')})"
    if not _rate_active(record):
        return [
            Problem(
                "error",
                f"{setting} = {tax_type}: the Xero tax rate {name} is "
                f"{str(record.get('Status')).upper()}, so Xero refuses it on new invoices.",
                f"restore it in Xero (Settings > Tax rates) or "
                f"{_revenue_choices(tax_rates, choice_percent)}",
            )
        ]
    problems: list[Problem] = []
    if record.get("CanApplyToRevenue") is False:
        problems.append(
            Problem(
                "error",
                f"{setting} = {tax_type}: the Xero tax rate {name} cannot be used on revenue "
                "(sales) accounts, and every Shopify sale is posted to one.",
                _revenue_choices(tax_rates, choice_percent),
            )
        )
    xero_percent = _rate_percent(record)
    for percent in sorted(wanted):
        if xero_percent is not None and xero_percent != percent:
            problems.append(
                Problem(
                    "error",
                    f"{setting} = {tax_type}: Shopify charges {_percent_text(percent)}% but the "
                    f"Xero tax rate {name} is {_percent_text(xero_percent)}%; Xero would "
                    "compute different tax than the customer paid.",
                    f"correct the rate in Xero or {_revenue_choices(tax_rates, percent)}",
                )
            )
    return problems


def _check_defaults(tax: TaxResolver, country: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        tax.zero_type(taxable=False)
    except MappingError:
        problems.append(
            Problem(
                "error",
                f"the Xero organisation ({country}) has no ACTIVE 0% revenue tax rate, which "
                "untaxed lines and tax-exempt customers need.",
                "add or restore a 0% rate usable on revenue in Xero (e.g. 'No VAT' / NONE)",
            )
        )
    standard = _STANDARD_PERCENT.get(country)
    if standard is not None and not tax.has_rate(standard):
        problems.append(
            Problem(
                "warning",
                f"the Xero organisation ({country}) has no ACTIVE revenue tax rate of "
                f"{_percent_text(standard)}%, the standard rate there.",
                "restore the standard output rate in Xero, or map Shopify's tax title to "
                "the right TaxType in SHOPXERO_TAX_TYPE_MAP",
            )
        )
    return problems


def _parses(key: str) -> bool:
    try:
        parse_tax_key(key)
    except ValueError:
        return False
    return True


def _check_shared_rates(tax: TaxResolver, settings: Settings) -> list[Problem]:
    """Two ordinary revenue types of one rate (US TX and MA both 6.25 %): matching by rate always
    picks the first, so the other is only ever used through a map entry."""
    mapped = set(settings.tax_type_map.values())
    problems: list[Problem] = []
    for types in tax.same_rate_types():
        unused = [t for t in types[1:] if t not in mapped]
        if not unused:
            continue
        percent = _percent_text(tax.rate_for(types[0]))
        problems.append(
            Problem(
                "warning",
                f"the Xero tax rates {', '.join(types)} all charge {percent}%; Shopify tax at "
                f"{percent}% is posted to {types[0]} unless SHOPXERO_TAX_TYPE_MAP says otherwise.",
                "map each Shopify tax to its own type by title or by place, e.g. "
                f'{{"US-MA:*": "{unused[0]}"}}',
            )
        )
    return problems


def _check_seen(tax: TaxResolver, seen: Sequence[SeenTax]) -> list[Problem]:
    """Each distinct Shopify tax combination seen (where it was charged) must resolve to a
    TaxType of the same rate. A warning: the sync queues just those orders, naming the field."""
    problems: list[Problem] = []
    reported: set[str] = set()
    for region, tax_lines in seen:
        try:
            tax.for_lines(tax_lines, taxable=True, region=region)
        except MappingError as exc:
            if exc.message in reported:
                continue
            reported.add(exc.message)
            problems.append(
                Problem(
                    "warning",
                    f"Shopify tax {exc.source_id} on orders to {region}: {exc.message}; "
                    "such orders are queued.",
                    _fix_for(tax_lines, region),
                )
            )
    return problems


def _fix_for(tax_lines: Sequence[TaxLine], region: Region) -> str:
    """The map entry that would cover these lines, with the place when it is known."""
    charged = [t for t in tax_lines if is_charged(t)]
    return (
        "add a rate with that percentage in Xero (Settings > Tax rates), then set "
        f'SHOPXERO_TAX_TYPE_MAP to {{"{map_key_for(charged, region)}": "<its TaxType>"}} (or '
        "rely on the "
        "rate matching when it is the only type of that rate)"
    )


# --- accounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Use:
    setting: str
    code: str
    kind: Literal["revenue", "liability", "income_or_owed", "payment", "any"]


def _uses(s: Settings) -> list[_Use]:
    uses: list[_Use] = []
    for setting, code, kind in (
        ("SHOPXERO_SALES_ACCOUNT", s.sales_account, "revenue"),
        ("SHOPXERO_SHIPPING_ACCOUNT", s.shipping_account, "revenue"),
        # Tips passed on to staff and duties passed on to the carrier may be owed, not earned.
        ("SHOPXERO_TIPS_ACCOUNT", s.tips_account, "income_or_owed"),
        ("SHOPXERO_FEES_ACCOUNT", s.fees_account, "income_or_owed"),
        ("SHOPXERO_GIFT_CARD_ACCOUNT", s.gift_card_account, "liability"),
        ("SHOPXERO_ROUNDING_ACCOUNT", s.rounding_account, "any"),
        ("SHOPXERO_PAYMENT_ACCOUNT", s.payment_account, "payment"),
    ):
        if code:
            uses.append(_Use(setting, code, kind))  # type: ignore[arg-type]
    for key, code in s.account_by_product_type.items():
        uses.append(_Use(f"SHOPXERO_ACCOUNT_BY_PRODUCT_TYPE[{key!r}]", code, "revenue"))
    for key, code in s.account_by_sku.items():
        uses.append(_Use(f"SHOPXERO_ACCOUNT_BY_SKU[{key!r}]", code, "revenue"))
    for key, code in s.account_by_gateway.items():
        uses.append(_Use(f"SHOPXERO_ACCOUNT_BY_GATEWAY[{key!r}]", code, "payment"))
    return uses


def _fits(account: Mapping[str, Any], kind: str) -> bool:
    acc_type = str(account.get("Type") or "")
    if kind == "revenue":
        return acc_type in _REVENUE_TYPES or account.get("Class") == _REVENUE_CLASS
    if kind == "liability":
        return acc_type in _LIABILITY_TYPES or account.get("Class") == "LIABILITY"
    if kind == "income_or_owed":
        return _fits(account, "revenue") or _fits(account, "liability")
    if kind == "payment":
        return acc_type == "BANK" or bool(account.get("EnablePaymentsToAccount"))
    return True


_KIND_TEXT = {
    "revenue": ("a revenue account (Type REVENUE or SALES)", "pick a revenue account code"),
    "liability": (
        "a liability account (a gift card sold is money owed, not a sale)",
        "pick a current liability account code, e.g. a 'Gift cards' or 'Income in Advance' one",
    ),
    "income_or_owed": (
        "a revenue or liability account",
        "pick a revenue account, or a liability account if the money is passed on",
    ),
    "payment": (
        "a bank account or one with payments enabled",
        "pick a BANK account, or tick 'Enable payments to this account' on it in Xero",
    ),
}


def _check_account(use: _Use, accounts: Sequence[Mapping[str, Any]]) -> Problem | None:
    account = next((a for a in accounts if a.get("Code") == use.code), None)
    if account is None:
        return Problem(
            "error",
            f"{use.setting} = {use.code}: no account with code {use.code!r} in the Xero chart of "
            "accounts.",
            "correct the code (see Xero > Accounting > Chart of accounts) or unset it to use the "
            "default",
        )
    label = f"{use.code} ({account.get('Name')}, {account.get('Type')})"
    if not is_active_account(account):
        return Problem(
            "error",
            f"{use.setting} = {use.code}: account {label} is {account.get('Status')}.",
            "restore the account in Xero or choose an active one",
        )
    if not _fits(account, use.kind):
        need, fix = _KIND_TEXT[use.kind]
        return Problem("error", f"{use.setting} = {use.code}: account {label} is not {need}.", fix)
    return None


# --- entry point ------------------------------------------------------------------------------


def check_tax_and_accounts(
    settings: Settings,
    organisation: Mapping[str, Any],
    accounts: Sequence[Mapping[str, Any]],
    tax_rates: Sequence[Mapping[str, Any]],
    shop: Mapping[str, Any],
    *,
    seen_tax_lines: Sequence[SeenTax] = (),
) -> list[Problem]:
    """Every problem with the tax map and account settings for this organisation and shop.

    ``organisation`` is ``GET /Organisation``'s record, ``accounts`` and ``tax_rates`` the lists
    of ``GET /Accounts`` and ``GET /TaxRates``, ``shop`` Shopify's ``shop`` object.
    ``seen_tax_lines`` (optional, see :func:`seen_in_orders`) are the tax lines of recent orders
    with where each order went: their rates
    are checked against the mapped or default TaxTypes too.
    """
    problems: list[Problem] = []
    country = normalise_country(
        str(organisation.get("CountryCode") or shop.get("country_code") or "GB")
    )
    for key, tax_type in settings.tax_type_map.items():
        problems += _check_map_entry(key, tax_type, tax_rates, seen_tax_lines, country)
    try:
        # Overrides were checked one by one above; the defaults are checked without them.
        tax = TaxResolver.from_xero(list(map(dict, tax_rates)), {}, country=country)
        mapped = TaxResolver.from_xero(
            list(map(dict, tax_rates)),
            {k: v for k, v in settings.tax_type_map.items() if v.strip() and _parses(k)},
            country=country,
        )
    except ValueError as exc:
        problems.append(Problem("error", f"GET /TaxRates: {exc}.", "report this as a bug"))
    else:
        problems += _check_defaults(tax, country)
        problems += _check_shared_rates(tax, settings)
        # A seen line that trips over a map entry already reported above is not news.
        reported = {m.group(0) for p in problems if (m := _MAP_ENTRY.search(p.what))}
        problems += [
            p
            for p in _check_seen(mapped, seen_tax_lines)
            if not ((m := _MAP_ENTRY.search(p.what)) and m.group(0) in reported)
        ]
    for use in _uses(settings):
        found = _check_account(use, accounts)
        if found is not None:
            problems.append(found)
    try:
        resolved = resolve_accounts(accounts)
    except ConfigError as exc:
        problems.append(Problem("error", f"{exc}.", "add an active revenue account in Xero"))
    else:
        if settings.rounding_account is None and resolved.rounding is None:
            problems.append(
                Problem(
                    "warning",
                    "the Xero chart has no ROUNDING system account; orders where Xero's per-line "
                    "tax rounding differs from Shopify's by a cent will be queued.",
                    "set SHOPXERO_ROUNDING_ACCOUNT to an account code for rounding",
                )
            )
    problems += _check_gift_cards(settings, accounts, shop)
    problems += _check_currency(organisation, shop)
    return problems


def _check_gift_cards(
    settings: Settings, accounts: Sequence[Mapping[str, Any]], shop: Mapping[str, Any]
) -> list[Problem]:
    """Gift cards sold are a liability (shopify-api-notes §8 #13) and redeemed ones are payments
    from it."""
    code = settings.gift_card_account
    if code is None:
        if not shop.get("has_gift_cards"):
            return []
        return [
            Problem(
                "warning",
                "the shop sells gift cards but SHOPXERO_GIFT_CARD_ACCOUNT is not set, so gift-card "
                "sales are posted to the sales account as revenue.",
                "set SHOPXERO_GIFT_CARD_ACCOUNT to a current liability account code",
            )
        ]
    account = next((a for a in accounts if a.get("Code") == code), None)
    if account is None or _fits(account, "payment") or not _fits(account, "liability"):
        return []  # missing / wrong type: already an error above
    return [
        Problem(
            "warning",
            f"SHOPXERO_GIFT_CARD_ACCOUNT = {code}: Xero refuses payments to account {code} "
            f"({account.get('Name')}), so orders paid with a gift card will be queued.",
            f"tick 'Enable payments to this account' on account {code} in Xero",
        )
    ]


def _check_currency(organisation: Mapping[str, Any], shop: Mapping[str, Any]) -> list[Problem]:
    base = organisation.get("BaseCurrency")
    currency = shop.get("currency")
    if not base or not currency or base == currency:
        return []
    return [
        Problem(
            "warning",
            f"the shop's currency {currency} is not the Xero organisation's base currency {base}; "
            f"invoices are raised in {currency}.",
            f"enable {currency} in Xero (Settings > Currencies) before syncing",
        )
    ]
