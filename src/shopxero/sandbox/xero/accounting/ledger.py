"""What has been posted to each bank account, and its balances over a period.

Balances are worked out from the records themselves, so they can never drift from them
[xero-api-notes §13.4]:
- payments (AUTHORISED): a sales invoice's payment (ACCRECPAYMENT) and a refund received on a
  bill's credit note (APCREDITPAYMENT) come in; a bill's payment (ACCPAYPAYMENT) and a cash refund
  of a sales credit note (ARCREDITPAYMENT) go out; by ``BankAmount``, the amount in the account's
  currency. A payment's account may also be a non-bank account with payments enabled (§6.4).
- bank transactions (AUTHORISED): RECEIVE and RECEIVE-TRANSFER come in, SPEND and SPEND-TRANSFER
  go out, by ``Total``; a transfer is its two sides. Deleted records count for nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["AccountPeriod", "Movement", "account_period", "movements"]

ZERO = Decimal(0)
_PAYMENTS_IN = frozenset({"ACCRECPAYMENT", "APCREDITPAYMENT"})


@dataclass(frozen=True)
class Movement:
    """Money into (``amount`` > 0) or out of (< 0) one account on one day."""

    account_id: str
    on: date
    amount: Decimal


@dataclass(frozen=True)
class AccountPeriod:
    """An account over ``[start, end]``: the Bank Summary report's columns."""

    opening: Decimal
    received: Decimal
    spent: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.received - self.spent


def movements(org: XeroOrg) -> Iterator[Movement]:
    for payment in org.payments.values():
        if payment["Status"] != "AUTHORISED" or not payment.get("_account_id"):
            continue
        amount: Decimal = payment["BankAmount"]
        sign = 1 if payment["PaymentType"] in _PAYMENTS_IN else -1
        yield Movement(str(payment["_account_id"]).lower(), payment["Date"], sign * amount)
    for transaction in org.bank_transactions.values():
        if transaction["Status"] != "AUTHORISED":
            continue
        total: Decimal = transaction["Total"]
        sign = 1 if str(transaction["Type"]).startswith("RECEIVE") else -1
        yield Movement(str(transaction["_account_id"]).lower(), transaction["Date"], sign * total)


def account_period(org: XeroOrg, start: date, end: date) -> dict[str, AccountPeriod]:
    """Opening balance at ``start`` and money received and spent from ``start`` to ``end``
    (both included), per AccountID (lower case) of every account that has any movement."""
    opening: dict[str, Decimal] = {}
    received: dict[str, Decimal] = {}
    spent: dict[str, Decimal] = {}
    for move in movements(org):
        if move.on > end:
            continue
        if move.on < start:
            opening[move.account_id] = opening.get(move.account_id, ZERO) + move.amount
        elif move.amount >= 0:
            received[move.account_id] = received.get(move.account_id, ZERO) + move.amount
        else:
            spent[move.account_id] = spent.get(move.account_id, ZERO) - move.amount
    ids = set(opening) | set(received) | set(spent)
    return {
        account_id: AccountPeriod(
            opening.get(account_id, ZERO),
            received.get(account_id, ZERO),
            spent.get(account_id, ZERO),
        )
        for account_id in ids
    }
