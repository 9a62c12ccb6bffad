"""Every payload mapping produces validates against the Xero spec's request schemas.

The corpus is the demo seed (all its customers, variants and orders, in Shopify's own shapes)
plus the hand-made documents the models can express. Each payload goes over the wire form the
Xero client sends (``xero.batching.encode_json``: exact Decimal numbers) and back through
``json.loads`` before the OpenAPI 3.0 schema validator (openapi-core's own
``openapi-schema-validator``, with ``format`` checks such as ``uuid``) looks at it.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from tests.vendored import XERO_ACCOUNTING

from shopxero.errors import MappingError
from shopxero.sandbox.seeds.loader import load_seed
from shopxero.shopify.models import parse_customer, parse_order, parse_product, parse_shop
from shopxero.translate import (
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
from shopxero.xero.models import (
    XeroAccountRef,
    XeroAllocation,
    XeroContactRef,
    XeroCreditNote,
    XeroDocumentRef,
    XeroLineItem,
    XeroPayment,
)

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

SPEC = XERO_ACCOUNTING
_URI = "urn:xero-accounting"
CONTACT_ID = "3ff6d40c-af9a-40a3-89ce-3c1556a25591"


@cache
def _registry() -> Registry[Any]:
    # Parsed once per session: the spec is 25,000 lines (the C loader is much faster).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec = yaml.load(SPEC.read_text(encoding="utf-8"), Loader=loader)
    return Registry().with_resource(
        _URI, Resource.from_contents(spec, default_specification=DRAFT4)
    )


@cache
def _validator(envelope: str) -> OAS30Validator:
    return OAS30Validator(
        {"$ref": f"{_URI}#/components/schemas/{envelope}"},
        registry=_registry(),
        format_checker=OAS30Validator.FORMAT_CHECKER,
    )


def _spec_errors(envelope: str, payloads: list[dict[str, Any]]) -> list[str]:
    wire = json.loads(encode_json({envelope: payloads}))
    return [
        f"{'/'.join(str(p) for p in err.absolute_path)}: {err.message}"
        for err in _validator(envelope).iter_errors(wire)
    ]


def test_the_validator_catches_a_bad_payload() -> None:
    """The check below can fail: a wrong enum and a 31-char Code are reported."""
    assert _spec_errors("Invoices", [{"Type": "ACCRECX", "Contact": {"ContactID": "nope"}}])
    assert _spec_errors("Items", [{"Code": "C" * 31}])


@cache
def _demo() -> dict[str, Any]:
    seed: dict[str, Any] = load_seed("demo", now=datetime(2026, 11, 26, tzinfo=UTC))
    return seed


def _options() -> MappingOptions:
    shop = parse_shop(_demo()["shopify"]["shop"])
    return MappingOptions(
        sales_account="200",
        shipping_account="200",
        rounding_account="860",
        shop_timezone=shop.iana_timezone or "UTC",
    )


def _tax() -> TaxResolver:
    xero = _demo()["xero"]
    return TaxResolver.from_xero(xero["tax_rates"], {}, country=xero["organisation"]["CountryCode"])


def demo_contacts() -> list[dict[str, Any]]:
    """Contact payloads for every demo customer, same-name customers disambiguated."""
    customers = [parse_customer(c) for c in _demo()["shopify"]["customers"]]
    names = Counter(contact_base_name(c).casefold() for c in customers)
    payloads = []
    for c in customers:
        base = contact_base_name(c)
        name = disambiguated_name(base, c.id) if names[base.casefold()] > 1 else base
        payloads.append(contact_from_customer(c, name=name).to_payload())
    return payloads


def demo_items() -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Item payloads for every demo variant, and variant id -> Item Code."""
    products = [parse_product(p) for p in _demo()["shopify"]["products"]]
    counts = count_skus(products)
    codes: dict[int, str] = {}
    payloads = []
    for p in products:
        for v in p.variants:
            codes[v.id] = item_code_for(v, sku_counts=counts)
            item = item_from_variant(
                p, v, code=codes[v.id], options=_options(), sales_tax_type=None
            )
            payloads.append(item.to_payload())
    return payloads, codes


