"""Property tests: hostile Shopify records through the real engine and both simulators.

The engine never crashes; every record is synced, skipped or queued with a message that names
the record; and the well-formed records sent in the same batches all reach Xero (a bad element
among 50 does not block the other 49). Issue 6, "Hostile and broken input".
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.hostile.harness import DEMO, Outcome, run_sync
from tests.hostile.strategies import Hostile, IdSource, customers, orders_from, products

from shopxero.shopify.models import to_decimal

# REST only: the hostile values are poisoned REST JSON, and many of them (a currency "0", a price
# " ") cannot exist behind GraphQL's typed schema (CurrencyCode, Decimal): the simulator refuses
# to serve them, as Shopify could never hold them. Hostile strings through GraphQL: test_targeted.
pytestmark = pytest.mark.one_api("rest")

HOSTILE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
GOOD_CUSTOMERS = DEMO["shopify"]["customers"]
GOOD_PRODUCTS = DEMO["shopify"]["products"]
# A small slice of the demo (its first ten orders, their customers and products) keeps each
# example to a few dozen requests; the 300-line order is pinned in test_targeted.
GOOD_ORDERS = DEMO["shopify"]["orders"][:10]
_VARIANTS = {li.get("variant_id") for o in GOOD_ORDERS for li in o["line_items"]}
_CUSTOMER_IDS = {(o.get("customer") or {}).get("id") for o in GOOD_ORDERS}
ORDER_CUSTOMERS = [c for c in GOOD_CUSTOMERS if c["id"] in _CUSTOMER_IDS]
ORDER_PRODUCTS = [p for p in GOOD_PRODUCTS if any(v["id"] in _VARIANTS for v in p["variants"])]


def _named(outcome: Outcome, resource: str, *keys: object) -> str:
    """The queue entries' label + message for the first key that has any; '' if none."""
    for key in keys:
        entries = outcome.queued_for(resource, key)
        if entries:
            return " | ".join(f"{q.label}: {q.message}" for q in entries)
    return ""


def _assert_no_crash(outcome: Outcome) -> None:
    assert outcome.report.status in ("ok", "failed_records"), outcome.report.message


def _assert_customer_accounted(outcome: Outcome, customer: dict[str, Any]) -> None:
    cid = customer["id"]
    if str(cid) in outcome.mapped["contact"]:
        return
    text = _named(outcome, "customers", cid)
    assert text, f"customer {cid} neither synced nor queued"
    assert str(cid) in text, text


def _assert_products_accounted(outcome: Outcome, product: dict[str, Any]) -> None:
    pid = product["id"]
    for variant in product.get("variants") or []:
        vid = variant["id"]
        if str(vid) in outcome.mapped["item"]:
            continue
        text = _named(outcome, "products", f"{pid}/{vid}")
        if text:  # the variant alone was refused: its entry names it
            assert str(vid) in text, text
            continue
        text = _named(outcome, "products", pid)  # the whole product could not be read
        assert text, f"product {pid} variant {vid} neither synced nor queued"
        assert str(pid) in text, text


@st.composite
def customer_batches(draw: st.DrawFn) -> list[Hostile]:
    ids = IdSource(7_900_000_000_001)
    return draw(st.lists(customers(ids), min_size=1, max_size=12))


@HOSTILE
@given(customer_batches())
def test_hostile_customers_never_crash_and_never_block_the_batch(
    batch: list[Hostile],
) -> None:
    hostile = [c for c, _ in batch]
    outcome = run_sync({"customers": [*GOOD_CUSTOMERS, *hostile]})
    _assert_no_crash(outcome)
    for customer in hostile:
        _assert_customer_accounted(outcome, customer)
    good_ids = {str(c["id"]) for c in GOOD_CUSTOMERS}
    assert good_ids <= outcome.mapped["contact"], [q.message for q in outcome.queued]
    # Xero itself never got a duplicate ContactNumber.
    numbers = [c.get("ContactNumber") for c in outcome.xero["contacts"] if c.get("ContactNumber")]
    assert len(numbers) == len(set(numbers))


@st.composite
def product_batches(draw: st.DrawFn) -> list[Hostile]:
    ids = IdSource(9_900_000_000_001)
    return draw(st.lists(products(ids), min_size=1, max_size=8))


