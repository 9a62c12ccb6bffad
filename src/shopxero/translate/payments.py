"""Shopify transactions -> Xero payments, pure.

A successful, non-test ``sale`` or ``capture`` transaction is money received for the order: it
becomes a Payment on the order's invoice, to the account mapped for its gateway
(``account_by_gateway``; a ``gift_card`` redemption goes to the gift-card liability account,
shopify-api-notes §8 #13; anything else to the payment/clearing account). A successful ``refund``
transaction is money given back: it is paid out of the refund's credit note.

Xero Payments have no unique key (docs/architecture.md, invariant 1), so each one carries a
Reference naming the Shopify transaction: with the amount and the date it is how an existing payment
is recognised before paying again (``find_existing``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from shopxero.errors import MappingError
from shopxero.shopify.models import Order, Transaction
from shopxero.translate.common import build
from shopxero.xero.dates import parse_xero_date
from shopxero.xero.models import XeroAccountRef, XeroDocumentRef, XeroPayment

__all__ = [
    "GIFT_CARD_GATEWAY",
    "PAID_KINDS",
    "GatewayAccounts",
    "find_existing",
    "invoice_payment",
    "net_received",
    "payment_reference",
    "received_transactions",
    "refund_payment",
    "refunded_transactions",
    "shop_amount",
]

PAID_KINDS = frozenset({"sale", "capture"})
GIFT_CARD_GATEWAY = "gift_card"  # shopify-api-notes "Tips, gift cards, duties"


@dataclass(frozen=True)
class GatewayAccounts:
    """Which Xero account a gateway's money goes to: per gateway, else the gift-card account
    for ``gift_card``, else the payment/clearing account (None: no payable account at all)."""

    default: str | None
    by_gateway: Mapping[str, str]
    gift_card: str | None = None

    def for_gateway(self, gateway: str | None) -> str | None:
        name = (gateway or "").strip()
        if name in self.by_gateway:
            return self.by_gateway[name]
        if name == GIFT_CARD_GATEWAY and self.gift_card:
            return self.gift_card
        return self.default


def _counts(t: Transaction) -> bool:
    return t.status == "success" and not t.test and t.amount is not None and t.amount > 0


def received_transactions(transactions: Iterable[Transaction]) -> list[Transaction]:
    """Successful sale/capture transactions (money in), oldest first."""
    paid = [t for t in transactions if t.kind in PAID_KINDS and _counts(t)]
    return sorted(paid, key=lambda t: t.id)


def refunded_transactions(transactions: Iterable[Transaction]) -> list[Transaction]:
    """Successful refund transactions (money back), oldest first."""
    back = [t for t in transactions if t.kind == "refund" and _counts(t)]
    return sorted(back, key=lambda t: t.id)


def net_received(transactions: Iterable[Transaction]) -> Decimal:
    """Money in minus money back (Shopify's net received)."""
    listed = list(transactions)
    money_in = sum((t.amount or Decimal(0) for t in received_transactions(listed)), Decimal(0))
    money_out = sum((t.amount or Decimal(0) for t in refunded_transactions(listed)), Decimal(0))
    return money_in - money_out


def shop_amount(t: Transaction, o: Order) -> Decimal:
    """The transaction's amount in the shop currency (the invoice's currency).

    Transactions are in the presentment currency (shopify-api-notes §8 #8); Shopify's rate is
    the order total's shop/presentment ratio. The whole total converts to exactly its shop
    counterpart, a part of it is rounded to the cent.
    """
    amount = t.amount or Decimal(0)
    if not t.currency or not o.currency or t.currency == o.currency:
        return amount
    both = o.total_price_set
    shop = both.shop_money.amount if both and both.shop_money else None
    pres = both.presentment_money.amount if both and both.presentment_money else None
    if shop is None or pres is None or pres.is_zero():
        raise MappingError(
            f"transaction {t.id} is in {t.currency}, the order in {o.currency}, and the order "
            "has no total_price_set to convert with",
            entity="order",
            source_id=str(o.id),
            field="total_price_set",
        )
    if amount == pres:
        return shop
    return (amount * shop / pres).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def payment_reference(t: Transaction) -> str:
    """``Shopify <gateway> <transaction id>``: names the transaction in Xero for people and
    for the duplicate check (<= 255 characters)."""
    gateway = " ".join((t.gateway or "unknown").split())[:100]
    return f"Shopify {gateway} {t.id}"


def _day(t: Transaction, zone: ZoneInfo, order_id: int) -> date:
    when = t.processed_at or t.created_at
    if when is None:
        raise MappingError(
            "the transaction has neither processed_at nor created_at",
            entity="order",
            source_id=str(order_id),
            field=f"transactions.{t.id}.processed_at",
        )
    return when.astimezone(zone).date()


def _payment(
    t: Transaction,
    *,
    order_id: int,
    document: XeroDocumentRef,
    on_invoice: bool,
    account_code: str,
    zone: ZoneInfo,
    amount: Decimal | None = None,
    currency_rate: Decimal | None = None,
) -> XeroPayment:
    return build(
        XeroPayment,
        entity="order",
        source_id=order_id,
        invoice=document if on_invoice else None,
        credit_note=None if on_invoice else document,
        account=XeroAccountRef(code=account_code),
        date=_day(t, zone, order_id),
        amount=amount if amount is not None else t.amount,
        reference=payment_reference(t),
        currency_rate=currency_rate,
    )


def invoice_payment(
    t: Transaction,
    *,
    order_id: int,
    invoice_id: str,
    account_code: str,
    zone: ZoneInfo,
    amount: Decimal | None = None,
    currency_rate: Decimal | None = None,
) -> XeroPayment:
    """The Payment of a received transaction on the order's invoice (Date in the shop's tz);
    ``amount`` in the invoice's currency (default: the transaction's)."""
    return _payment(
        t,
        order_id=order_id,
        document=XeroDocumentRef(invoice_id=invoice_id),
        on_invoice=True,
        account_code=account_code,
        zone=zone,
        amount=amount,
        currency_rate=currency_rate,
    )


def refund_payment(
    t: Transaction,
    *,
    order_id: int,
    credit_note_id: str,
    account_code: str,
    zone: ZoneInfo,
    amount: Decimal,
    currency_rate: Decimal | None = None,
) -> XeroPayment:
    """The cash refund of a credit note: money paid back out of the gateway's account."""
    return _payment(
        t,
        order_id=order_id,
        document=XeroDocumentRef(credit_note_id=credit_note_id),
        on_invoice=False,
        account_code=account_code,
        zone=zone,
        amount=amount,
        currency_rate=currency_rate,
    )


def find_existing(
    payload: Mapping[str, Any], payments: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The payment among a document's ``Payments`` that is this one (same Reference, Amount and
    Date): it was made before, e.g. by a run whose answer was lost."""
    for existing in payments:
        if str(existing.get("Reference") or "").strip() != str(payload.get("Reference") or ""):
            continue
        if Decimal(str(existing.get("Amount"))) != Decimal(str(payload["Amount"])):
            continue
        when = parse_xero_date(existing.get("Date")) if existing.get("Date") else None
        if when is not None and when.date().isoformat() != str(payload["Date"]):
            continue
        return existing
    return None
