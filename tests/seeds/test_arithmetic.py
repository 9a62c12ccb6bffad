"""Every demo and bench order adds up like a real Shopify order (see ``invariants``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.seeds.invariants import order_problems


def test_every_demo_order_adds_up(demo: dict[str, Any]) -> None:
    problems = [p for o in demo["shopify"]["orders"] for p in order_problems(o)]
    assert problems == []


def test_every_bench_order_adds_up(bench: dict[str, Any]) -> None:
    problems = [p for o in bench["shopify"]["orders"] for p in order_problems(o)]
    assert problems == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("total_price_set", "shop_money", "amount"), "0.01"),
        (("total_tax_set", "presentment_money", "amount"), "999.99"),
        (("current_total_price_set", "shop_money", "amount"), "1234.56"),
        (("financial_status",), "voided"),
        (("total_outstanding",), "7.00"),
    ],
)
def test_the_checks_catch_a_wrong_figure(
    demo: dict[str, Any], path: tuple[str, ...], value: str
) -> None:
    order = copy.deepcopy(demo["shopify"]["orders"][0])
    assert order_problems(order) == []
    target = order
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert order_problems(order) != []


def test_the_checks_catch_a_wrong_line_tax(demo: dict[str, Any]) -> None:
    order = copy.deepcopy(next(o for o in demo["shopify"]["orders"] if o["total_tax"] != "0.00"))
    taxed = next(line for line in order["line_items"] if line["tax_lines"])
    taxed["tax_lines"][0]["price_set"]["shop_money"]["amount"] = "0.01"
    assert order_problems(order) != []


def test_customer_counters_match_their_orders(demo: dict[str, Any]) -> None:
    from decimal import Decimal

    orders = [o for o in demo["shopify"]["orders"] if o["customer"] and not o["test"]]
    for customer in demo["shopify"]["customers"]:
        own = [o for o in orders if o["customer"]["id"] == customer["id"]]
        assert customer["orders_count"] == len(own)
        spent = sum((Decimal(o["current_total_price"]) for o in own), Decimal(0))
        assert Decimal(customer["total_spent"]) == spent
