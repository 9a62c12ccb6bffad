"""What a brand-new Xero organisation holds per country: Organisation, chart of accounts, tax rates.

The sandbox serves these when a seed leaves the Xero side out, and the tool's own defaults
(sales, shipping, rounding, payment accounts; tax types) must work against them with no mapping
settings (design.md, "Seeds"). Shapes follow the spec schemas ``Organisation``, ``Account`` and
``TaxRate`` in ``xero_accounting.yaml``; numbers (tax rates) are ``Decimal``.

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

from shopxero.xero.dates import format_xero_date

__all__ = [
    "SUPPORTED_COUNTRIES",
    "default_accounts",
    "default_organisation",
    "default_tax_rates",
    "normalise_country",
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

# (code, name, type, tax type, system account or "", expense claims)
_Row = tuple[str, str, str, str, str, bool]

# The UK default chart, codes and default VAT rates as in the sources in the module docstring.
_UK: list[_Row] = [
    ("090", "Business Bank Account", "BANK", "NONE", "", False),
    ("200", "Sales", "REVENUE", "OUTPUT2", "", False),
    ("260", "Other Revenue", "REVENUE", "OUTPUT2", "", False),
    ("270", "Interest Income", "REVENUE", "NONE", "", False),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT2", "", True),
    ("320", "Direct Wages", "DIRECTCOSTS", "NONE", "", False),
    ("325", "Direct Expenses", "DIRECTCOSTS", "INPUT2", "", True),
    ("400", "Advertising & Marketing", "OVERHEADS", "INPUT2", "", True),
    ("401", "Audit & Accountancy fees", "OVERHEADS", "INPUT2", "", True),
    ("404", "Bank Fees", "OVERHEADS", "NONE", "", True),
    ("408", "Cleaning", "OVERHEADS", "INPUT2", "", True),
    ("412", "Consulting", "OVERHEADS", "INPUT2", "", True),
    ("416", "Depreciation Expense", "DEPRECIATN", "NONE", "", False),
    ("418", "Charitable and Political Donations", "OVERHEADS", "NONE", "", True),
    ("420", "Entertainment-100% business", "OVERHEADS", "INPUT2", "", True),
    ("424", "Entertainment - 0%", "OVERHEADS", "NONE", "", True),
    ("425", "Postage, Freight & Courier", "OVERHEADS", "EXEMPTINPUT", "", True),
    ("429", "General Expenses", "OVERHEADS", "INPUT2", "", True),
    ("433", "Insurance", "OVERHEADS", "EXEMPTINPUT", "", True),
    ("437", "Interest Paid", "OVERHEADS", "NONE", "", False),
    ("441", "Legal Expenses", "OVERHEADS", "INPUT2", "", True),
    ("445", "Light, Power, Heating", "OVERHEADS", "RRINPUT", "", True),
    ("449", "Motor Vehicle Expenses", "OVERHEADS", "INPUT2", "", True),
    ("457", "Operating Lease Payments", "OVERHEADS", "INPUT2", "", True),
    ("461", "Printing & Stationery", "OVERHEADS", "INPUT2", "", True),
    ("463", "IT Software and Consumables", "OVERHEADS", "INPUT2", "", True),
    ("465", "Rates", "OVERHEADS", "NONE", "", True),
    ("469", "Rent", "OVERHEADS", "EXEMPTINPUT", "", True),
    ("473", "Repairs & Maintenance", "OVERHEADS", "INPUT2", "", True),
    ("477", "Salaries", "OVERHEADS", "NONE", "", False),
    ("478", "Directors' Remuneration", "OVERHEADS", "NONE", "", False),
    ("479", "Employers National Insurance", "OVERHEADS", "NONE", "", False),
    ("480", "Staff Training", "OVERHEADS", "INPUT2", "", True),
    ("482", "Pensions Costs", "OVERHEADS", "NONE", "", False),
    ("483", "Medical Insurance", "OVERHEADS", "EXEMPTINPUT", "", True),
    ("485", "Subscriptions", "OVERHEADS", "INPUT2", "", True),
    ("489", "Telephone & Internet", "OVERHEADS", "INPUT2", "", True),
    ("493", "Travel - National", "OVERHEADS", "INPUT2", "", True),
    ("494", "Travel - International", "OVERHEADS", "NONE", "", True),
    ("497", "Bank Revaluations", "OVERHEADS", "NONE", "BANKCURRENCYGAIN", False),
    ("498", "Unrealised Currency Gains", "OVERHEADS", "NONE", "UNREALISEDCURRENCYGAIN", False),
    ("499", "Realised Currency Gains", "OVERHEADS", "NONE", "REALISEDCURRENCYGAIN", False),
    ("500", "Corporation Tax", "OVERHEADS", "NONE", "", False),
    ("610", "Accounts Receivable", "CURRENT", "NONE", "DEBTORS", False),
    ("611", "Less Provision for Doubtful Debts", "CURRENT", "NONE", "", False),
    ("620", "Prepayments", "CURRENT", "NONE", "", False),
    ("630", "Inventory", "INVENTORY", "NONE", "", False),
    ("710", "Office Equipment", "FIXED", "INPUT2", "", False),
    ("711", "Less Accumulated Depreciation on Office Equipment", "FIXED", "NONE", "", False),
    ("720", "Computer Equipment", "FIXED", "INPUT2", "", False),
    ("721", "Less Accumulated Depreciation on Computer Equipment", "FIXED", "NONE", "", False),
    ("800", "Accounts Payable", "CURRLIAB", "NONE", "CREDITORS", False),
    ("801", "Unpaid Expense Claims", "CURRLIAB", "NONE", "UNPAIDEXPCLM", False),
    ("805", "Accruals", "CURRLIAB", "NONE", "", False),
    ("810", "Income in Advance", "CURRLIAB", "NONE", "", False),
    ("814", "Wages Payable - Payroll", "CURRLIAB", "NONE", "WAGEPAYABLES", False),
    ("820", "VAT", "CURRLIAB", "NONE", "GST", False),
    ("825", "PAYE & NI Payable", "CURRLIAB", "NONE", "", False),
    ("826", "Pensions Payable", "CURRLIAB", "NONE", "", False),
    ("830", "Corporation Tax Payable", "CURRLIAB", "NONE", "", False),
    ("835", "Directors' Loan Account", "CURRLIAB", "NONE", "", False),
    ("840", "Historical Adjustment", "CURRLIAB", "NONE", "HISTORICAL", False),
    ("850", "Suspense", "CURRLIAB", "NONE", "", False),
    ("860", "Rounding", "CURRLIAB", "NONE", "ROUNDING", False),
    ("877", "Tracking Transfers", "CURRLIAB", "NONE", "TRACKINGTRANSFERS", False),
    ("900", "Loan", "TERMLIAB", "NONE", "", False),
    ("950", "Capital - Ordinary Shares", "EQUITY", "NONE", "", False),
    ("960", "Retained Earnings", "EQUITY", "NONE", "RETAINEDEARNINGS", False),
    ("970", "Owner A Funds Introduced", "EQUITY", "NONE", "", False),
    ("980", "Owner A Drawings", "EQUITY", "NONE", "", False),
]


def _gst_chart(sales: str, purchases: str, free_income: str, excluded: str) -> list[_Row]:
    """AU and NZ share Xero's layout; only the tax types and a few names differ."""
    return [
        ("090", "Business Bank Account", "BANK", excluded, "", False),
        ("091", "Business Savings Account", "BANK", excluded, "", False),
        ("200", "Sales", "REVENUE", sales, "", False),
        ("260", "Other Revenue", "REVENUE", sales, "", False),
        ("270", "Interest Income", "REVENUE", free_income, "", False),
        ("310", "Cost of Goods Sold", "DIRECTCOSTS", purchases, "", True),
        ("400", "Advertising", "OVERHEADS", purchases, "", True),
        ("404", "Bank Fees", "OVERHEADS", excluded, "", True),
        ("408", "Cleaning", "OVERHEADS", purchases, "", True),
        ("412", "Consulting & Accounting", "OVERHEADS", purchases, "", True),
        ("416", "Depreciation", "DEPRECIATN", excluded, "", False),
        ("420", "Entertainment", "OVERHEADS", purchases, "", True),
        ("425", "Freight & Courier", "OVERHEADS", purchases, "", True),
        ("429", "General Expenses", "OVERHEADS", purchases, "", True),
        ("433", "Insurance", "OVERHEADS", purchases, "", True),
        ("437", "Interest Expense", "OVERHEADS", excluded, "", False),
        ("441", "Legal expenses", "OVERHEADS", purchases, "", True),
        ("445", "Light, Power, Heating", "OVERHEADS", purchases, "", True),
        ("449", "Motor Vehicle Expenses", "OVERHEADS", purchases, "", True),
        ("453", "Office Expenses", "OVERHEADS", purchases, "", True),
        ("461", "Printing & Stationery", "OVERHEADS", purchases, "", True),
        ("469", "Rent", "OVERHEADS", purchases, "", True),
        ("473", "Repairs and Maintenance", "OVERHEADS", purchases, "", True),
        ("477", "Wages and Salaries", "OVERHEADS", excluded, "", False),
        ("485", "Subscriptions", "OVERHEADS", purchases, "", True),
        ("489", "Telephone & Internet", "OVERHEADS", purchases, "", True),
        ("493", "Travel - National", "OVERHEADS", purchases, "", True),
        ("494", "Travel - International", "OVERHEADS", excluded, "", True),
        ("497", "Bank Revaluations", "OVERHEADS", excluded, "BANKCURRENCYGAIN", False),
        (
            "498",
            "Unrealised Currency Gains",
            "OVERHEADS",
            excluded,
            "UNREALISEDCURRENCYGAIN",
            False,
        ),
        ("499", "Realised Currency Gains", "OVERHEADS", excluded, "REALISEDCURRENCYGAIN", False),
        ("505", "Income Tax Expense", "OVERHEADS", excluded, "", False),
        ("610", "Accounts Receivable", "CURRENT", excluded, "DEBTORS", False),
        ("611", "Less Provision for Doubtful Debts", "CURRENT", excluded, "", False),
        ("620", "Prepayments", "CURRENT", excluded, "", False),
        ("630", "Inventory", "INVENTORY", excluded, "", False),
        ("710", "Office Equipment", "FIXED", purchases, "", False),
        ("711", "Less Accumulated Depreciation on Office Equipment", "FIXED", excluded, "", False),
        ("720", "Computer Equipment", "FIXED", purchases, "", False),
        (
            "721",
            "Less Accumulated Depreciation on Computer Equipment",
            "FIXED",
            excluded,
            "",
            False,
        ),
        ("800", "Accounts Payable", "CURRLIAB", excluded, "CREDITORS", False),
        ("801", "Unpaid Expense Claims", "CURRLIAB", excluded, "UNPAIDEXPCLM", False),
        ("804", "Wages Payable - Payroll", "CURRLIAB", excluded, "WAGEPAYABLES", False),
        ("820", "GST", "CURRLIAB", excluded, "GST", False),
        ("830", "Income Tax Payable", "CURRLIAB", excluded, "", False),
        ("840", "Historical Adjustment", "CURRLIAB", excluded, "HISTORICAL", False),
        ("850", "Suspense", "CURRLIAB", excluded, "", False),
        ("860", "Rounding", "CURRLIAB", excluded, "ROUNDING", False),
        ("877", "Tracking Transfers", "CURRLIAB", excluded, "TRACKINGTRANSFERS", False),
        ("880", "Owner A Drawings", "EQUITY", excluded, "", False),
        ("881", "Owner A Funds Introduced", "EQUITY", excluded, "", False),
        ("900", "Loan", "TERMLIAB", excluded, "", False),
        ("960", "Retained Earnings", "EQUITY", excluded, "RETAINEDEARNINGS", False),
        ("970", "Owner A Share Capital", "EQUITY", excluded, "", False),
    ]


