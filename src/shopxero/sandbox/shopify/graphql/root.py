"""The root fields the simulator answers: lists and look-ups of customers, products (and
variants) and orders, ``node``/``nodes``, ``shop``, ``currentAppInstallation``,
``shopifyPaymentsAccount`` (``payments.py``), and the bulk operations' query and mutation fields
(served by ``bulk.py``).

Each read checks its scope the way Shopify does (``ACCESS_DENIED`` naming the scope); orders older
than 60 days need ``read_all_orders``, as on REST (shopify-api-notes §4).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLResolveInfo

from shopxero.sandbox.shopify.auth import has_scope
from shopxero.sandbox.shopify.graphql.connections import MAX_PAGE, Keyed, connection
from shopxero.sandbox.shopify.graphql.context import Context, Record, gid, parse_gid, timestamp
from shopxero.sandbox.shopify.graphql.customers import customer_node
from shopxero.sandbox.shopify.graphql.errors import access_denied
from shopxero.sandbox.shopify.graphql.orders import order_node
from shopxero.sandbox.shopify.graphql.payments import payments_account
from shopxero.sandbox.shopify.graphql.products import find_variant, product_node, variant_node
from shopxero.sandbox.shopify.graphql.search import parse_search

if TYPE_CHECKING:
    from shopxero.sandbox.shopify.graphql.bulk import BulkOperations

__all__ = ["mutation_root", "query_root"]

SCOPES = {"customers": "read_customers", "products": "read_products", "orders": "read_orders"}
_SORT_FIELDS = {
    "CREATED_AT": "created_at",
    "UPDATED_AT": "updated_at",
    "PROCESSED_AT": "processed_at",
    "PUBLISHED_AT": "published_at",
    "ID": None,
}


def _require(ctx: Context, kind: str, field: str) -> None:
    if not has_scope(ctx.grant, SCOPES[kind]):
        raise access_denied(field, SCOPES[kind])


def _node_of(kind: str, record: Record, ctx: Context) -> Record:
    if kind == "customers":
        return customer_node(record)
    if kind == "products":
        return product_node(record)
    return order_node(record, ctx)


def _visible(ctx: Context, kind: str, record: Record) -> bool:
    return kind != "orders" or ctx.visible_order(record)


def _lister(kind: str) -> Callable[..., Record]:
    def resolve(info: GraphQLResolveInfo, **args: Any) -> Record:
        ctx: Context = info.context
        _require(ctx, kind, info.field_name)
        search = parse_search(kind, args.get("query"))
        if search.warnings:
            ctx.search_warnings.append(
                {"path": [info.field_name], "query": search.text, "warnings": list(search.warnings)}
            )
        match = search.matcher(kind, ctx.zone)
        sort_key = str(args.get("sortKey") or "ID")
        if sort_key not in _SORT_FIELDS:
            raise GraphQLError(
                f"sortKey {sort_key} is not simulated by the shopxero sandbox; "
                f"use one of {sorted(_SORT_FIELDS)}"
            )
        field = _SORT_FIELDS[sort_key]
        chosen = [r for r in ctx.store.all(kind) if _visible(ctx, kind, r) and match(r)]
        if ctx.extras.get("sample"):
            chosen = chosen[:1]  # a bulk operation's trial run (bulk.py)

        def key(record: Record) -> tuple[Any, int]:
            value = timestamp(record.get(field)) if field else int(record["id"])
            return (value, int(record["id"]))

        chosen.sort(key=key, reverse=bool(args.get("reverse")))
        keyed: list[Keyed] = [(key(r), _Lazy(kind, r, ctx)) for r in chosen]
        page = connection(keyed, args, descending=bool(args.get("reverse")), bulk=ctx.bulk)
        for edge in page["edges"]:
            edge["node"] = edge["node"].build()
        page["nodes"] = [edge["node"] for edge in page["edges"]]
        return page

    return resolve


class _Lazy:
    """A record not yet shaped: only the page's records are turned into nodes."""

    def __init__(self, kind: str, record: Record, ctx: Context) -> None:
        self.kind, self.record, self.ctx = kind, record, ctx

    def build(self) -> Record:
        return _node_of(self.kind, self.record, self.ctx)


def _getter(kind: str, type_name: str) -> Callable[..., Record | None]:
    def resolve(info: GraphQLResolveInfo, **args: Any) -> Record | None:
        ctx: Context = info.context
        _require(ctx, kind, info.field_name)
        _, record_id = parse_gid(str(args["id"]), type_name)
        record = ctx.store.get(kind, record_id)
        if record is None or not _visible(ctx, kind, record):
            return None
        return _node_of(kind, record, ctx)

    return resolve


