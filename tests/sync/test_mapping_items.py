"""Variant -> Item: codes from SKUs (empty, duplicate, long), names, accounts, prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.shopify.models import Product, Variant, parse_product
from shopxero.translate import (
    MappingOptions,
    count_skus,
    item_code_for,
    item_from_variant,
    sku_key,
)

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

OPTIONS = MappingOptions(sales_account="200", shipping_account="210")


def _product(*variants: dict[str, Any], **fields: Any) -> Product:
    return parse_product({"id": 10, "title": "Mug", "variants": list(variants), **fields})


def _variant(vid: int, sku: str | None, **fields: Any) -> dict[str, Any]:
    return {"id": vid, "sku": sku, "price": "9.50", "title": "Default Title", **fields}


def _code(variant: Variant, *products: Product) -> str:
    return item_code_for(variant, sku_counts=count_skus(products))


def test_unique_sku_is_the_code() -> None:
    """docs/architecture.md, invariant 1: a unique, short SKU is the Item Code, stripped."""
    product = _product(_variant(1, " MUG-RED "), _variant(2, "MUG-BLUE"))
    assert _code(product.variants[0], product) == "MUG-RED"
    assert _code(product.variants[1], product) == "MUG-BLUE"


@pytest.mark.parametrize("sku", [None, "", "   "])
def test_empty_sku_falls_back_to_the_variant_id(sku: str | None) -> None:
    """No SKU: ``SHOPIFY-{variant id}``."""
    product = _product(_variant(808950810, sku))
    assert _code(product.variants[0], product) == "SHOPIFY-808950810"


def test_duplicate_sku_across_products_and_case_falls_back_for_both() -> None:
    """Shopify does not enforce SKU uniqueness (shopify-api-notes §8 #5); ``ab-1`` and ``AB-1 ``
    collide."""
    one = _product(_variant(1, "AB-1"))
    two = parse_product({"id": 11, "variants": [_variant(2, "ab-1 ")]})
    assert _code(one.variants[0], one, two) == "SHOPIFY-1"
    assert _code(two.variants[0], one, two) == "SHOPIFY-2"


def test_long_sku_falls_back() -> None:
    """Item Code holds 30 characters; a 31-character SKU cannot be it."""
    product = _product(_variant(5, "S" * 31), _variant(6, "S" * 30))
    assert _code(product.variants[0], product) == "SHOPIFY-5"
    assert _code(product.variants[1], product) == "S" * 30


def test_sku_unknown_to_the_counts_or_shaped_like_a_fallback_is_not_used() -> None:
    """Count 0 means the caller did not see it: the fallback is the safe choice."""
    product = _product(_variant(5, "MUG"), _variant(6, "shopify-77"))
    assert item_code_for(product.variants[0], sku_counts={}) == "SHOPIFY-5"
    assert _code(product.variants[1], product) == "SHOPIFY-6"


def test_largest_variant_id_fits_the_code_limit() -> None:
    """A 64-bit id gives a 27-character code."""
    product = _product(_variant(2**63 - 1, None))
    code = _code(product.variants[0], product)
    assert len(code) <= 30
    assert sku_key(" Ab ") == "ab"


def test_item_from_default_variant() -> None:
    """The only variant ("Default Title") is named after the product; sold, not purchased."""
    product = _product(_variant(1, "MUG"))
    item = item_from_variant(
        product, product.variants[0], code="MUG", options=OPTIONS, sales_tax_type="OUTPUT2"
    )
    assert item.to_payload() == {
        "Code": "MUG",
        "Name": "Mug",
        "Description": "Mug",
        "IsSold": True,
        "IsPurchased": False,
        "SalesDetails": {"UnitPrice": Decimal("9.50"), "AccountCode": "200", "TaxType": "OUTPUT2"},
    }


def test_long_titles_are_trimmed_with_an_ellipsis() -> None:
    """Item Name holds 50; the Description keeps the whole title up to 4000."""
    product = _product(_variant(1, None, title="Extra Large / Midnight Blue"), title="T" * 60)
    item = item_from_variant(
        product, product.variants[0], code="SHOPIFY-1", options=OPTIONS, sales_tax_type=None
    )
    assert item.name is not None and len(item.name) == 50 and item.name.endswith("…")
    assert item.description == "T" * 60 + " - Extra Large / Midnight Blue"
    assert "TaxType" not in item.to_payload()["SalesDetails"]


def test_accounts_by_sku_then_product_type() -> None:
    """Overrides compare case-insensitively; SKU beats product type beats the default."""
    options = MappingOptions(
        sales_account="200",
        shipping_account="210",
        account_by_product_type={"gift card": "820"},
        account_by_sku={"mug-red": "201"},
    )
    product = _product(_variant(1, "MUG-RED"), _variant(2, "MUG-BLUE"), product_type="Gift Card")
    accounts = [
        item_from_variant(product, v, code="x", options=options, sales_tax_type=None)
        for v in product.variants
    ]
    assert [a.sales_details.account_code for a in accounts if a.sales_details] == ["201", "820"]


def test_variant_without_price_names_the_field() -> None:
    """A price we do not know is never sent as 0."""
    product = _product(_variant(1, "A"), _variant(2, "B", price=None))
    with pytest.raises(MappingError) as caught:
        item_from_variant(
            product, product.variants[1], code="B", options=OPTIONS, sales_tax_type=None
        )
    assert caught.value.source_id == "10" and caught.value.field == "variants.1.price"
