"""A Shopify Payments payout -> what Xero gets for it, pure (docs/payouts.md).

A payout's money already reached the clearing account (the account ``shopify_payments`` payments
go to) as the orders' payments and their credit notes' cash refunds. What the payout adds in Xero:

- a **bank transfer** of the payout's ``amount`` from the clearing account to the bank account it
  was paid into (a negative payout: from the bank to the clearing account; zero: none);
- a **spend money** from the clearing account for what Shopify kept: processing fees (positive
  ``fee``), lost disputes (negative ``dispute`` amounts), negative adjustments, reserves held;
- a **receive money** into the clearing account for what Shopify gave back: fee refunds
  (negative ``fee``), won dispute reversals, positive adjustments, reserves released.

Charges and refunds are not posted again. So the clearing account's movements for one payout sum
to zero: Σ charges − Σ refunds (already there) − spend + receive − transfer
= Σ amount − Σ fee − payout.amount = Σ net − payout.amount = 0 (shopify-api-notes §9).

All three carry Reference ``Shopify payout <id>``: Xero has no unique key for them, so the step
looks the Reference up before creating (xero-api-notes §13.5). Lines are ``NoTax``: Shopify's
processing fees carry no VAT invoice line of their own in these records, and a dispute or a reserve
is no supply; an organisation that reclaims tax on fees can post that by hand.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shopxero.shopify.models import BalanceTransaction, Payout
from shopxero.translate.accounts import is_active_account
from shopxero.xero.models import (
    BankTransactionType,
    LineAmountTypes,
    XeroAccountRef,
    XeroBankTransaction,
    XeroBankTransfer,
    XeroContactRef,
    XeroLineItem,
)

__all__ = [
    "NO_CLEARING",
    "ORDER_KINDS",
    "SHOPIFY_PAYMENTS_GATEWAY",
    "PayoutAccounts",
    "PayoutLine",
    "PayoutPosting",
    "PayoutRefused",
    "account_currency",
    "clearing_route",
    "find_clearing_account",
    "payout_lines",
    "payout_posting",
    "payout_reference",
    "resolve_payout_accounts",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SHOPIFY_PAYMENTS_GATEWAY = "shopify_payments"  # the gateway of Shopify Payments' transactions
# Balance transactions whose money moved as an order's payment or refund: not posted again.
ORDER_KINDS = frozenset({"charge", "refund"})
# Listed by Shopify but not part of a payout's sum (shopify-api-notes §9 "Timing").
_IGNORED_KINDS = frozenset({"payout"})


def payout_reference(payout_id: int) -> str:
    """The Reference of a payout's transfer, spend and receive money in Xero."""
    return f"Shopify payout {payout_id}"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class PayoutAccounts:
    """Account codes of a payout's postings. ``reserve`` None: a payout with a reserve waits;
    ``opening`` None: a payout with orders from before the sync start date is not posted."""

    clearing: str
    bank: str
    fees: str
    dispute: str
    adjustment: str
    reserve: str | None = None
    opening: str | None = None


@dataclass(frozen=True)
class PayoutRefused:
    """Why a payout cannot be posted (yet): ``setting`` names what to set, if that is the fix."""

    reason: str
    setting: str | None = None


@dataclass(frozen=True)
class PayoutLine:
    """One line of the spend (``spend=True``) or receive money: a positive amount to an
    account."""

    spend: bool
    kind: str  # fees | fee_refunds | disputes | adjustments | reserves | opening
    account: str
    amount: Decimal
    description: str


@dataclass(frozen=True)
class PayoutPosting:
    """Everything Xero gets for one payout (payloads None where nothing is needed)."""

    payout_id: int
    reference: str
    date: date
    amount: Decimal
    transfer: dict[str, Any] | None
    spend: dict[str, Any] | None
    receive: dict[str, Any] | None
    lines: tuple[PayoutLine, ...] = field(default=())
    orders: tuple[int, ...] = ()  # orders of the payout's charges and refunds