@HOSTILE
@given(product_batches())
def test_hostile_products_never_crash_and_never_block_the_batch(
    batch: list[Hostile],
) -> None:
    hostile = [p for p, _ in batch]
    outcome = run_sync({"products": [*GOOD_PRODUCTS, *hostile]})
    _assert_no_crash(outcome)
    for product in hostile:
        _assert_products_accounted(outcome, product)
    good = {str(v["id"]) for p in GOOD_PRODUCTS for v in p["variants"]}
    assert good <= outcome.mapped["item"], [q.message for q in outcome.queued]
    codes = [i["Code"].casefold() for i in outcome.xero["items"]]
    assert len(codes) == len(set(codes))


def _money_field_named(poisoned: list[str], text: str) -> bool:
    leaves = {p.rsplit(".", 1)[-1] for p in poisoned}
    return any(leaf in text for leaf in leaves)


@HOSTILE
@given(product_batches())
def test_a_refused_product_names_a_poisoned_field(
    batch: list[Hostile],
) -> None:
    outcome = run_sync({"products": [p for p, _ in batch]})
    _assert_no_crash(outcome)
    for product, poisoned in batch:
        for variant in product.get("variants") or []:
            text = _named(outcome, "products", f"{product['id']}/{variant['id']}", product["id"])
            if not text:
                continue
            price = variant.get("price")
            try:
                to_decimal(price)
            except ValueError:
                assert "price" in text, text  # a malformed price is named as such
            else:
                if poisoned:
                    assert _money_field_named(poisoned, text) or "Xero" in text, text


@st.composite
def order_batches(draw: st.DrawFn) -> list[Hostile]:
    ids = IdSource(5_900_000_000_001)
    return draw(st.lists(orders_from(ids, GOOD_ORDERS), min_size=1, max_size=6))


def _invoice_numbers(outcome: Outcome) -> list[str]:
    return [i["InvoiceNumber"] for i in outcome.xero["invoices"]]


@settings(HOSTILE, max_examples=15)
@given(order_batches())
def test_hostile_orders_never_crash_and_never_block_the_batch(
    batch: list[Hostile],
) -> None:
    hostile = [o for o, _ in batch]
    clean = _clean_demo()
    outcome = run_sync(_demo_with_orders(hostile))
    _assert_no_crash(outcome)
    # Every order the demo syncs alone is still synced beside the hostile ones.
    assert clean.mapped["invoice"] <= outcome.mapped["invoice"], [q.message for q in outcome.queued]
    skipped_hostile = (
        outcome.report.counts["orders"]["skipped"] - (clean.report.counts["orders"]["skipped"])
    )
    unaccounted = 0
    for order in hostile:
        oid = order["id"]
        if str(oid) in outcome.mapped["invoice"]:
            continue
        text = _named(outcome, "orders", oid)
        if not text:
            unaccounted += 1  # must be one of the skipped (test, cancelled, unpaid...)
            continue
        assert str(oid) in text or str(order.get("name")) in text, text
    assert unaccounted == skipped_hostile
    numbers = _invoice_numbers(outcome)
    assert len(numbers) == len(set(numbers))


@functools.cache
def _clean_demo() -> Outcome:
    """The demo seed synced alone (deterministic: the seed is built once per session)."""
    return run_sync(_demo_with_orders([]))


def _demo_with_orders(extra: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        "customers": ORDER_CUSTOMERS,
        "products": ORDER_PRODUCTS,
        "orders": [*copy.deepcopy(GOOD_ORDERS), *extra],
    }


@HOSTILE
@given(customer_batches())
def test_one_hostile_customer_alone_takes_the_lookup_path_without_crashing(
    batch: list[Hostile],
) -> None:
    # A single new customer is looked up by number, email and name (no bulk read): the values
    # go into Xero `where` clauses, where NUL and line breaks cannot be written.
    customer = batch[0][0]
    outcome = run_sync({"customers": [customer]})
    _assert_no_crash(outcome)
    _assert_customer_accounted(outcome, customer)


@HOSTILE
@given(product_batches())
def test_one_hostile_variant_alone_takes_the_lookup_path_without_crashing(
    batch: list[Hostile],
) -> None:
    product = batch[0][0]
    product["variants"] = (product.get("variants") or [])[:1]
    outcome = run_sync({"products": [product]})
    _assert_no_crash(outcome)
    _assert_products_accounted(outcome, product)
