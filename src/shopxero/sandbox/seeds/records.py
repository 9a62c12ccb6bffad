"""Shopify REST shapes for the shop, customers and products, with every key the fixtures have.

Seeds pass only what matters (names, email, SKUs, prices); these builders fill in the rest as
Shopify does, so the sandbox serves bodies with the same keys and JSON types as the real API
(``tests/fixtures/shopify/2026-07``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopxero.sandbox.seeds.money import money
from shopxero.sandbox.seeds.orders import IdSequence, shopify_time

__all__ = ["AddressSpec", "VariantSpec", "build_customer", "build_product", "build_shop"]

_COUNTRY_NAMES = {
    "GB": "United Kingdom",
    "US": "United States",
    "AU": "Australia",
    "NZ": "New Zealand",
    "JP": "Japan",
    "GR": "Greece",
    "AE": "United Arab Emirates",
    "DE": "Germany",
    "FR": "France",
    "IE": "Ireland",
}


def build_shop(
    *,
    shop_id: int,
    name: str,
    domain: str,
    country_code: str,
    currency: str,
    iana_timezone: str,
    taxes_included: bool,
    created_at: datetime,
    presentment_currencies: Sequence[str] = (),
) -> dict[str, Any]:
    """``GET shop.json``'s ``shop`` object."""
    when = shopify_time(created_at, iana_timezone)
    return {
        "id": shop_id,
        "name": name,
        "email": f"owner@{domain}",
        "domain": domain,
        "province": None,
        "country": country_code,
        "address1": "1 Market Street",
        "zip": "EC1A 1BB" if country_code == "GB" else "10001",
        "city": "London" if country_code == "GB" else "Springfield",
        "source": None,
        "phone": "+442071234567",
        "latitude": 51.5074,
        "longitude": -0.1278,
        "primary_locale": "en",
        "address2": None,
        "created_at": when,
        "updated_at": when,
        "country_code": country_code,
        "country_name": _COUNTRY_NAMES.get(country_code, country_code),
        "currency": currency,
        "customer_email": f"hello@{domain}",
        "timezone": f"(GMT+00:00) {iana_timezone}",
        "iana_timezone": iana_timezone,
        "shop_owner": "Sam Owner",
        "money_format": "£{{amount}}" if currency == "GBP" else "${{amount}}",
        "money_with_currency_format": f"{{{{amount}}}} {currency}",
        "weight_unit": "kg",
        "province_code": None,
        "taxes_included": taxes_included,
        "auto_configure_tax_inclusivity": None,
        "tax_shipping": None,
        "county_taxes": False,
        "plan_display_name": "Basic",
        "plan_name": "basic",
        "has_discounts": True,
        "has_gift_cards": True,
        "myshopify_domain": domain,
        "google_apps_domain": None,
        "google_apps_login_enabled": None,
        "money_in_emails_format": "£{{amount}}" if currency == "GBP" else "${{amount}}",
        "money_with_currency_in_emails_format": f"{{{{amount}}}} {currency}",
        "eligible_for_payments": True,
        "requires_extra_payments_agreement": False,
        "password_enabled": False,
        "has_storefront": True,
        "finances": True,
        "primary_location_id": shop_id + 1,
        "checkout_api_supported": True,
        "multi_location_enabled": True,
        "setup_required": False,
        "pre_launch_enabled": False,
        "enabled_presentment_currencies": [currency, *presentment_currencies],
        "marketing_sms_consent_enabled_at_checkout": False,
        "transactional_sms_disabled": False,
    }


@dataclass(frozen=True)
class AddressSpec:
    address1: str
    city: str
    zip: str
    country_code: str
    province: str | None = None
    company: str | None = None
    phone: str | None = None