def _orders_text(ids: Sequence[int | None]) -> str:
    named = sorted({i for i in ids if i is not None})
    if not named:
        return ""
    return " (orders " + ", ".join(str(i) for i in named) + ")"


def payout_lines(
    payout: Payout,
    txs: Sequence[BalanceTransaction],
    accounts: PayoutAccounts,
    opening_orders: Collection[int] = (),
) -> list[PayoutLine] | PayoutRefused:
    """The spend and receive lines of ``payout`` (one per kind and direction), or why not.

    ``opening_orders``: orders from before the sync start date. Their charges and refunds never
    reached the clearing account, so their net comes in (or goes out) on an ``opening`` line."""
    pid = payout.id
    fees = ZERO
    fee_refunds = ZERO
    by_kind: dict[tuple[str, bool], tuple[Decimal, list[int | None]]] = {}
    for tx in txs:
        kind = (tx.type or "").lower()
        if kind in _IGNORED_KINDS:
            continue
        amount = tx.amount or ZERO
        fee = tx.fee or ZERO
        if fee > 0:
            fees += fee
        elif fee < 0:
            fee_refunds -= fee
        if kind in ORDER_KINDS and tx.source_order_id in opening_orders and amount != 0:
            # money in (a charge) is received into the clearing account, money out spent
            total, orders = by_kind.get(("opening", amount < 0), (ZERO, []))
            by_kind[("opening", amount < 0)] = (total + amount, [*orders, tx.source_order_id])
            continue
        if kind in ORDER_KINDS or amount == 0:
            continue
        group = kind if kind in ("dispute", "reserve") else "adjustment"
        key = (group, amount < 0)
        total, orders = by_kind.get(key, (ZERO, []))
        by_kind[key] = (total + amount, [*orders, tx.source_order_id])
    if any(group == "opening" for group, _ in by_kind) and accounts.opening is None:
        named = sorted(
            {o for (group, _), (_, ids) in by_kind.items() if group == "opening" for o in ids if o}
        )
        return PayoutRefused(
            f"payout {pid} pays out orders from before SHOPXERO_SYNC_START_DATE "
            f"({', '.join(str(o) for o in named)}), whose money shopxero never put in the clearing "
            "account; set SHOPXERO_PAYOUT_OPENING_ACCOUNT to the account those sales were "
            "recorded against (docs/payouts.md)",
            setting="SHOPXERO_PAYOUT_OPENING_ACCOUNT",
        )
    if any(group == "reserve" for group, _ in by_kind) and accounts.reserve is None:
        return PayoutRefused(
            f"payout {pid} holds or releases a reserve; set SHOPXERO_RESERVE_ACCOUNT to the "
            "account reserved funds are kept in (e.g. a current asset 'Shopify reserve')",
            setting="SHOPXERO_RESERVE_ACCOUNT",
        )
    lines: list[PayoutLine] = []
    if fees:
        lines.append(
            PayoutLine(
                True, "fees", accounts.fees, _cents(fees), f"Shopify Payments fees, payout {pid}"
            )
        )
    if fee_refunds:
        lines.append(
            PayoutLine(
                False,
                "fee_refunds",
                accounts.fees,
                _cents(fee_refunds),
                f"Shopify Payments fees given back, payout {pid}",
            )
        )
    words = {
        ("dispute", True): ("disputes", accounts.dispute, "Chargebacks (disputes lost)"),
        ("dispute", False): ("disputes", accounts.dispute, "Disputes won (chargebacks reversed)"),
        ("adjustment", True): ("adjustments", accounts.adjustment, "Shopify adjustments"),
        ("adjustment", False): ("adjustments", accounts.adjustment, "Shopify adjustments"),
        ("reserve", True): ("reserves", accounts.reserve or "", "Shopify reserve held"),
        ("reserve", False): ("reserves", accounts.reserve or "", "Shopify reserve released"),
        ("opening", True): (
            "opening",
            accounts.opening or "",
            "Refunds of orders from before the sync start date",
        ),
        ("opening", False): (
            "opening",
            accounts.opening or "",
            "Payments of orders from before the sync start date",
        ),
    }
    for key in sorted(by_kind):
        total, orders = by_kind[key]
        name, account, text = words[key]
        lines.append(
            PayoutLine(
                key[1],
                name,
                account,
                _cents(abs(total)),
                f"{text}, payout {pid}{_orders_text(orders)}",
            )
        )
    return lines


