"""The ``demo`` seed: a small UK tea shop (GBP, 20% VAT, tax-inclusive prices), awkward cases too.

Orders (60, spread over the last ~120 days, some older than 60 days): tax-inclusive and a few
tax-exclusive (wholesale); a fixed discount code split across three lines with penny remainders
and a percentage code; free and paid shipping (paid shipping carries VAT); a guest checkout
(``customer`` null); a line whose product was deleted (``product_id``/``variant_id`` null,
``product_exists`` false); a partial refund, two partial refunds of one line, a full refund with
shipping, a cancelled order; a pending (unpaid, manual payment) order, an authorised-only order
and a partially paid one; a test order (``test: true``); a gift card sale and an order paid partly
with a gift card; an order presented in EUR with GBP shop money; zero-rated and 5% lines; an
order to Greece with a prepaid import duty refunded with a returned line, and a till (POS) order
with a tip line whose tip was given back.
Shopify Payments payouts and balance transactions follow from those orders (``payouts.py``,
``DEMO_PAYMENTS``): daily GBP payouts net of fees and refunds, the newest still in transit and the
last days' sales still in the balance; a lost chargeback, a won one reversed, an adjustment, a
reserve held and released, and a payout in EUR (the EUR order is settled in EUR).
The Xero side is a UK organisation (``xero_defaults``) plus a contact the merchant made by hand
with the same email as Shopify customer Sophie Martin, an unrelated supplier, and an Item whose
Code equals the Shopify SKU "TEA-EARL-100".

Intentionally broken records (``broken_records`` finds them in a seed):
- the order tagged ``broken:unknown-tax-rate``: shipped to Ireland with 23% Irish VAT, a rate
  the UK Xero organisation has no tax rate for; the tool must queue it with a message naming the
  order and the tax line.
- the customer with email ``jürgen.müller@example.de``: Xero does not accept umlauts in
  EmailAddress (xero-api-notes §6.1); the tool must not send that email (omit it and say so, or
  queue the contact with a message naming the field).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from shopxero.sandbox.seeds import demo_catalog as cat
from shopxero.sandbox.seeds.orders import (
    DiscountSpec,
    IdSequence,
    LineSpec,
    OrderBuilder,
    OrderSpec,
    RefundSpec,
    ShippingSpec,
    ShopContext,
)
from shopxero.sandbox.seeds.payouts import PaymentsPlan, build_payouts
from shopxero.sandbox.seeds.records import (
    build_customer,
    build_product,
    build_shop,
    link_orders,
)
from shopxero.sandbox.seeds.xero_defaults import (
    default_accounts,
    default_organisation,
    default_tax_rates,
    with_clearing_account,
)
from shopxero.xero.dates import format_xero_date

__all__ = ["BROKEN_TAG", "DEMO_PAYMENTS", "UMLAUT_EMAIL", "broken_records", "build_demo"]

TZ = "Europe/London"
DOMAIN = "demo-tea-shop.myshopify.com"
BROKEN_TAG = "broken:unknown-tax-rate"
UMLAUT_EMAIL = "jürgen.müller@example.de"
VAT = Decimal("0.20")
SHOP = ShopContext(currency="GBP", timezone=TZ, tax_title="GB VAT", tax_rate=VAT)
ROYAL_MAIL = ShippingSpec("Royal Mail Tracked 48", Decimal("4.95"))
FREE = ShippingSpec("Free UK Shipping", Decimal("0.00"))
DHL_EU = ShippingSpec("DHL Europe", Decimal("12.00"))
TIP = LineSpec("Tip", Decimal("2.00"), taxable=False, product_exists=False, grams=0, tip=True)
# What the demo's Shopify Payments balance has beyond its orders' own sales and refunds; the
# merchant also has a EUR bank account, so EUR sales are paid out in EUR.
DEMO_PAYMENTS = PaymentsPlan(
    seed="demo-tea-shop",
    settle_currencies=("EUR",),
    disputes_lost=1,
    disputes_won=1,
    adjustments=1,
    reserve=Decimal("50.00"),
    payout_weekday=1,  # weekly on Tuesdays: a dozen payouts, not one a business day
)


# The time of day fractional "days ago" are counted from: the demo's order numbers were fixed
# (and its tests written) with seeds built at about this time of day.
_DAY_ANCHOR = time(17, 30)


class _Demo:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.ids = IdSequence()
        self.customers: dict[str, dict[str, Any]] = {}
        self.products: list[dict[str, Any]] = []
        self.variants: dict[tuple[str, int], tuple[dict[str, Any], dict[str, Any]]] = {}

    def ago(self, days: float, hour: int = 11) -> datetime:
        """``hour``:17 on the day ``days`` before now, never later than half an hour ago.

        The day is counted back from a fixed time of today (``_DAY_ANCHOR``), not from now:
        counted from now, a fractional ``days`` lands on one date or the next depending on the
        time of day the seed is built, and the orders (numbered by time) swapped numbers."""
        anchor = datetime.combine(self.now.date(), _DAY_ANCHOR, tzinfo=self.now.tzinfo)
        on = (anchor - timedelta(days=days)).date()
        day = datetime.combine(on, time(hour, 17), tzinfo=self.now.tzinfo)
        return min(day, self.now - timedelta(minutes=30))

    def build_people_and_catalogue(self) -> None:
        for row in cat.CUSTOMERS:
            self.customers[row.key] = build_customer(
                self.ids, first_name=row.first_name, last_name=row.last_name, email=row.email,
                phone=row.phone, address=row.address, created_at=self.ago(row.days_ago),
                tz=TZ, currency="GBP",
            )  # fmt: skip
        for item in cat.PRODUCTS:
            product = build_product(
                self.ids, title=item.title, vendor=item.vendor, product_type=item.product_type,
                variants=item.variants, created_at=self.ago(200), tz=TZ, currency="GBP",
                option_name=item.option_name,
                body_html=f"<p>{item.title} from {item.vendor}.</p>",
            )  # fmt: skip
            self.products.append(product)
            for index, variant in enumerate(product["variants"]):
                self.variants[(item.title, index)] = (product, variant)

    def line(self, title: str, index: int = 0, qty: int = 1, **extra: Any) -> LineSpec:
        product, variant = self.variants[(title, index)]
        gift = product["product_type"] == "Gift Cards"
        rate = (
            {"tax_rate": Decimal("0.05"), "tax_title": "GB VAT 5%"}
            if title == cat.CAR_SEAT_PRODUCT
            else {}
        )
        return LineSpec(
            title=product["title"],
            price=Decimal(variant["price"]),
            quantity=qty,
            variant_title=None if variant["title"] == "Default Title" else variant["title"],
            sku=variant["sku"],
            product_id=product["id"],
            variant_id=variant["id"],
            vendor=product["vendor"],
            taxable=variant["taxable"] and not gift,
            gift_card=gift,
            grams=variant["grams"],
            **{**rate, **extra},
        )

    def order(self, key: str | None, days: float, lines: list[LineSpec], **kw: Any) -> OrderSpec:
        customer = self.customers[key] if key else None
        shipping = kw.pop("shipping", None)
        if shipping is None:
            total = sum((ln.price * ln.quantity for ln in lines), Decimal(0))
            shipping = FREE if total >= 40 else ROYAL_MAIL
        return OrderSpec(
            number=0, processed_at=self.ago(days, hour=kw.pop("hour", 11)), lines=tuple(lines),
            customer=customer, shipping=shipping, **kw,
        )  # fmt: skip

    def awkward_orders(self) -> list[OrderSpec]:
        ln = self.line
        tin, tray = "Shortbread Tin", "Bamboo Tea Tray"
        return [
            # A fixed £10 code over three equal lines: 3.34 / 3.33 / 3.33.
            self.order("amelia", 3, [ln("Tea Caddy"), ln("Knitted Tea Cosy", 0),
                                     ln("Knitted Tea Cosy", 1)],
                       discount=DiscountSpec("TENOFF", Decimal("10.00"))),
            self.order("george", 21, [ln("Brand T-Shirt", 1, 2), ln("Linen Apron", 2)],
                       discount=DiscountSpec("SPRING15", Decimal("15"), "percentage")),
            # Tax-exclusive wholesale orders.
            self.order("company_only", 9, [ln("Wholesale Tea Sack 5kg", 0, 3)],
                       taxes_included=False, source_name="shopify_draft_order"),
            self.order("company_only", 75, [ln("Wholesale Tea Sack 5kg", 0, 2), ln(tin, 0, 7)],
                       taxes_included=False, source_name="shopify_draft_order",
                       discount=DiscountSpec("TRADE", Decimal("7.77"))),
            # Guest checkout: no customer, an email and an address on the order.
            self.order(None, 6, [ln("Honey Jar 340g", 0, 2)], email="guest.buyer@example.com",
                       address=_guest_address()),
            # A line whose product was deleted since.
            self.order("isla", 100, [ln("Tea Infuser Ball"),
                                     LineSpec("Limited Edition Teapot", Decimal("38.00"),
                                              sku="POT-LTD-2025", product_exists=False)]),
            # Refunds: partial (one unit of two), two partials of one line, full incl. shipping.
            self.order("jack", 30, [ln("Travel Flask 500ml", 0, 2), ln("Tea Towel Set")],
                       refunds=(RefundSpec(4, ((0, 1),), note="Dented lid"),)),
            self.order("mia", 44, [ln("Teaspoon Set", 0, 3), ln("Coaster Set")],
                       refunds=(RefundSpec(2, ((0, 1),)), RefundSpec(9, ((0, 1),)))),
            self.order("noah", 12, [ln("Glass Teapot 1L")],
                       refunds=(RefundSpec(3, ((0, 1),), shipping=True, note="Arrived broken"),)),
            self.order("grace", 27, [ln("Cast Iron Teapot", 1), ln(tray)], cancel_reason="customer",
                       refunds=(RefundSpec(0.1, ((0, 1), (1, 1)), shipping=True),)),
            # Payment states.
            self.order("leo", 2, [ln("Advent Tea Calendar")], payment="pending", gateway="manual"),
            self.order("arthur", 1, [ln("Milk Frother")], payment="authorized"),
            self.order("lily", 15, [ln("Tasting Flight Box", 0, 2)], payment="partially_paid",
                       gateway="manual", paid_amount=Decimal("20.00")),
            self.order("oscar", 5, [ln("Matcha Whisk")], test=True, gateway="bogus"),
            # Gift cards: a sale (no VAT, not discounted) and a redemption.
            self.order("emily", 50, [ln(cat.GIFT_CARD_PRODUCT, 1)]),
            self.order("emily", 20, [ln("Matcha Powder 30g", 0, 3)],
                       gift_card_amount=Decimal("50.00")),
            # EUR presentment, GBP shop money.
            self.order("chloe", 33, [ln("Sencha Kyoto 80g", 0, 2), ln("Classic Mug", 1)],
                       presentment_currency="EUR", exchange_rate=Decimal("0.8612"),
                       shipping=DHL_EU),
            # Zero-rated book with a standard-rated item; a 5% child seat.
            self.order("ava", 64, [ln(cat.BOOK_PRODUCT), ln("English Breakfast Tea 250g")]),
            self.order("oliver2", 40, [ln(cat.CAR_SEAT_PRODUCT), ln("Hot Chocolate Flakes")]),
            # Both Oliver Smiths, the awkward-name customers and the linked ones buy something.
            self.order("oliver1", 110, [ln("Classic Mug", 0, 2), ln("Seconds Mug")]),
            self.order("oliver2", 58, [ln("Organic Cotton Tote", 0), ln("Organic Cotton Tote", 1)]),
            self.order("japanese", 70, [ln("Sencha Kyoto 80g", 0, 3)], shipping=DHL_EU),
            # Import duty prepaid at checkout, refunded with the returned tea.
            self.order("greek", 85, [ln("Oolong Reserve 75g"), ln("Peppermint Leaves 60g")],
                       shipping=DHL_EU, duties=Decimal("4.80"),
                       refunds=(RefundSpec(6, ((1, 1),), duties=True, note="Held at customs"),)),
            self.order("arabic", 95, [ln("Cast Iron Teapot", 0)], shipping=DHL_EU),
            self.order("umlaut_email", 18, [ln("Chai Masala 100g", 0, 2)], shipping=DHL_EU),
            self.order("xero_email", 8, [ln("Earl Grey Tea 100g", 0, 4)]),
            self.order("no_email", 36, [ln("Biscuit Barrel")], source_name="pos"),
            # A tip at the till (a productless line), given back the next day.
            self.order("phone_only", 48, [ln("Lemon Drizzle Cake"), TIP], source_name="pos",
                       refunds=(RefundSpec(1, ((1, 1),), note="Tip returned"),)),
            # Broken: 23% Irish VAT, which the UK Xero organisation has no rate for.
            self.order("freya", 25, [ln("Scented Candle", 0), ln("Scented Candle", 1)],
                       shipping=DHL_EU, tags=BROKEN_TAG,
                       note="Irish customer charged Irish VAT (OSS)",
                       tax_override=("IE VAT", Decimal("0.23"))),
        ]  # fmt: skip

    def regular_orders(self, count: int) -> list[OrderSpec]:
        rng = random.Random(2026)
        keys = [k for k in self.customers if k not in ("phone_only", "company_only")]
        catalogue = [
            key for key in self.variants
            if key[0] not in (cat.GIFT_CARD_PRODUCT, "Wholesale Tea Sack 5kg", cat.CAR_SEAT_PRODUCT)
        ]  # fmt: skip
        specs: list[OrderSpec] = []
        for n in range(count):
            picks = rng.sample(catalogue, rng.randint(1, 4))
            lines = [self.line(t, i, rng.choice((1, 1, 1, 2, 3))) for t, i in picks]
            discount = (
                DiscountSpec("WELCOME10", Decimal("10"), "percentage") if n % 7 == 3 else None
            )
            specs.append(self.order(rng.choice(keys), rng.uniform(1, 118), lines,
                                    discount=discount, hour=rng.randint(8, 21)))  # fmt: skip
        return specs


def _guest_address() -> dict[str, Any]:
    return {
        "first_name": "Pat", "last_name": "Guest", "name": "Pat Guest", "company": None,
        "address1": "1 Guest Lane", "address2": None, "city": "Derby", "zip": "DE1 1AA",
        "province": None, "country": "United Kingdom", "country_code": "GB",
        "province_code": None, "phone": None, "latitude": None, "longitude": None,
    }  # fmt: skip


def _xero_side(now: datetime) -> dict[str, Any]:
    """UK defaults plus what the merchant had typed into Xero before installing the tool."""
    updated = format_xero_date(now - timedelta(days=400))
    contacts = [
        {
            "ContactID": "3f1c1a52-2d8a-4c1e-9e55-5a0d4c2b7a01",
            "ContactStatus": "ACTIVE",
            "Name": "Sophie Martin",
            "FirstName": "Sophie",
            "LastName": "Martin",
            "EmailAddress": "sophie.martin@example.com",
            "Addresses": [], "Phones": [], "ContactGroups": [], "ContactPersons": [],
            "IsSupplier": False, "IsCustomer": True, "HasAttachments": False,
            "UpdatedDateUTC": updated,
        },
        {
            "ContactID": "3f1c1a52-2d8a-4c1e-9e55-5a0d4c2b7a02",
            "ContactStatus": "ACTIVE",
            "Name": "Leafline Wholesale Ltd",
            "EmailAddress": "orders@leafline.example",
            "Addresses": [], "Phones": [], "ContactGroups": [], "ContactPersons": [],
            "IsSupplier": True, "IsCustomer": False, "HasAttachments": False,
            "UpdatedDateUTC": updated,
        },
    ]  # fmt: skip
    items = [
        {
            "ItemID": "7b2e4c10-5f3a-4d7e-8a21-0c9d8e7f6a01",
            "Code": cat.XERO_ITEM_SKU,
            "Name": "Earl Grey Tea 100g",
            "Description": "Earl Grey loose leaf tea, 100g",
            "IsSold": True,
            "IsPurchased": False,
            "IsTrackedAsInventory": False,
            "SalesDetails": {"UnitPrice": Decimal("6.50"), "AccountCode": "200",
                             "TaxType": "OUTPUT2"},
            "UpdatedDateUTC": updated,
        },
    ]  # fmt: skip
    return {
        "organisation": default_organisation("GB"),
        "accounts": with_clearing_account(default_accounts("GB"), "GB"),
        "tax_rates": default_tax_rates("GB"),
        "contacts": contacts,
        "items": items,
    }


def build_demo(now: datetime | None = None) -> dict[str, Any]:
    """The demo seed, dated relative to ``now`` (default: the current time)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    demo = _Demo(now)
    demo.build_people_and_catalogue()
    specs = demo.awkward_orders()
    specs += demo.regular_orders(60 - len(specs))
    specs.sort(key=lambda s: s.processed_at)
    builder = OrderBuilder(SHOP, demo.ids, domain=DOMAIN)
    orders = [builder.build(replace(s, number=1001 + n)) for n, s in enumerate(specs)]
    customers = list(demo.customers.values())
    link_orders(customers, orders)
    # The shop's two products that were deleted leave no trace in products.json.
    shop = build_shop(
        shop_id=60_123_456_789, name="Demo Tea Shop", domain=DOMAIN, country_code="GB",
        currency="GBP", iana_timezone=TZ, taxes_included=True, created_at=now - timedelta(days=400),
        presentment_currencies=("EUR",),
    )  # fmt: skip
    payments = build_payouts(shop, orders, now=now, plan=DEMO_PAYMENTS)
    return {
        "shopify": {
            "shop": shop,
            "customers": customers,
            "products": demo.products,
            "orders": orders,
            **payments,
        },
        "xero": _xero_side(now),
    }


def broken_records(seed: dict[str, Any]) -> list[dict[str, Any]]:
    """The intentionally broken records in ``seed``: entity, Shopify id, what is wrong."""
    found: list[dict[str, Any]] = []
    for order in seed["shopify"]["orders"]:
        if BROKEN_TAG in (order.get("tags") or ""):
            found.append({"entity": "order", "id": order["id"], "name": order["name"],
                          "reason": "tax rate 23% (IE VAT) has no Xero tax rate"})  # fmt: skip
    for customer in seed["shopify"]["customers"]:
        if customer.get("email") == UMLAUT_EMAIL:
            found.append({"entity": "customer", "id": customer["id"],
                          "reason": "email with umlauts, which Xero rejects"})  # fmt: skip
    return found
