"""Run a country's corpus through the real pipeline and read back what the Xero sandbox computed.

One shop per country (GB VAT, AU GST, NZ GST, US sales tax), seeded as a JSON seed dict: the
Xero organisation, chart and tax rates are the country's standard ones filled in by
``load_seed`` (plus one liability account for gift cards). The run is the user's: settings ->
``build_clients`` (in-process sandboxes through ``SandboxASGITransport``) -> ``SyncEngine.run``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
from tests.fidelity.corpus import Case, build_order, processed_at

from shopxero.clients import build_clients
from shopxero.config import Settings
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import (
    SHOPIFY_ACCESS_TOKEN,
    XERO_CC_CLIENT_ID,
    XERO_CC_CLIENT_SECRET,
    shopify_credentials,
    xero_credentials,
)
from shopxero.sandbox.seeds.order_specs import IdSequence
from shopxero.sandbox.seeds.records import (
    AddressSpec,
    VariantSpec,
    build_customer,
    build_product,
    build_shop,
)
from shopxero.sandbox.seeds.xero_defaults import default_accounts, default_tax_rates
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.sandbox.xero.app import create_xero_app
from shopxero.store import StateStore

__all__ = [
    "COUNTRIES",
    "CountryRun",
    "corpus_accounts",
    "country_seed",
    "country_settings",
    "run_country",
]


@dataclass(frozen=True)
class Country:
    code: str
    currency: str
    timezone: str
    gift_card_account: str  # a liability account added to the standard chart
    settings: dict[str, Any]
    tips_account: str = "265"  # revenue accounts added to the standard chart
    fees_account: str = "266"
    # Tax rates the org has besides its country's standard ones.
    extra_tax_rates: tuple[dict[str, Any], ...] = ()


COUNTRIES: dict[str, Country] = {
    "GB": Country(
        "GB",
        "GBP",
        "Europe/London",
        "815",
        {"account_by_product_type": {"Gift wrap": "260"}, "account_by_sku": {"SAMPLER": "260"}},
    ),
    "AU": Country("AU", "AUD", "Australia/Sydney", "815", {}),
    "NZ": Country("NZ", "NZD", "Pacific/Auckland", "815", {}),
    # Massachusetts charges 6.25 %, like Texas (TAX003), and is filed to another agency: its own
    # type, chosen by the order's place (issue 5: tax map keyed on country/province).
    "US": Country(
        "US",
        "USD",
        "America/Los_Angeles",
        "235",
        {"tax_type_map": {"US-MA:*": "TAX004"}},
        "465",
        "466",
        extra_tax_rates=(
            {
                "Name": "MA Sales Tax",
                "TaxType": "TAX004",
                "Status": "ACTIVE",
                "ReportTaxType": "OUTPUT",
                "CanApplyToAssets": True,
                "CanApplyToEquity": True,
                "CanApplyToExpenses": True,
                "CanApplyToLiabilities": True,
                "CanApplyToRevenue": True,
                "DisplayTaxRate": Decimal("6.2500"),
                "EffectiveRate": Decimal("6.2500"),
                "TaxComponents": [
                    {
                        "Name": "State Tax",
                        "Rate": Decimal("6.2500"),
                        "IsCompound": False,
                        "IsNonRecoverable": False,
                    }
                ],
            },
        ),
    ),
}

_BASE_TIME = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@dataclass
class CountryRun:
    """What one run left behind: the report, queued errors, and Xero invoices by number."""

    report: Any
    queued: list[Any]
    invoices: dict[str, dict[str, Any]]
    orders: dict[int, dict[str, Any]]  # order_number -> the Shopify order served


def _seed(country: Country, cases: list[Case]) -> dict[str, Any]:
    ids = IdSequence()
    shop = build_shop(
        shop_id=61_000_000_000 + ord(country.code[0]),
        name=f"Fidelity {country.code}",
        domain=f"fidelity-{country.code.lower()}.myshopify.com",
        country_code=country.code,
        currency=country.currency,
        iana_timezone=country.timezone,
        taxes_included=country.code != "US",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )

    def customer(first: str, *, exempt: bool = False) -> dict[str, Any]:
        return build_customer(
            ids,
            first_name=first,
            last_name=f"Buyer {country.code}",
            email=f"{first.lower()}.{country.code.lower()}@example.com",
            created_at=datetime(2025, 6, 1, tzinfo=UTC),
            tz=country.timezone,
            currency=country.currency,
            address=AddressSpec("1 High Street", "Town", "AB1 2CD", country.code),
            tax_exempt=exempt,
        )

    regular, exempt = customer("Robin"), customer("Ezra", exempt=True)
    products: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    for case in cases:
        variants: list[tuple[int | None, int | None]] = []
        for line in case.lines:
            if line.no_product:
                variants.append((None, None))
                continue
            product = build_product(
                ids,
                title=line.title,
                vendor="Fidelity Goods",
                product_type=line.product_type,
                variants=[
                    VariantSpec(
                        "Default Title", line.price_decimal(), line.sku, taxable=line.taxable
                    )
                ],
                created_at=datetime(2025, 6, 1, tzinfo=UTC),
                tz=country.timezone,
                currency=country.currency,
            )
            products.append(product)
            variants.append((product["id"], product["variants"][0]["id"]))
        orders.append(
            build_order(
                case,
                order_id=ids.next("order"),
                line_ids=[ids.next("line_item") for _ in case.lines],
                variants=variants,
                customer=exempt if case.tax_exempt else regular,
                currency=country.currency,
                when=processed_at(_BASE_TIME, case),
            )
        )
    accounts = corpus_accounts(country)
    return load_seed(
        {
            "shopify": {
                "shop": shop,
                "customers": [regular, exempt],
                "products": products,
                "orders": orders,
            },
            "xero": {
                "accounts": accounts,
                "tax_rates": [*default_tax_rates(country.code), *country.extra_tax_rates],
            },
        },
        now=_BASE_TIME,
    )


def corpus_accounts(country: Country) -> list[dict[str, Any]]:
    """The country's standard chart plus a gift-card liability, a tips and a fees account."""
    accounts = copy.deepcopy(default_accounts(country.code))
    liability = next(a for a in accounts if a["Type"] == "CURRLIAB")
    revenue = next(a for a in accounts if a["Type"] == "REVENUE")
    added = (
        # Gift cards redeemed are payments from this account: Xero takes payments only into
        # bank accounts or ones with "Enable payments to this account" ticked.
        (liability, country.gift_card_account, "Gift Card Liability", True),
        (revenue, country.tips_account, "Tips", False),
        (revenue, country.fees_account, "Duties and Fees", False),
    )
    for template, code, name, payments in added:
        accounts.append(
            {
                **template,
                "AccountID": f"00000000-0000-4000-8000-00000000{code:0>4}",
                "Code": code,
                "Name": name,
                "SystemAccount": None,
                "EnablePaymentsToAccount": payments,
            }
        )
    return accounts


