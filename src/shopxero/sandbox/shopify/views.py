"""How stored records look on the wire, where REST differs from the stored (seed) shape.

- An order's JSON has ``refunds`` but not ``transactions``: those come only from
  ``orders/{id}/transactions.json`` (shopify-api-notes §5 and the 2026-07 fixtures).
- The ``customer`` embedded in an order has no ``orders_count``, ``total_spent``,
  ``last_order_id``, ``last_order_name`` since 2022-04 (shopify-api-notes §5), and no ``addresses``
  (the 2026-07 order fixture has only ``default_address``).
- A product shows at most 100 variants: "The REST API won't return more than 100 variants for
  each product" (shopify-api-notes §1).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_REST_VARIANTS", "customer_view", "order_view", "product_view", "view"]

Record = dict[str, Any]

MAX_REST_VARIANTS = 100
_NOT_IN_EMBEDDED_CUSTOMER = frozenset(
    {"orders_count", "total_spent", "last_order_id", "last_order_name", "addresses"}
)


def order_view(order: Record) -> Record:
    out = {k: v for k, v in order.items() if k != "transactions"}
    customer = out.get("customer")
    if isinstance(customer, dict):
        out["customer"] = {k: v for k, v in customer.items() if k not in _NOT_IN_EMBEDDED_CUSTOMER}
    return out


def product_view(product: Record) -> Record:
    variants = product.get("variants")
    if isinstance(variants, list) and len(variants) > MAX_REST_VARIANTS:
        return {**product, "variants": variants[:MAX_REST_VARIANTS]}
    return product


def customer_view(customer: Record) -> Record:
    return customer


def view(kind: str, record: Record) -> Record:
    if kind == "orders":
        return order_view(record)
    if kind == "products":
        return product_view(record)
    return customer_view(record)
