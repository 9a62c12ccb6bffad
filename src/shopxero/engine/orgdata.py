"""Organisation data a run needs for mapping, read lazily and cached in the state DB.

The Xero organisation, its chart of accounts and tax rates, and the Shopify shop (timezone,
country) change rarely. A run reads them only when a record has to be mapped, and only once per
state DB, so a run with no Shopify change makes no Xero call and one Shopify call per
entity. ``refresh()`` drops the cache (``shopxero sync --refresh-org``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from shopxero.checks.preflight import Problem, check_tax_and_accounts, errors_message
from shopxero.config import Settings
from shopxero.errors import ConfigError
from shopxero.store import StateStore
from shopxero.translate import MappingOptions
from shopxero.translate.accounts import ResolvedAccounts, resolve_accounts
from shopxero.translate.tax import TaxResolver

__all__ = ["OrgData", "OrgDataLoader", "mapping_options"]

Fetch = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class OrgData:
    organisation: dict[str, Any]
    accounts: list[dict[str, Any]]
    tax_rates: list[dict[str, Any]]
    shop: dict[str, Any]
    resolved: ResolvedAccounts
    tax: TaxResolver
    # The preflight's warnings (its errors stop the run before any write).
    warnings: tuple[Problem, ...] = ()

    @property
    def country(self) -> str:
        return str(self.organisation.get("CountryCode") or self.shop.get("country_code") or "GB")

    @property
    def shop_timezone(self) -> str:
        return str(self.shop.get("iana_timezone") or self.organisation.get("Timezone") or "UTC")

    def account_tax_type(self, code: str) -> str | None:
        for account in self.accounts:
            if account.get("Code") == code and account.get("TaxType"):
                return str(account["TaxType"])
        return None


class OrgDataLoader:
    """Reads each piece from the state DB's cache, else from the API (and caches it)."""

    def __init__(
        self,
        store: StateStore,
        settings: Settings,
        *,
        organisation: Fetch,
        accounts: Fetch,
        tax_rates: Fetch,
        shop: Fetch,
    ) -> None:
        self._store = store
        self._settings = settings
        self._fetch = {
            "xero:organisation": organisation,
            "xero:accounts": accounts,
            "xero:tax_rates": tax_rates,
            "shopify:shop": shop,
        }
        self._loaded: OrgData | None = None

    async def _get(self, key: str) -> Any:
        cached = self._store.cache.get(key)
        if cached is not None:
            return cached[0]
        value = await self._fetch[key]()
        self._store.cache.put(key, value)
        return value

    async def get(self) -> OrgData:
        if self._loaded is not None:
            return self._loaded
        organisation = await self._get("xero:organisation")
        accounts = await self._get("xero:accounts")
        tax_rates = await self._get("xero:tax_rates")
        shop = await self._get("shopify:shop")
        s = self._settings
        # Preflight (issue 5): a tax map or account setting that does not fit the organisation
        # stops the run here, before the first write, rather than failing every order.
        problems = check_tax_and_accounts(s, organisation, accounts, tax_rates, shop)
        message = errors_message(problems)
        if message is not None:
            raise ConfigError(message)
        resolved = resolve_accounts(
            accounts,
            sales=s.sales_account,
            shipping=s.shipping_account,
            rounding=s.rounding_account,
            payment=s.payment_account,
        )
        country = str(organisation.get("CountryCode") or shop.get("country_code") or "GB")
        try:
            tax = TaxResolver.from_xero(tax_rates, s.tax_type_map, country=country)
        except ValueError as exc:
            raise ConfigError(f"SHOPXERO_TAX_TYPE_MAP or the Xero tax rates: {exc}") from exc
        warnings = tuple(p for p in problems if p.severity == "warning")
        self._loaded = OrgData(organisation, accounts, tax_rates, shop, resolved, tax, warnings)
        return self._loaded

    def refresh(self) -> None:
        self._store.cache.clear()
        self._loaded = None


def mapping_options(settings: Settings, org: OrgData) -> MappingOptions:
    """MappingOptions from the settings and the organisation (a bad value is a ConfigError)."""
    try:
        return _options(settings, org)
    except ValueError as exc:
        raise ConfigError(f"cannot map records with these settings: {exc}") from exc


def _options(s: Settings, org: OrgData) -> MappingOptions:
    return MappingOptions(
        sales_account=org.resolved.sales,
        shipping_account=org.resolved.shipping,
        invoice_prefix=s.invoice_prefix,
        invoice_status=s.invoice_status,
        guest_contact_name=s.guest_contact_name,
        synced_financial_statuses=frozenset(s.synced_financial_statuses),
        account_by_product_type=s.account_by_product_type,
        account_by_sku=s.account_by_sku,
        shop_timezone=org.shop_timezone,
        rounding_account=org.resolved.rounding,
        gift_card_account=s.gift_card_account,
        tips_account=s.tips_account,
        fees_account=s.fees_account,
        start_date=s.sync_start_date,
    )