def _bank_transaction(
    lines: Sequence[PayoutLine],
    *,
    spend: bool,
    contact_id: str,
    accounts: PayoutAccounts,
    on: date,
    reference: str,
) -> dict[str, Any] | None:
    mine = [line for line in lines if line.spend == spend]
    if not mine:
        return None
    return XeroBankTransaction(
        type=BankTransactionType.SPEND if spend else BankTransactionType.RECEIVE,
        contact=XeroContactRef(contact_id=contact_id),
        bank_account=XeroAccountRef(code=accounts.clearing),
        line_items=[
            XeroLineItem(
                description=line.description,
                quantity=Decimal(1),
                unit_amount=line.amount,
                account_code=line.account,
            )
            for line in mine
        ],
        date=on,
        line_amount_types=LineAmountTypes.NO_TAX,
        reference=reference,
    ).to_payload()


def payout_posting(
    payout: Payout,
    txs: Sequence[BalanceTransaction],
    accounts: PayoutAccounts,
    *,
    contact_id: str,
    clearing_currency: str,
    opening_orders: Collection[int] = (),
) -> PayoutPosting | PayoutRefused:
    """The transfer and the spend/receive money for a paid ``payout`` and its balance
    transactions, or why it cannot be posted exactly."""
    pid = payout.id
    if payout.date is None or payout.amount is None:
        return PayoutRefused(f"payout {pid} has no date or no amount")
    currency = payout.currency or clearing_currency
    if currency != clearing_currency:
        return PayoutRefused(
            f"payout {pid} is in {currency} but the clearing account {accounts.clearing} is in "
            f"{clearing_currency}: it is not posted (Xero transfers only between accounts of one "
            "currency); record it by hand"
        )
    others = sorted({tx.currency for tx in txs if tx.currency and tx.currency != currency})
    if others:
        return PayoutRefused(
            f"payout {pid} ({currency}) has balance transactions in {', '.join(others)}"
        )
    counted = [tx for tx in txs if (tx.type or "").lower() not in _IGNORED_KINDS]
    net = sum(((tx.amount or ZERO) - (tx.fee or ZERO) for tx in counted), ZERO)
    if _cents(net) != _cents(payout.amount):
        return PayoutRefused(
            f"payout {pid} is {payout.amount} but its {len(counted)} balance transactions add "
            f"up to {_cents(net)}; it is not posted"
        )
    lines = payout_lines(payout, counted, accounts, opening_orders)
    if isinstance(lines, PayoutRefused):
        return lines
    reference = payout_reference(pid)
    amount = _cents(payout.amount)
    transfer: dict[str, Any] | None = None
    if amount != 0:
        clearing = XeroAccountRef(code=accounts.clearing)
        bank = XeroAccountRef(code=accounts.bank)
        transfer = XeroBankTransfer(
            from_bank_account=clearing if amount > 0 else bank,
            to_bank_account=bank if amount > 0 else clearing,
            amount=abs(amount),
            date=payout.date,
            reference=reference,
        ).to_payload()
    common: dict[str, Any] = {
        "contact_id": contact_id,
        "accounts": accounts,
        "on": payout.date,
        "reference": reference,
    }
    orders = sorted(
        {
            tx.source_order_id
            for tx in counted
            if (tx.type or "").lower() in ORDER_KINDS and tx.source_order_id is not None
        }
    )
    return PayoutPosting(
        payout_id=pid,
        reference=reference,
        date=payout.date,
        amount=amount,
        transfer=transfer,
        spend=_bank_transaction(lines, spend=True, **common),
        receive=_bank_transaction(lines, spend=False, **common),
        lines=tuple(lines),
        orders=tuple(orders),
    )


