"""Shopify models: every real 2026-07 fixture parses, nulls are tolerated, bad money is named."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.vendored import SHOPIFY_REST_FIXTURES

from shopxero.errors import MappingError
from shopxero.shopify.models import (
    parse_balance_transaction,
    parse_customer,
    parse_order,
    parse_payments_balance,
    parse_payout,
    parse_product,
    parse_refund,
    parse_shop,
    parse_transaction,
    parse_variant,
    to_decimal,
)

FIXTURES = SHOPIFY_REST_FIXTURES

PARSERS: dict[str, Callable[[Any], Any]] = {
    "customer": parse_customer,
    "customers": parse_customer,
    "order": parse_order,
    "orders": parse_order,
    "product": parse_product,
    "products": parse_product,
    "refund": parse_refund,
    "refunds": parse_refund,
    "transaction": parse_transaction,
    "transactions": parse_transaction,
    "variant": parse_variant,
    "variants": parse_variant,
    "balance_transactions": parse_balance_transaction,
    "shop": parse_shop,
    "payout": parse_payout,
    "payouts": parse_payout,
    "balance": parse_payments_balance,
}
# Shopify Payments' balance transactions also answer under "transactions" (shopify-api-notes §9).
BALANCE_TRANSACTION_FILES = ("payment_transaction_",)


def _records() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path in sorted(FIXTURES.glob("*.json")):
        response = json.loads(path.read_text(encoding="utf-8"))["response"]
        for key, value in response.items():
            if key not in PARSERS:
                continue  # {"count": n} bodies
            if key == "transactions" and path.stem.startswith(BALANCE_TRANSACTION_FILES):
                key = "balance_transactions"
            for index, record in enumerate(value if isinstance(value, list) else [value]):
                found.append((f"{path.stem}:{key}[{index}]", key, record))
    return found


RECORDS = _records()


def _fixture(name: str) -> dict[str, Any]:
    response = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["response"]
    value = next(iter(response.values()))
    return value[0] if isinstance(value, list) else value


def test_the_fixture_corpus_has_every_entity() -> None:
    """Guards the parametrised test below against an empty or moved fixture folder."""
    kinds = {key.rstrip("s") for _, key, _ in RECORDS}
    assert {"customer", "order", "product", "refund", "transaction", "variant", "shop"} <= kinds
    assert {"payout", "balance_transaction", "balance"} <= kinds


@pytest.mark.parametrize(("label", "key", "record"), RECORDS, ids=[r[0] for r in RECORDS])
def test_every_fixture_record_parses(label: str, key: str, record: dict[str, Any]) -> None:
    """Each customer/order/product/refund/transaction/variant/shop body in the fixtures parses."""
    model = PARSERS[key](record)
    assert getattr(model, "id", None) == record.get("id")


def test_order_money_is_exact_decimal_and_dates_are_aware() -> None:
    """Strings, JSON-number rates and refund subtotals all become exact Decimals
    (shopify-api-notes §5)."""
    order = parse_order(_fixture("order_test_1"))
    assert order.total_price == Decimal("598.94")
    assert order.tax_lines[0].rate == Decimal("0.06")  # a float in JSON, exact here
    assert [li.discount_total for li in order.line_items] == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    refund_line = order.refunds[0].refund_line_items[0]
    assert refund_line.subtotal == Decimal("195.66") and refund_line.total_tax == Decimal("3.98")
    assert order.processed_at is not None
    assert order.processed_at.utcoffset() == timedelta(hours=-5)
    assert order.customer is not None and order.customer.id == 207119551
    assert order.shipping_lines[0].amount_charged == Decimal("0.00")


def test_transaction_total_unsettled_uses_currency_key() -> None:
    """``total_unsettled_set`` says ``currency``, not ``currency_code`` (shopify-api-notes §5)."""
    from shopxero.shopify.models import MoneySet

    bag = MoneySet.model_validate({"shop_money": {"amount": "348.0", "currency": "USD"}})
    assert bag.shop_money is not None and bag.shop_money.code == "USD"


def test_fields_filtered_bodies_parse() -> None:
    """``fields=id,email`` answers carry almost nothing; only ``id`` is required."""
    customer = parse_customer({"id": 1, "email": None})
    assert customer.addresses == [] and customer.first_name is None
    order = parse_order({"id": 2, "name": "#1", "total_price": "1.00"})
    assert order.line_items == [] and order.customer is None and order.test is False


def test_guest_order_and_deleted_product_line_parse() -> None:
    """``customer: null`` and a line whose variant/product were deleted (shopify-api-notes §8 #4,
    #6)."""
    order = parse_order(
        {
            "id": 3,
            "customer": None,
            "line_items": [
                {
                    "id": 9,
                    "variant_id": None,
                    "product_id": None,
                    "sku": None,
                    "price": "5.00",
                    "quantity": 1,
                    "product_exists": False,
                    "tax_lines": None,
                    "discount_allocations": None,
                },
            ],
        }
    )
    assert order.customer is None
    assert order.line_items[0].variant_id is None and order.line_items[0].tax_lines == []


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"id": 7, "line_items": [{}, {}, {"price": "12,00"}]}, "line_items.2.price"),
        ({"id": 7, "total_price": "abc"}, "total_price"),
        ({"id": 7, "total_price": True}, "total_price"),
        ({"id": 7, "total_price": "NaN"}, "total_price"),
        (
            {"id": 7, "refunds": [{"id": 1, "refund_line_items": [{"subtotal": "x"}]}]},
            "refunds.0.refund_line_items.0.subtotal",
        ),
        (
            {"id": 7, "shipping_lines": [{"tax_lines": [{"rate": "twenty"}]}]},
            "shipping_lines.0.tax_lines.0.rate",
        ),
    ],
)
def test_malformed_money_names_the_record_and_field(raw: dict[str, Any], field: str) -> None:
    """A bad amount is a MappingError with the Shopify id and the dotted path of the field."""
    with pytest.raises(MappingError) as caught:
        parse_order(raw)
    assert caught.value.entity == "order"
    assert caught.value.source_id == "7"
    assert caught.value.field == field
    assert "order 7 field " + field in str(caught.value)


