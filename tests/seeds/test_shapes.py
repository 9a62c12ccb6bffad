"""Seed records look like the vendors' own: Shopify keys/JSON types as in the fixtures, and the
Xero side valid against the spec's schemas."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from tests.seeds.spec_schemas import schema_errors
from tests.vendored import SHOPIFY_REST_FIXTURES

FIXTURES = SHOPIFY_REST_FIXTURES


def _fixture(name: str, *keys: str) -> dict[str, Any]:
    data: Any = json.loads((FIXTURES / name).read_text(encoding="utf-8"))["response"]
    for key in keys:
        data = data[key]
    return data[0] if isinstance(data, list) else data


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    return {str: "string", dict: "object", list: "array"}.get(type(value), "other")


def shape_problems(reference: Any, ours: Any, path: str = "") -> list[str]:
    """Keys of ``reference`` missing from ``ours`` and JSON types that differ (null matches any:
    every field Shopify fills may be null in another record)."""
    if reference is None or ours is None:
        return []
    if _json_type(reference) != _json_type(ours):
        return [f"{path}: {_json_type(ours)} where Shopify has {_json_type(reference)}"]
    if isinstance(reference, dict):
        problems = [f"{path}.{k}: missing" for k in reference if k not in ours]
        for key in reference:
            if key in ours:
                problems += shape_problems(reference[key], ours[key], f"{path}.{key}")
        return problems
    if isinstance(reference, list) and reference and ours:
        return shape_problems(reference[0], ours[0], f"{path}[0]")
    return []


def _all(seed: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return list(seed["shopify"][key])


def test_shop_has_the_fixture_shape(demo: dict[str, Any]) -> None:
    assert shape_problems(_fixture("shop_test_1.json", "shop"), demo["shopify"]["shop"]) == []


@pytest.mark.parametrize("seed_name", ["demo", "bench"])
def test_customers_have_the_fixture_shape(seed_name: str, request: pytest.FixtureRequest) -> None:
    seed = request.getfixturevalue(seed_name)
    reference = _fixture("customer_test_1.json", "customers")
    problems = {c["id"]: p for c in _all(seed, "customers") if (p := shape_problems(reference, c))}
    assert problems == {}


@pytest.mark.parametrize("seed_name", ["demo", "bench"])
def test_products_have_the_fixture_shape(seed_name: str, request: pytest.FixtureRequest) -> None:
    seed = request.getfixturevalue(seed_name)
    reference = _fixture("product_test_1.json", "products")
    reference = {k: v for k, v in reference.items() if k not in ("images", "image")}
    problems = {p["id"]: e for p in _all(seed, "products") if (e := shape_problems(reference, p))}
    assert problems == {}


@pytest.mark.parametrize("seed_name", ["demo", "bench"])
def test_orders_refunds_and_transactions_have_the_fixture_shape(
    seed_name: str, request: pytest.FixtureRequest
) -> None:
    seed = request.getfixturevalue(seed_name)
    order_ref = _fixture("order_test_8.json", "order")
    refund_ref = _fixture("refund_test_1.json", "refunds")
    tx_ref = _fixture("transaction_test_1.json", "transactions")
    problems: list[str] = []
    for order in _all(seed, "orders"):
        problems += shape_problems(order_ref, order, order["name"])
        for refund in order["refunds"]:
            problems += shape_problems(refund_ref, refund, f"{order['name']}.refund")
        for tx in order["transactions"]:
            problems += shape_problems(tx_ref, tx, f"{order['name']}.transaction")
    assert problems == []


def test_shape_check_notices_a_missing_key_and_a_wrong_type() -> None:
    reference = {"id": 1, "price": "1.00", "lines": [{"sku": "A"}]}
    assert shape_problems(reference, {"id": 1, "price": 1.0, "lines": [{}]}) == [
        ".price: number where Shopify has string",
        ".lines[0].sku: missing",
    ]


def test_seeds_are_json_serialisable(demo: dict[str, Any]) -> None:
    # The Xero side carries Decimals (exact numbers); everything else is plain JSON.
    json.dumps(demo["shopify"])
    json.dumps(demo["xero"], default=str)


@pytest.mark.parametrize(
    ("key", "schema"),
    [("contacts", "Contact"), ("items", "Item"), ("accounts", "Account"), ("tax_rates", "TaxRate")],
)
def test_demo_xero_records_validate_against_the_spec(
    demo: dict[str, Any], key: str, schema: str
) -> None:
    records = demo["xero"][key]
    assert records
    problems = [e for r in records for e in schema_errors(schema, r)]
    assert problems == []


def test_demo_xero_organisation_is_the_uk_default(demo: dict[str, Any]) -> None:
    org = demo["xero"]["organisation"]
    assert schema_errors("Organisation", org) == []
    assert (org["CountryCode"], org["BaseCurrency"]) == ("GB", "GBP")
