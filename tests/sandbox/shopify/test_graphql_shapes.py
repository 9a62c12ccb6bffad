"""GraphQL and REST agree: every demo order, customer and product read through GraphQL says
what the REST endpoints say of the same record, amounts to the cent in both currencies (one
seed serves both APIs, so a client may switch between them)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from tests.sandbox.shopify.graphql_helpers import DEMO_TOKEN, demo_sandbox, graphql
from tests.sandbox.shopify.helpers import client_for

pytestmark = pytest.mark.anyio

MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"
ORDER = f"""
query($id: ID!) {{ order(id: $id) {{
  id legacyResourceId name createdAt updatedAt processedAt cancelledAt
  displayFinancialStatus currencyCode presentmentCurrencyCode taxesIncluded email
  totalPriceSet {{ {MONEY} }} subtotalPriceSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }}
  totalDiscountsSet {{ {MONEY} }} totalShippingPriceSet {{ {MONEY} }}
  currentTotalPriceSet {{ {MONEY} }} currentTotalTaxSet {{ {MONEY} }}
  customer {{ id email }}
  taxLines {{ title rate priceSet {{ {MONEY} }} }}
  discountCodes
  lineItems(first: 20) {{ nodes {{
    id name sku quantity currentQuantity taxable
    originalUnitPriceSet {{ {MONEY} }} totalDiscountSet {{ {MONEY} }}
    taxLines {{ title rate priceSet {{ {MONEY} }} }}
    discountAllocations {{ allocatedAmountSet {{ {MONEY} }}
      discountApplication {{ index ... on DiscountCodeApplication {{ code }} }} }}
    duties {{ id price {{ {MONEY} }} }}
    variant {{ id }} product {{ id }}
  }} }}
  shippingLines(first: 5) {{ nodes {{
    title code originalPriceSet {{ {MONEY} }} discountedPriceSet {{ {MONEY} }}
    taxLines {{ rate priceSet {{ {MONEY} }} }}
  }} }}
  transactions {{ id kind status gateway processedAt parentTransaction {{ id }}
    amountSet {{ {MONEY} }} }}
  refunds {{ id note createdAt
    refundLineItems(first: 20) {{ nodes {{ quantity restockType lineItem {{ id }}
      subtotalSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }} }} }}
    refundShippingLines(first: 5) {{ nodes {{ subtotalAmountSet {{ {MONEY} }} }} }}
    orderAdjustments(first: 5) {{ nodes {{ amountSet {{ {MONEY} }} taxAmountSet {{ {MONEY} }} }} }}
    transactions(first: 10) {{ nodes {{ id kind amountSet {{ {MONEY} }} }} }}
  }}
}} }}"""


def money_of(rest_set: dict[str, Any]) -> tuple[Decimal, str, Decimal, str]:
    shop, presentment = rest_set["shop_money"], rest_set["presentment_money"]
    return (
        Decimal(shop["amount"]),
        shop.get("currency_code") or shop["currency"],
        Decimal(presentment["amount"]),
        presentment.get("currency_code") or presentment["currency"],
    )


def bag_of(bag: dict[str, Any]) -> tuple[Decimal, str, Decimal, str]:
    shop, presentment = bag["shopMoney"], bag["presentmentMoney"]
    return (
        Decimal(shop["amount"]),
        shop["currencyCode"],
        Decimal(presentment["amount"]),
        presentment["currencyCode"],
    )


def same_instant(graphql_time: str, rest_time: str) -> bool:
    assert graphql_time.endswith("Z"), graphql_time  # GraphQL's DateTime is UTC
    return datetime.fromisoformat(graphql_time) == datetime.fromisoformat(rest_time)


async def rest(client: httpx.AsyncClient, path: str) -> Any:
    response = await client.get(f"/admin/api/2026-10/{path}", headers=DEMO_TOKEN)
    assert response.status_code == 200, response.text
    return response.json()


def check_line(line: dict[str, Any], rest_line: dict[str, Any]) -> None:
    assert line["id"] == f"gid://shopify/LineItem/{rest_line['id']}"
    assert (line["name"], line["sku"], line["quantity"]) == (
        rest_line["name"],
        rest_line["sku"],
        rest_line["quantity"],
    )
    assert line["currentQuantity"] == rest_line["current_quantity"]
    assert bag_of(line["originalUnitPriceSet"]) == money_of(rest_line["price_set"])
    assert bag_of(line["totalDiscountSet"]) == money_of(rest_line["total_discount_set"])
    assert [(t["title"], t["rate"], bag_of(t["priceSet"])) for t in line["taxLines"]] == [
        (t["title"], t["rate"], money_of(t["price_set"])) for t in rest_line["tax_lines"]
    ]
    assert [bag_of(a["allocatedAmountSet"]) for a in line["discountAllocations"]] == [
        money_of(a["amount_set"]) for a in rest_line["discount_allocations"]
    ]
    assert [a["discountApplication"]["index"] for a in line["discountAllocations"]] == [
        a["discount_application_index"] for a in rest_line["discount_allocations"]
    ]
    assert [bag_of(d["price"]) for d in line["duties"]] == [
        money_of(d["price_set"]) for d in rest_line["duties"]
    ]
    if rest_line.get("variant_id"):
        assert line["variant"]["id"] == f"gid://shopify/ProductVariant/{rest_line['variant_id']}"


def check_transactions(order: dict[str, Any], rest_txs: list[dict[str, Any]]) -> None:
    assert [t["id"] for t in order["transactions"]] == [
        f"gid://shopify/OrderTransaction/{t['id']}" for t in rest_txs
    ]
    for tx, rest_tx in zip(order["transactions"], rest_txs, strict=True):
        assert (tx["kind"], tx["status"], tx["gateway"]) == (
            rest_tx["kind"].upper(),
            rest_tx["status"].upper(),
            rest_tx["gateway"],
        )
        presentment = tx["amountSet"]["presentmentMoney"]
        assert (Decimal(presentment["amount"]), presentment["currencyCode"]) == (
            Decimal(rest_tx["amount"]),
            rest_tx["currency"],
        )
        if order["currencyCode"] == order["presentmentCurrencyCode"]:
            assert tx["amountSet"]["shopMoney"] == presentment
        parent = tx["parentTransaction"]
        assert (parent["id"] if parent else None) == (
            f"gid://shopify/OrderTransaction/{rest_tx['parent_id']}"
            if rest_tx["parent_id"]
            else None
        )


def check_refunds(order: dict[str, Any], rest_refunds: list[dict[str, Any]]) -> None:
    assert [r["id"] for r in order["refunds"]] == [
        f"gid://shopify/Refund/{r['id']}" for r in rest_refunds
    ]
    for refund, rest_refund in zip(order["refunds"], rest_refunds, strict=True):
        assert refund["note"] == rest_refund["note"]
        lines = refund["refundLineItems"]["nodes"]
        assert [
            (
                li["quantity"],
                li["lineItem"]["id"],
                bag_of(li["subtotalSet"]),
                bag_of(li["totalTaxSet"]),
            )
            for li in lines
        ] == [
            (
                li["quantity"],
                f"gid://shopify/LineItem/{li['line_item_id']}",
                money_of(li["subtotal_set"]),
                money_of(li["total_tax_set"]),
            )
            for li in rest_refund["refund_line_items"]
        ]
        assert [bag_of(s["subtotalAmountSet"]) for s in refund["refundShippingLines"]["nodes"]] == [
            money_of(s["subtotal_amount_set"]) for s in rest_refund.get("refund_shipping_lines", [])
        ]
        assert [
            (bag_of(a["amountSet"]), bag_of(a["taxAmountSet"]))
            for a in refund["orderAdjustments"]["nodes"]
        ] == [
            (money_of(a["amount_set"]), money_of(a["tax_amount_set"]))
            for a in rest_refund["order_adjustments"]
        ]
        assert [t["id"] for t in refund["transactions"]["nodes"]] == [
            f"gid://shopify/OrderTransaction/{t['id']}" for t in rest_refund["transactions"]
        ]


async def test_every_demo_order_reads_the_same_through_both_apis() -> None:
    # This test is about shapes, not the throttles.
    sandbox = demo_sandbox(graphql_bucket=10**9, bucket_size=10**6)
    async with client_for(sandbox) as c:
        rest_orders = (await rest(c, "orders.json?status=any&limit=250"))["orders"]
        assert len(rest_orders) == 60
        for rest_order in rest_orders:
            body = await graphql(c, ORDER, {"id": rest_order["admin_graphql_api_id"]})
            assert "errors" not in body, body["errors"]
            order = body["data"]["order"]
            txs = (await rest(c, f"orders/{rest_order['id']}/transactions.json"))["transactions"]
            assert order["legacyResourceId"] == str(rest_order["id"])
            assert order["name"] == rest_order["name"]
            assert same_instant(order["createdAt"], rest_order["created_at"])
            assert same_instant(order["updatedAt"], rest_order["updated_at"])
            assert order["displayFinancialStatus"] == rest_order["financial_status"].upper()
            assert order["currencyCode"] == rest_order["currency"]
            assert order["presentmentCurrencyCode"] == rest_order["presentment_currency"]
            for field, rest_field in [
                ("totalPriceSet", "total_price_set"),
                ("subtotalPriceSet", "subtotal_price_set"),
                ("totalTaxSet", "total_tax_set"),
                ("totalDiscountsSet", "total_discounts_set"),
                ("totalShippingPriceSet", "total_shipping_price_set"),
                ("currentTotalPriceSet", "current_total_price_set"),
                ("currentTotalTaxSet", "current_total_tax_set"),
            ]:
                assert bag_of(order[field]) == money_of(rest_order[rest_field]), field
            assert [(t["title"], t["rate"], bag_of(t["priceSet"])) for t in order["taxLines"]] == [
                (t["title"], t["rate"], money_of(t["price_set"])) for t in rest_order["tax_lines"]
            ]
            assert order["discountCodes"] == [d["code"] for d in rest_order["discount_codes"]]
            customer = rest_order.get("customer")
            assert (order["customer"] or {}).get("email") == (customer or {}).get("email")
            lines = order["lineItems"]["nodes"]
            assert len(lines) == len(rest_order["line_items"])
            for line, rest_line in zip(lines, rest_order["line_items"], strict=True):
                check_line(line, rest_line)
            shipping = order["shippingLines"]["nodes"]
            assert [
                (s["title"], bag_of(s["originalPriceSet"]), bag_of(s["discountedPriceSet"]))
                for s in shipping
            ] == [
                (s["title"], money_of(s["price_set"]), money_of(s["discounted_price_set"]))
                for s in rest_order["shipping_lines"]
            ]
            check_transactions(order, txs)
            check_refunds(order, rest_order["refunds"])


async def test_customers_and_products_read_the_same_through_both_apis() -> None:
    customers_query = """{ customers(first: 100) { nodes { id legacyResourceId firstName lastName
        email phone state taxExempt tags createdAt numberOfOrders
        amountSpent { amount currencyCode }
        defaultAddress { address1 city zip countryCodeV2 provinceCode } } } }"""
    products_query = """query($after: String) { products(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor } nodes { id title handle vendor productType status
        tags variantsCount { count } variants(first: 15) { nodes { id title sku price
        compareAtPrice taxable position inventoryItem { requiresShipping } } } } } }"""
    async with client_for(demo_sandbox()) as c:
        rest_customers = (await rest(c, "customers.json?limit=250"))["customers"]
        rest_products = (await rest(c, "products.json?limit=250"))["products"]
        customers = (await graphql(c, customers_query))["data"]["customers"]["nodes"]
        products: list[dict[str, Any]] = []
        after = None
        while True:
            page = (await graphql(c, products_query, {"after": after}))["data"]["products"]
            products += page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    assert [c["id"] for c in customers] == [c["admin_graphql_api_id"] for c in rest_customers]
    for customer, rest_customer in zip(customers, rest_customers, strict=True):
        assert (
            customer["firstName"],
            customer["lastName"],
            customer["email"],
            customer["phone"],
        ) == (
            rest_customer["first_name"],
            rest_customer["last_name"],
            rest_customer["email"],
            rest_customer["phone"],
        )
        assert customer["state"] == rest_customer["state"].upper()
        assert customer["numberOfOrders"] == str(rest_customer["orders_count"])
        assert Decimal(customer["amountSpent"]["amount"]) == Decimal(rest_customer["total_spent"])
        address = rest_customer.get("default_address")
        if address:
            assert (
                customer["defaultAddress"]["address1"],
                customer["defaultAddress"]["zip"],
                customer["defaultAddress"]["countryCodeV2"],
            ) == (address["address1"], address["zip"], address["country_code"])
    assert [p["id"] for p in products] == [p["admin_graphql_api_id"] for p in rest_products]
    for product, rest_product in zip(products, rest_products, strict=True):
        assert (product["title"], product["handle"], product["vendor"]) == (
            rest_product["title"],
            rest_product["handle"],
            rest_product["vendor"],
        )
        assert product["status"] == rest_product["status"].upper()
        assert product["variantsCount"]["count"] == len(rest_product["variants"])
        for variant, rest_variant in zip(
            product["variants"]["nodes"], rest_product["variants"], strict=True
        ):
            assert variant["id"] == rest_variant["admin_graphql_api_id"]
            assert (variant["sku"], variant["title"], variant["taxable"]) == (
                rest_variant["sku"],
                rest_variant["title"],
                rest_variant["taxable"],
            )
            assert Decimal(variant["price"]) == Decimal(rest_variant["price"])
            assert variant["inventoryItem"]["requiresShipping"] == rest_variant["requires_shipping"]
