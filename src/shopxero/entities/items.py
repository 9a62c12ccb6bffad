"""Products -> Xero Items, one per variant (untracked, sold, not purchased).

Item Code (docs/architecture.md, invariant 1): a variant already mapped keeps its code; a new one
gets ``item_code_for`` with SKU counts over the products fetched plus every code already mapped, so
a SKU shared with another variant (in this run or an earlier one) falls back to the id-based code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shopxero.engine.apply import apply_desired, parse_or_queue, queue_record_error
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.conflicts import check_item_edits
from shopxero.engine.context import RunContext
from shopxero.engine.linking import load_items
from shopxero.engine.orgdata import OrgData, mapping_options
from shopxero.engine.plan import Desired
from shopxero.errors import MappingError
from shopxero.shopify.models import Product, Variant, parse_product
from shopxero.store.mappings import MappingRecord
from shopxero.translate import (
    count_skus,
    item_code_for,
    item_from_variant,
    sku_key,
)
from shopxero.translate.common import MappingOptions

__all__ = ["sync_products"]


_RESOURCE = "products"


async def sync_products(ctx: RunContext, raws: Sequence[dict[str, Any]]) -> None:
    products = parse_or_queue(ctx, _RESOURCE, raws, parse_product)
    if not products:
        return
    org = await ctx.org.get()
    options = mapping_options(ctx.settings, org)
    mapped = {m.shopify_id: m for m in ctx.store.mappings.all("item")}
    counts = _sku_holders(products, mapped)
    desireds: list[Desired] = []
    for product in sorted(products, key=lambda p: p.id):
        for variant in product.variants:
            existing = mapped.get(str(variant.id))
            code = existing.natural_key if existing else item_code_for(variant, sku_counts=counts)
            desired = _desired_item(ctx, product, variant, code=code, org=org, options=options)
            if desired is not None:
                desireds.append(desired)
    links = await _items_to_link(ctx, desireds, mapped)
    await _apply_items(ctx, desireds, links)


def _sku_holders(products: list[Product], mapped: Mapping[str, MappingRecord]) -> dict[str, int]:
    """Variants per SKU (``sku_key``) over the products fetched and every code already mapped,
    the ``sku_counts`` a new variant's code is chosen with."""
    counts = count_skus(products)
    fetched = {str(v.id) for p in products for v in p.variants}
    for m in mapped.values():
        # A code already held by a variant not in this fetch counts as one more holder.
        if m.shopify_id not in fetched:
            key = sku_key(m.natural_key)
            counts[key] = counts.get(key, 0) + 1
    return counts


def _desired_item(
    ctx: RunContext,
    product: Product,
    variant: Variant,
    *,
    code: str,
    org: OrgData,
    options: MappingOptions,
) -> Desired | None:
    """The item ``variant`` should be in Xero under ``code``; None (queued) when it cannot be
    mapped."""
    vid = str(variant.id)
    tax_type = (
        org.account_tax_type(options.sales_account)
        if variant.taxable
        else org.tax.zero_type(taxable=False)
    )
    try:
        payload = item_from_variant(
            product, variant, code=code, options=options, sales_tax_type=tax_type
        ).to_payload()
    except MappingError as exc:
        queue_record_error(ctx, _RESOURCE, f"{product.id}/{vid}", str(exc))
        return None
    return Desired(
        entity="item",
        shopify_id=vid,
        natural_key=code,
        payload=payload,
        checksum=payload_checksum(payload),
        label=f"product {product.id} variant {vid} (item {code})",
        queue_key=f"{product.id}/{vid}",
    )


async def _items_to_link(
    ctx: RunContext, desireds: list[Desired], mapped: Mapping[str, MappingRecord]
) -> dict[str, dict[str, Any]]:
    """The Xero items that unmapped variants adopt (same Code, not mapped to another variant)
    instead of creating a duplicate, by variant id; nothing is read when all are mapped."""
    unmapped = [d.natural_key for d in desireds if d.shopify_id not in mapped]
    index = await load_items(ctx.xero, unmapped) if unmapped else None
    links: dict[str, dict[str, Any]] = {}
    for d in desireds:
        if d.shopify_id in mapped or index is None:
            continue
        record = index.get(d.natural_key)
        if (
            record is not None
            and ctx.store.mappings.by_xero_id("item", str(record["ItemID"])) is None
        ):
            links[d.shopify_id] = record
    return links


async def _apply_items(
    ctx: RunContext, desireds: list[Desired], links: dict[str, dict[str, Any]]
) -> None:
    async def lookup_one(code: str) -> dict[str, Any] | None:
        found = await ctx.xero.list_items(code=code)
        return dict(found[0]) if found else None

    await apply_desired(
        ctx,
        desireds,
        links,
        lookup_one=lookup_one,
        check_conflicts=lambda updates: check_item_edits(ctx, updates),
        link_how=dict.fromkeys(links, "Code"),
    )