_AU = [
    *_gst_chart("OUTPUT", "INPUT", "EXEMPTOUTPUT", "BASEXCLUDED"),
    ("825", "PAYG Withholdings Payable", "CURRLIAB", "BASEXCLUDED", "", False),
    ("826", "Superannuation Payable", "CURRLIAB", "BASEXCLUDED", "", False),
    ("478", "Superannuation", "OVERHEADS", "BASEXCLUDED", "", False),
]
_NZ = [
    *_gst_chart("OUTPUT2", "INPUT2", "NONE", "NONE"),
    ("825", "PAYE Payable", "CURRLIAB", "NONE", "", False),
    ("478", "KiwiSaver Employer Contributions", "OVERHEADS", "NONE", "", False),
]

# US: best effort (see the module docstring); sales tax is a liability the rates post to.
_US: list[_Row] = [
    ("090", "Checking Account", "BANK", "NONE", "", False),
    ("091", "Savings Account", "BANK", "NONE", "", False),
    ("120", "Accounts Receivable", "CURRENT", "NONE", "DEBTORS", False),
    ("130", "Prepayments", "CURRENT", "NONE", "", False),
    ("140", "Inventory", "INVENTORY", "NONE", "", False),
    ("150", "Office Equipment", "FIXED", "NONE", "", False),
    ("151", "Less Accumulated Depreciation on Office Equipment", "FIXED", "NONE", "", False),
    ("160", "Computer Equipment", "FIXED", "NONE", "", False),
    ("161", "Less Accumulated Depreciation on Computer Equipment", "FIXED", "NONE", "", False),
    ("200", "Accounts Payable", "CURRLIAB", "NONE", "CREDITORS", False),
    ("205", "Accruals", "CURRLIAB", "NONE", "", False),
    ("210", "Unpaid Expense Claims", "CURRLIAB", "NONE", "UNPAIDEXPCLM", False),
    ("215", "Wages Payable", "CURRLIAB", "NONE", "WAGEPAYABLES", False),
    ("220", "Sales Tax", "CURRLIAB", "NONE", "GST", False),
    ("230", "Payroll Tax Payable", "CURRLIAB", "NONE", "", False),
    ("240", "Income Tax Payable", "CURRLIAB", "NONE", "", False),
    ("250", "Suspense", "CURRLIAB", "NONE", "", False),
    ("255", "Historical Adjustment", "CURRLIAB", "NONE", "HISTORICAL", False),
    ("260", "Rounding", "CURRLIAB", "NONE", "ROUNDING", False),
    ("265", "Tracking Transfers", "CURRLIAB", "NONE", "TRACKINGTRANSFERS", False),
    ("290", "Loan", "TERMLIAB", "NONE", "", False),
    ("300", "Owner A Share Capital", "EQUITY", "NONE", "", False),
    ("310", "Owner A Drawings", "EQUITY", "NONE", "", False),
    ("320", "Retained Earnings", "EQUITY", "NONE", "RETAINEDEARNINGS", False),
    ("400", "Sales", "REVENUE", "NONE", "", False),
    ("460", "Interest Income", "REVENUE", "NONE", "", False),
    ("470", "Other Revenue", "REVENUE", "NONE", "", False),
    ("500", "Cost of Goods Sold", "DIRECTCOSTS", "NONE", "", True),
    ("600", "Advertising", "OVERHEADS", "NONE", "", True),
    ("604", "Bank Service Charges", "OVERHEADS", "NONE", "", True),
    ("608", "Cleaning", "OVERHEADS", "NONE", "", True),
    ("612", "Consulting & Accounting", "OVERHEADS", "NONE", "", True),
    ("616", "Depreciation", "DEPRECIATN", "NONE", "", False),
    ("620", "Freight & Courier", "OVERHEADS", "NONE", "", True),
    ("624", "General Expenses", "OVERHEADS", "NONE", "", True),
    ("628", "Insurance", "OVERHEADS", "NONE", "", True),
    ("632", "Interest Expense", "OVERHEADS", "NONE", "", False),
    ("636", "Legal Expenses", "OVERHEADS", "NONE", "", True),
    ("640", "Office Expenses", "OVERHEADS", "NONE", "", True),
    ("644", "Rent", "OVERHEADS", "NONE", "", True),
    ("648", "Repairs and Maintenance", "OVERHEADS", "NONE", "", True),
    ("652", "Wages and Salaries", "OVERHEADS", "NONE", "", False),
    ("656", "Subscriptions", "OVERHEADS", "NONE", "", True),
    ("660", "Telephone & Internet", "OVERHEADS", "NONE", "", True),
    ("664", "Travel", "OVERHEADS", "NONE", "", True),
    ("697", "Bank Revaluations", "OVERHEADS", "NONE", "BANKCURRENCYGAIN", False),
    ("698", "Unrealised Currency Gains", "OVERHEADS", "NONE", "UNREALISEDCURRENCYGAIN", False),
    ("699", "Realised Currency Gains", "OVERHEADS", "NONE", "REALISEDCURRENCYGAIN", False),
    ("710", "Income Tax Expense", "OVERHEADS", "NONE", "", False),
]

