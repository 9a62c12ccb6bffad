"""load_seed: names, bench sizes, JSON files with defaults filled in, and clear errors."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.seeds.conftest import BENCH_SPEC, NOW

from shopxero.errors import ConfigError
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.bench import parse_bench_spec
from shopxero.sandbox.seeds.xero_defaults import default_accounts, default_organisation


def test_bench_sizes_are_parsed_with_defaults() -> None:
    assert parse_bench_spec("bench") == {"customers": 2000, "products": 300, "orders": 5000}
    assert parse_bench_spec("bench:orders=10, customers=3") == {
        "customers": 3, "products": 300, "orders": 10,
    }  # fmt: skip


def test_bench_history_keys_shorten_the_history_and_pay_out_weekly() -> None:
    assert parse_bench_spec("bench:orders=20,days=60,payday=1") == {
        "customers": 2000, "products": 300, "orders": 20, "days": 60, "payday": 1,
    }  # fmt: skip
    seed = load_seed("bench:customers=40,products=10,orders=80,days=60,payday=1", now=NOW)
    shopify = seed["shopify"]
    oldest = min(datetime.fromisoformat(o["processed_at"]) for o in shopify["orders"])
    assert NOW - oldest <= timedelta(days=60)
    paid_on = {datetime.fromisoformat(p["date"]).weekday() for p in shopify["payouts"]}
    assert paid_on == {1}, paid_on
    # Without the keys, the same sizes keep three years of daily payouts.
    daily = load_seed("bench:customers=40,products=10,orders=80", now=NOW)["shopify"]
    assert len(daily["payouts"]) > 3 * len(shopify["payouts"])


@pytest.mark.parametrize(
    "spec",
    [
        "bench:orders=0",
        "bench:widgets=3",
        "bench:orders",
        "bench:x=y",
        "bench:days=0",
        "bench:payday=5",
        "bench:payday=x",
    ],
)
def test_bad_bench_sizes_are_config_errors(spec: str) -> None:
    with pytest.raises(ConfigError, match="bench"):
        load_seed(spec)


def test_bench_has_the_requested_sizes_and_is_deterministic(bench: dict[str, Any]) -> None:
    shopify = bench["shopify"]
    assert (len(shopify["customers"]), len(shopify["products"]), len(shopify["orders"])) == (
        300, 60, 1200,
    )  # fmt: skip
    assert all(len(p["variants"]) == 3 for p in shopify["products"])
    assert load_seed(BENCH_SPEC, now=NOW) == bench


def test_bench_has_the_same_kinds_of_records_as_the_demo(bench: dict[str, Any]) -> None:
    orders = bench["shopify"]["orders"]
    statuses = Counter(o["financial_status"] for o in orders)
    assert {"paid", "partially_refunded", "refunded", "pending"} <= set(statuses)
    assert any(o["test"] for o in orders)
    assert any(o["cancelled_at"] for o in orders)
    assert any(o["customer"] is None for o in orders)
    assert any(not o["taxes_included"] for o in orders)
    assert any(o["presentment_currency"] == "EUR" for o in orders)
    # Additional fees: some given back by a refund, some kept.
    charged = [o for o in orders if o["original_total_additional_fees_set"]]
    given_back = [any(r["additional_fees"] for r in o["refunds"]) for o in charged]
    assert any(given_back) and not all(given_back)
    lines = [li for o in orders for li in o["line_items"]]
    assert any(li["gift_card"] for li in lines) and any(not li["product_exists"] for li in lines)
    skus = [v["sku"] for p in bench["shopify"]["products"] for v in p["variants"]]
    assert "" in skus and None in skus and any(s and len(s) > 30 for s in skus)
    assert any(n > 1 for s, n in Counter(skus).items() if s)
    people = bench["shopify"]["customers"]
    assert any(c["email"] is None for c in people)
    names = Counter((c["first_name"], c["last_name"]) for c in people if c["first_name"])
    assert max(names.values()) > 1


def test_default_bench_size_has_the_documented_counts() -> None:
    """Sizes, not seconds: speed lives in bench/, never as a timed assertion in tests."""
    seed = load_seed("bench", now=NOW)
    assert len(seed["shopify"]["orders"]) == 5000
    assert len(seed["shopify"]["customers"]) == 2000
    variants = sum(len(p["variants"]) for p in seed["shopify"]["products"])
    assert variants == 900


def test_json_file_is_completed_from_the_shops_country(tmp_path: Path) -> None:
    customer = {"id": 1, "email": "a@example.com", "first_name": "A", "last_name": "B"}
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({
        "shopify": {"shop": {"id": 9, "country_code": "AU", "currency": "AUD"},
                    "customers": [customer]},
        "xero": {"items": [{"Code": "X", "SalesDetails": {"UnitPrice": 1.10}}]},
    }), encoding="utf-8")  # fmt: skip
    seed = load_seed(str(path))
    assert seed["shopify"]["customers"] == [customer]
    assert seed["shopify"]["products"] == [] and seed["shopify"]["orders"] == []
    assert seed["xero"]["organisation"] == default_organisation("AU")
    assert seed["xero"]["accounts"] == default_accounts("AU")
    assert {r["TaxType"] for r in seed["xero"]["tax_rates"]} >= {"OUTPUT", "EXEMPTOUTPUT"}
    assert seed["xero"]["contacts"] == []
    # Xero numbers become Decimal, never float; the Shopify part stays plain JSON.
    assert seed["xero"]["items"][0]["SalesDetails"]["UnitPrice"] == Decimal("1.10")
    assert isinstance(seed["xero"]["items"][0]["SalesDetails"]["UnitPrice"], Decimal)


def test_json_file_shopify_numbers_stay_plain_json(tmp_path: Path) -> None:
    # The Shopify sandbox serves the seed as JSON; refund subtotals and tax rates are JSON
    # numbers on Shopify's wire (shopify-api-notes §5), so they stay JSON-serialisable numbers here.
    order = {"id": 5, "tax_lines": [{"rate": 0.2, "price": "1.00", "title": "VAT"}]}
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"shopify": {"orders": [order]}}), encoding="utf-8")
    seed = load_seed(str(path))
    assert seed["shopify"]["orders"] == [order]
    json.dumps(seed["shopify"])


def test_json_file_without_a_shop_gets_a_uk_shop(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("{}", encoding="utf-8")
    seed = load_seed(str(path))
    assert seed["shopify"]["shop"]["country_code"] == "GB"
    assert seed["xero"]["organisation"]["BaseCurrency"] == "GBP"


def test_json_file_keeps_what_it_gives(tmp_path: Path) -> None:
    org = {"OrganisationID": "00000000-0000-0000-0000-000000000001", "Name": "Mine",
           "CountryCode": "NZ", "BaseCurrency": "NZD"}  # fmt: skip
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"xero": {"organisation": org}}), encoding="utf-8")
    assert load_seed(str(path))["xero"]["organisation"] == org


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a readable JSON file"),
        ("[1, 2]", "top level must be an object"),
        ('{"shopfy": {}}', "unknown top-level keys"),
        ('{"shopify": {"orders": {}}}', "shopify.orders must be a list"),
        ('{"shopify": {"shop": {"country_code": "DE"}}}', "shopify.shop.country_code"),
    ],
)
def test_bad_json_files_are_config_errors_naming_the_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_seed(str(path))
    assert str(path) in str(caught.value)


def test_unknown_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="neither a seed name"):
        load_seed("demos")


def test_dict_seeds_are_completed_too() -> None:
    seed = load_seed({"shopify": {"shop": {"country_code": "US"}}})
    assert seed["xero"]["organisation"]["BaseCurrency"] == "USD"


@pytest.mark.parametrize("spec", ["demo", "bench:customers=50,products=10,orders=400"])
def test_no_seed_record_is_dated_after_its_now(spec: str) -> None:
    """A recent order's refund "days later" once fell in the future (order 400 of this bench
    size among them), with its order's ``updated_at``: no real shop holds that, and every
    incremental run read the order again as changed."""
    shop = load_seed(spec, now=NOW)["shopify"]
    future = [
        (order["id"], key, moment)
        for order in shop["orders"]
        for key, moment in [
            *((k, order.get(k)) for k in ("created_at", "processed_at", "updated_at")),
            *(("refund", r["created_at"]) for r in order.get("refunds") or []),
            *(
                ("refund transaction", t.get("processed_at"))
                for r in order.get("refunds") or []
                for t in r.get("transactions") or []
            ),
        ]
        if moment and datetime.fromisoformat(moment) > NOW
    ]
    future += [
        (b["id"], "balance transaction", b["processed_at"])
        for b in shop.get("balance_transactions") or []
        if datetime.fromisoformat(b["processed_at"]) > NOW
    ]
    assert future == []
