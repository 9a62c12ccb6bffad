"""Each awkward case the demo promises is really in it (found by looking at the records)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tests.seeds.conftest import NOW

from shopxero.sandbox.seeds.demo import broken_records


def _orders(demo: dict[str, Any]) -> list[dict[str, Any]]:
    return list(demo["shopify"]["orders"])


def _customers(demo: dict[str, Any]) -> list[dict[str, Any]]:
    return list(demo["shopify"]["customers"])


def _variants(demo: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for p in demo["shopify"]["products"] for v in p["variants"]]


def test_sizes(demo: dict[str, Any]) -> None:
    assert len(_customers(demo)) == 25
    assert len(demo["shopify"]["products"]) == 40
    assert len(_orders(demo)) == 60
    assert all(len(p["variants"]) >= 1 for p in demo["shopify"]["products"])
    assert sum(len(p["variants"]) > 1 for p in demo["shopify"]["products"]) >= 8


def test_uk_store_gbp_tax_inclusive(demo: dict[str, Any]) -> None:
    shop = demo["shopify"]["shop"]
    assert (shop["country_code"], shop["currency"], shop["taxes_included"]) == ("GB", "GBP", True)
    inclusive = [o["taxes_included"] for o in _orders(demo)]
    assert inclusive.count(True) > 50
    assert inclusive.count(False) >= 2


def test_two_customers_share_a_name(demo: dict[str, Any]) -> None:
    names = Counter((c["first_name"], c["last_name"]) for c in _customers(demo) if c["first_name"])
    assert names[("Oliver", "Smith")] == 2
    olivers = [c for c in _customers(demo) if c["first_name"] == "Oliver"]
    assert all(c["orders_count"] >= 1 for c in olivers)


def test_customers_without_email_or_name(demo: dict[str, Any]) -> None:
    no_email = [c for c in _customers(demo) if c["email"] is None]
    assert any(c["first_name"] for c in no_email)
    phone_only = [c for c in no_email if not c["first_name"] and not c["last_name"]]
    assert phone_only and phone_only[0]["phone"] and phone_only[0]["default_address"] is None
    company_only = [
        c for c in _customers(demo)
        if not c["first_name"] and c["default_address"] and c["default_address"]["company"]
    ]  # fmt: skip
    assert company_only


def test_non_latin_names(demo: dict[str, Any]) -> None:
    names = " ".join(f"{c['first_name']} {c['last_name']}" for c in _customers(demo))
    assert any("\u3040" <= ch <= "\u9fff" for ch in names)  # Japanese
    assert any("\u0370" <= ch <= "\u03ff" for ch in names)  # Greek
    assert any("\u0600" <= ch <= "\u06ff" for ch in names)  # Arabic


def test_awkward_skus(demo: dict[str, Any]) -> None:
    skus = [v["sku"] for v in _variants(demo)]
    assert "" in skus and None in skus
    counts = Counter(s for s in skus if s)
    assert any(n > 1 for n in counts.values())
    assert any(len(s) > 30 for s in counts)


def test_xero_records_the_tool_must_link(demo: dict[str, Any]) -> None:
    emails = {c["email"] for c in _customers(demo)}
    skus = {v["sku"] for v in _variants(demo)}
    hand_made = [c for c in demo["xero"]["contacts"] if c["EmailAddress"] in emails]
    assert len(hand_made) == 1 and "ContactNumber" not in hand_made[0]
    assert [i["Code"] for i in demo["xero"]["items"] if i["Code"] in skus] == ["TEA-EARL-100"]


def test_fixed_discount_split_with_penny_remainders(demo: dict[str, Any]) -> None:
    found = False
    for order in _orders(demo):
        for code in order["discount_codes"]:
            if code["type"] != "fixed_amount":
                continue
            shares = [Decimal(a["amount"]) for li in order["line_items"]
                      for a in li["discount_allocations"]]  # fmt: skip
            if len(shares) >= 3 and len(set(shares)) > 1:
                assert sum(shares) == Decimal(code["amount"]) == Decimal(order["total_discounts"])
                found = True
    assert found
    assert any(c["type"] == "percentage" for o in _orders(demo) for c in o["discount_codes"])


def test_free_and_paid_shipping(demo: dict[str, Any]) -> None:
    lines = [s for o in _orders(demo) for s in o["shipping_lines"]]
    assert any(s["price"] == "0.00" and not s["tax_lines"] for s in lines)
    assert any(Decimal(s["price"]) > 0 and s["tax_lines"] for s in lines)


def test_guest_checkout(demo: dict[str, Any]) -> None:
    guests = [o for o in _orders(demo) if o["customer"] is None]
    assert guests and guests[0]["email"] and guests[0]["billing_address"]


def test_line_of_a_deleted_product(demo: dict[str, Any]) -> None:
    lines = [li for o in _orders(demo) for li in o["line_items"] if not li["product_exists"]]
    assert lines
    assert lines[0]["variant_id"] is None and lines[0]["product_id"] is None
    assert lines[0]["title"] and lines[0]["price"]


def test_partial_full_and_repeated_refunds(demo: dict[str, Any]) -> None:
    statuses = Counter(o["financial_status"] for o in _orders(demo))
    assert statuses["partially_refunded"] >= 2 and statuses["refunded"] >= 1
    assert any(len(o["refunds"]) >= 2 for o in _orders(demo))
    with_shipping = [r for o in _orders(demo) for r in o["refunds"] if r["refund_shipping_lines"]]
    assert with_shipping and with_shipping[0]["order_adjustments"][0]["kind"] == "shipping_refund"
    full = next(o for o in _orders(demo) if o["financial_status"] == "refunded")
    assert full["current_total_price"] == "0.00"


def test_cancelled_pending_authorized_and_partially_paid(demo: dict[str, Any]) -> None:
    orders = _orders(demo)
    cancelled = [o for o in orders if o["cancelled_at"]]
    assert cancelled and cancelled[0]["cancel_reason"] == "customer"
    assert any(o["financial_status"] == "pending" and o["total_outstanding"] != "0.00"
               for o in orders)  # fmt: skip
    assert any(o["financial_status"] == "authorized" for o in orders)
    assert any(o["financial_status"] == "partially_paid" for o in orders)


def test_test_order(demo: dict[str, Any]) -> None:
    tests = [o for o in _orders(demo) if o["test"]]
    assert len(tests) == 1 and all(t["test"] for t in tests[0]["transactions"])


def test_gift_card_sale_and_redemption(demo: dict[str, Any]) -> None:
    sold = [li for o in _orders(demo) for li in o["line_items"] if li["gift_card"]]
    assert sold and not sold[0]["tax_lines"] and not sold[0]["discount_allocations"]
    assert any("gift_card" in o["payment_gateway_names"] for o in _orders(demo))


def test_order_in_another_presentment_currency(demo: dict[str, Any]) -> None:
    eur = [o for o in _orders(demo) if o["presentment_currency"] == "EUR"]
    assert eur and eur[0]["currency"] == "GBP"
    total = eur[0]["total_price_set"]
    assert total["shop_money"]["currency_code"] == "GBP"
    assert total["presentment_money"]["currency_code"] == "EUR"
    assert total["shop_money"]["amount"] != total["presentment_money"]["amount"]


def test_mixed_rates_zero_rated_and_reduced(demo: dict[str, Any]) -> None:
    rates = {t["rate"] for o in _orders(demo) for li in o["line_items"] for t in li["tax_lines"]}
    assert {0.2, 0.05} <= rates
    assert any(not li["taxable"] and not li["gift_card"]
               for o in _orders(demo) for li in o["line_items"])  # fmt: skip


def test_dates_spread_over_120_days_relative_to_now(demo: dict[str, Any]) -> None:
    processed = [datetime.fromisoformat(o["processed_at"]) for o in _orders(demo)]
    assert all(NOW - timedelta(days=121) < p < NOW for p in processed)
    assert sum(p < NOW - timedelta(days=60) for p in processed) >= 8
    numbers = [o["order_number"] for o in sorted(_orders(demo), key=lambda o: o["processed_at"])]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("seed_name", ["demo", "bench"])
def test_customers_exist_before_their_orders(
    seed_name: str, request: pytest.FixtureRequest
) -> None:
    seed = request.getfixturevalue(seed_name)
    customers = {c["id"]: c for c in seed["shopify"]["customers"]}
    for order in seed["shopify"]["orders"]:
        processed = datetime.fromisoformat(order["processed_at"])
        assert datetime.fromisoformat(order["updated_at"]) >= processed
        if order["customer"]:
            customer = customers[order["customer"]["id"]]
            assert datetime.fromisoformat(customer["created_at"]) <= processed
            assert datetime.fromisoformat(customer["updated_at"]) >= processed


def test_broken_records_are_few_and_documented(demo: dict[str, Any]) -> None:
    broken = broken_records(demo)
    assert [b["entity"] for b in broken] == ["order", "customer"]
    order = next(o for o in _orders(demo) if o["id"] == broken[0]["id"])
    assert {t["rate"] for t in order["tax_lines"]} == {0.23}
    xero_rates = {r["EffectiveRate"] for r in demo["xero"]["tax_rates"]}
    assert Decimal("23") not in xero_rates


def test_demo_is_deterministic_for_a_given_now(demo: dict[str, Any]) -> None:
    from shopxero.sandbox.seeds import load_seed

    assert load_seed("demo", now=NOW) == demo
