"""What a brand-new Xero organisation holds per country: Organisation, chart of accounts, tax rates.

The sandbox serves these when a seed leaves the Xero side out, and the tool's own defaults
(sales, shipping, rounding, payment accounts; tax types) must work against them with no mapping
settings (docs/architecture.md, "Seeds"). Shapes follow the spec schemas ``Organisation``,
``Account`` and ``TaxRate`` in ``xero_accounting.yaml``; numbers (tax rates) are ``Decimal``.

Sources for the charts (third-party copies of Xero's default chart, as Xero's own pages are not
stored): UK - "Xero Chart of Accounts Cheat Sheet" (linggardandthomas.co.uk) and the "Xero default
chart of accounts" export on scribd (codes 200..960 with their default VAT rates); NZ - Infocare's
list of Xero NZ default accounts and tax classifications. AU follows the same 3-digit layout with
Australia's GST names. The US chart is best effort (UNCONFIRMED by a source): Xero US charts use
balance-sheet codes 1xx-3xx, 400 Sales, 460 Interest Income and 5xx-6xx expenses.

IDs are uuid5 values derived from the country and code, so every load of the same country gives
the same AccountIDs and OrganisationID (a stable tenant id for ``--write-env``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from shopxero.sandbox.seeds.xero_charts import ACCOUNT_ROWS, RATE_ROWS, RateRow
from shopxero.xero.dates import format_xero_date

__all__ = [
    "CLEARING_CODE",
    "SUPPORTED_COUNTRIES",
    "default_accounts",
    "default_organisation",
    "default_tax_rates",
    "normalise_country",
    "with_clearing_account",
]

SUPPORTED_COUNTRIES = ("GB", "AU", "NZ", "US")

# "UK" is how Xero names the version; ISO 3166 (and Shopify's shop.country_code) says "GB".
_ALIASES = {"UK": "GB", "GB": "GB", "AU": "AU", "NZ": "NZ", "US": "US"}

_NAMESPACE = uuid.UUID("5d0c1f7e-3a8b-4f43-9a62-2f1b7c0de001")
# A fixed creation instant: the defaults describe an organisation set up before any seed data.
_CREATED = format_xero_date(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


def normalise_country(country: str) -> str:
    """ISO code for ``country`` ("UK" and "gb" both give "GB"); ValueError if unsupported."""
    code = _ALIASES.get(country.strip().upper())
    if code is None:
        raise ValueError(
            f"no Xero defaults for country {country!r}; supported: {', '.join(SUPPORTED_COUNTRIES)}"
        )
    return code


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


# --- Organisation ----------------------------------------------------------------------------


class _OrgFacts(NamedTuple):
    name: str
    currency: str
    version: str
    timezone: str
    tax_basis: str
    tax_period: str
    year_end_day: int
    year_end_month: int
    tax_number: str
    short_code: str


_ORGS: dict[str, _OrgFacts] = {
    # SalesTaxBasis values per version as Xero documents them: UK CASH/ACCRUAL/FLATRATE*,
    # AU CASH/ACCRUALS, NZ PAYMENTS/INVOICE, US CASH/ACCRUAL (enum in the spec's Organisation).
    "GB": _OrgFacts(
        "Demo Shop Ltd",
        "GBP",
        "UK",
        "GMTSTANDARDTIME",
        "ACCRUAL",
        "QUARTERLY1",
        31,
        3,
        "GB123456789",
        "!kX3pQ",
    ),
    "AU": _OrgFacts(
        "Demo Shop Pty Ltd",
        "AUD",
        "AU",
        "AUSEASTERNSTANDARDTIME",
        "ACCRUALS",
        "QUARTERLY",
        30,
        6,
        "53 004 085 616",
        "!mB7rT",
    ),
    "NZ": _OrgFacts(
        "Demo Shop Limited",
        "NZD",
        "NZ",
        "NEWZEALANDSTANDARDTIME",
        "INVOICE",
        "2MONTHLY",
        31,
        3,
        "123-456-789",
        "!nW2sL",
    ),
    "US": _OrgFacts(
        "Demo Shop Inc",
        "USD",
        "US",
        "EASTERNSTANDARDTIME",
        "ACCRUAL",
        "QUARTERLY",
        31,
        12,
        "12-3456789",
        "!uV9dH",
    ),
}


def default_organisation(country: str) -> dict[str, Any]:
    """The ``GET /Organisation`` record of a new company in ``country`` (UK/GB, AU, NZ, US).

    No ``PeriodLockDate``/``EndOfYearLockDate`` keys: a new organisation has no lock date, and
    Xero omits the fields rather than sending null (the spec does not allow null there).
    """
    code = normalise_country(country)
    facts = _ORGS[code]
    return {
        "OrganisationID": _id(code, "organisation"),
        "Name": facts.name,
        "LegalName": facts.name,
        "PaysTax": True,
        "Version": facts.version,
        "OrganisationType": "COMPANY",
        "OrganisationEntityType": "COMPANY",
        "BaseCurrency": facts.currency,
        "CountryCode": code,
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "TaxNumber": facts.tax_number,
        "FinancialYearEndDay": facts.year_end_day,
        "FinancialYearEndMonth": facts.year_end_month,
        "SalesTaxBasis": facts.tax_basis,
        "SalesTaxPeriod": facts.tax_period,
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": _CREATED,
        "Timezone": facts.timezone,
        "ShortCode": facts.short_code,
        "Class": "STANDARD",
        "Edition": "BUSINESS",
        "LineOfBusiness": "Online retail",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }


# --- Chart of accounts -----------------------------------------------------------------------

_CLASS_BY_TYPE = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}

_BANK_NUMBERS = {"GB": "20-00-00 12345678", "AU": "062-000 12345678", "NZ": "12-3456-7890123-00"}


def default_accounts(country: str) -> list[dict[str, Any]]:
    """The ``GET /Accounts`` records of a new organisation in ``country``, sorted by code."""
    code = normalise_country(country)
    currency = _ORGS[code].currency
    accounts: list[dict[str, Any]] = []
    for acc_code, name, acc_type, tax_type, system, claims in sorted(ACCOUNT_ROWS[code]):
        account: dict[str, Any] = {
            "AccountID": _id(code, "account", acc_code),
            "Code": acc_code,
            "Name": name,
            "Status": "ACTIVE",
            "Type": acc_type,
            "TaxType": tax_type,
            "Class": _CLASS_BY_TYPE[acc_type],
            "EnablePaymentsToAccount": False,
            "ShowInExpenseClaims": claims,
            "BankAccountType": "",
            "ReportingCode": _CLASS_BY_TYPE[acc_type][:3],
            "ReportingCodeName": _CLASS_BY_TYPE[acc_type].title(),
            "HasAttachments": False,
            "AddToWatchlist": False,
            "UpdatedDateUTC": _CREATED,
        }
        if acc_type == "BANK":
            # Bank accounts carry their number and currency; payments may always go to them.
            account["BankAccountNumber"] = _BANK_NUMBERS.get(code, "026009593 123456789")
            account["BankAccountType"] = "BANK"
            account["CurrencyCode"] = currency
        if system:
            account["SystemAccount"] = system
        accounts.append(account)
    return accounts


CLEARING_CODE = "091"


def with_clearing_account(accounts: list[dict[str, Any]], country: str) -> list[dict[str, Any]]:
    """``accounts`` and the BANK account a merchant adds for Shopify Payments payouts, as
    docs/payouts.md says (no bank feed; Xero's new organisations have none), sorted by code."""
    code = normalise_country(country)
    clearing: dict[str, Any] = {
        "AccountID": _id(code, "account", CLEARING_CODE),
        "Code": CLEARING_CODE,
        "Name": "Shopify Clearing",
        "Status": "ACTIVE",
        "Type": "BANK",
        "TaxType": "NONE",
        "Class": "ASSET",
        "EnablePaymentsToAccount": False,
        "ShowInExpenseClaims": False,
        "BankAccountType": "BANK",
        "BankAccountNumber": "Shopify Payments",
        "CurrencyCode": _ORGS[code].currency,
        "ReportingCode": "ASS",
        "ReportingCodeName": "Asset",
        "HasAttachments": False,
        "AddToWatchlist": False,
        "UpdatedDateUTC": _CREATED,
    }
    return sorted([*accounts, clearing], key=lambda a: str(a.get("Code") or ""))


# --- Tax rates -------------------------------------------------------------------------------


class _Rate(NamedTuple):
    name: str
    tax_type: str
    report_type: str
    components: tuple[tuple[str, str], ...]  # (component name, rate percent)
    revenue: bool
    expenses: bool


_COMPONENT_NAME = {"GB": "VAT", "AU": "GST", "NZ": "GST"}


def _rows_to_rates(country: str, rows: list[RateRow]) -> list[_Rate]:
    part = _COMPONENT_NAME.get(country, "Sales Tax")
    return [
        _Rate(name, tax_type, report, ((part, rate),), revenue, expenses)
        for name, tax_type, report, rate, revenue, expenses in rows
    ]


def _uk_rates() -> list[_Rate]:
    return _rows_to_rates("GB", RATE_ROWS["GB"])


def _au_rates() -> list[_Rate]:
    return _rows_to_rates("AU", RATE_ROWS["AU"])


def _nz_rates() -> list[_Rate]:
    return _rows_to_rates("NZ", RATE_ROWS["NZ"])


def _us_rates() -> list[_Rate]:
    # NY is the multi-component case: state 4% + New York City 4.5% + MCTD 0.375% = 8.875%.
    new_york = _Rate(
        "NY Sales Tax (New York City)",
        "TAX002",
        "OUTPUT",
        (("New York State", "4"), ("New York City", "4.5"), ("MCTD", "0.375")),
        True,
        False,
    )
    rates = _rows_to_rates("US", RATE_ROWS["US"])
    return [*rates[:2], new_york, *rates[2:]]


_RATES = {"GB": _uk_rates, "AU": _au_rates, "NZ": _nz_rates, "US": _us_rates}


def _percent(value: str) -> Decimal:
    # Xero reports rates with four decimals (e.g. 20.0000).
    return Decimal(value).quantize(Decimal("0.0001"))


def default_tax_rates(country: str) -> list[dict[str, Any]]:
    """The ``GET /TaxRates`` records of a new organisation in ``country``."""
    code = normalise_country(country)
    rates: list[dict[str, Any]] = []
    for rate in _RATES[code]():
        total = sum((Decimal(r) for _, r in rate.components), Decimal(0))
        rates.append(
            {
                "Name": rate.name,
                "TaxType": rate.tax_type,
                "ReportTaxType": rate.report_type,
                "Status": "ACTIVE",
                "CanApplyToAssets": not rate.revenue or rate.expenses,
                "CanApplyToEquity": not rate.revenue or rate.expenses,
                "CanApplyToExpenses": rate.expenses,
                "CanApplyToLiabilities": not rate.revenue or rate.expenses,
                "CanApplyToRevenue": rate.revenue,
                "DisplayTaxRate": _percent(str(total)),
                "EffectiveRate": _percent(str(total)),
                "TaxComponents": [
                    {
                        "Name": part,
                        "Rate": _percent(value),
                        "IsCompound": False,
                        "IsNonRecoverable": False,
                    }
                    for part, value in rate.components
                ],
            }
        )
    return rates