def _find_node(ctx: Context, value: str, field: str) -> Record | None:
    type_name, record_id = parse_gid(value)
    kinds = {"Customer": "customers", "Product": "products", "Order": "orders"}
    if type_name in kinds:
        kind = kinds[type_name]
        _require(ctx, kind, field)
        record = ctx.store.get(kind, record_id)
        if record is None or not _visible(ctx, kind, record):
            return None
        return _node_of(kind, record, ctx)
    if type_name == "ProductVariant":
        _require(ctx, "products", field)
        found = find_variant(ctx.store.all("products"), record_id)
        return variant_node(*found) if found else None
    if type_name == "BulkOperation":
        bulk: BulkOperations = ctx.extras["bulk"]
        return bulk.node(ctx, value)
    raise GraphQLError(f"{type_name} ids are not simulated by the shopxero sandbox in node()")


def _node(info: GraphQLResolveInfo, **args: Any) -> Record | None:
    return _find_node(info.context, str(args["id"]), "node")


def _nodes(info: GraphQLResolveInfo, **args: Any) -> list[Record | None]:
    ids = list(args["ids"])
    if len(ids) > MAX_PAGE:
        raise GraphQLError(
            f"The input array size of {len(ids)} is greater than the maximum allowed of "
            f"{MAX_PAGE}.",
            extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
        )
    return [_find_node(info.context, str(i), "nodes") for i in ids]


def _shop(info: GraphQLResolveInfo) -> Record:
    ctx: Context = info.context
    shop = ctx.store.shop
    return {
        "__typename": "Shop",
        "id": gid("Shop", shop.get("id")),
        "name": shop.get("name") or "",
        "email": shop.get("email") or "",
        "contactEmail": shop.get("customer_email") or shop.get("email") or "",
        "myshopifyDomain": shop.get("myshopify_domain") or "",
        "currencyCode": shop.get("currency") or "USD",
        "enabledPresentmentCurrencies": list(shop.get("enabled_presentment_currencies") or []),
        "ianaTimezone": shop.get("iana_timezone") or "UTC",
        "taxesIncluded": bool(shop.get("taxes_included")),
        "taxShipping": bool(shop.get("tax_shipping")),
        "createdAt": shop.get("created_at"),
        "updatedAt": shop.get("updated_at"),
        "primaryDomain": {
            "__typename": "Domain",
            "id": gid("Domain", shop.get("id")),
            "host": shop.get("domain") or shop.get("myshopify_domain") or "",
            "url": f"https://{shop.get('domain') or shop.get('myshopify_domain') or ''}",
            "sslEnabled": True,
        },
        "features": {"__typename": "ShopFeatures", "giftCards": bool(shop.get("has_gift_cards"))},
        "shopAddress": {
            "__typename": "ShopAddress",
            "id": gid("ShopAddress", shop.get("id")),
            "address1": shop.get("address1"),
            "address2": shop.get("address2"),
            "city": shop.get("city"),
            "province": shop.get("province"),
            "provinceCode": shop.get("province_code"),
            "country": shop.get("country_name"),
            "countryCodeV2": shop.get("country_code"),
            "zip": shop.get("zip"),
            "phone": shop.get("phone"),
        },
    }


def _installation(info: GraphQLResolveInfo) -> Record:
    ctx: Context = info.context
    scopes = sorted(ctx.grant.scopes)
    return {
        "__typename": "AppInstallation",
        "id": gid("AppInstallation", zlib.crc32(ctx.grant.app.encode())),
        "accessScopes": [{"handle": s, "description": s} for s in scopes],
    }


def query_root(bulk: BulkOperations) -> Record:
    return {
        "customers": _lister("customers"),
        "products": _lister("products"),
        "orders": _lister("orders"),
        "customer": _getter("customers", "Customer"),
        "product": _getter("products", "Product"),
        "order": _getter("orders", "Order"),
        "productVariant": lambda info, **a: _find_node(
            info.context, str(a["id"]), "productVariant"
        ),
        "node": _node,
        "nodes": _nodes,
        "shop": _shop,
        "currentAppInstallation": _installation,
        "shopifyPaymentsAccount": payments_account,
        "bulkOperation": lambda info, **a: bulk.node(info.context, str(a["id"])),
        "currentBulkOperation": lambda info, **a: bulk.current(info.context, str(a["type"])),
        "bulkOperations": lambda info, **a: bulk.listing(info.context, a),
    }


def mutation_root(bulk: BulkOperations) -> Record:
    return {
        "bulkOperationRunQuery": lambda info, **a: bulk.run_query(
            info.context, str(a["query"]), bool(a.get("groupObjects"))
        ),
        "bulkOperationCancel": lambda info, **a: bulk.cancel(info.context, str(a["id"])),
    }
