"""Xero's OAuth scopes: which ones an app may ask for, and which one an API call needs.

Apps created on or after 2 March 2026 ("new apps") must use the granular scopes; older apps may
still ask for the broad ``accounting.transactions`` family until September 2027 [xero-api-notes
§1.4]. A new app asking for a broad scope gets ``invalid_scope``. Enforcement on API calls is
coarse: one scope family per endpoint, the ``.read`` variant being enough for GET.
"""

from __future__ import annotations

__all__ = [
    "BROAD_SCOPES",
    "DEFAULT_CUSTOM_CONNECTION_SCOPES",
    "GRANULAR_SCOPES",
    "IDENTITY_SCOPES",
    "allowed_scopes",
    "parse_scopes",
    "required_scope_families",
    "scope_permits",
]

# openid/profile/email for SSO, offline_access for a refresh token [xero-api-notes §1.3, §1.4].
IDENTITY_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})


def _with_read(*names: str) -> frozenset[str]:
    return frozenset({*names, *(f"{n}.read" for n in names)})


# The granular set that replaces accounting.transactions (xero-api-notes §1.4, [R7]), plus the
# classic scopes that stay as they are (contacts, settings, attachments, budgets).
GRANULAR_SCOPES = _with_read(
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",
    "accounting.manualjournals",
    "accounting.classicexpenses",
    "accounting.settings",
    "accounting.attachments",
) | frozenset({"accounting.budgets.read", "accounting.reports.banksummary.read"})

# Broad scopes only "old" apps (created before 2 March 2026) may still request
# [xero-api-notes §1.4].
BROAD_SCOPES = frozenset(
    {
        "accounting.transactions",
        "accounting.transactions.read",
        "accounting.reports.read",
        "accounting.journals.read",
        "accounting.reports.tenninetynine.read",
    }
)

# What a Custom Connection created today is authorised for (granular, no journals
# [xero-api-notes §1.7]).
DEFAULT_CUSTOM_CONNECTION_SCOPES = frozenset(
    {
        "accounting.contacts",
        "accounting.invoices",
        "accounting.payments",
        "accounting.settings",
        "accounting.attachments",
        # For payouts: spend/receive money and transfers, and bank balances [xero-api-notes §13].
        "accounting.banktransactions",
        "accounting.reports.banksummary.read",
    }
)

# Endpoint (first path segment under /api.xro/2.0, lower case) -> scope families that grant it.
# Items are reachable through accounting.invoices OR accounting.settings [xero-api-notes §1.4, R7].
_ENDPOINT_FAMILIES: dict[str, tuple[str, ...]] = {
    "contacts": ("accounting.contacts",),
    "contactgroups": ("accounting.contacts",),
    "invoices": ("accounting.invoices", "accounting.transactions"),
    "creditnotes": ("accounting.invoices", "accounting.transactions"),
    "quotes": ("accounting.invoices", "accounting.transactions"),
    "purchaseorders": ("accounting.invoices", "accounting.transactions"),
    "repeatinginvoices": ("accounting.invoices", "accounting.transactions"),
    "linkedtransactions": ("accounting.invoices", "accounting.transactions"),
    "items": ("accounting.invoices", "accounting.settings", "accounting.transactions"),
    "payments": ("accounting.payments", "accounting.transactions"),
    "batchpayments": ("accounting.payments", "accounting.transactions"),
    "overpayments": ("accounting.payments", "accounting.transactions"),
    "prepayments": ("accounting.payments", "accounting.transactions"),
    "banktransactions": ("accounting.banktransactions", "accounting.transactions"),
    # Which granular scope opens BankTransfers is UNCONFIRMED [xero-api-notes §13.1].
    "banktransfers": ("accounting.banktransactions", "accounting.transactions"),
    # Only the Bank Summary report is served: one granular scope per report, or the broad
    # accounting.reports.read [xero-api-notes §13.4].
    "reports": ("accounting.reports.banksummary", "accounting.reports"),
    "manualjournals": ("accounting.manualjournals", "accounting.transactions"),
    "organisation": ("accounting.settings",),
    "accounts": ("accounting.settings",),
    "taxrates": ("accounting.settings",),
    "currencies": ("accounting.settings",),
    "brandingthemes": ("accounting.settings",),
    "trackingcategories": ("accounting.settings",),
}


def parse_scopes(raw: str | None) -> list[str]:
    """Xero's ``scope`` parameter is space separated; order kept, duplicates dropped."""
    seen: dict[str, None] = {}
    for part in (raw or "").split():
        seen.setdefault(part, None)
    return list(seen)


def allowed_scopes(*, broad_allowed: bool) -> frozenset[str]:
    """Every scope a web app may request; broad ones only for an app made before 2 March 2026."""
    base = IDENTITY_SCOPES | GRANULAR_SCOPES
    return base | BROAD_SCOPES if broad_allowed else base


def required_scope_families(endpoint: str) -> tuple[str, ...] | None:
    """The scope families that open ``endpoint``; None when the endpoint needs no check here."""
    return _ENDPOINT_FAMILIES.get(endpoint.lower())


def scope_permits(granted: frozenset[str], endpoint: str, method: str) -> bool:
    """True when ``granted`` opens ``method endpoint``: a family, or its ``.read`` for GET."""
    families = required_scope_families(endpoint)
    if families is None:
        return True
    for family in families:
        if family in granted:
            return True
        if method.upper() in ("GET", "HEAD") and f"{family}.read" in granted:
            return True
    return False
