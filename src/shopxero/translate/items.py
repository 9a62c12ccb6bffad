"""Shopify variant -> Xero Item (pure).

Item ``Code`` is the natural key (docs/architecture.md, invariant 1): the variant's SKU when it is
non-empty, unique in the shop (compared stripped and case-insensitively, since Shopify enforces no
SKU uniqueness, shopify-api-notes §8 #5) and at most 30 characters; otherwise
``SHOPIFY-{variant id}``. Items are sold, not purchased, and untracked (no inventory asset account;
xero-api-notes §6.2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal

from shopxero.errors import MappingError
from shopxero.shopify.models import Product, Variant
from shopxero.translate.common import MappingOptions, build, clean_text, fit
from shopxero.xero.models import SalesDetails, XeroItem

__all__ = [
    "FALLBACK_CODE_PREFIX",
    "account_for",
    "count_skus",
    "fallback_item_code",
    "item_code_for",
    "item_from_variant",
    "item_title",
    "sku_key",
]

FALLBACK_CODE_PREFIX = "SHOPIFY-"
_CODE_MAX = 30
_DEFAULT_VARIANT_TITLE = "Default Title"  # Shopify's title for the only variant of a product


def sku_key(sku: str | None) -> str:
    """How SKUs compare: stripped and case-folded (``" ab-1 "`` and ``"AB-1"`` are one SKU)."""
    return (sku or "").strip().casefold()


def count_skus(products: Iterable[Product]) -> dict[str, int]:
    """``sku_counts`` for :func:`item_code_for`: variants per :func:`sku_key` across the shop."""
    counts: Counter[str] = Counter()
    for product in products:
        for variant in product.variants:
            key = sku_key(variant.sku)
            if key:
                counts[key] += 1
    return dict(counts)


def fallback_item_code(variant_id: int) -> str:
    """The code of a variant whose SKU cannot be the code (a 64-bit id fits in 30 characters)."""
    return f"{FALLBACK_CODE_PREFIX}{variant_id}"


def item_code_for(variant: Variant, *, sku_counts: Mapping[str, int]) -> str:
    """The Xero Item Code for ``variant``; ``sku_counts`` is keyed by :func:`sku_key`.

    A SKU the counts do not know (count 0) is treated as possibly shared: the fallback is always
    safe, a shared SKU as a code never is.
    """
    sku = (variant.sku or "").strip()
    usable = (
        sku
        and len(sku) <= _CODE_MAX
        and sku.isprintable()
        # A SKU that looks like our fallback could collide with another variant's code.
        and not sku.upper().startswith(FALLBACK_CODE_PREFIX)
        and sku_counts.get(sku_key(sku), 0) == 1
    )
    return sku if usable else fallback_item_code(variant.id)


def item_title(product_title: str | None, variant_title: str | None) -> str:
    """``"T-shirt - Large"``; just the product title for a product's only (default) variant."""
    title = clean_text(product_title) or "Untitled product"
    variant = clean_text(variant_title)
    if variant and variant != _DEFAULT_VARIANT_TITLE:
        return f"{title} - {variant}"
    return title


def _lookup(table: Mapping[str, str], key: str | None) -> str | None:
    wanted = sku_key(key)
    if not wanted:
        return None
    for candidate, account in table.items():
        if sku_key(candidate) == wanted:
            return account
    return None


def account_for(options: MappingOptions, *, sku: str | None, product_type: str | None) -> str:
    """Sales account: by SKU, else by product type (both case-insensitive), else the default."""
    return (
        _lookup(options.account_by_sku, sku)
        or _lookup(options.account_by_product_type, product_type)
        or options.sales_account
    )


def item_from_variant(
    p: Product, v: Variant, *, code: str, options: MappingOptions, sales_tax_type: str | None
) -> XeroItem:
    """The Item for one variant: Name <= 50 (trimmed with an ellipsis), Description <= 4000,
    SalesDetails(UnitPrice, AccountCode, TaxType), IsSold, not IsPurchased."""
    if v.price is None:
        index = next((i for i, each in enumerate(p.variants) if each.id == v.id), 0)
        raise MappingError(
            "the variant has no price",
            entity="product",
            source_id=str(p.id),
            field=f"variants.{index}.price",
        )
    title = item_title(p.title, v.title)
    price: Decimal = v.price
    return build(
        XeroItem,
        entity="product",
        source_id=p.id,
        code=code,
        name=fit(title, 50),
        description=fit(title, 4000),
        is_sold=True,
        is_purchased=False,
        sales_details=SalesDetails(
            unit_price=price,
            account_code=account_for(options, sku=v.sku, product_type=p.product_type),
            tax_type=sales_tax_type,
        ),
    )