def _settings(country: Country, data_dir: Path) -> Settings:
    return Settings.model_validate(
        {
            "data_dir": str(data_dir),
            "shopify_base_url": "http://shopify.sandbox",
            "shopify_access_token": SHOPIFY_ACCESS_TOKEN,
            "xero_mode": "custom_connection",
            "xero_client_id": XERO_CC_CLIENT_ID,
            "xero_client_secret": XERO_CC_CLIENT_SECRET,
            "xero_api_base_url": "http://xero.sandbox/api.xro/2.0",
            "xero_identity_base_url": "http://xero.sandbox",
            # Unpaid orders: the invoice's AmountPaid/AmountDue are the invoice's own.
            "synced_financial_statuses": "pending,paid,partially_paid,partially_refunded,refunded",
            "gift_card_account": country.gift_card_account,
            "tips_account": country.tips_account,
            "fees_account": country.fees_account,
            **country.settings,
        }
    )


async def _run(country: Country, seed: dict[str, Any], data_dir: Path) -> CountryRun:
    clock = SandboxClock()
    shopify_app = create_shopify_app(
        seed["shopify"], clock=clock, credentials=shopify_credentials(), bucket_size=400
    )
    xero_app = create_xero_app(seed["xero"], clock=clock, credentials=xero_credentials())
    settings = _settings(country, data_dir)
    with StateStore.open(settings.state_db_path) as store:
        async with build_clients(
            settings,
            shopify_transport=SandboxASGITransport(app=shopify_app),
            xero_transport=SandboxASGITransport(app=xero_app),
        ) as clients:
            engine = SyncEngine(
                store=store, shopify=clients.shopify, xero=clients.xero, settings=settings
            )
            report = await engine.run()
            queued = store.errors.list_open()
            # Read back through the API with unitdp=4, as a user's Xero would show it.
            numbers = [f"SHOP-{o['order_number']}" for o in seed["shopify"]["orders"]]
            found = await clients.xero.get_invoices_by_number(numbers)
    invoices = {str(i["InvoiceNumber"]): i for i in found}
    orders = {int(o["order_number"]): o for o in seed["shopify"]["orders"]}
    return CountryRun(report, queued, invoices, orders)


def run_country(code: str, cases: list[Case], data_dir: Path) -> CountryRun:
    country = COUNTRIES[code]
    seed = _seed(country, cases)
    return anyio.run(_run, country, seed, data_dir)


def country_seed(code: str, cases: list[Case]) -> dict[str, Any]:
    """The seed ``run_country`` serves (for tests that drive several runs themselves)."""
    return _seed(COUNTRIES[code], cases)


def country_settings(code: str, data_dir: Path) -> Settings:
    """The settings ``run_country`` syncs with."""
    return _settings(COUNTRIES[code], data_dir)
