"""Products and their variants in the GraphQL shape: every variant (up to Shopify's 2,048), not
REST's first 100 (shopify-api-notes §1)."""

from __future__ import annotations

from graphql import GraphQLResolveInfo

from shopxero.sandbox.shopify.graphql.context import (
    Record,
    gid,
    legacy_id,
    nested,
    split_tags,
    upper,
)
from shopxero.sandbox.shopify.graphql.money import decimal_text

__all__ = ["find_variant", "product_node", "variant_node"]


def _selected_options(product: Record, variant: Record) -> list[Record]:
    options = sorted(
        (o for o in product.get("options") or [] if isinstance(o, dict)),
        key=lambda o: int(o.get("position") or 0),
    )
    chosen = []
    for number, option in enumerate(options[:3], start=1):
        value = variant.get(f"option{number}")
        if value is not None:
            chosen.append({"name": option.get("name"), "value": value})
    return chosen


def variant_node(product: Record, variant: Record) -> Record:
    def owner(info: GraphQLResolveInfo) -> Record:
        return product_node(product)

    title = str(variant.get("title") or "")
    product_title = str(product.get("title") or "")
    compare_at = variant.get("compare_at_price")
    return {
        "__typename": "ProductVariant",
        "id": gid("ProductVariant", variant["id"]),
        "legacyResourceId": legacy_id(variant),
        "title": title,
        "displayName": f"{product_title} - {title}",
        "sku": variant.get("sku"),
        "barcode": variant.get("barcode"),
        "price": decimal_text(variant.get("price") or "0"),
        "compareAtPrice": decimal_text(compare_at) if compare_at not in (None, "") else None,
        "position": int(variant.get("position") or 1),
        "taxable": bool(variant.get("taxable", True)),
        "taxCode": variant.get("tax_code"),
        "inventoryQuantity": variant.get("inventory_quantity"),
        "inventoryPolicy": upper(variant.get("inventory_policy")) or "DENY",
        "createdAt": variant.get("created_at") or product.get("created_at"),
        "updatedAt": variant.get("updated_at") or product.get("updated_at"),
        "selectedOptions": _selected_options(product, variant),
        "product": owner,
        "inventoryItem": {
            "__typename": "InventoryItem",
            "id": gid("InventoryItem", variant.get("inventory_item_id") or variant["id"]),
            "sku": variant.get("sku"),
            "requiresShipping": bool(variant.get("requires_shipping", True)),
            "tracked": variant.get("inventory_management") == "shopify",
        },
    }


def product_node(product: Record) -> Record:
    variants = [v for v in product.get("variants") or [] if isinstance(v, dict)]
    variants.sort(key=lambda v: int(v.get("position") or 0))
    options = [o for o in product.get("options") or [] if isinstance(o, dict)]
    only_default = len(variants) == 1 and variants[0].get("title") == "Default Title"

    def build(variant: Record) -> Record:
        return variant_node(product, variant)

    return {
        "__typename": "Product",
        "id": gid("Product", product["id"]),
        "legacyResourceId": legacy_id(product),
        "title": product.get("title") or "",
        "handle": product.get("handle") or "",
        "vendor": product.get("vendor") or "",
        "productType": product.get("product_type") or "",
        "status": upper(product.get("status")) or "ACTIVE",
        "tags": split_tags(product.get("tags")),
        "descriptionHtml": product.get("body_html") or "",
        "templateSuffix": product.get("template_suffix"),
        "createdAt": product.get("created_at"),
        "updatedAt": product.get("updated_at"),
        "publishedAt": product.get("published_at"),
        "hasOnlyDefaultVariant": only_default,
        "variantsCount": {"count": len(variants), "precision": "EXACT"},
        "variants": nested(variants, build, "variants"),
        "options": [
            {
                "__typename": "ProductOption",
                "id": gid("ProductOption", o.get("id")),
                "name": o.get("name"),
                "position": int(o.get("position") or 1),
                "values": list(o.get("values") or []),
            }
            for o in options
        ],
    }


def find_variant(products: list[Record], variant_id: int) -> tuple[Record, Record] | None:
    for product in products:
        for variant in product.get("variants") or []:
            if isinstance(variant, dict) and variant.get("id") == variant_id:
                return product, variant
    return None
