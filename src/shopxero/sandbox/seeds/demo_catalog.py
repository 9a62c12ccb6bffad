"""The demo shop's people and catalogue: 25 customers and 40 products, awkward cases included.

Awkward customers: two "Oliver Smith"s; a customer with no email (Harry Taylor); one with only a
phone number; one with only a company name; Japanese, Greek and Arabic names; an email Xero does
not accept (umlauts, xero-api-notes §6.1); "Sophie Martin", whose email the merchant already has
on a hand-made Xero contact.

Awkward SKUs: an empty SKU and a null SKU; "MUG-CLASSIC" on two different products; a 37-character
SKU (Xero Item Code is at most 30, xero-api-notes §6.2); "TEA-EARL-100", which is also the Code of
an Item the merchant made in Xero by hand. A zero-rated book (``taxable`` false), a reduced-rate
(5%) child car seat, and a gift card product.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from shopxero.sandbox.seeds.records import AddressSpec, VariantSpec

__all__ = [
    "BOOK_PRODUCT",
    "CAR_SEAT_PRODUCT",
    "CUSTOMERS",
    "DUPLICATE_SKU",
    "GIFT_CARD_PRODUCT",
    "LONG_SKU",
    "PRODUCTS",
    "XERO_ITEM_SKU",
    "CustomerRow",
    "ProductRow",
]

DUPLICATE_SKU = "MUG-CLASSIC"
LONG_SKU = "ORGANIC-COTTON-TOTE-BAG-NATURAL-LARGE"
XERO_ITEM_SKU = "TEA-EARL-100"
GIFT_CARD_PRODUCT = "Gift Card"
BOOK_PRODUCT = "The Tea Lover's Handbook"
CAR_SEAT_PRODUCT = "Travel Booster Seat"


class CustomerRow(NamedTuple):
    key: str  # how demo orders refer to the customer
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None = None
    address: AddressSpec | None = None
    days_ago: int = 150  # account created this long before "now"


def _uk(street: str, city: str, postcode: str, company: str | None = None) -> AddressSpec:
    return AddressSpec(street, city, postcode, "GB", company=company)


CUSTOMERS: tuple[CustomerRow, ...] = (
    CustomerRow("oliver1", "Oliver", "Smith", "oliver.smith@example.co.uk", "+447700900001",
                _uk("12 High Street", "Leeds", "LS1 4AP")),
    CustomerRow("oliver2", "Oliver", "Smith", "ollie.smith88@example.net", None,
                _uk("3 Mill Lane", "Bristol", "BS1 5TR"), days_ago=90),
    CustomerRow("amelia", "Amelia", "Jones", "amelia.jones@example.com", "+447700900002",
                _uk("45 Queen's Road", "Brighton", "BN1 3XE")),
    CustomerRow("no_email", "Harry", "Taylor", None, "+447700900003",
                _uk("8 Station Road", "York", "YO1 7HH")),
    CustomerRow("phone_only", None, None, None, "+447700900123"),
    CustomerRow("company_only", None, None, "accounts@brightside-cafe.example",
                None, _uk("Unit 4, Canal Wharf", "Manchester", "M1 2NQ",
                          company="Brightside Cafe Ltd")),
    CustomerRow("japanese", "太郎", "山田", "taro.yamada@example.jp", None,
                AddressSpec("1-2-3 Shibuya", "Tokyo", "150-0002", "JP")),
    CustomerRow("greek", "Γιώργος", "Παπαδόπουλος", "giorgos.p@example.gr", None,
                AddressSpec("Odos Ermou 10", "Athens", "105 63", "GR")),
    CustomerRow("arabic", "محمد", "العلي", "m.alali@example.ae", None,
                AddressSpec("Sheikh Zayed Road 1", "Dubai", "00000", "AE")),
    CustomerRow("umlaut_email", "Jürgen", "Müller", "jürgen.müller@example.de", None,
                AddressSpec("Hauptstraße 5", "Berlin", "10115", "DE")),
    CustomerRow("xero_email", "Sophie", "Martin", "sophie.martin@example.com", "+447700900004",
                _uk("22 Park Avenue", "Oxford", "OX1 1AA")),
    CustomerRow("isla", "Isla", "Brown", "isla.brown@example.com", None,
                _uk("9 Rose Close", "Norwich", "NR1 1AB")),
    CustomerRow("george", "George", "Wilson", "george.wilson@example.co.uk", "+447700900005",
                _uk("71 London Road", "Reading", "RG1 5AQ")),
    CustomerRow("ava", "Ava", "Evans", "ava.evans@example.com", None,
                _uk("5 Church Street", "Cardiff", "CF10 1BH")),
    CustomerRow("jack", "Jack", "Thomas", "jack.thomas@example.org", None,
                _uk("16 King Street", "Glasgow", "G1 5QT")),
    CustomerRow("mia", "Mia", "Roberts", "mia.roberts@example.com", "+447700900006",
                _uk("27 Victoria Road", "Belfast", "BT1 3GS")),
    CustomerRow("noah", "Noah", "Johnson", "noah.j@example.co.uk", None,
                _uk("2 Abbey Road", "Bath", "BA1 1LY")),
    CustomerRow("grace", "Grace", "Walker", "grace.walker@example.com", None,
                _uk("60 Castle Street", "Edinburgh", "EH2 3AT")),
    CustomerRow("leo", "Leo", "Wright", "leo.wright@example.com", None,
                _uk("14 Market Place", "Cambridge", "CB2 3QF")),
    CustomerRow("freya", "Freya", "O'Connor", "freya.oconnor@example.ie", None,
                AddressSpec("4 Grafton Street", "Dublin", "D02 VF65", "IE")),
    CustomerRow("arthur", "Arthur", "Hughes", "arthur.hughes@example.com", None,
                _uk("31 Bridge Street", "Chester", "CH1 1NQ")),
    CustomerRow("lily", "Lily", "Green", "lily.green@example.co.uk", "+447700900007",
                _uk("7 Orchard Way", "Exeter", "EX1 1AA")),
    CustomerRow("oscar", "Oscar", "Hall", "oscar.hall@example.com", None,
                _uk("88 Fore Street", "Plymouth", "PL1 2AA")),
    CustomerRow("emily", "Emily", "Clarke", "emily.clarke@example.com", None,
                _uk("19 Mill Road", "Nottingham", "NG1 1AA")),
    CustomerRow("chloe", "Chloé", "Dubois", "chloe.dubois@example.fr", None,
                AddressSpec("12 Rue de Rivoli", "Paris", "75001", "FR")),
)  # fmt: skip


class ProductRow(NamedTuple):
    title: str
    product_type: str
    vendor: str
    variants: tuple[VariantSpec, ...]
    option_name: str = "Title"


def _one(
    price: str, sku: str | None, *, taxable: bool = True, grams: int = 250
) -> tuple[VariantSpec, ...]:
    return (VariantSpec("Default Title", Decimal(price), sku, grams=grams, taxable=taxable),)


def _sizes(
    price: str, stem: str, sizes: tuple[str, ...] = ("S", "M", "L")
) -> tuple[VariantSpec, ...]:
    return tuple(VariantSpec(s, Decimal(price), f"{stem}-{s}") for s in sizes)


PRODUCTS: tuple[ProductRow, ...] = (
    ProductRow("Earl Grey Tea 100g", "Tea", "Leafline", _one("6.50", XERO_ITEM_SKU, grams=120)),
    ProductRow("English Breakfast Tea 250g", "Tea", "Leafline", _one("8.95", "TEA-EB-250")),
    ProductRow("Jasmine Green Tea 50g", "Tea", "Leafline", _one("7.25", "TEA-JAS-50")),
    ProductRow("Rooibos Vanilla 100g", "Tea", "Leafline", _one("5.99", "TEA-ROO-100")),
    ProductRow("Chai Masala 100g", "Tea", "Spice Route", _one("6.99", "TEA-CHAI-100")),
    ProductRow("Sencha Kyoto 80g", "Tea", "Leafline", _one("11.50", "TEA-SEN-80")),
    ProductRow("Peppermint Leaves 60g", "Tea", "Leafline", _one("4.49", "")),
    ProductRow("Oolong Reserve 75g", "Tea", "Leafline", _one("13.99", None)),
    ProductRow("Classic Mug", "Mugs", "Stoneware Co", (
        VariantSpec("White", Decimal("12.00"), DUPLICATE_SKU),
        VariantSpec("Navy", Decimal("12.00"), "MUG-CLASSIC-NAVY"),
    ), "Colour"),
    ProductRow("Seconds Mug", "Mugs", "Stoneware Co", _one("7.00", DUPLICATE_SKU)),
    ProductRow("Espresso Cup Set", "Mugs", "Stoneware Co", _one("24.00", "CUP-ESP-SET4")),
    ProductRow("Glass Teapot 1L", "Teaware", "Clearbrew", _one("29.99", "POT-GLASS-1L", grams=900)),
    ProductRow("Cast Iron Teapot", "Teaware", "Clearbrew", (
        VariantSpec("Black", Decimal("45.00"), "POT-IRON-BLK", grams=1600),
        VariantSpec("Red", Decimal("47.50"), "POT-IRON-RED", grams=1600),
    ), "Colour"),
    ProductRow("Tea Infuser Ball", "Teaware", "Clearbrew", _one("3.99", "INF-BALL")),
    ProductRow("Bamboo Tea Tray", "Teaware", "Woodcraft", _one("34.00", "TRAY-BAMBOO")),
    ProductRow("Organic Cotton Tote", "Bags", "Greenthread", (
        VariantSpec("Natural / Large", Decimal("15.00"), LONG_SKU),
        VariantSpec("Natural / Small", Decimal("11.00"), "TOTE-NAT-S"),
    ), "Style"),
    ProductRow("Linen Apron", "Kitchen", "Greenthread", _sizes("22.00", "APRON")),
    ProductRow("Tea Towel Set", "Kitchen", "Greenthread", _one("14.50", "TOWEL-SET3")),
    ProductRow("Shortbread Tin", "Food", "Highland Bakes", _one("9.99", "FOOD-SHORT")),
    ProductRow("Lemon Drizzle Cake", "Food", "Highland Bakes", _one("16.00", "FOOD-LEMON")),
    ProductRow("Honey Jar 340g", "Food", "Bee Happy", _one("7.80", "FOOD-HONEY")),
    ProductRow("Brand T-Shirt", "Apparel", "Demo Shop", (
        VariantSpec("S", Decimal("19.99"), "TEE-S"),
        VariantSpec("M", Decimal("19.99"), "TEE-M"),
        VariantSpec("L", Decimal("19.99"), "TEE-L"),
        VariantSpec("XL", Decimal("21.99"), "TEE-XL"),
    ), "Size"),
    ProductRow("Knitted Tea Cosy", "Teaware", "Woolly", (
        VariantSpec("Grey", Decimal("18.00"), "COSY-GREY"),
        VariantSpec("Mustard", Decimal("18.00"), "COSY-MUST"),
        VariantSpec("Teal", Decimal("18.00"), "COSY-TEAL"),
    ), "Colour"),
    ProductRow("Tea Caddy", "Teaware", "Tinsmiths", _one("12.75", "CADDY-TIN")),
    ProductRow("Milk Frother", "Teaware", "Clearbrew", _one("19.00", "FROTH-01")),
    ProductRow("Matcha Whisk", "Teaware", "Kyoto Craft", _one("16.50", "MATCHA-WHISK")),
    ProductRow("Matcha Powder 30g", "Tea", "Kyoto Craft", _one("21.00", "MATCHA-30")),
    ProductRow("Coaster Set", "Homeware", "Woodcraft", _one("10.00", "COAST-SET4")),
    ProductRow("Scented Candle", "Homeware", "Glow", (
        VariantSpec("Bergamot", Decimal("14.00"), "CANDLE-BERG"),
        VariantSpec("Fig", Decimal("14.00"), "CANDLE-FIG"),
    ), "Scent"),
    ProductRow("Advent Tea Calendar", "Tea", "Leafline", _one("35.00", "ADVENT-24")),
    ProductRow("Tasting Flight Box", "Tea", "Leafline", _one("27.50", "FLIGHT-BOX")),
    ProductRow("Travel Flask 500ml", "Teaware", "Clearbrew", (
        VariantSpec("Silver", Decimal("24.95"), "FLASK-SIL"),
        VariantSpec("Black", Decimal("24.95"), "FLASK-BLK"),
    ), "Colour"),
    ProductRow("Loose Leaf Sampler", "Tea", "Leafline", _one("9.50", "SAMPLER-6")),
    ProductRow("Teaspoon Set", "Teaware", "Tinsmiths", _one("8.00", "SPOON-SET4")),
    ProductRow("Biscuit Barrel", "Homeware", "Tinsmiths", _one("17.25", "BARREL-01")),
    ProductRow("Hot Chocolate Flakes", "Food", "Highland Bakes", _one("6.25", "FOOD-CHOC")),
    ProductRow(BOOK_PRODUCT, "Books", "Leafline Press",
               _one("14.99", "BOOK-TEA-HB", taxable=False)),
    ProductRow(CAR_SEAT_PRODUCT, "Children", "SafeRide", _one("39.00", "SEAT-BOOST")),
    ProductRow("Wholesale Tea Sack 5kg", "Wholesale", "Leafline", _one("95.00", "WS-SACK-5KG")),
    ProductRow(GIFT_CARD_PRODUCT, "Gift Cards", "Demo Shop", (
        VariantSpec("£25", Decimal("25.00"), None, grams=0, taxable=False),
        VariantSpec("£50", Decimal("50.00"), None, grams=0, taxable=False),
    ), "Denominations"),
)  # fmt: skip