def test_missing_id_and_naive_datetime_are_errors() -> None:
    """No id, or a timestamp without an offset, cannot be trusted."""
    with pytest.raises(MappingError) as no_id:
        parse_customer({"email": "a@b.co"})
    assert no_id.value.field == "id"
    with pytest.raises(MappingError) as naive:
        parse_product({"id": 5, "updated_at": "2026-01-01T10:00:00"})
    assert naive.value.field == "updated_at" and naive.value.source_id == "5"


def test_non_object_is_an_error() -> None:
    """A list where a record should be is reported, not crashed on."""
    with pytest.raises(MappingError):
        parse_order([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("199.00", "199.00"), (0.06, "0.06"), (195.66, "195.66"), (3, "3"), ("-1.5", "-1.5")],
)
def test_to_decimal_goes_through_str(value: object, expected: str) -> None:
    """Floats go through ``str()``: Decimal(0.06) would be 0.0599999...; we keep 0.06."""
    assert str(to_decimal(value)) == expected


# ----------------------------------------------------------------- nulls anywhere (hypothesis)

FULL = {
    "order": _fixture("order_test_1"),
    "customer": _fixture("customer_test_12"),
    "product": _fixture("product_test_1"),
    "refund": _fixture("refund_test_4"),
    "transaction": _fixture("transaction_test_8"),
}
PARSE = {
    "order": parse_order,
    "customer": parse_customer,
    "product": parse_product,
    "refund": parse_refund,
    "transaction": parse_transaction,
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*prefix, key))
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*prefix, index)))
    return out


# Record ids (the order's, an embedded customer's, a variant's, a refund's) are never null in
# Shopify's answers, and without one a record cannot be mapped: those stay required.
PATHS = {kind: [p for p in _paths(raw) if p[-1] != "id"] for kind, raw in FULL.items()}


def _nulled(raw: Any, paths: list[tuple[Any, ...]]) -> Any:
    data = json.loads(json.dumps(raw))
    for path in paths:
        target = data
        try:
            for part in path[:-1]:
                target = target[part]
            if isinstance(target, dict) and path[-1] in target:
                target[path[-1]] = None
        except (KeyError, IndexError, TypeError):
            continue  # an ancestor was already nulled
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(sorted(FULL)))
def test_null_in_any_optional_field_is_accepted(data: st.DataObject, kind: str) -> None:
    """Shopify may send null for any key but a record's ``id``: the record still parses."""
    chosen = data.draw(st.lists(st.sampled_from(PATHS[kind]), min_size=1, max_size=25))
    PARSE[kind](_nulled(FULL[kind], chosen))


@pytest.mark.parametrize("kind", sorted(FULL))
def test_every_key_null_at_once_is_accepted(kind: str) -> None:
    """The extreme case: every key except the top-level id is null."""
    PARSE[kind](_nulled(FULL[kind], PATHS[kind]))
