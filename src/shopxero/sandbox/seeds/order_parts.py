"""The pieces of a REST order as Shopify writes them: line items, shipping and tax lines,
transactions, the embedded customer and addresses.

``OrderParts`` only shapes figures ``OrderBuilder`` has computed; it does no arithmetic beyond
formatting (``money``) so the numbers have one source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopxero.sandbox.seeds.money import ZERO, money, money_set
from shopxero.sandbox.seeds.order_specs import (
    IdSequence,
    LineSpec,
    OrderSpec,
    ShippingSpec,
    ShopContext,
    shopify_time,
)

__all__ = ["Amounts", "Money", "OrderParts", "address_of", "embedded_customer"]


@dataclass
class Amounts:
    """One line's (or shipping line's) figures in one currency."""

    unit: Decimal
    gross: Decimal  # unit x quantity, before discounts
    discount: Decimal
    tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.discount


@dataclass
class Money:
    shop: Decimal = ZERO
    pres: Decimal = ZERO

    def add(self, shop: Decimal, pres: Decimal) -> None:
        self.shop += shop
        self.pres += pres


class OrderParts:
    """Builds the dict pieces of one shop's orders, numbering them from ``ids``."""

    def __init__(self, shop: ShopContext, ids: IdSequence) -> None:
        self.shop = shop
        self.ids = ids

    def time(self, moment: datetime) -> str:
        return shopify_time(moment, self.shop.timezone)

    def money(self, shop: Decimal, pres: Decimal, currency: str) -> dict[str, dict[str, str]]:
        return money_set(shop, self.shop.currency, pres, currency)

    def line_item(
        self,
        line: LineSpec,
        shop: Amounts,
        pres: Amounts,
        rate: tuple[str, Decimal] | None,
        spec: OrderSpec,
        pres_cur: str,
    ) -> dict[str, Any]:
        line_id = self.ids.next("line_item")
        name = f"{line.title} - {line.variant_title}" if line.variant_title else line.title
        tax_lines = []
        if rate is not None and not spec.tax_exempt:
            tax_lines.append(self.tax_line(rate[0], rate[1], shop.tax, pres.tax, pres_cur))
        allocations = []
        if pres.discount or shop.discount:
            allocations.append(
                {
                    "amount": money(shop.discount),
                    "amount_set": self.money(shop.discount, pres.discount, pres_cur),
                    "discount_application_index": 0,
                }
            )
        return {
            "id": line_id,
            "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
            "attributed_staffs": [],
            "current_quantity": line.quantity,
            "fulfillable_quantity": line.quantity,
            "fulfillment_service": "manual",
            "fulfillment_status": None,
            "gift_card": line.gift_card,
            "grams": line.grams,
            "name": name,
            "price": money(shop.unit),
            "price_set": self.money(shop.unit, pres.unit, pres_cur),
            "product_exists": line.product_exists,
            "product_id": line.product_id,
            "properties": [],
            "quantity": line.quantity,
            "requires_shipping": not line.gift_card and not line.tip,
            "sku": line.sku,
            "taxable": line.taxable and not line.gift_card and not line.tip,
            "title": line.title,
            # Shopify leaves this at 0.00 for code discounts; the money is in the allocations.
            "total_discount": "0.00",
            "total_discount_set": self.money(ZERO, ZERO, pres_cur),
            "variant_id": line.variant_id,
            "variant_inventory_management": "shopify" if line.variant_id else None,
            "variant_title": line.variant_title,
            "vendor": line.vendor,
            "tax_lines": tax_lines,
            "duties": [],
            "discount_allocations": allocations,
        }

    def shipping_line(
        self,
        shipping: ShippingSpec,
        shop: Amounts,
        pres: Amounts,
        rate: tuple[str, Decimal] | None,
        pres_cur: str,
    ) -> dict[str, Any]:
        return {
            "id": self.ids.next("shipping_line"),
            "carrier_identifier": None,
            "code": shipping.title,
            "discounted_price": money(shop.gross),
            "discounted_price_set": self.money(shop.gross, pres.gross, pres_cur),
            "is_removed": False,
            "phone": None,
            "price": money(shop.gross),
            "price_set": self.money(shop.gross, pres.gross, pres_cur),
            "requested_fulfillment_service_id": None,
            "source": "shopify",
            "title": shipping.title,
            "tax_lines": (
                [self.tax_line(rate[0], rate[1], shop.tax, pres.tax, pres_cur)] if rate else []
            ),
            "discount_allocations": [],
        }

    def tax_line(
        self, title: str, rate: Decimal, shop: Decimal, pres: Decimal, pres_cur: str
    ) -> dict[str, Any]:
        return {
            "channel_liable": False,
            "price": money(shop),
            "price_set": self.money(shop, pres, pres_cur),
            # The wire form is a JSON number (0.2); consumers parse it via str() into Decimal.
            "rate": float(rate),
            "title": title,
        }

    def transaction(
        self,
        order_id: int,
        kind: str,
        gateway: str,
        amount: Decimal,
        currency: str,
        when: datetime,
        test: bool,
        *,
        status: str = "success",
        parent_id: int | None = None,
    ) -> dict[str, Any]:
        tx_id = self.ids.next("transaction")
        return {
            "id": tx_id,
            "admin_graphql_api_id": f"gid://shopify/OrderTransaction/{tx_id}",
            "order_id": order_id,
            "kind": kind,
            "gateway": gateway,
            "status": status,
            "message": None,
            "created_at": self.time(when),
            "processed_at": self.time(when),
            "test": test,
            "authorization": None,
            "location_id": None,
            "user_id": None,
            "parent_id": parent_id,
            "device_id": None,
            "error_code": None,
            "source_name": "web",
            "receipt": {},
            "currency_exchange_adjustment": None,
            "amount": money(amount),
            "currency": currency,
            "payment_id": f"c{order_id}.{tx_id % 1000}",
            "total_unsettled_set": {
                "presentment_money": {"amount": "0.0", "currency": currency},
                "shop_money": {"amount": "0.0", "currency": self.shop.currency},
            },
            "manual_payment_gateway": gateway == "manual",
            "amount_rounding": None,
        }


_CUSTOMER_IN_ORDER = (
    "id",
    "email",
    "created_at",
    "updated_at",
    "first_name",
    "last_name",
    "state",
    "note",
    "verified_email",
    "multipass_identifier",
    "tax_exempt",
    "phone",
    "email_marketing_consent",
    "sms_marketing_consent",
    "tags",
    "currency",
    "tax_exemptions",
    "admin_graphql_api_id",
    "default_address",
)


def embedded_customer(customer: dict[str, Any] | None) -> dict[str, Any] | None:
    """The customer summary an order embeds (no addresses list, no order counters)."""
    if customer is None:
        return None
    return {key: customer.get(key) for key in _CUSTOMER_IN_ORDER}


def address_of(customer: dict[str, Any] | None) -> dict[str, Any] | None:
    if customer is None or not customer.get("default_address"):
        return None
    src = customer["default_address"]
    return {
        "first_name": src.get("first_name"),
        "address1": src.get("address1"),
        "phone": src.get("phone"),
        "city": src.get("city"),
        "zip": src.get("zip"),
        "province": src.get("province"),
        "country": src.get("country"),
        "last_name": src.get("last_name"),
        "address2": src.get("address2"),
        "company": src.get("company"),
        "latitude": None,
        "longitude": None,
        "name": src.get("name"),
        "country_code": src.get("country_code"),
        "province_code": src.get("province_code"),
    }