def build_customer(
    ids: IdSequence,
    *,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    created_at: datetime,
    tz: str,
    currency: str,
    phone: str | None = None,
    address: AddressSpec | None = None,
    tags: str = "",
    note: str | None = None,
    tax_exempt: bool = False,
) -> dict[str, Any]:
    """A customer as ``customers.json`` returns it; counters are filled in by ``link_orders``."""
    customer_id = ids.next("customer")
    when = shopify_time(created_at, tz)
    addresses: list[dict[str, Any]] = []
    if address is not None:
        full = " ".join(p for p in (first_name, last_name) if p)
        addresses.append({
            "id": ids.next("address"),
            "customer_id": customer_id,
            "first_name": first_name,
            "last_name": last_name,
            "company": address.company,
            "address1": address.address1,
            "address2": None,
            "city": address.city,
            "province": address.province,
            "country": _COUNTRY_NAMES.get(address.country_code, address.country_code),
            "zip": address.zip,
            "phone": address.phone,
            "name": full,
            "province_code": None,
            "country_code": address.country_code,
            "country_name": _COUNTRY_NAMES.get(address.country_code, address.country_code),
            "default": True,
        })  # fmt: skip
    return {
        "id": customer_id,
        "email": email,
        "created_at": when,
        "updated_at": when,
        "first_name": first_name,
        "last_name": last_name,
        "orders_count": 0,
        "state": "enabled" if email else "disabled",
        "total_spent": "0.00",
        "last_order_id": None,
        "note": note,
        "verified_email": email is not None,
        "multipass_identifier": None,
        "tax_exempt": tax_exempt,
        "tags": tags,
        "last_order_name": None,
        "currency": currency,
        "phone": phone,
        "addresses": addresses,
        "tax_exemptions": [],
        "email_marketing_consent": (
            {"state": "not_subscribed", "opt_in_level": "single_opt_in",
             "consent_updated_at": None}
            if email else None
        ),
        "sms_marketing_consent": (
            {"state": "not_subscribed", "opt_in_level": "single_opt_in",
             "consent_updated_at": None, "consent_collected_from": "OTHER"}
            if phone else None
        ),
        "admin_graphql_api_id": f"gid://shopify/Customer/{customer_id}",
        "default_address": addresses[0] if addresses else None,
    }  # fmt: skip


@dataclass(frozen=True)
class VariantSpec:
    title: str  # "Default Title" for a product without options
    price: Decimal
    sku: str | None
    grams: int = 250
    taxable: bool = True
    compare_at_price: Decimal | None = None
    barcode: str | None = None


def _handle(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "product"


def build_product(
    ids: IdSequence,
    *,
    title: str,
    vendor: str,
    product_type: str,
    variants: Sequence[VariantSpec],
    created_at: datetime,
    tz: str,
    currency: str,
    body_html: str = "",
    tags: str = "",
    option_name: str = "Title",
    status: str = "active",
) -> dict[str, Any]:
    """A product with its variants as ``products.json`` returns it."""
    product_id = ids.next("product")
    when = shopify_time(created_at, tz)
    built: list[dict[str, Any]] = []
    for position, spec in enumerate(variants, start=1):
        variant_id = ids.next("variant")
        compare = money(spec.compare_at_price) if spec.compare_at_price is not None else None
        built.append({
            "id": variant_id,
            "product_id": product_id,
            "title": spec.title,
            "price": money(spec.price),
            "position": position,
            "inventory_policy": "deny",
            "compare_at_price": compare,
            "option1": spec.title,
            "option2": None,
            "option3": None,
            "created_at": when,
            "updated_at": when,
            "taxable": spec.taxable,
            "barcode": spec.barcode,
            "fulfillment_service": "manual",
            "grams": spec.grams,
            "inventory_management": "shopify",
            "requires_shipping": True,
            "sku": spec.sku,
            "weight": round(spec.grams / 1000, 3),
            "weight_unit": "kg",
            "inventory_item_id": variant_id + 1_000_000_000_000,
            "inventory_quantity": 25,
            "old_inventory_quantity": 25,
            "presentment_prices": [
                {"price": {"amount": money(spec.price), "currency_code": currency},
                 "compare_at_price": None}
            ],
            "admin_graphql_api_id": f"gid://shopify/ProductVariant/{variant_id}",
            "image_id": None,
        })  # fmt: skip
    return {
        "id": product_id,
        "title": title,
        "body_html": body_html,
        "vendor": vendor,
        "product_type": product_type,
        "created_at": when,
        "handle": _handle(title),
        "updated_at": when,
        "published_at": when if status == "active" else None,
        "template_suffix": None,
        "published_scope": "global",
        "tags": tags,
        "status": status,
        "admin_graphql_api_id": f"gid://shopify/Product/{product_id}",
        "variants": built,
        "options": [
            {"id": product_id + 1, "product_id": product_id, "name": option_name, "position": 1,
             "values": [v.title for v in variants]}
        ],
        "images": [],
        "image": None,
    }  # fmt: skip


def link_orders(customers: list[dict[str, Any]], orders: list[dict[str, Any]]) -> None:
    """Fill each customer's ``orders_count``, ``total_spent``, last order and ``updated_at``."""
    by_id = {c["id"]: c for c in customers}
    for order in sorted(orders, key=lambda o: _instant(o["processed_at"])):
        customer = order.get("customer")
        if customer is None or customer["id"] not in by_id:
            continue
        target = by_id[customer["id"]]
        # Any order touches the customer (its updated_at moves on); test orders count no sale.
        target["updated_at"] = max(target["updated_at"], order["processed_at"], key=_instant)
        if order["test"]:
            continue
        target["orders_count"] += 1
        spent = Decimal(target["total_spent"]) + Decimal(order["current_total_price"])
        target["total_spent"] = money(spent)
        target["last_order_id"] = order["id"]
        target["last_order_name"] = order["name"]


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)
