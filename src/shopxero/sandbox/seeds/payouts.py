"""Shopify Payments payouts and balance transactions, generated from a seed's orders.

``build_payouts(shop, orders, now=..., plan=...)`` is a pure function: the same orders, ``now``
and plan always give the same records (ids included), so every answer the simulator gives about
payouts (REST today, GraphQL later) comes from one set of records. The REST shapes and the
arithmetic are those of shopify-api-notes §9; what Shopify does not publish (fees, timing) is
chosen here and said so.

Rules (each record is a ``GET shopify_payments/balance/transactions.json`` element):

- Only money that moved through Shopify Payments counts: order transactions with gateway
  ``shopify_payments``, status ``success``, on orders and transactions that are not ``test``.
  PayPal, manual payments, gift cards and the bogus test gateway produce nothing.
- Each ``sale`` or ``capture`` is a ``charge``: ``amount`` = the transaction's amount, ``fee`` =
  ``FEE_TABLE``'s percentage + fixed part for the card (in person at a till; else domestic or
  international by the order's billing country against the shop's), ``net = amount - fee``.
  An ``authorization`` moves no money and makes nothing.
- Each ``refund`` is a ``refund``: ``amount`` = minus the refunded amount, ``fee`` 0.00 (the
  processing fee of the charge is not given back, shopify-api-notes §9), ``net = amount``.
- Currency: a transaction in the shop's currency, or in one of ``plan.settle_currencies`` (the
  merchant has a bank account in it), is paid out in that currency; any other presentment
  currency is converted to the shop's at the rate of the order's ``total_price_set``.
- ``plan`` adds what orders cannot show: chargebacks (``dispute``: minus the charge's amount, fee
  ``DISPUTE_FEE``), the reversal of a won dispute (``dispute``: the amount back and the fee
  returned, i.e. a negative fee), an ``adjustment`` on a charge, and a ``reserve`` held and later
  released. Which charges they hit is drawn with ``random.Random(plan.seed)`` from the eligible
  ones, so it is repeatable.
- Payouts, per currency: a transaction becomes payable ``pay_period(shop country)`` business
  days (Monday to Friday; no holidays) after its UTC processing date (Shopify's pay periods,
  shopify-api-notes §9), so Friday-to-Sunday sales share one payout. Each business day before
  today on which something became payable gets one payout of everything payable and not yet paid
  out, unless that sum is zero or negative, in which case it waits for the next day's; today's
  payout run is taken to be still to come. ``payout.amount`` = the sum of its transactions'
  ``net``, to the cent; ``summary`` splits it into gross and fee per kind. What is not in a
  payout is the pending balance (``payout_id`` null, ``payout_status`` ``pending``): with a pay
  period of 3 business days, everything processed in the last 3 calendar days at least.
- Status: the newest payout in the shop's currency is ``in_transit`` (sent, not yet in the bank);
  every other payout is ``paid``.
- Ids grow with time: payouts by (date, currency), balance transactions by processing time.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from shopxero.sandbox.seeds.money import ZERO, cents
from shopxero.sandbox.seeds.order_specs import shopify_time

__all__ = [
    "DISPUTE_FEE",
    "FEE_TABLE",
    "GATEWAY",
    "PAY_PERIODS",
    "SUMMARY_KINDS",
    "FeeRate",
    "PaymentsPlan",
    "add_business_days",
    "build_payouts",
    "pay_period",
    "summary_kind",
]

Record = dict[str, Any]

GATEWAY = "shopify_payments"
# Business days from a sale to its payout, by the shop's country: Shopify's Help Center gives the
# US 2 and Canada, Australia and New Zealand 3; the UK's 3 is from a third party, and 3 is used for
# every other country (shopify-api-notes §9).
PAY_PERIODS: dict[str, int] = {"US": 2, "CA": 3, "AU": 3, "NZ": 3, "GB": 3, "IE": 3}
DEFAULT_PAY_PERIOD = 3


def pay_period(country: str) -> int:
    """Business days between a transaction and the payout that pays it, for a shop in
    ``country``."""
    return PAY_PERIODS.get(country, DEFAULT_PAY_PERIOD)


@dataclass(frozen=True)
class FeeRate:
    """A processing fee: ``percent`` of the amount plus ``fixed`` (in the charge's currency)."""

    percent: Decimal
    fixed: Decimal

    def fee(self, amount: Decimal) -> Decimal:
        return cents(amount * self.percent / 100 + self.fixed)


# ILLUSTRATIVE rates, not Shopify's price list: real Shopify Payments rates depend on the shop's
# country, its plan and the card, and change over time. They only give the simulated fees a
# realistic size and the same structure (a percentage plus a fixed part per charge, dearer for
# cards from abroad, cheaper in person).
FEE_TABLE: dict[str, FeeRate] = {
    "domestic": FeeRate(Decimal("2.9"), Decimal("0.30")),  # online, card from the shop's country
    "international": FeeRate(Decimal("3.9"), Decimal("0.30")),  # online, card from elsewhere
    "in_person": FeeRate(Decimal("2.4"), Decimal("0.00")),  # at the till (source_name "pos")
}
# The chargeback fee in Shopify's own balance-transaction fixture (shopify-api-notes §9);
# charged on a dispute, given back (as a negative fee) when the dispute is won.
DISPUTE_FEE = Decimal("15.00")

# Which ``summary`` pair of a payout each balance-transaction type adds to (shopify-api-notes §9:
# "adjustments including disputes"; that failed and cancelled payouts count as retried payouts is
# assumed from the names).
SUMMARY_KINDS = ("adjustments", "charges", "refunds", "reserved_funds", "retried_payouts")
_SUMMARY_OF_TYPE = {
    "charge": "charges",
    "refund": "refunds",
    "reserve": "reserved_funds",
    "payout_failure": "retried_payouts",
    "payout_cancellation": "retried_payouts",
}


def summary_kind(bt_type: str) -> str:
    """The ``summary`` pair a balance transaction of ``bt_type`` counts in (else adjustments)."""
    return _SUMMARY_OF_TYPE.get(bt_type, "adjustments")


@dataclass(frozen=True)
class PaymentsPlan:
    """What a seed adds to the balance beyond its orders' own transactions.

    ``disputes_lost`` / ``disputes_won``: chargebacks on charges at least ``dispute_min_age`` /
    ``won_min_age`` old, opened ``dispute_after`` after the charge; a won one is reversed
    ``won_after`` after the charge. ``adjustments``: that many ``adjustment`` balance transactions
    of ``adjustment_amount`` on other charges, ``adjustment_after`` after them. ``reserve``: an
    amount (shop currency) held ``reserve_days[0]`` days before now and released
    ``reserve_days[1]`` days before now.
    """

    seed: str = "payouts"
    settle_currencies: tuple[str, ...] = ()
    disputes_lost: int = 0
    disputes_won: int = 0
    adjustments: int = 0
    adjustment_amount: Decimal = Decimal("-2.50")
    reserve: Decimal | None = None
    reserve_days: tuple[int, int] = (60, 25)
    dispute_after: timedelta = timedelta(days=12)
    dispute_min_age: timedelta = timedelta(days=20)
    won_after: timedelta = timedelta(days=31)
    won_min_age: timedelta = timedelta(days=45)
    adjustment_after: timedelta = timedelta(days=5)
    # None: a payout each business day (Shopify's default schedule); 0-4: weekly, on that day
    # (Monday = 0), a schedule a merchant can choose in Shopify Payments' settings.
    payout_weekday: int | None = None


@dataclass
class _Entry:
    """One balance transaction before it has an id and a payout."""

    type: str
    currency: str
    amount: Decimal
    fee: Decimal
    when: datetime  # aware
    processed_at: str  # as served (shop-local offset)
    source_id: int | None = None
    source_type: str | None = None
    order_id: int | None = None
    order_tx_id: int | None = None
    seq: int = 0
    payout: _Payout | None = None
    id: int = 0

    @property
    def net(self) -> Decimal:
        return self.amount - self.fee


@dataclass
class _Payout:
    currency: str
    date: date
    entries: list[_Entry] = field(default_factory=list)
    status: str = "paid"
    id: int = 0

    @property
    def amount(self) -> Decimal:
        return sum((e.net for e in self.entries), ZERO)


# Ids: 64-bit-sized like Shopify's, in ranges no seed's IdSequence uses (order_specs.IdSequence).
_PAYOUT_BASE = 7_700_000_000
_BALANCE_TX_BASE = 8_800_000_000_000
_DISPUTE_BASE = 6_600_000_000


def add_business_days(day: date, days: int) -> date:
    """``day`` plus ``days`` business days (Monday to Friday; public holidays are not modelled)."""
    current = day
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    while current.weekday() >= 5:  # days=0 on a weekend: the next business day
        current += timedelta(days=1)
    return current


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _aware(text: str, where: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{where}: processed_at {text!r} has no UTC offset")
    return moment


def _wire(value: Decimal) -> str:
    """Shopify's money string; never ``-0.00``."""
    amount = cents(value)
    return str(amount) if amount != 0 else "0.00"


class _Builder:
    def __init__(self, shop: Mapping[str, Any], now: datetime, plan: PaymentsPlan, tz: str) -> None:
        self.shop_currency = str(shop.get("currency") or "USD")
        self.country = str(shop.get("country_code") or "")
        self.now = now
        self.plan = plan
        self.tz = tz
        self.entries: list[_Entry] = []
        self.charges: list[tuple[_Entry, Mapping[str, Any]]] = []  # (charge, its order)
        self._seq = 0
        self._dispute_ids = iter(range(_DISPUTE_BASE + 1, _DISPUTE_BASE + 10**9))

    def add(self, entry: _Entry) -> _Entry:
        self._seq += 1
        entry.seq = self._seq
        self.entries.append(entry)
        return entry

    # -- from the orders ---------------------------------------------------------------------

    def settle(
        self, order: Mapping[str, Any], currency: str, amount: Decimal
    ) -> tuple[str, Decimal]:
        """The currency a transaction is paid out in, and its amount in it."""
        if currency == self.shop_currency or currency in self.plan.settle_currencies:
            return currency, amount
        total = order.get("total_price_set") or {}
        shop = _decimal((total.get("shop_money") or {}).get("amount") or 0)
        pres = _decimal((total.get("presentment_money") or {}).get("amount") or 0)
        if pres == 0:
            raise ValueError(
                f"order {order.get('id')}: a {currency} payment with no total_price_set to "
                f"convert it to {self.shop_currency} with"
            )
        return self.shop_currency, cents(amount * shop / pres)

    def fee_rate(self, order: Mapping[str, Any]) -> FeeRate:
        if order.get("source_name") == "pos":
            return FEE_TABLE["in_person"]
        address = order.get("billing_address") or order.get("shipping_address") or {}
        card_country = address.get("country_code") or self.country
        return FEE_TABLE["domestic" if card_country == self.country else "international"]

    def order(self, order: Mapping[str, Any]) -> None:
        if order.get("test"):
            return
        for tx in order.get("transactions") or []:
            if (
                not isinstance(tx, dict)
                or tx.get("gateway") != GATEWAY
                or tx.get("status") != "success"
                or tx.get("test")
            ):
                continue
            kind = tx.get("kind")
            if kind not in ("sale", "capture", "refund"):
                continue  # authorization, void: no money moves
            where = f"order {order.get('id')} transaction {tx.get('id')}"
            stamp = str(tx.get("processed_at") or tx.get("created_at"))
            currency, amount = self.settle(
                order, str(tx.get("currency") or self.shop_currency), _decimal(tx["amount"])
            )
            refund = kind == "refund"
            entry = self.add(
                _Entry(
                    "refund" if refund else "charge",
                    currency=currency,
                    amount=-amount if refund else amount,
                    fee=ZERO if refund else self.fee_rate(order).fee(amount),
                    when=_aware(stamp, where),
                    processed_at=stamp,
                    source_id=int(tx["id"]),
                    source_type="refund" if refund else "charge",
                    order_id=int(order["id"]),
                    order_tx_id=int(tx["id"]),
                )
            )
            if not refund:
                self.charges.append((entry, order))

    # -- what the plan adds ------------------------------------------------------------------

    def event(
        self,
        bt_type: str,
        base: _Entry | None,
        amount: Decimal,
        fee: Decimal,
        when: datetime,
        *,
        source_id: int | None,
        source_type: str | None,
    ) -> None:
        self.add(
            _Entry(
                bt_type,
                currency=base.currency if base is not None else self.shop_currency,
                amount=amount,
                fee=fee,
                when=when,
                processed_at=shopify_time(when, self.tz),
                source_id=source_id,
                source_type=source_type,
                order_id=base.order_id if base is not None else None,
                order_tx_id=base.order_tx_id if base is not None else None,
            )
        )

    def eligible(self, min_age: timedelta, taken: set[int]) -> list[_Entry]:
        """Charges in the shop's currency of fully paid, unrefunded online orders, old enough."""
        return [
            charge
            for charge, order in self.charges
            if charge.currency == self.shop_currency
            and order.get("financial_status") == "paid"
            and not order.get("refunds")
            and order.get("source_name") != "pos"
            and charge.when <= self.now - min_age
            and charge.seq not in taken
        ]

    def pick(
        self, rng: random.Random, count: int, min_age: timedelta, taken: set[int]
    ) -> list[_Entry]:
        pool = self.eligible(min_age, taken)
        chosen = rng.sample(pool, min(count, len(pool)))
        chosen.sort(key=lambda e: e.seq)
        taken.update(e.seq for e in chosen)
        return chosen

    def apply_plan(self) -> None:
        plan = self.plan
        rng = random.Random(plan.seed)
        taken: set[int] = set()
        won = self.pick(rng, plan.disputes_won, plan.won_min_age, taken)
        lost = self.pick(rng, plan.disputes_lost, plan.dispute_min_age, taken)
        adjusted = self.pick(rng, plan.adjustments, plan.dispute_min_age, taken)
        won_seqs = {charge.seq for charge in won}
        for charge in won + lost:
            dispute_id = next(self._dispute_ids)
            opened = charge.when + plan.dispute_after
            self.event("dispute", charge, -charge.amount, DISPUTE_FEE, opened,
                       source_id=dispute_id, source_type="dispute")  # fmt: skip
            if charge.seq in won_seqs:
                self.event("dispute", charge, charge.amount, -DISPUTE_FEE,
                           charge.when + plan.won_after, source_id=dispute_id,
                           source_type="dispute")  # fmt: skip
        for charge in adjusted:
            self.event("adjustment", charge, plan.adjustment_amount, ZERO,
                       charge.when + plan.adjustment_after, source_id=charge.source_id,
                       source_type="charge")  # fmt: skip
        if plan.reserve is not None and self.charges:
            held, released = plan.reserve_days
            for amount, days in ((-plan.reserve, held), (plan.reserve, released)):
                when = (self.now - timedelta(days=days)).replace(microsecond=0)
                self.event("reserve", None, amount, ZERO, when, source_id=None, source_type=None)

    # -- payouts -----------------------------------------------------------------------------

    def payouts(self) -> list[_Payout]:
        today = self.now.astimezone(UTC).date()
        delay = pay_period(self.country)
        by_currency: dict[str, list[_Entry]] = defaultdict(list)
        for entry in sorted(self.entries, key=lambda e: (e.when, e.seq)):
            if entry.when <= self.now:
                by_currency[entry.currency].append(entry)
        made: list[_Payout] = []
        for currency in sorted(by_currency):
            payable: dict[date, list[_Entry]] = defaultdict(list)
            for entry in by_currency[currency]:
                day = add_business_days(entry.when.astimezone(UTC).date(), delay)
                if self.plan.payout_weekday is not None:  # paid on the next payout day
                    day += timedelta(days=(self.plan.payout_weekday - day.weekday()) % 7)
                if day < today:
                    payable[day].append(entry)
            waiting: list[_Entry] = []
            for day in sorted(payable):
                waiting += payable[day]
                if sum((e.net for e in waiting), ZERO) > 0:
                    payout = _Payout(currency, day, waiting)
                    for entry in waiting:
                        entry.payout = payout
                    made.append(payout)
                    waiting = []
        own = [p for p in made if p.currency == self.shop_currency]
        if own:
            max(own, key=lambda p: p.date).status = "in_transit"
        made.sort(key=lambda p: (p.date, p.currency))
        for n, payout in enumerate(made, start=1):
            payout.id = _PAYOUT_BASE + n
        return made


def _summary(payout: _Payout) -> dict[str, str]:
    gross: dict[str, Decimal] = dict.fromkeys(SUMMARY_KINDS, ZERO)
    fee: dict[str, Decimal] = dict.fromkeys(SUMMARY_KINDS, ZERO)
    for entry in payout.entries:
        kind = summary_kind(entry.type)
        gross[kind] += entry.amount
        fee[kind] += entry.fee
    out: dict[str, str] = {}
    for kind in SUMMARY_KINDS:  # the fixture's key order
        out[f"{kind}_fee_amount"] = _wire(fee[kind])
        out[f"{kind}_gross_amount"] = _wire(gross[kind])
    return out


def _payout_record(payout: _Payout) -> Record:
    return {
        "id": payout.id,
        "status": payout.status,
        "date": payout.date.isoformat(),
        "currency": payout.currency,
        "amount": _wire(payout.amount),
        "summary": _summary(payout),
    }


def _balance_record(entry: _Entry) -> Record:
    payout = entry.payout
    return {
        "id": entry.id,
        "type": entry.type,
        "test": False,
        "payout_id": payout.id if payout is not None else None,
        "payout_status": payout.status if payout is not None else "pending",
        "currency": entry.currency,
        "amount": _wire(entry.amount),
        "fee": _wire(entry.fee),
        "net": _wire(entry.net),
        "source_id": entry.source_id,
        "source_type": entry.source_type,
        "source_order_id": entry.order_id,
        "source_order_transaction_id": entry.order_tx_id,
        "processed_at": entry.processed_at,
        "adjustment_order_transactions": None,
        "adjustment_reason": None,
    }


def build_payouts(
    shop: Mapping[str, Any],
    orders: Iterable[Mapping[str, Any]],
    *,
    now: datetime,
    plan: PaymentsPlan | None = None,
) -> dict[str, list[Record]]:
    """``{"payouts": [...], "balance_transactions": [...]}`` in REST shapes, ids ascending.

    ``shop`` is the seed's ``shop.json`` object (currency, country, timezone), ``orders`` its REST
    orders with their ``transactions`` inside (the seed convention), ``now`` the moment the seed
    describes (aware).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = str(shop.get("iana_timezone") or "UTC")
    builder = _Builder(shop, now.astimezone(UTC), plan or PaymentsPlan(), tz)
    for order in orders:
        builder.order(order)
    builder.apply_plan()
    payouts = builder.payouts()
    entries: Sequence[_Entry] = sorted(builder.entries, key=lambda e: (e.when, e.seq))
    entries = [e for e in entries if e.when <= builder.now]
    for n, entry in enumerate(entries, start=1):
        entry.id = _BALANCE_TX_BASE + n
    return {
        "payouts": [_payout_record(p) for p in payouts],
        "balance_transactions": [_balance_record(e) for e in entries],
    }