_CHARTS: dict[str, list[_Row]] = {"GB": _UK, "AU": _AU, "NZ": _NZ, "US": _US}

_BANK_NUMBERS = {"GB": "20-00-00 12345678", "AU": "062-000 12345678", "NZ": "12-3456-7890123-00"}


def default_accounts(country: str) -> list[dict[str, Any]]:
    """The ``GET /Accounts`` records of a new organisation in ``country``, sorted by code."""
    code = normalise_country(country)
    currency = _ORGS[code].currency
    accounts: list[dict[str, Any]] = []
    for acc_code, name, acc_type, tax_type, system, claims in sorted(_CHARTS[code]):
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


# --- Tax rates -------------------------------------------------------------------------------


class _Rate(NamedTuple):
    name: str
    tax_type: str
    report_type: str
    components: tuple[tuple[str, str], ...]  # (component name, rate percent)
    revenue: bool
    expenses: bool


# Rows: (name, TaxType, ReportTaxType, rate percent, applies to revenue, applies to expenses).
_RateRow = tuple[str, str, str, str, bool, bool]

_UK_RATES: list[_RateRow] = [
    ("20% (VAT on Income)", "OUTPUT2", "OUTPUT", "20", True, False),
    ("20% (VAT on Expenses)", "INPUT2", "INPUT", "20", False, True),
    ("5% (VAT on Income)", "RROUTPUT", "OUTPUT", "5", True, False),
    ("5% (VAT on Expenses)", "RRINPUT", "INPUT", "5", False, True),
    ("Zero Rated Income", "ZERORATEDOUTPUT", "ZERORATEDOUTPUT", "0", True, False),
    ("Zero Rated Expenses", "ZERORATEDINPUT", "ZERORATEDINPUT", "0", False, True),
    ("Exempt Income", "EXEMPTOUTPUT", "EXEMPTOUTPUT", "0", True, False),
    ("Exempt Expenses", "EXEMPTINPUT", "EXEMPTINPUT", "0", False, True),
    ("20% (VAT on Capital Purchases)", "CAPEXINPUT2", "INPUT", "20", False, False),
    ("Zero Rated EC Goods Income", "ECZROUTPUT", "ECOUTPUT", "0", True, False),
    ("Zero Rated EC Services", "ECZROUTPUTSERVICES", "ECOUTPUTSERVICES", "0", True, False),
    ("No VAT", "NONE", "NONE", "0", True, True),
]
_AU_RATES: list[_RateRow] = [
    ("GST on Income", "OUTPUT", "OUTPUT", "10", True, False),
    ("GST on Expenses", "INPUT", "INPUT", "10", False, True),
    ("GST on Capital", "CAPEXINPUT", "CAPITALEXPENSESINPUT", "10", False, False),
    ("GST Free Income", "EXEMPTOUTPUT", "EXEMPTOUTPUT", "0", True, False),
    ("GST Free Expenses", "EXEMPTEXPENSES", "EXEMPTEXPENSES", "0", False, True),
    ("GST Free Exports", "EXEMPTEXPORT", "EXEMPTEXPORT", "0", True, False),
    ("GST on Imports", "GSTONIMPORTS", "GSTONIMPORTS", "0", False, True),
    ("Input Taxed", "INPUTTAXED", "INPUTTAXED", "0", True, True),
    ("BAS Excluded", "BASEXCLUDED", "BASEXCLUDED", "0", True, True),
]
_NZ_RATES: list[_RateRow] = [
    ("15% GST on Income", "OUTPUT2", "OUTPUT", "15", True, False),
    ("15% GST on Expenses", "INPUT2", "INPUT", "15", False, True),
    ("GST on Imports", "GSTONIMPORTS", "GSTONIMPORTS", "0", False, True),
    ("Zero Rated", "ZERORATED", "ZERORATEDOUTPUT", "0", True, False),
    ("No GST", "NONE", "NONE", "0", True, True),
]
# US: user-defined sales tax rates get TAX001, TAX002... (xero-api-facts §6.8).
_US_RATES: list[_RateRow] = [
    ("Tax Exempt", "NONE", "NONE", "0", True, True),
    ("CA Sales Tax", "TAX001", "OUTPUT", "7.25", True, False),
    ("TX Sales Tax", "TAX003", "OUTPUT", "6.25", True, False),
]
_COMPONENT_NAME = {"GB": "VAT", "AU": "GST", "NZ": "GST"}


def _rows_to_rates(country: str, rows: list[_RateRow]) -> list[_Rate]:
    part = _COMPONENT_NAME.get(country, "Sales Tax")
    return [
        _Rate(name, tax_type, report, ((part, rate),), revenue, expenses)
        for name, tax_type, report, rate, revenue, expenses in rows
    ]


def _uk_rates() -> list[_Rate]:
    return _rows_to_rates("GB", _UK_RATES)


def _au_rates() -> list[_Rate]:
    return _rows_to_rates("AU", _AU_RATES)


def _nz_rates() -> list[_Rate]:
    return _rows_to_rates("NZ", _NZ_RATES)


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
    rates = _rows_to_rates("US", _US_RATES)
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
