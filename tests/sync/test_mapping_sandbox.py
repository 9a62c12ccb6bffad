"""Mapping's payloads, sent to the Xero simulator, come back with Shopify's totals.

The simulator does Xero's own arithmetic (per-line tax rounding, Inclusive/Exclusive); the
invoice Total it computes must equal the order's ``total_price`` for every synced order of the
demo seed (UK, VAT-inclusive, discounts, shipping, gift cards, deleted products, guests) and for
US tax-exclusive orders (docs/architecture.md, invariant 6). Contacts and items are created first,
as the engine would, so the simulator also checks account codes, tax types and item codes exist.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds.loader import load_seed
from shopxero.sandbox.seeds.xero_defaults import (
    default_accounts,
    default_organisation,
    default_tax_rates,
)
from shopxero.sandbox.xero.accounting import XeroOrg, accounting_router
from shopxero.shopify.models import Order, parse_customer, parse_order, parse_product
from shopxero.translate import (
    ROUNDING_DESCRIPTION,
    MappingOptions,
    TaxResolver,
    contact_base_name,
    contact_from_customer,
    count_skus,
    disambiguated_name,
    invoice_from_order,
    item_code_for,
    item_from_variant,
    order_skip_reason,
)
from shopxero.xero.batching import encode_json
from shopxero.xero.models import XeroContact
from shopxero.xero.records import XeroContactRecord, XeroInvoiceRecord

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = [pytest.mark.anyio, pytest.mark.not_per_api]
BASE = "http://xero.test/api.xro/2.0"


def _org_seed(xero: dict[str, Any]) -> dict[str, Any]:
    return {k: xero[k] for k in ("organisation", "accounts", "tax_rates")}


async def _client(seed: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    org = XeroOrg(seed, clock=SandboxClock(start=datetime(2026, 11, 26, 9, tzinfo=UTC)))
    app = Starlette(routes=[Mount("/api.xro/2.0", app=accounting_router(lambda _r: org))])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        yield client


async def _put(
    client: httpx.AsyncClient, envelope: str, payloads: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """PUT in batches of 50 with summarizeErrors=false, as the Xero client does."""
    results: list[dict[str, Any]] = []
    for start in range(0, len(payloads), 50):
        response = await client.put(
            f"/{envelope}",
            content=encode_json({envelope: list(payloads[start : start + 50])}),
            params={"summarizeErrors": "false", "unitdp": "4"},
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 200, response.text
        results += response.json()[envelope]
    failed = [r for r in results if r.get("StatusAttributeString") == "ERROR"]
    assert failed == [], json.dumps(failed, default=str)[:2000]
    return results


async def _sync_orders(
    client: httpx.AsyncClient,
    *,
    customers: list[dict[str, Any]],
    products: list[dict[str, Any]],
    orders: list[Order],
    options: MappingOptions,
    tax: TaxResolver,
) -> list[tuple[Order, XeroInvoiceRecord]]:
    parsed = [parse_customer(c) for c in customers]
    bases = [contact_base_name(c) for c in parsed]
    contacts = [
        contact_from_customer(
            c, name=disambiguated_name(base, c.id) if bases.count(base) > 1 else base
        ).to_payload()
        for c, base in zip(parsed, bases, strict=True)
    ]
    contacts.append(XeroContact(name=options.guest_contact_name).to_payload())
    created = [
        XeroContactRecord.model_validate(r) for r in await _put(client, "Contacts", contacts)
    ]
    ids: dict[int | None, str] = {
        c.id: str(r.contact_id) for c, r in zip(parsed, created, strict=False)
    }
    ids[None] = str(created[-1].contact_id)

    catalogue = [parse_product(p) for p in products]
    counts = count_skus(catalogue)
    codes = {v.id: item_code_for(v, sku_counts=counts) for p in catalogue for v in p.variants}
    items = [
        item_from_variant(p, v, code=codes[v.id], options=options, sales_tax_type=None).to_payload()
        for p in catalogue
        for v in p.variants
    ]
    if items:
        await _put(client, "Items", items)

    invoices = [
        invoice_from_order(
            o,
            contact_id=ids[o.customer.id if o.customer else None],
            item_codes=codes,
            options=options,
            tax=tax,
        ).to_payload()
        for o in orders
    ]
    answers = await _put(client, "Invoices", invoices)
    return [(o, XeroInvoiceRecord.model_validate(a)) for o, a in zip(orders, answers, strict=True)]


async def test_demo_seed_invoices_total_what_shopify_charged() -> None:
    """56 UK VAT-inclusive orders: Xero's Total == total_price, to the penny, each one."""
    seed = load_seed("demo", now=datetime(2026, 11, 26, tzinfo=UTC))
    shop, xero = seed["shopify"], seed["xero"]
    options = MappingOptions(
        sales_account="200",
        shipping_account="200",
        rounding_account="860",
        # A liability account for gift-card sales ("Income in Advance" in the UK chart).
        gift_card_account="810",
        shop_timezone=shop["shop"]["iana_timezone"],
    )
    tax = TaxResolver.from_xero(xero["tax_rates"], {}, country="GB")
    orders = [parse_order(raw) for raw in shop["orders"]]
    synced = [
        o
        for o in orders
        if order_skip_reason(o, options) is None and "broken" not in (o.tags or "")
    ]
    assert len(synced) >= 50
    async for client in _client(_org_seed(xero)):
        results = await _sync_orders(
            client,
            customers=shop["customers"],
            products=shop["products"],
            orders=synced,
            options=options,
            tax=tax,
        )
    mismatched = [(o.name, r.total, o.total_price) for o, r in results if r.total != o.total_price]
    assert mismatched == []
    assert {r.line_amount_types for _, r in results} >= {"Inclusive"}


