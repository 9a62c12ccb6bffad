"""Products -> Xero Items, one per variant (untracked, sold, not purchased).

Item Code (docs/architecture.md, invariant 1): a variant already mapped keeps its code; a new one
gets ``item_code_for`` with SKU counts over the products fetched plus every code already mapped, so
a SKU shared with another variant (in this run or an earlier one) falls back to the id-based code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shopxero.engine.apply import apply_desired, parse_or_queue, queue_record_error
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.conflicts import check_item_edits
from shopxero.engine.context import RunContext
from shopxero.engine.linking import load_items
from shopxero.engine.orgdata import mapping_options
from shopxero.engine.plan import Desired
from shopxero.errors import MappingError
from shopxero.shopify.models import parse_product
from shopxero.translate import (
    count_skus,
    item_code_for,
    item_from_variant,
    sku_key,
)

__all__ = ["sync_products"]


async def sync_products(ctx: RunContext, raws: Sequence[dict[str, Any]]) -> None:
    resource = "products"
    products = parse_or_queue(ctx, resource, raws, parse_product)
    if not products:
        return
    org = await ctx.org.get()
    options = mapping_options(ctx.settings, org)
    mapped = {m.shopify_id: m for m in ctx.store.mappings.all("item")}
    counts = count_skus(products)
    fetched = {str(v.id) for p in products for v in p.variants}
    for m in mapped.values():
        # A code already held by a variant not in this fetch counts as one more holder.
        if m.shopify_id not in fetched:
            key = sku_key(m.natural_key)
            counts[key] = counts.get(key, 0) + 1
    desireds: list[Desired] = []
    for product in sorted(products, key=lambda p: p.id):
        for variant in product.variants:
            vid = str(variant.id)
            existing = mapped.get(vid)
            code = existing.natural_key if existing else item_code_for(variant, sku_counts=counts)
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
                queue_record_error(ctx, resource, f"{product.id}/{vid}", str(exc))
                continue
            desireds.append(
                Desired(
                    entity="item",
                    shopify_id=vid,
                    natural_key=code,
                    payload=payload,
                    checksum=payload_checksum(payload),
                    label=f"product {product.id} variant {vid} (item {code})",
                    queue_key=f"{product.id}/{vid}",
                )
            )
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