_FEES_NAME = re.compile(
    r"bank (service )?(fees|charges)|merchant (service )?fees|payment processing|card fees",
    re.IGNORECASE,
)
_EXPENSE_TYPES = frozenset({"EXPENSE", "OVERHEADS", "DIRECTCOSTS"})
_CLEARING_NAME = re.compile(r"clearing", re.IGNORECASE)


def _by_code(accounts: Sequence[Mapping[str, Any]], code: str | None) -> Mapping[str, Any] | None:
    for account in accounts:
        if code and account.get("Code") == code and is_active_account(account):
            return account
    return None


def _is_bank(account: Mapping[str, Any] | None) -> bool:
    return account is not None and account.get("Type") == "BANK"


def account_currency(account: Mapping[str, Any], base_currency: str) -> str:
    """A bank account's currency (an account without ``CurrencyCode`` is in the base one)."""
    return str(account.get("CurrencyCode") or base_currency)


NO_CLEARING = (
    "Shopify Payments payouts are not posted: there is no clearing account. In Xero add a BANK "
    "account without a bank feed, named like 'Shopify Clearing' (found by its name; any other "
    "name: set SHOPXERO_CLEARING_ACCOUNT to its code); Shopify Payments money then goes there "
    "and each payout is posted (docs/payouts.md)"
)


def find_clearing_account(
    accounts: Sequence[Mapping[str, Any]],
    *,
    clearing: str | None,
    explicit_gateway_account: str | None = None,
) -> Mapping[str, Any] | PayoutRefused:
    """The clearing account: ``SHOPXERO_CLEARING_ACCOUNT``, else the account a setting sends
    ``shopify_payments`` payments to if it is a BANK account, else the first active BANK account
    named like "clearing"; or why there is none."""
    if clearing is not None:
        chosen = _by_code(accounts, clearing)
        if chosen is None or not _is_bank(chosen):
            return PayoutRefused(
                f"SHOPXERO_CLEARING_ACCOUNT={clearing} is not an active BANK account in Xero",
                setting="SHOPXERO_CLEARING_ACCOUNT",
            )
        return chosen
    chosen = _by_code(accounts, explicit_gateway_account)
    if chosen is not None and _is_bank(chosen):
        return chosen
    named = [
        a
        for a in accounts
        if _is_bank(a) and is_active_account(a) and _CLEARING_NAME.search(str(a.get("Name") or ""))
    ]
    if not named:
        return PayoutRefused(NO_CLEARING, setting="SHOPXERO_CLEARING_ACCOUNT")
    return named[0]


def clearing_route(
    accounts: Sequence[Mapping[str, Any]],
    *,
    clearing: str | None,
    named_by_setting: bool,
    legacy: bool,
) -> str | None:
    """The clearing account Shopify Payments payments go to when payouts are posted and no
    setting names their account (``named_by_setting``), or None (engine.payment_routing).

    ``legacy``: payments were recorded before payments kept their account; only an explicit
    ``SHOPXERO_CLEARING_ACCOUNT`` (``clearing``) moves their account then."""
    if named_by_setting:
        return None
    found = find_clearing_account(accounts, clearing=clearing)
    if isinstance(found, PayoutRefused) or (clearing is None and legacy):
        return None
    return str(found["Code"])