US_ORDERS: list[tuple[str, list[tuple[str, int, str, str, list[str]]], str]] = [
    # (total_price, lines of (price, qty, rate, line tax, discount allocations), shipping)
    # Hand: 3 x 10.00 at 7.25% -> 2.175 -> 2.18; + 5.00 shipping = 37.18.
    ("37.18", [("10.00", 3, "0.0725", "2.18", [])], "5.00"),
    # Hand: 195.66, 195.67, 195.67 at 6.25% -> 12.23 x 3 = 36.69; 587.00 + 36.69 = 623.69.
    (
        "623.69",
        [
            ("199.00", 1, "0.0625", "12.23", ["3.34"]),
            ("199.00", 1, "0.0625", "12.23", ["3.33"]),
            ("199.00", 1, "0.0625", "12.23", ["3.33"]),
        ],
        "0.00",
    ),
    # Hand: Shopify taxed 3.00 once (0.1875 -> 0.19): 3.19; Xero 0.06 x 3 = 0.18 -> +0.01 line.
    (
        "3.19",
        [
            ("1.00", 1, "0.0625", "0.06", []),
            ("1.00", 1, "0.0625", "0.06", []),
            ("1.00", 1, "0.0625", "0.06", []),
        ],
        "0.00",
    ),
]


def _us_order(
    number: int, total: str, lines: list[tuple[str, int, str, str, list[str]]], shipping: str
) -> Order:
    return parse_order(
        {
            "id": 9_000 + number,
            "name": f"#{number}",
            "order_number": number,
            "processed_at": "2026-03-01T10:00:00-06:00",
            "currency": "USD",
            "financial_status": "paid",
            "taxes_included": False,
            "customer": None,
            "total_price": total,
            "line_items": [
                {
                    "id": i,
                    "variant_id": None,
                    "name": f"Line {i}",
                    "price": price,
                    "quantity": qty,
                    "tax_lines": [{"title": "State", "rate": rate, "price": t}],
                    "discount_allocations": [{"amount": a} for a in discounts],
                }
                for i, (price, qty, rate, t, discounts) in enumerate(lines)
            ],
            "shipping_lines": [{"title": "UPS", "price": shipping, "discounted_price": shipping}],
        }
    )


async def test_us_tax_exclusive_orders_total_what_shopify_charged() -> None:
    """Exclusive tax, penny-split discounts and an order-level rounding cent, in a US org."""
    xero = {
        "organisation": default_organisation("US"),
        "accounts": default_accounts("US"),
        "tax_rates": default_tax_rates("US"),
    }
    rounding = next(a["Code"] for a in xero["accounts"] if a.get("SystemAccount") == "ROUNDING")
    options = MappingOptions(
        sales_account="400",
        shipping_account="400",
        rounding_account=rounding,
        shop_timezone="America/Chicago",
    )
    tax = TaxResolver.from_xero(xero["tax_rates"], {}, country="US")
    orders = [_us_order(2001 + n, *spec) for n, spec in enumerate(US_ORDERS)]
    async for client in _client(xero):
        results = await _sync_orders(
            client, customers=[], products=[], orders=orders, options=options, tax=tax
        )
    assert [(o.name, r.total) for o, r in results] == [
        ("#2001", Decimal("37.18")),
        ("#2002", Decimal("623.69")),
        ("#2003", Decimal("3.19")),
    ]
    rounding_lines = [
        line
        for _, r in results
        for line in r.line_items
        if line.description == ROUNDING_DESCRIPTION
    ]
    assert [line.line_amount for line in rounding_lines] == [Decimal("0.01")]
