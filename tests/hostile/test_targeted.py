"""Hand-picked hostile records the property tests found or must always cover, pinned as examples.

Each one once crashed a run, or is a shape the issue names explicitly (hundreds of lines,
colliding SKUs, quotes and backslashes, NUL and right-to-left text).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tests.hostile.harness import DEMO, run_sync

from shopxero.sandbox.seeds.orders import IdSequence, LineSpec, OrderBuilder, OrderSpec, ShopContext

CUSTOMER = DEMO["shopify"]["customers"][0]
PRODUCT = DEMO["shopify"]["products"][0]
VARIANT = PRODUCT["variants"][0]


def _customer(cid: int, **fields: Any) -> dict[str, Any]:
    return {**copy.deepcopy(CUSTOMER), "id": cid, **fields}


def _product(pid: int, variants: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {**copy.deepcopy(PRODUCT), "id": pid, "variants": variants, **fields}


def _variant(vid: int, pid: int, **fields: Any) -> dict[str, Any]:
    return {**copy.deepcopy(VARIANT), "id": vid, "product_id": pid, **fields}


def test_a_lone_new_customer_with_nul_and_line_break_in_its_name_is_synced() -> None:
    # Found by the property tests: the name went into a Xero `where` lookup and the ValueError
    # for an unwritable literal stopped the whole run.
    customer = _customer(7_900_000_000_001, last_name="Smith\x00", email="o\nb@example.com")
    outcome = run_sync({"customers": [customer]})
    assert outcome.report.status == "ok", outcome.report.message
    assert outcome.mapped["contact"] == {"7900000000001"}


def test_a_lone_new_variant_with_a_nul_in_its_sku_is_synced_or_named() -> None:
    product = _product(9_900_000_000_001, [_variant(9_900_000_000_002, 9_900_000_000_001)])
    product["variants"][0]["sku"] = "TEA\x00\n"
    outcome = run_sync({"products": [product]})
    assert outcome.report.status in ("ok", "failed_records"), outcome.report.message
    if "9900000000002" not in outcome.mapped["item"]:
        [entry] = outcome.queued
        assert "9900000000002" in f"{entry.label} {entry.message}"


def test_an_absurd_price_is_refused_by_xero_naming_the_field_and_the_rest_goes_through() -> None:
    # Found by the property tests: 10**400 is a finite Decimal; the Xero simulator answered a 500
    # (quantize overflow) where Xero answers a validation error. Written out as a plain decimal
    # string: the exponent form "1e400" is refused before Xero (shopify-api-notes §5).
    pid = 9_900_000_000_001
    bad = _variant(9_900_000_000_002, pid, price="1" + "0" * 400 + ".00", sku="HUGE")
    good = _variant(9_900_000_000_003, pid, price="5.00", sku="FINE")
    outcome = run_sync({"products": [_product(pid, [bad, good])]})
    assert outcome.mapped["item"] == {"9900000000003"}
    [entry] = outcome.queued
    assert "UnitPrice" in entry.message and "9900000000002" in entry.label
    assert not entry.retryable


def test_quotes_backslashes_and_rtl_in_names_and_emails_round_trip_to_xero() -> None:
    names = [
        ("O'Brien", 'Say "hi"', "o'brien@example.com"),
        ("back\\slash", "\\u0000", "back\\slash@example.com"),
        ("\u202eevil\u202c", "מרים", None),
    ]
    records = [
        _customer(7_900_000_000_010 + i, first_name=f, last_name=la, email=e)
        for i, (f, la, e) in enumerate(names)
    ]
    outcome = run_sync({"customers": records})
    assert outcome.report.status in ("ok", "failed_records"), outcome.report.message
    by_number = {c["ContactNumber"]: c for c in outcome.xero["contacts"] if c.get("ContactNumber")}
    for record, (first, last, _) in zip(records, names, strict=True):
        contact = by_number[str(record["id"])]
        assert contact["Name"] == f"{first} {last}"  # stored exactly, escaping undone


def test_colliding_skus_never_share_a_code_in_xero() -> None:
    pid = 9_900_000_000_001
    skus = ["DUP-1", "dup-1", "DUP-1 ", "X" * 31, "X" * 31, ""]
    variants = [_variant(9_900_000_000_100 + i, pid, sku=s) for i, s in enumerate(skus)]
    outcome = run_sync({"products": [_product(pid, variants)]})
    assert outcome.report.status == "ok", [q.message for q in outcome.queued]
    assert len(outcome.mapped["item"]) == len(skus)
    codes = [i["Code"].strip().casefold() for i in outcome.xero["items"]]
    assert len(codes) == len(set(codes))


def test_an_order_with_three_hundred_lines_is_invoiced_to_the_penny() -> None:
    shop = ShopContext(
        currency="GBP", timezone="Europe/London", tax_title="GB VAT", tax_rate=Decimal("0.20")
    )
    products = DEMO["shopify"]["products"][:30]
    lines = [
        LineSpec(
            title=p["title"],
            price=Decimal(p["variants"][0]["price"]),
            quantity=1 + i % 3,
            sku=p["variants"][0]["sku"],
            product_id=p["id"],
            variant_id=p["variants"][0]["id"],
        )
        for i, p in enumerate(products * 10)
    ]
    spec = OrderSpec(
        number=1,
        processed_at=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
        lines=tuple(lines),
        customer=copy.deepcopy(CUSTOMER),
        email=CUSTOMER["email"],
    )
    order = OrderBuilder(shop, IdSequence(), domain="x.myshopify.com").build(spec)
    order.update(id=5_900_000_000_001, order_number=9001, name="#9001")
    outcome = run_sync(
        {"customers": [CUSTOMER], "products": DEMO["shopify"]["products"], "orders": [order]}
    )
    assert outcome.queued == [], [q.message for q in outcome.queued]
    [invoice] = [i for i in outcome.xero["invoices"] if i["InvoiceNumber"].endswith("9001")]
    assert len(invoice["LineItems"]) >= 300
    assert Decimal(str(invoice["Total"])) == Decimal(order["total_price"])


def test_one_order_claiming_an_unknown_currency_is_queued_and_the_run_goes_on() -> None:
    # Found by the property tests: in shop-currency mode one order with currency "XXX" raised a
    # ConfigError that stopped the whole run (as if the shop's own currency were missing).
    orders = copy.deepcopy(DEMO["shopify"]["orders"][:3])
    orders[0]["currency"] = "XXX"
    outcome = run_sync(
        {
            "customers": DEMO["shopify"]["customers"],
            "products": DEMO["shopify"]["products"],
            "orders": orders,
        }
    )
    assert outcome.report.status == "failed_records", outcome.report.message
    [entry] = outcome.queued
    assert entry.shopify_id == str(orders[0]["id"]) and "field currency" in entry.message
    assert {str(o["id"]) for o in orders[1:]} <= outcome.mapped["invoice"]