def resolve_payout_accounts(
    accounts: Sequence[Mapping[str, Any]],
    *,
    gateway_account: str | None,
    explicit_gateway_account: str | None = None,
    clearing: str | None = None,
    bank: str | None = None,
    fees: str | None = None,
    dispute: str | None = None,
    adjustment: str | None = None,
    reserve: str | None = None,
    opening: str | None = None,
) -> PayoutAccounts | PayoutRefused:
    """The accounts payouts are posted with (settings win), or why payouts cannot be posted.

    ``gateway_account``: where ``shopify_payments`` payments go today (the orders' rule);
    ``explicit_gateway_account``: the same when a setting chose it. The clearing account must be
    that account, or the charges are not in it and it would not net to zero.
    """
    chosen = find_clearing_account(
        accounts, clearing=clearing, explicit_gateway_account=explicit_gateway_account
    )
    if isinstance(chosen, PayoutRefused):
        return chosen
    clearing_code = str(chosen["Code"])
    if gateway_account != clearing_code:
        return PayoutRefused(
            f"Shopify Payments payouts are not posted: shopify_payments payments go to account "
            f"{gateway_account or '(none)'}, not to the clearing account {clearing_code}, so the "
            "clearing account would not net to zero; set "
            f'SHOPXERO_ACCOUNT_BY_GATEWAY={{"shopify_payments": "{clearing_code}"}}',
            setting="SHOPXERO_ACCOUNT_BY_GATEWAY",
        )
    if bank is not None:
        bank_account = _by_code(accounts, bank)
        if not _is_bank(bank_account) or bank == clearing_code:
            return PayoutRefused(
                f"SHOPXERO_PAYOUT_BANK_ACCOUNT={bank} is not an active BANK account other than "
                f"the clearing account {clearing_code}",
                setting="SHOPXERO_PAYOUT_BANK_ACCOUNT",
            )
        bank_code = bank
    else:
        others = [
            a
            for a in accounts
            if _is_bank(a) and is_active_account(a) and a.get("Code") and a["Code"] != clearing_code
        ]
        if not others:
            return PayoutRefused(
                f"Shopify Payments payouts are not posted: no BANK account besides the clearing "
                f"account {clearing_code} to transfer them to; set SHOPXERO_PAYOUT_BANK_ACCOUNT",
                setting="SHOPXERO_PAYOUT_BANK_ACCOUNT",
            )
        bank_code = str(others[0]["Code"])
    if fees is not None:
        if _by_code(accounts, fees) is None:
            return PayoutRefused(
                f"SHOPXERO_PAYOUT_FEES_ACCOUNT={fees} is not an active account in Xero",
                setting="SHOPXERO_PAYOUT_FEES_ACCOUNT",
            )
        fees_code = fees
    else:
        named = [
            a
            for a in accounts
            if a.get("Type") in _EXPENSE_TYPES
            and is_active_account(a)
            and a.get("Code")
            and _FEES_NAME.search(str(a.get("Name") or ""))
        ]
        if not named:
            return PayoutRefused(
                "Shopify Payments payouts are not posted: no expense account named like 'Bank "
                "Fees' for Shopify's fees; set SHOPXERO_PAYOUT_FEES_ACCOUNT",
                setting="SHOPXERO_PAYOUT_FEES_ACCOUNT",
            )
        fees_code = str(named[0]["Code"])
    for setting, code in (
        ("SHOPXERO_DISPUTE_ACCOUNT", dispute),
        ("SHOPXERO_PAYOUT_ADJUSTMENT_ACCOUNT", adjustment),
        ("SHOPXERO_RESERVE_ACCOUNT", reserve),
        ("SHOPXERO_PAYOUT_OPENING_ACCOUNT", opening),
    ):
        if code is not None and _by_code(accounts, code) is None:
            return PayoutRefused(f"{setting}={code} is not an active account in Xero", setting)
    return PayoutAccounts(
        clearing=clearing_code,
        bank=bank_code,
        fees=fees_code,
        dispute=dispute or fees_code,
        adjustment=adjustment or fees_code,
        reserve=reserve,
        opening=opening,
    )