def demo_invoices(contact_ids: dict[int | None, str]) -> list[tuple[Any, dict[str, Any]]]:
    """(order, invoice payload) for every demo order that is synced and maps cleanly."""
    _, codes = demo_items()
    result = []
    for raw in _demo()["shopify"]["orders"]:
        order = parse_order(raw)
        if order_skip_reason(order, _options()):
            continue
        contact = contact_ids[order.customer.id if order.customer else None]
        try:
            invoice = invoice_from_order(
                order, contact_id=contact, item_codes=codes, options=_options(), tax=_tax()
            )
        except MappingError as exc:
            # The demo seed's one intentionally broken order: 23% Irish VAT (no Xero rate).
            assert exc.field == "line_items.0.tax_lines" and "23%" in exc.message
            continue
        result.append((order, invoice.to_payload()))
    return result


def test_demo_contacts_validate() -> None:
    """All customers, including non-Latin, company-only, phone-only and umlaut-email ones."""
    payloads = demo_contacts()
    assert len(payloads) == len(_demo()["shopify"]["customers"])
    assert len({p["Name"].casefold() for p in payloads}) == len(payloads)
    assert _spec_errors("Contacts", payloads) == []


def test_demo_items_validate() -> None:
    """All variants of all products."""
    payloads, codes = demo_items()
    assert len(set(codes.values())) == len(codes), "item codes must be unique"
    assert _spec_errors("Items", payloads) == []


def test_demo_invoices_validate() -> None:
    """All synced orders: discounts, refunds, guests, deleted products, gift cards, EUR..."""
    orders = demo_invoices({None: CONTACT_ID} | _every_customer(CONTACT_ID))
    assert len(orders) >= 50
    assert _spec_errors("Invoices", [payload for _, payload in orders]) == []


def _every_customer(contact_id: str) -> dict[int | None, str]:
    return {c["id"]: contact_id for c in _demo()["shopify"]["customers"]}


def test_credit_note_payment_and_allocation_payloads_validate() -> None:
    """The document models the refund/payment work will use fit the spec too."""
    note = XeroCreditNote(
        contact=XeroContactRef(contact_id=CONTACT_ID),
        line_items=[
            XeroLineItem(
                description="Refund: Mug",
                quantity=Decimal(1),
                unit_amount=Decimal("12.00"),
                account_code="200",
                tax_type="OUTPUT2",
            )
        ],
        date=date(2026, 3, 2),
        credit_note_number="SHOP-1001-R1",
        reference="#1001",
        currency_code="GBP",
    )
    payment = XeroPayment(
        invoice=XeroDocumentRef(invoice_number="SHOP-1001"),
        account=XeroAccountRef(code="090"),
        date=date(2026, 3, 1),
        amount=Decimal("24.00"),
        reference="#1001.1",
    )
    refund = XeroPayment(
        credit_note=XeroDocumentRef(credit_note_id=CONTACT_ID),
        account=XeroAccountRef(code="090"),
        date=date(2026, 3, 2),
        amount=Decimal("12.00"),
    )
    allocation = XeroAllocation(
        invoice=XeroDocumentRef(invoice_id=CONTACT_ID),
        amount=Decimal("12.00"),
        date=date(2026, 3, 2),
    )
    assert _spec_errors("CreditNotes", [note.to_payload()]) == []
    assert _spec_errors("Payments", [payment.to_payload(), refund.to_payload()]) == []
    assert _spec_errors("Allocations", [allocation.to_payload()]) == []


@pytest.mark.parametrize("envelope", ["Contacts", "Items", "Invoices"])
def test_payloads_carry_no_float(envelope: str) -> None:
    """encode_json refuses floats, so a float anywhere would have failed above; pin it here."""
    with pytest.raises(ValueError, match="float"):
        encode_json({envelope: [{"X": 1.5}]})
