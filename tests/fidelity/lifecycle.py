"""The life of an order in the corpus: payments, refunds, cancellations and edits.

Shopify's side comes from the seed builder (``sandbox/seeds/orders.py``: it computes Shopify's
own refund lines, shipping adjustments, transactions and ``current_*`` totals); the Xero side is
stated by hand in ``cases_life``. A UK shop (VAT 20 %, prices include tax) is synced twice: the
second run follows edits or cancellations made in Shopify between the runs (``later``), and for
every other order proves nothing is paid or credited twice.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
from tests.fidelity.runner import COUNTRIES, _settings, corpus_accounts

from shopxero.clients import build_clients
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import shopify_credentials, xero_credentials
from shopxero.sandbox.seeds.orders import (
    IdSequence,
    LineSpec,
    OrderBuilder,
    OrderSpec,
    ShopContext,
)
from shopxero.sandbox.seeds.records import (
    AddressSpec,
    VariantSpec,
    build_customer,
    build_product,
    build_shop,
)
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.sandbox.xero.app import create_xero_app
from shopxero.store import StateStore

__all__ = ["LifeCase", "LifeRun", "NoteExpect", "run_life"]

TZ = "Europe/London"
SHOP = ShopContext(currency="GBP", timezone=TZ, tax_title="VAT", tax_rate=Decimal("0.2"))


@dataclass(frozen=True)
class NoteExpect:
    """A credit note as Xero must hold it: totals, what is left of it, and its status."""

    total: str
    total_tax: str
    remaining_credit: str
    status: str


@dataclass(frozen=True)
class LifeCase:
    """``build(lines)`` gives the order spec from the lines' (product id, variant id)."""

    name: str
    number: int
    titles: tuple[tuple[str, str], ...]  # (title, unit price) of each line's product
    spec: Callable[[list[LineSpec], dict[str, Any]], OrderSpec]
    total: str
    total_tax: str
    amount_paid: str
    amount_due: str
    status: str
    credit_notes: tuple[NoteExpect, ...] = ()
    # Shopify changes between the two runs: the order as first synced -> the order afterwards.
    later: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    currency: str = "GBP"  # the invoice's CurrencyCode


@dataclass
class LifeRun:
    invoices: dict[str, dict[str, Any]]
    credit_notes: dict[str, dict[str, Any]]
    first_invoices: dict[str, dict[str, Any]]
    queued: list[Any]
    payments: list[dict[str, Any]]


_WHEN = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)


def _seed(
    cases: list[LifeCase], currencies: tuple[str, ...]
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    ids = IdSequence()
    builder = OrderBuilder(SHOP, ids, domain="fidelity-life.myshopify.com")
    customer = build_customer(
        ids,
        first_name="Lee",
        last_name="Lifecycle",
        email="lee.lifecycle@example.com",
        created_at=_WHEN - timedelta(days=30),
        tz=TZ,
        currency="GBP",
        address=AddressSpec("2 Low Road", "Leeds", "LS1 1AA", "GB"),
    )
    products: list[dict[str, Any]] = []
    orders: dict[int, dict[str, Any]] = {}
    for case in cases:
        lines: list[LineSpec] = []
        for title, price in case.titles:
            product = build_product(
                ids,
                title=title,
                vendor="Fidelity Goods",
                product_type="Goods",
                variants=[VariantSpec("Default Title", Decimal(price), None)],
                created_at=_WHEN - timedelta(days=30),
                tz=TZ,
                currency="GBP",
            )
            products.append(product)
            lines.append(
                LineSpec(
                    title,
                    Decimal(price),
                    product_id=product["id"],
                    variant_id=product["variants"][0]["id"],
                )
            )
        orders[case.number] = builder.build(case.spec(lines, customer))
    shop = build_shop(
        shop_id=61_000_000_777,
        name="Fidelity Life",
        domain="fidelity-life.myshopify.com",
        country_code="GB",
        currency="GBP",
        iana_timezone=TZ,
        taxes_included=True,
        created_at=_WHEN - timedelta(days=365),
        presentment_currencies=currencies,
    )
    accounts = corpus_accounts(COUNTRIES["GB"])
    seed = load_seed(
        {
            "shopify": {
                "shop": shop,
                "customers": [customer],
                "products": products,
                "orders": list(orders.values()),
            },
            "xero": {"accounts": accounts, "currencies": [{"Code": c} for c in currencies]},
        }
    )
    return seed, orders


async def _sync(settings: Any, shopify_app: Any, xero_app: Any) -> tuple[Any, list[Any]]:
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
            return report, store.errors.list_open()


async def _read(settings: Any, shopify_app: Any, xero_app: Any, numbers: list[str]) -> Any:
    async with build_clients(
        settings,
        shopify_transport=SandboxASGITransport(app=shopify_app),
        xero_transport=SandboxASGITransport(app=xero_app),
    ) as clients:
        invoices = await clients.xero.get_invoices_by_number(numbers)
        notes = await clients.xero.get_credit_notes_by_number(
            [f"{n}-R{k}" for n in numbers for k in (1, 2, 3)]
        )
    return {i["InvoiceNumber"]: i for i in invoices}, {c["CreditNoteNumber"]: c for c in notes}


async def _run(
    cases: list[LifeCase],
    data_dir: Path,
    invoice_currency: str,
    currencies: tuple[str, ...],
    shopify_api: str | None,
) -> LifeRun:
    seed, orders = _seed(cases, currencies)
    clock = SandboxClock()
    shopify_app = create_shopify_app(
        seed["shopify"], clock=clock, credentials=shopify_credentials(), bucket_size=400
    )
    xero_app = create_xero_app(seed["xero"], clock=clock, credentials=xero_credentials())
    settings = _settings(COUNTRIES["GB"], data_dir).model_copy(
        update={"invoice_currency": invoice_currency}
    )
    if shopify_api is not None:
        settings = settings.model_copy(update={"shopify_api": shopify_api})
    numbers = [f"SHOP-{c.number}" for c in cases]
    await _sync(settings, shopify_app, xero_app)
    first, _ = await _read(settings, shopify_app, xero_app, numbers)
    changed = [case.later(copy.deepcopy(orders[case.number])) for case in cases if case.later]
    if changed:
        shopify_app.upsert_records({"orders": changed})
    _, queued = await _sync(settings, shopify_app, xero_app)
    invoices, notes = await _read(settings, shopify_app, xero_app, numbers)
    payments = xero_app.state()["payments"]
    return LifeRun(invoices, notes, first, queued, payments)


def run_life(
    cases: list[LifeCase],
    data_dir: Path,
    *,
    invoice_currency: str = "shop",
    currencies: tuple[str, ...] = (),
    shopify_api: str | None = None,
) -> LifeRun:
    """Sync ``cases`` twice; ``invoice_currency`` is SHOPXERO_INVOICE_CURRENCY, ``currencies``
    the foreign currencies enabled in the shop and in the Xero organisation, ``shopify_api``
    SHOPXERO_SHOPIFY_API (None: the default)."""
    return anyio.run(_run, cases, data_dir, invoice_currency, currencies, shopify_api)
