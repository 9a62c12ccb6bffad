"""Tolerant pydantic models of the Shopify REST bodies shopxero reads (API 2026-07).

Shopify sends far more than we use and may send ``null`` for nearly anything, or leave keys out
when a request names ``fields=``; so every model ignores unknown keys, only ``id`` is required,
``null`` lists become ``[]`` and ``null`` flags take their documented default. A missing amount
stays ``None`` (never a silent 0): mapping refuses a record that lacks an amount it needs.

Money is ``Decimal`` parsed through ``str()``: Shopify sends strings almost everywhere, but
``refund_line_items[].subtotal``/``total_tax`` and tax ``rate`` arrive as JSON numbers
(shopify-api-notes §5, §8 #7), and ``Decimal(str(0.06))`` is exactly ``0.06`` where
``Decimal(0.06)`` is not. A money string must be a plain decimal (``"199.00"``, ``"-5.00"``,
shopify-api-notes §5): ``"1E+3"``, ``" 12.00 "`` or ``"NaN"`` is not what Shopify sends, so it is
refused with the field's path rather than read as some number. Datetimes must carry an offset
(Shopify renders shop-local offsets, shopify-api-notes §8 #18); a naive one is an error rather than
a guess.

``parse_customer`` / ``parse_product`` / ``parse_order`` (and friends) turn a raw dict into a
model or raise :class:`~shopxero.errors.MappingError` naming the record id and the dotted path of
the bad field (``line_items.2.price``).

Shopify Payments (shopify-api-notes §9): ``Payout`` (with its ``PayoutSummary``),
``BalanceTransaction`` and ``PaymentsBalance``. Their ``type``, ``status`` and ``source_type`` are
kept as open strings: Shopify's own fixture holds types the reference does not list and Rails class
names as source types. Nothing here checks the arithmetic (``net = amount - fee``, a payout's
amount = the sum of its transactions' ``net``): that is for whoever posts the payout to decide.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from shopxero.errors import MappingError

__all__ = [
    "Address",
    "AdjustmentOrder",
    "AdjustmentOrderTransaction",
    "BalanceTransaction",
    "Customer",
    "DiscountAllocation",
    "DiscountApplication",
    "LineItem",
    "Money",
    "MoneyBag",
    "MoneySet",
    "Order",
    "OrderAdjustment",
    "PaymentsBalance",
    "Payout",
    "PayoutSummary",
    "Product",
    "Refund",
    "RefundAdditionalFee",
    "RefundDuty",
    "RefundDutyType",
    "RefundLineItem",
    "RefundShippingLine",
    "ShippingLine",
    "ShopifyShop",
    "TaxLine",
    "Transaction",
    "Variant",
    "parse_balance_transaction",
    "parse_customer",
    "parse_order",
    "parse_payments_balance",
    "parse_payout",
    "parse_product",
    "parse_refund",
    "parse_shop",
    "parse_transaction",
    "parse_variant",
    "to_decimal",
]


# What Shopify's money strings look like (shopify-api-notes §5): digits, an optional minus
# (adjustments and refund discrepancies are negative) and an optional fraction. ASCII digits only:
# ``\d`` would take Arabic-Indic digits, which Decimal reads too.
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def to_decimal(value: object) -> Decimal:
    """Exact ``Decimal`` from a Shopify money value, never via float math.

    Strings must be plain decimals (``"199.00"``, ``"-5.00"``). JSON numbers (int or float) are
    the documented exceptions (``refund_line_items[].subtotal``/``total_tax``, tax ``rate``:
    shopify-api-notes §5, §8 #7) and go through ``str()``. Raises ``ValueError`` (which pydantic
    reports with the field's path) for anything else: booleans, empty or padded strings, exponents,
    ``NaN``/``Infinity`` and text that is not a number.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError("expected a money amount, got a boolean")
    elif isinstance(value, str):
        if _PLAIN_DECIMAL.fullmatch(value) is None:
            raise ValueError(
                f"expected a plain decimal money string such as '12.50', got {_excerpt(value)}"
            )
        result = Decimal(value)
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected a finite money amount, got {value!r}")
        result = Decimal(str(value))  # str() of a finite int or float always parses
    else:
        raise ValueError(f"expected a money amount, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"expected a finite money amount, got {value!r}")
    return result


def _none_to_empty_list(value: object) -> object:
    return [] if value is None else value


def _none_to_false(value: object) -> object:
    return False if value is None else value


def _none_to_true(value: object) -> object:
    return True if value is None else value


Money = Annotated[Decimal, BeforeValidator(to_decimal)]
"""A money amount (or rate) as an exact Decimal."""

T = TypeVar("T")
# A list Shopify may send as null; we always hold a list.
_List = Annotated[list[T], BeforeValidator(_none_to_empty_list)]
_FalseIfNull = Annotated[bool, BeforeValidator(_none_to_false)]
_TrueIfNull = Annotated[bool, BeforeValidator(_none_to_true)]


class _ShopifyModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class MoneyBag(_ShopifyModel):
    """One side of a ``*_set``: an amount and its currency (``currency`` on transactions)."""

    amount: Money | None = None
    currency_code: str | None = Field(default=None)
    currency: str | None = None

    @property
    def code(self) -> str | None:
        """The currency code under either key (shopify-api-notes §5: transactions use
        ``currency``)."""
        return self.currency_code or self.currency


class MoneySet(_ShopifyModel):
    """Shopify's ``*_set``: the amount in shop currency and in the buyer's currency."""

    shop_money: MoneyBag | None = None
    presentment_money: MoneyBag | None = None


class ShopifyShop(_ShopifyModel):
    """``GET shop.json``: what mapping needs to know about the shop."""

    id: int | None = None
    name: str | None = None
    email: str | None = None
    currency: str | None = None
    iana_timezone: str | None = None
    country_code: str | None = None
    # null in Shopify's own fixture; None means "unknown", mapping treats it as False.
    taxes_included: bool | None = None
    tax_shipping: bool | None = None
    myshopify_domain: str | None = None


class Address(_ShopifyModel):
    """A customer address, an order's billing/shipping address."""

    id: int | None = None
    customer_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province: str | None = None
    province_code: str | None = None
    country: str | None = None
    country_code: str | None = None
    country_name: str | None = None
    zip: str | None = None
    phone: str | None = None
    default: _FalseIfNull = False


class Customer(_ShopifyModel):
    """A Shopify customer; also the (shorter) customer object embedded in an order."""

    id: int
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    state: str | None = None
    note: str | None = None
    tags: str | None = None
    currency: str | None = None
    tax_exempt: _FalseIfNull = False
    verified_email: bool | None = None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    default_address: Address | None = None
    addresses: _List[Address] = []


class Variant(_ShopifyModel):
    """A product variant: what becomes one Xero Item."""

    id: int
    product_id: int | None = None
    title: str | None = None
    price: Money | None = None
    compare_at_price: Money | None = None
    sku: str | None = None
    barcode: str | None = None
    position: int | None = None
    taxable: _TrueIfNull = True
    tax_code: str | None = None
    inventory_item_id: int | None = None
    inventory_management: str | None = None
    requires_shipping: bool | None = None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None


class Product(_ShopifyModel):
    """A product and its variants (REST returns at most 100 variants, shopify-api-notes §1)."""

    id: int
    title: str | None = None
    body_html: str | None = None
    vendor: str | None = None
    product_type: str | None = None
    handle: str | None = None
    status: str | None = None
    tags: str | None = None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    published_at: AwareDatetime | None = None
    variants: _List[Variant] = []


class TaxLine(_ShopifyModel):
    """One tax charged on a line, a shipping line or the order. ``rate`` is a fraction (0.2)."""

    title: str | None = None
    rate: Money | None = None
    price: Money | None = None
    price_set: MoneySet | None = None
    channel_liable: bool | None = None


class DiscountAllocation(_ShopifyModel):
    """The part of one discount application that landed on a line (penny-split,
    shopify-api-notes §8 #10)."""

    amount: Money | None = None
    amount_set: MoneySet | None = None
    discount_application_index: int | None = None


class DiscountApplication(_ShopifyModel):
    """An order-level discount description; the amounts live in the allocations."""

    target_type: str | None = None
    type: str | None = None
    value: Money | None = None
    value_type: str | None = None
    allocation_method: str | None = None
    target_selection: str | None = None
    code: str | None = None
    title: str | None = None
    description: str | None = None


class LineItem(_ShopifyModel):
    """An order line; ``variant_id``/``product_id`` are null for deleted products, custom items."""

    id: int | None = None
    variant_id: int | None = None
    product_id: int | None = None
    product_exists: bool | None = None
    sku: str | None = None
    title: str | None = None
    variant_title: str | None = None
    name: str | None = None
    vendor: str | None = None
    quantity: int | None = None
    current_quantity: int | None = None
    price: Money | None = None
    price_set: MoneySet | None = None
    total_discount: Money | None = None
    discount_allocations: _List[DiscountAllocation] = []
    tax_lines: _List[TaxLine] = []
    taxable: _TrueIfNull = True
    gift_card: _FalseIfNull = False
    requires_shipping: bool | None = None

    @property
    def discount_total(self) -> Decimal:
        """Sum of the line's discount allocations (``total_discount`` may read 0.00,
        shopify-api-notes §5).

        An allocation without an amount counts as nothing here; mapping refuses such a line.
        """
        return sum((a.amount or Decimal(0) for a in self.discount_allocations), Decimal(0))


class ShippingLine(_ShopifyModel):
    """A shipping charge; ``discounted_price`` is what the buyer paid after shipping discounts."""

    id: int | None = None
    title: str | None = None
    code: str | None = None
    source: str | None = None
    price: Money | None = None
    price_set: MoneySet | None = None
    discounted_price: Money | None = None
    discounted_price_set: MoneySet | None = None
    tax_lines: _List[TaxLine] = []
    discount_allocations: _List[DiscountAllocation] = []
    is_removed: _FalseIfNull = False

    @property
    def amount_charged(self) -> Decimal | None:
        """``discounted_price`` when Shopify sent it, else ``price`` less the allocations;
        ``None`` when neither price is known."""
        if self.discounted_price is not None:
            return self.discounted_price
        if self.price is None or any(a.amount is None for a in self.discount_allocations):
            return None
        return self.price - sum(
            (a.amount or Decimal(0) for a in self.discount_allocations), Decimal(0)
        )


class RefundLineItem(_ShopifyModel):
    """A refunded quantity of one line. ``subtotal``/``total_tax`` are JSON numbers
    (shopify-api-notes §5)."""

    id: int | None = None
    line_item_id: int | None = None
    quantity: int | None = None
    restock_type: str | None = None
    location_id: int | None = None
    subtotal: Money | None = None
    total_tax: Money | None = None
    subtotal_set: MoneySet | None = None
    total_tax_set: MoneySet | None = None
    line_item: LineItem | None = None


class OrderAdjustment(_ShopifyModel):
    """A refund adjustment: shipping refunds and refund discrepancies (shopify-api-notes §5)."""

    id: int | None = None
    order_id: int | None = None
    refund_id: int | None = None
    kind: str | None = None
    reason: str | None = None
    amount: Money | None = None
    tax_amount: Money | None = None
    amount_set: MoneySet | None = None
    tax_amount_set: MoneySet | None = None


class RefundShippingLine(_ShopifyModel):
    """A refunded shipping line (exact REST shape partly UNCONFIRMED in shopify-api-notes §5; kept
    loose)."""

    id: int | None = None
    shipping_line_id: int | None = None
    shipping_line: ShippingLine | None = None
    subtotal_amount_set: MoneySet | None = None


class RefundDuty(_ShopifyModel):
    """A refunded import duty: ``{"duty_id", "amount_set"}`` (ShopifySharp ``RefundDuty.cs``;
    GraphQL ``RefundDuty.amountSet``, shopify.dev/docs/api/admin-graphql/latest/objects/RefundDuty).
    """

    duty_id: int | None = None
    amount_set: MoneySet | None = None


class RefundDutyType(_ShopifyModel):
    """A ``refund_duties`` entry: which duty was refunded and how (``FULL`` / ``PROPORTIONAL``,
    GraphQL ``RefundDutyRefundType``). It carries no money; ``duties`` says how much."""

    duty_id: int | None = None
    refund_type: str | None = None


class RefundAdditionalFee(_ShopifyModel):
    """A refunded additional fee. The REST element shape is UNCONFIRMED (shopify-api-notes §5
    "Refund" lists only ``additional_fees``); the unstable GraphQL ``RefundAdditionalFee`` has
    ``amountSet`` and ``originalAdditionalFee``, so ``amount_set`` is what is read and the id is
    kept loose. On 2026-10 the GraphQL client builds it from the refund agreement's
    ``AdditionalFeeSale`` (id: the fee's; shopify-api-notes §10 "Sales agreements")."""

    id: int | None = None
    additional_fee_id: int | None = None
    amount_set: MoneySet | None = None


class Transaction(_ShopifyModel):
    """A payment transaction: authorization, capture, sale, void or refund."""

    id: int
    order_id: int | None = None
    kind: str | None = None
    status: str | None = None
    gateway: str | None = None
    amount: Money | None = None
    currency: str | None = None
    parent_id: int | None = None
    payment_id: str | None = None
    processed_at: AwareDatetime | None = None
    created_at: AwareDatetime | None = None
    test: _FalseIfNull = False
    error_code: str | None = None
    message: str | None = None
    source_name: str | None = None
    manual_payment_gateway: bool | None = None


class Refund(_ShopifyModel):
    """A refund with its lines, money movements and adjustments."""

    id: int
    order_id: int | None = None
    note: str | None = None
    restock: bool | None = None
    created_at: AwareDatetime | None = None
    processed_at: AwareDatetime | None = None
    refund_line_items: _List[RefundLineItem] = []
    transactions: _List[Transaction] = []
    order_adjustments: _List[OrderAdjustment] = []
    refund_shipping_lines: _List[RefundShippingLine] = []
    # Refunded import duties and additional fees (shopify-api-notes §5 "Refund"): the entries and
    # their totals; both may be null or absent on refunds that give none back.
    duties: _List[RefundDuty] = []
    refund_duties: _List[RefundDutyType] = []
    total_duties_set: MoneySet | None = None
    additional_fees: _List[RefundAdditionalFee] = []
    total_additional_fees_set: MoneySet | None = None


class Order(_ShopifyModel):
    """An order as REST returns it; ``customer`` is null for guest and POS orders
    (shopify-api-notes §8 #6)."""

    id: int
    name: str | None = None
    order_number: int | None = None
    number: int | None = None
    email: str | None = None
    contact_email: str | None = None
    phone: str | None = None
    customer: Customer | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    processed_at: AwareDatetime | None = None
    cancelled_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None
    cancel_reason: str | None = None
    financial_status: str | None = None
    fulfillment_status: str | None = None
    currency: str | None = None
    presentment_currency: str | None = None
    taxes_included: _FalseIfNull = False
    tax_exempt: _FalseIfNull = False
    test: _FalseIfNull = False
    source_name: str | None = None
    tags: str | None = None
    note: str | None = None
    total_price: Money | None = None
    subtotal_price: Money | None = None
    total_tax: Money | None = None
    total_discounts: Money | None = None
    total_line_items_price: Money | None = None

    @property
    def ref(self) -> str:
        """The order as a merchant knows it, with the id the API uses: ``#1043 (5500000000043)``."""
        return f"{self.name} ({self.id})" if self.name else str(self.id)

    total_tip_received: Money | None = None
    total_outstanding: Money | None = None
    current_total_price: Money | None = None
    current_subtotal_price: Money | None = None
    current_total_tax: Money | None = None
    current_total_discounts: Money | None = None
    total_shipping_price_set: MoneySet | None = None
    # Both currencies of the total: the rate Shopify used between them (transactions are in
    # the presentment currency).
    total_price_set: MoneySet | None = None
    total_tax_set: MoneySet | None = None
    current_total_price_set: MoneySet | None = None
    # Import duties and additional fees the buyer paid (shopify-api-notes §5 "Tips, gift cards,
    # duties").
    original_total_duties_set: MoneySet | None = None
    original_total_additional_fees_set: MoneySet | None = None
    current_total_duties_set: MoneySet | None = None
    current_total_additional_fees_set: MoneySet | None = None
    tax_lines: _List[TaxLine] = []
    discount_applications: _List[DiscountApplication] = []
    line_items: _List[LineItem] = []
    shipping_lines: _List[ShippingLine] = []
    refunds: _List[Refund] = []
    # Not in Shopify's order body (transactions have their own endpoint), but the sandbox state
    # and callers that merge the two keep them here.
    transactions: _List[Transaction] = []
    payment_gateway_names: _List[str] = []


# -- Shopify Payments (shopify-api-notes §9) ------------------------------------------------------

SUMMARY_KINDS = ("adjustments", "charges", "refunds", "reserved_funds", "retried_payouts")


class PayoutSummary(_ShopifyModel):
    """A payout's gross and fee per kind of balance transaction; adjustments include disputes."""

    adjustments_fee_amount: Money | None = None
    adjustments_gross_amount: Money | None = None
    charges_fee_amount: Money | None = None
    charges_gross_amount: Money | None = None
    refunds_fee_amount: Money | None = None
    refunds_gross_amount: Money | None = None
    reserved_funds_fee_amount: Money | None = None
    reserved_funds_gross_amount: Money | None = None
    retried_payouts_fee_amount: Money | None = None
    retried_payouts_gross_amount: Money | None = None

    def gross(self, kind: str) -> Decimal | None:
        """``{kind}_gross_amount`` for one of ``SUMMARY_KINDS``."""
        value: Decimal | None = getattr(self, f"{_summary_kind(kind)}_gross_amount")
        return value

    def fee(self, kind: str) -> Decimal | None:
        """``{kind}_fee_amount`` for one of ``SUMMARY_KINDS``."""
        value: Decimal | None = getattr(self, f"{_summary_kind(kind)}_fee_amount")
        return value

    @property
    def net(self) -> Decimal | None:
        """Sum of gross minus fee over every kind (a payout's amount), None if any is missing."""
        total = Decimal(0)
        for kind in SUMMARY_KINDS:
            gross, fee = self.gross(kind), self.fee(kind)
            if gross is None or fee is None:
                return None
            total += gross - fee
        return total


def _summary_kind(kind: str) -> str:
    if kind not in SUMMARY_KINDS:
        raise ValueError(f"unknown payout summary kind {kind!r}; use one of {SUMMARY_KINDS}")
    return kind


class Payout(_ShopifyModel):
    """A Shopify Payments payout: ``status`` scheduled, in_transit, paid, failed or canceled;
    ``date`` the day it was issued (a plain date); ``amount`` what reaches the bank."""

    id: int
    status: str | None = None
    date: _dt.date | None = None
    currency: str | None = None
    amount: Money | None = None
    summary: PayoutSummary | None = None


class AdjustmentOrder(_ShopifyModel):
    id: int | None = None
    name: str | None = None


class AdjustmentOrderTransaction(_ShopifyModel):
    """An order transaction an adjustment relates to (``adjustment_order_transactions``)."""

    id: int | None = None
    amount: Money | None = None
    order: AdjustmentOrder | None = None


class BalanceTransaction(_ShopifyModel):
    """One movement of a Shopify Payments balance: a charge, refund, dispute, reserve,
    adjustment, ... ``amount`` is gross, ``fee`` what Shopify kept, ``net`` what counts toward the
    payout; ``payout_id`` is null and ``payout_status`` ``pending`` until it is paid out."""

    id: int
    type: str | None = None
    test: _FalseIfNull = False
    payout_id: int | None = None
    payout_status: str | None = None
    currency: str | None = None
    amount: Money | None = None
    fee: Money | None = None
    net: Money | None = None
    source_id: int | None = None
    source_type: str | None = None
    source_order_id: int | None = None
    source_order_transaction_id: int | None = None
    processed_at: AwareDatetime | None = None
    adjustment_reason: str | None = None
    adjustment_order_transactions: _List[AdjustmentOrderTransaction] = []


class PaymentsBalance(_ShopifyModel):
    """One currency of ``shopify_payments/balance.json``: what is not yet paid out."""

    amount: Money | None = None
    currency: str | None = None


M = TypeVar("M", bound=BaseModel)


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _excerpt(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse(model: type[M], raw: object, entity: str) -> M:
    """Validate ``raw`` as ``model``; any failure becomes a MappingError naming the first field."""
    source_id = str(raw.get("id")) if isinstance(raw, Mapping) else "?"
    if not isinstance(raw, Mapping):
        raise MappingError(
            f"expected a JSON object, got {type(raw).__name__}", entity=entity, source_id=source_id
        )
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        field = _path(first["loc"]) or None
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        message = first["msg"].removeprefix("Value error, ")
        # Our own validators already quote the bad value; pydantic's messages do not.
        quoted = first["type"] in ("missing", "value_error")
        got = "" if quoted else f"; got {_excerpt(first.get('input'))}"
        raise MappingError(
            f"{message}{got}{more}", entity=entity, source_id=source_id, field=field
        ) from None


def parse_shop(raw: Mapping[str, Any]) -> ShopifyShop:
    """Parse ``GET shop.json``'s ``shop`` object."""
    return _parse(ShopifyShop, raw, "shop")


def parse_customer(raw: Mapping[str, Any]) -> Customer:
    """Parse a customer dict or raise MappingError(entity="customer", source_id, field)."""
    return _parse(Customer, raw, "customer")


def parse_product(raw: Mapping[str, Any]) -> Product:
    """Parse a product dict (with its variants) or raise MappingError(entity="product", ...)."""
    return _parse(Product, raw, "product")


def parse_variant(raw: Mapping[str, Any]) -> Variant:
    """Parse a variant dict or raise MappingError(entity="variant", ...)."""
    return _parse(Variant, raw, "variant")


def parse_order(raw: Mapping[str, Any]) -> Order:
    """Parse an order dict or raise MappingError(entity="order", field="line_items.2.price")."""
    return _parse(Order, raw, "order")


def parse_refund(raw: Mapping[str, Any]) -> Refund:
    """Parse a refund dict or raise MappingError(entity="refund", ...)."""
    return _parse(Refund, raw, "refund")


def parse_transaction(raw: Mapping[str, Any]) -> Transaction:
    """Parse a transaction dict or raise MappingError(entity="transaction", ...)."""
    return _parse(Transaction, raw, "transaction")


def parse_payout(raw: Mapping[str, Any]) -> Payout:
    """Parse a payout or raise MappingError(entity="payout", field="summary.charges_fee_amount")."""
    return _parse(Payout, raw, "payout")


def parse_balance_transaction(raw: Mapping[str, Any]) -> BalanceTransaction:
    """Parse a Shopify Payments balance transaction or raise
    MappingError(entity="balance_transaction", ...)."""
    return _parse(BalanceTransaction, raw, "balance_transaction")


def parse_payments_balance(raw: Mapping[str, Any]) -> PaymentsBalance:
    """Parse one ``balance.json`` entry or raise MappingError(entity="balance", ...)."""
    return _parse(PaymentsBalance, raw, "balance")


def raw_updated_at(raw: Mapping[str, Any]) -> datetime | None:
    """A raw record's ``updated_at`` as an aware UTC datetime; None when missing, unreadable or
    naive (a cursor never moves on a time it cannot place)."""
    value = raw.get("updated_at")
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None
