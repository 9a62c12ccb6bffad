"""A day's increment for the benchmark: new orders, new customers and one changed product.

Built from the shop's current records (``GET /_sandbox/state``) so the new records have the shapes
the seed gives: new ids, new order numbers, processed "now" on the sandbox clock, and paid. The
same shop state and the same ``now`` give the same records, so both strategies get the same day.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

__all__ = ["day_increment"]


def day_increment(
    shop: dict[str, Any],
    now: datetime,
    *,
    orders: int = 10,
    customers: int = 2,
    products: int = 1,
) -> dict[str, list[dict[str, Any]]]:
    """The ``POST /_sandbox/records`` body: ``orders`` new orders (half of them, at least one,
    by the ``customers`` new customers when there are any) and ``products`` products renamed."""
    stamp = now.isoformat(timespec="seconds")
    old_customers = sorted(shop["customers"], key=lambda c: int(c["id"]))
    next_id = max(int(c["id"]) for c in old_customers) + 1
    new_customers: list[dict[str, Any]] = []
    for n in range(customers):
        c = copy.deepcopy(old_customers[n % len(old_customers)])
        c.update(
            id=next_id + n,
            admin_graphql_api_id=f"gid://shopify/Customer/{next_id + n}",
            first_name=f"New{n + 1}",
            last_name="Customer",
            email=f"new.customer{n + 1}.{next_id}@bench.example",
            phone=None,
            created_at=stamp,
            orders_count=0,
            total_spent="0.00",
            last_order_id=None,
            last_order_name=None,
        )
        for address in [*(c.get("addresses") or []), c.get("default_address") or {}]:
            if address:
                address["customer_id"] = c["id"]
                address["first_name"], address["last_name"] = c["first_name"], "Customer"
                address["name"] = f"{c['first_name']} Customer"
        new_customers.append(c)

    templates = [
        o
        for o in shop["orders"]
        if o.get("financial_status") == "paid"
        and not o.get("refunds")
        and not o.get("test")
        and not o.get("cancelled_at")
        and o.get("customer")
        and o.get("currency") == o.get("presentment_currency")
    ]
    if len(templates) < orders:
        raise ValueError(f"the shop has {len(templates)} plain paid orders; {orders} are needed")
    order_id = max(int(o["id"]) for o in shop["orders"]) + 1
    number = max(int(o["order_number"]) for o in shop["orders"]) + 1
    line_id = _max_nested_id(shop["orders"], "line_items") + 1
    txn_id = _max_nested_id(shop["orders"], "transactions") + 1
    new_orders: list[dict[str, Any]] = []
    for n in range(orders):
        o = copy.deepcopy(templates[n * (len(templates) // orders)])
        oid, num = order_id + n, number + n
        o.update(
            id=oid,
            admin_graphql_api_id=f"gid://shopify/Order/{oid}",
            order_number=num,
            number=num - 1000,
            name=f"#{num}",
            confirmation_number=f"N{num:08d}",
            token=f"bench{oid}",
            created_at=stamp,
            processed_at=stamp,
            closed_at=None,
            order_status_url=None,
        )
        for li in o.get("line_items") or []:
            li["id"] = line_id
            line_id += 1
        for t in o.get("transactions") or []:
            t.update(id=txn_id, order_id=oid, created_at=stamp, processed_at=stamp)
            txn_id += 1
        if new_customers and n % 2 == 0:
            buyer = new_customers[(n // 2) % len(new_customers)]
            summary = {k: v for k, v in buyer.items() if k in o["customer"]}
            o["customer"] = summary
            o["email"] = o["contact_email"] = buyer["email"]
        new_orders.append(o)

    changed = [
        {"id": p["id"], "title": f"{p['title']} (new edition)"}
        for p in sorted(shop["products"], key=lambda p: int(p["id"]))[:products]
    ]
    return {"customers": new_customers, "products": changed, "orders": new_orders}


def _max_nested_id(orders: list[dict[str, Any]], key: str) -> int:
    ids = [int(x["id"]) for o in orders for x in (o.get(key) or []) if x.get("id") is not None]
    return max(ids, default=0)
