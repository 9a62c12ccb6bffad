"""The ``bench`` seed: a large UK shop generated deterministically (seeded random) at any size.

``bench`` or ``bench:customers=2000,products=300,orders=5000`` (these are the defaults; each product
has 3 variants). Two optional keys shape the history instead of its size: ``days=N`` keeps every
order within the last N days, and ``payday=0``..``4`` pays out weekly on that weekday (Monday = 0)
instead of each business day; the crash harness uses both so that a shop with a few hundred orders
still has a handful of payouts, not one per day for three years. The records are the same kinds as
the demo's, spread by fixed strides so every size above a few dozen has them: duplicate customer
names, customers without email or without a name, non-Latin names, empty/duplicated/over-long SKUs,
tax-exclusive orders, discount codes split with penny remainders, free and paid shipping, guest
checkouts, deleted-product lines, partial and full refunds, cancelled, pending and test orders, gift
cards, EUR presentment, additional fees (some given back by a refund); Shopify Payments payouts and
balance transactions generated from the orders (``payouts.py``), with disputes (lost and won),
adjustments, a reserve and EUR payouts. Unlike the demo there are no intentionally broken records,
so a bench run that queues anything has found a bug. Orders spread over the last 3 years
(``read_all_orders`` matters, shopify-api-notes §4).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

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
    AddressSpec,
    VariantSpec,
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

__all__ = ["DEFAULT_SIZES", "build_bench", "parse_bench_spec"]

DEFAULT_SIZES = {"customers": 2000, "products": 300, "orders": 5000}
TZ = "Europe/London"
DOMAIN = "bench-shop.myshopify.com"
SHOP = ShopContext(currency="GBP", timezone=TZ, tax_title="GB VAT", tax_rate=Decimal("0.20"))

_FIRST = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Harry",
    "Muhammad",
    "Freya",
    "Grace",
    "Lily",
    "Jack",
    "Oscar",
    "Emily",
    "Sophie",
    "Theo",
)
_LAST = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Walker",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
)
_NON_LATIN = (("花子", "佐藤"), ("Ελένη", "Νικολάου"), ("فاطمة", "حسن"), ("Иван", "Петров"))
_NOUNS = (
    "Teapot",
    "Mug",
    "Caddy",
    "Tray",
    "Tea Blend",
    "Infuser",
    "Cosy",
    "Candle",
    "Apron",
    "Tote",
    "Flask",
    "Biscuits",
)
_ADJ = (
    "Classic",
    "Rustic",
    "Modern",
    "Organic",
    "Vintage",
    "Nordic",
    "Highland",
    "Royal",
    "Coastal",
    "Urban",
)
_COLOURS = ("Black", "White", "Sage")
_CITIES = (("Leeds", "LS1 1AA"), ("Bristol", "BS1 1AA"), ("York", "YO1 1AA"),
           ("Bath", "BA1 1AA"), ("Derby", "DE1 1AA"), ("Hull", "HU1 1AA"))  # fmt: skip


HISTORY_KEYS = ("days", "payday")


def parse_bench_spec(spec: str) -> dict[str, int]:
    """``"bench:customers=10,orders=20"`` -> sizes (defaults for what is left out), plus
    ``days`` and ``payday`` when given."""
    sizes = dict(DEFAULT_SIZES)
    _, _, params = spec.partition(":")
    for part in filter(None, (p.strip() for p in params.split(","))):
        key, sep, value = part.partition("=")
        if not sep or (key not in sizes and key not in HISTORY_KEYS):
            raise ValueError(
                f"bad bench size {part!r}: use customers=N, products=N, orders=N, and optionally "
                f"days=N (history) or payday=0-4 (weekly payouts) (e.g. {spec!r})"
            )
        least = 0 if key == "payday" else 1
        if not value.isdigit() or int(value) < least:
            raise ValueError(f"bench {key} must be an integer of at least {least}, not {value!r}")
        if key == "payday" and int(value) > 4:
            raise ValueError(f"bench payday is a weekday from 0 (Monday) to 4, not {value!r}")
        sizes[key] = int(value)
    return sizes


def _customers(rng: random.Random, ids: IdSequence, n: int, now: datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(n):
        first: str | None = rng.choice(_FIRST)
        last: str | None = rng.choice(_LAST)
        email: str | None = f"customer{i}@bench.example"
        phone: str | None = None
        company = None
        if i % 53 == 7 and out:  # the same name as an earlier customer
            first, last = out[i // 2]["first_name"], out[i // 2]["last_name"]
        elif i % 41 == 5:
            first, last = rng.choice(_NON_LATIN)
        if i % 37 == 11:
            email = None
        if i % 97 == 13:  # phone only
            first = last = email = None
            phone = f"+44770090{i % 10000:04d}"
        elif i % 89 == 17:  # company only
            first = last = None
            company = f"Bench Trading {i} Ltd"
        city, postcode = _CITIES[i % len(_CITIES)]
        address = AddressSpec(f"{i % 200 + 1} High Street", city, postcode, "GB", company=company)
        created = now - timedelta(days=1200 - (i * 1100 // max(n, 1)))
        out.append(
            build_customer(
                ids,
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                address=address,
                created_at=created,
                tz=TZ,
                currency="GBP",
            )
        )
    return out


def _products(rng: random.Random, ids: IdSequence, n: int, now: datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(n):
        title = f"{rng.choice(_ADJ)} {rng.choice(_NOUNS)} {i}"
        price = Decimal(rng.randint(300, 9000)) / 100
        variants: list[VariantSpec] = []
        for j, colour in enumerate(_COLOURS):
            sku: str | None = f"B{i:04d}-{colour[:3].upper()}"
            if i % 31 == 4 and j == 0:
                sku = ""
            elif i % 43 == 6 and j == 1:
                sku = None
            elif i % 29 == 3 and j == 2:
                sku = "B0000-BLA"  # duplicates the first product's SKU
            elif i % 47 == 9 and j == 0:
                sku = f"BENCH-{title.upper().replace(' ', '-')}-{colour.upper()}-EXTRA"
            variants.append(VariantSpec(colour, price + j, sku, taxable=i % 61 != 2))
        if i == n - 1:  # the last product sells gift cards
            title = "Gift Card"
            variants = [VariantSpec(f"£{v}", Decimal(v), None, grams=0, taxable=False)
                        for v in ("10", "25", "50")]  # fmt: skip
        out.append(build_product(ids, title=title, vendor="Bench Co", product_type=
                                 "Gift Cards" if title == "Gift Card" else "Homeware",
                                 variants=variants, created_at=_added(i, now),
                                 tz=TZ, currency="GBP", option_name="Colour"))  # fmt: skip
    return out


def _added(i: int, now: datetime) -> datetime:
    """When product ``i`` was added (and last edited): an hour after the one before it, from
    1,300 days ago, before any order. Products added at one moment would all sit inside the
    look-back window behind their cursor, and every run would read the whole catalogue again."""
    return now - timedelta(days=1300) + timedelta(hours=i)


def _line(product: dict[str, Any], variant: dict[str, Any], qty: int) -> LineSpec:
    gift = product["product_type"] == "Gift Cards"
    return LineSpec(
        title=product["title"],
        price=Decimal(variant["price"]),
        quantity=1 if gift else qty,
        variant_title=variant["title"],
        sku=variant["sku"],
        product_id=product["id"],
        variant_id=variant["id"],
        vendor=product["vendor"],
        taxable=variant["taxable"] and not gift,
        gift_card=gift,
        grams=variant["grams"],
    )


def _order_spec(
    rng: random.Random,
    i: int,
    customers: list[dict[str, Any]],
    products: list[dict[str, Any]],
    now: datetime,
    days: int | None = None,
) -> OrderSpec:
    regular = products[:-1] or products
    lines = []
    for _ in range(rng.randint(1, 4)):
        product = rng.choice(regular)
        lines.append(_line(product, rng.choice(product["variants"]), rng.choice((1, 1, 2, 3))))
    if i % 71 == 10:
        gift_product = products[-1]
        lines.append(_line(gift_product, rng.choice(gift_product["variants"]), 1))
    if i % 83 == 12:
        lines.append(LineSpec("Discontinued Sampler", Decimal("12.50"), sku="OLD-SAMPLER",
                              product_exists=False))  # fmt: skip
    customer = None if i % 59 == 8 else rng.choice(customers)
    if customer is not None:
        earliest = datetime.fromisoformat(customer["created_at"]).astimezone(UTC)
    else:
        earliest = now - timedelta(days=1095)
    if days is not None:
        earliest = max(earliest, now - timedelta(days=days))
    span = max((now - earliest).total_seconds() - 3600, 60)
    processed = now - timedelta(seconds=rng.uniform(60, span))
    gross = sum((ln.price * ln.quantity for ln in lines), Decimal(0))
    shipping = ShippingSpec("Free UK Shipping", Decimal(0)) if gross >= 50 else ShippingSpec(
        "Royal Mail Tracked 48", Decimal("4.95"))  # fmt: skip
    kw: dict[str, Any] = {}
    if i % 5 == 1:
        kw["discount"] = DiscountSpec("SAVE5", Decimal("5.00"))
    elif i % 13 == 2:
        kw["discount"] = DiscountSpec("TENPC", Decimal("10"), "percentage")
    if i % 19 == 4:
        kw["taxes_included"] = False
    if i % 23 == 5:
        kw["refunds"] = (RefundSpec(rng.uniform(1, 10), ((0, 1),), note="Changed mind"),)
    elif i % 67 == 6:
        kw["refunds"] = (RefundSpec(2, tuple((n, ln.quantity) for n, ln in enumerate(lines)),
                                    shipping=True),)  # fmt: skip
        kw["cancel_reason"] = "customer" if i % 2 else None
    elif i % 101 == 7:
        kw.update(payment="pending", gateway="manual")
    elif i % 103 == 8:
        kw.update(test=True, gateway="bogus")
    elif i % 37 == 9:
        kw.update(presentment_currency="EUR", exchange_rate=Decimal("0.8571"))
    if customer is None:
        kw["email"] = f"guest{i}@bench.example"
    if i % 97 == 41 and processed < now - timedelta(days=10):
        # An additional fee collected at checkout (a cross-border import fee), given back with a
        # refund on every other such order (on GraphQL it is read from the refund agreements).
        kw["additional_fees"] = Decimal("2.90")
        if i % 2:
            refunds = kw.get("refunds") or (RefundSpec(3, ((0, 1),), note="Returned"),)
            kw["refunds"] = (replace(refunds[0], additional_fees=True), *refunds[1:])
    if kw.get("refunds"):
        kw["refunds"] = tuple(_in_the_past(r, processed, now) for r in kw["refunds"])
    return OrderSpec(number=0, processed_at=processed, lines=tuple(lines), customer=customer,
                     shipping=shipping, **kw)  # fmt: skip


def _in_the_past(refund: RefundSpec, processed: datetime, now: datetime) -> RefundSpec:
    """A refund no later than halfway from its order to ``now``: a recent order's refund "days
    later" would fall in the future, which no real shop holds, and its order's ``updated_at``
    with it, so every incremental run would read that order again as changed."""
    latest = (now - processed).total_seconds() / 2 / 86400
    return refund if refund.days_after <= latest else replace(refund, days_after=latest)


def build_bench(
    customers: int = 2000,
    products: int = 300,
    orders: int = 5000,
    *,
    now: datetime | None = None,
    days: int | None = None,
    payday: int | None = None,
) -> dict[str, Any]:
    """A bench seed of the given size; the same arguments always give the same records.
    ``days``: orders only within that many days; ``payday``: weekly payouts on that weekday."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rng = random.Random(f"bench-{customers}-{products}-{orders}")
    ids = IdSequence()
    people = _customers(rng, ids, customers, now)
    catalogue = _products(rng, ids, products, now)
    specs = [_order_spec(rng, i, people, catalogue, now, days) for i in range(orders)]
    specs.sort(key=lambda s: s.processed_at)
    builder = OrderBuilder(SHOP, ids, domain=DOMAIN)
    built = [builder.build(replace(s, number=1001 + n)) for n, s in enumerate(specs)]
    link_orders(people, built)
    shop = build_shop(
        shop_id=61_000_000_001,
        name="Bench Shop",
        domain=DOMAIN,
        country_code="GB",
        currency="GBP",
        iana_timezone=TZ,
        taxes_included=True,
        created_at=now - timedelta(days=1400),
        presentment_currencies=("EUR",),
    )
    plan = PaymentsPlan(
        seed=f"bench-{customers}-{products}-{orders}",
        settle_currencies=("EUR",),
        disputes_lost=max(1, orders // 1000),
        disputes_won=max(1, orders // 1000),
        adjustments=max(1, orders // 500),
        reserve=Decimal("200.00"),
        payout_weekday=payday,
    )
    payments = build_payouts(shop, built, now=now, plan=plan)
    return {
        "shopify": {
            "shop": shop,
            "customers": people,
            "products": catalogue,
            "orders": built,
            **payments,
        },
        "xero": {
            "organisation": default_organisation("GB"),
            "accounts": with_clearing_account(default_accounts("GB"), "GB"),
            "tax_rates": default_tax_rates("GB"),
            "contacts": [],
            "items": [],
        },
    }
