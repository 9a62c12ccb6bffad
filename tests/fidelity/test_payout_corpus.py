"""Hand-worked payouts -> Xero postings (translate.payouts, pure; docs/payouts.md).

Each case is a payout and its balance transactions in Shopify's REST shapes, with the transfer,
spend and receive money worked out by hand in the comments. Accounts: clearing 091, bank 090,
fees 404, disputes 405, adjustments 406, reserve 620. In every case the clearing account's
movements for the payout sum to zero: charges − refunds (already posted as the orders' payments
and cash refunds) − spend + receive − transfer = 0.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from shopxero.sandbox.seeds.xero_defaults import default_accounts, with_clearing_account
from shopxero.shopify.models import parse_balance_transaction, parse_payout
from shopxero.translate.payouts import (
    PayoutAccounts,
    PayoutPosting,
    PayoutRefused,
    payout_posting,
    resolve_payout_accounts,
)

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

ACCOUNTS = PayoutAccounts(
    clearing="091", bank="090", fees="404", dispute="405", adjustment="406", reserve="620"
)
D = Decimal


def _tx(n: int, kind: str, amount: str, fee: str, order: int | None = 1001) -> dict[str, Any]:
    net = D(amount) - D(fee)
    return {
        "id": n,
        "type": kind,
        "payout_id": 77,
        "payout_status": "paid",
        "currency": "GBP",
        "amount": amount,
        "fee": fee,
        "net": str(net),
        "source_order_id": order,
        "source_order_transaction_id": n + 500 if order else None,
        "processed_at": "2026-11-02T10:00:00+00:00",
    }


def _post(
    amount: str,
    txs: list[dict[str, Any]],
    *,
    currency: str = "GBP",
    accounts: PayoutAccounts = ACCOUNTS,
    opening_orders: frozenset[int] = frozenset(),
) -> PayoutPosting | PayoutRefused:
    payout = parse_payout(
        {"id": 77, "status": "paid", "date": "2026-11-05", "currency": currency, "amount": amount}
    )
    return payout_posting(
        payout,
        [parse_balance_transaction(t) for t in txs],
        accounts,
        contact_id="c-shopify",
        clearing_currency="GBP",
        opening_orders=opening_orders,
    )


def _lines(payload: dict[str, Any] | None) -> list[tuple[str, Decimal]]:
    if payload is None:
        return []
    return [(li["AccountCode"], D(str(li["UnitAmount"]))) for li in payload["LineItems"]]


def _nets_to_zero(p: PayoutPosting, txs: list[dict[str, Any]]) -> None:
    orders = sum((D(t["amount"]) for t in txs if t["type"] in ("charge", "refund")), D(0))
    spend = sum((a for _, a in _lines(p.spend)), D(0))
    receive = sum((a for _, a in _lines(p.receive)), D(0))
    assert orders - spend + receive - p.amount == 0


def test_a_plain_day() -> None:
    # Two charges: 20.00 (fee 2.9% + 0.30 = 0.88) and 45.50 (fee 1.62). Net 19.12 + 43.88 = 63.00.
    txs = [_tx(1, "charge", "20.00", "0.88"), _tx(2, "charge", "45.50", "1.62", order=1002)]
    p = _post("63.00", txs)
    assert isinstance(p, PayoutPosting)
    assert p.transfer is not None
    assert p.transfer["Amount"] == D("63.00")
    assert p.transfer["FromBankAccount"] == {"Code": "091"}
    assert p.transfer["ToBankAccount"] == {"Code": "090"}
    assert p.transfer["Reference"] == "Shopify payout 77"
    assert str(p.transfer["Date"]) == "2026-11-05"
    assert _lines(p.spend) == [("404", D("2.50"))]  # 0.88 + 1.62
    assert p.receive is None
    assert p.spend is not None and p.spend["LineAmountTypes"] == "NoTax"
    assert p.spend["Type"] == "SPEND" and p.spend["BankAccount"] == {"Code": "091"}
    assert p.spend["Contact"] == {"ContactID": "c-shopify"}
    _nets_to_zero(p, txs)


def test_a_refund_in_the_payout() -> None:
    # Charge 30.00 fee 1.17 (net 28.83); refund −12.00 fee 0.00 (the fee is not given back).
    # 28.83 − 12.00 = 16.83.
    txs = [_tx(1, "charge", "30.00", "1.17"), _tx(2, "refund", "-12.00", "0.00")]
    p = _post("16.83", txs)
    assert isinstance(p, PayoutPosting)
    assert p.transfer is not None and p.transfer["Amount"] == D("16.83")
    assert _lines(p.spend) == [("404", D("1.17"))]
    assert p.receive is None
    _nets_to_zero(p, txs)


def test_a_dispute_lost() -> None:
    # Charge 50.00 fee 1.75 (48.25); chargeback −40.00 with the 15.00 dispute fee (−55.00).
    # 48.25 − 55.00 = −6.75: a negative payout, Shopify debits the bank 6.75.
    txs = [
        _tx(1, "charge", "50.00", "1.75", order=1002),
        _tx(2, "dispute", "-40.00", "15.00", order=1001),
    ]
    p = _post("-6.75", txs)
    assert isinstance(p, PayoutPosting)
    assert p.transfer is not None
    assert p.transfer["Amount"] == D("6.75")
    assert (p.transfer["FromBankAccount"], p.transfer["ToBankAccount"]) == (
        {"Code": "090"},
        {"Code": "091"},
    )
    # Fees 1.75 + 15.00 = 16.75 to fees; the chargeback 40.00 to disputes, naming order 1001.
    assert _lines(p.spend) == [("404", D("16.75")), ("405", D("40.00"))]
    assert p.spend is not None
    assert "payout 77" in p.spend["LineItems"][1]["Description"]
    assert "1001" in p.spend["LineItems"][1]["Description"]
    _nets_to_zero(p, txs)


def test_a_dispute_won() -> None:
    # The chargeback reversed: +40.00 back and the 15.00 fee given back (fee −15.00): net 55.00.
    # With a charge 10.00 fee 0.59 (9.41): 64.41.
    txs = [_tx(1, "charge", "10.00", "0.59", order=1003), _tx(2, "dispute", "40.00", "-15.00")]
    p = _post("64.41", txs)
    assert isinstance(p, PayoutPosting)
    assert _lines(p.spend) == [("404", D("0.59"))]
    assert _lines(p.receive) == [("404", D("15.00")), ("405", D("40.00"))]
    assert p.receive is not None and p.receive["Type"] == "RECEIVE"
    _nets_to_zero(p, txs)


def test_an_adjustment() -> None:
    # Charge 25.00 fee 1.03 (23.97); adjustment −2.50 (net −2.50): 21.47.
    txs = [_tx(1, "charge", "25.00", "1.03"), _tx(2, "adjustment", "-2.50", "0.00")]
    p = _post("21.47", txs)
    assert isinstance(p, PayoutPosting)
    assert _lines(p.spend) == [("404", D("1.03")), ("406", D("2.50"))]
    _nets_to_zero(p, txs)


def test_a_positive_adjustment_is_received() -> None:
    txs = [_tx(1, "charge", "25.00", "1.03"), _tx(2, "adjustment", "3.00", "0.00")]
    p = _post("26.97", txs)  # 23.97 + 3.00
    assert isinstance(p, PayoutPosting)
    assert _lines(p.receive) == [("406", D("3.00"))]
    _nets_to_zero(p, txs)


def test_a_reserve_held_and_one_released() -> None:
    # Charge 100.00 fee 3.20 (96.80); reserve held −42.00: 54.80.
    held = [_tx(1, "charge", "100.00", "3.20"), _tx(2, "reserve", "-42.00", "0.00", order=None)]
    p = _post("54.80", held)
    assert isinstance(p, PayoutPosting)
    assert _lines(p.spend) == [("404", D("3.20")), ("620", D("42.00"))]
    _nets_to_zero(p, held)
    # Released later: +42.00 with a charge 8.00 fee 0.53 (7.47): 49.47.
    released = [_tx(3, "charge", "8.00", "0.53"), _tx(4, "reserve", "42.00", "0.00", order=None)]
    q = _post("49.47", released)
    assert isinstance(q, PayoutPosting)
    assert _lines(q.receive) == [("620", D("42.00"))]
    _nets_to_zero(q, released)


def test_a_reserve_without_a_reserve_account_waits_naming_the_setting() -> None:
    accounts = PayoutAccounts(
        clearing="091", bank="090", fees="404", dispute="404", adjustment="404"
    )
    txs = [_tx(1, "charge", "100.00", "3.20"), _tx(2, "reserve", "-42.00", "0.00", order=None)]
    refused = _post("54.80", txs, accounts=accounts)
    assert isinstance(refused, PayoutRefused)
    assert refused.setting == "SHOPXERO_RESERVE_ACCOUNT"


def test_a_negative_payout_of_refunds_only() -> None:
    # A refund −30.00 with nothing to set it against: Shopify debits the bank 30.00.
    txs = [_tx(1, "refund", "-30.00", "0.00")]
    p = _post("-30.00", txs)
    assert isinstance(p, PayoutPosting)
    assert p.transfer is not None
    assert p.transfer["Amount"] == D("30.00")
    assert p.transfer["FromBankAccount"] == {"Code": "090"}
    assert p.spend is None and p.receive is None
    _nets_to_zero(p, txs)


def test_a_zero_payout_has_no_transfer() -> None:
    # Charge 10.00 fee 0.59 (9.41) and an adjustment −9.41: nothing reaches the bank.
    txs = [_tx(1, "charge", "10.00", "0.59"), _tx(2, "adjustment", "-9.41", "0.00")]
    p = _post("0.00", txs)
    assert isinstance(p, PayoutPosting)
    assert p.transfer is None
    assert _lines(p.spend) == [("404", D("0.59")), ("406", D("9.41"))]
    _nets_to_zero(p, txs)


def test_a_second_currency_is_refused_clearly() -> None:
    txs = [dict(_tx(1, "charge", "20.00", "0.88"), currency="EUR")]
    refused = _post("19.12", txs, currency="EUR")
    assert isinstance(refused, PayoutRefused)
    assert "EUR" in refused.reason and "GBP" in refused.reason and "by hand" in refused.reason


def test_a_payout_spanning_orders_from_before_the_sync_start_date() -> None:
    # Start date 3 Nov. Order 998 (1 Nov, never invoiced by shopxero): charge 60.00 fee 2.04
    # and a refund −10.00 of order 997 (31 Oct); order 1001 (3 Nov, invoiced): charge 25.00
    # fee 1.03. Net 57.96 − 10.00 + 23.97 = 71.93.
    txs = [
        _tx(1, "charge", "60.00", "2.04", order=998),
        _tx(2, "refund", "-10.00", "0.00", order=997),
        _tx(3, "charge", "25.00", "1.03", order=1001),
    ]
    early = frozenset({997, 998})
    # Without an opening account: not posted, naming both orders and the setting.
    refused = _post("71.93", txs, opening_orders=early)
    assert isinstance(refused, PayoutRefused)
    assert refused.setting == "SHOPXERO_PAYOUT_OPENING_ACCOUNT"
    assert "997" in refused.reason and "998" in refused.reason
    # With one (850): the clearing account holds only order 1001's 25.00; 998's 60.00 is
    # received into it from 850 and 997's 10.00 refund spent to 850, so that
    # 25.00 + 60.00 − 10.00 − fees 3.07 − transfer 71.93 = 0.
    p = _post(
        "71.93",
        txs,
        accounts=replace(ACCOUNTS, opening="850"),
        opening_orders=early,
    )
    assert isinstance(p, PayoutPosting)
    assert p.transfer is not None and p.transfer["Amount"] == D("71.93")
    assert _lines(p.spend) == [("404", D("3.07")), ("850", D("10.00"))]
    assert _lines(p.receive) == [("850", D("60.00"))]
    assert p.receive is not None and "998" in p.receive["LineItems"][0]["Description"]
    in_clearing = D("25.00")
    spend = sum((a for _, a in _lines(p.spend)), D(0))
    receive = sum((a for _, a in _lines(p.receive)), D(0))
    assert in_clearing - spend + receive - p.amount == 0


def test_a_gift_card_order_only_counts_its_card_part() -> None:
    # Order 1009: 40.00, of which 15.00 by gift card (no balance transaction: gateway gift_card)
    # and 25.00 by card (fee 1.03). The payout is the card part only: 23.97. The 15.00 never
    # enters the clearing account (the gift-card payment goes to the gift-card account).
    txs = [_tx(1, "charge", "25.00", "1.03", order=1009)]
    p = _post("23.97", txs)
    assert isinstance(p, PayoutPosting)
    assert p.transfer is not None and p.transfer["Amount"] == D("23.97")
    assert _lines(p.spend) == [("404", D("1.03"))]
    assert p.orders == (1009,)
    _nets_to_zero(p, txs)


def test_a_payout_that_does_not_add_up_is_not_posted() -> None:
    refused = _post("60.00", [_tx(1, "charge", "20.00", "0.88")])
    assert isinstance(refused, PayoutRefused)
    assert "19.12" in refused.reason


# The chart: the UK standard accounts that matter here.
CHART = [
    {"Code": "090", "Name": "Business Bank Account", "Type": "BANK"},
    {"Code": "091", "Name": "Shopify Clearing", "Type": "BANK"},
    {"Code": "404", "Name": "Bank Fees", "Type": "OVERHEADS"},
    {"Code": "620", "Name": "Prepayments", "Type": "CURRENT"},
]


def test_accounts_by_default_from_the_chart() -> None:
    accounts = resolve_payout_accounts(CHART, gateway_account="091")
    assert accounts == PayoutAccounts("091", "090", "404", "404", "404", None)


@pytest.mark.parametrize(
    ("chart", "gateway", "setting"),
    [
        (CHART[:1] + CHART[2:], "090", "SHOPXERO_CLEARING_ACCOUNT"),  # no clearing account
        (CHART, "090", "SHOPXERO_ACCOUNT_BY_GATEWAY"),  # payments do not go to the clearing
        (CHART[1:], "091", "SHOPXERO_PAYOUT_BANK_ACCOUNT"),  # no bank to transfer to
        (CHART[:2], "091", "SHOPXERO_PAYOUT_FEES_ACCOUNT"),  # no fees account
    ],
)
def test_accounts_that_cannot_post_say_which_setting(
    chart: list[dict[str, Any]], gateway: str, setting: str
) -> None:
    refused = resolve_payout_accounts(chart, gateway_account=gateway)
    assert isinstance(refused, PayoutRefused)
    assert refused.setting == setting


@pytest.mark.parametrize("country", ["GB", "AU", "NZ", "US"])
def test_each_standard_chart_with_a_clearing_account_gets_every_default(country: str) -> None:
    # Xero's chart for a new organisation in each country, plus the BANK account the merchant
    # adds (docs/payouts.md, "Setting it up"): everything else is found by itself.
    chart = with_clearing_account(default_accounts(country), country)
    accounts = resolve_payout_accounts(chart, gateway_account="091")
    assert isinstance(accounts, PayoutAccounts), accounts
    by_code = {a["Code"]: a for a in chart}
    assert accounts.clearing == "091"
    assert by_code[accounts.bank]["Type"] == "BANK" and accounts.bank != "091"
    fees = by_code[accounts.fees]
    assert fees["Type"] in ("EXPENSE", "OVERHEADS", "DIRECTCOSTS")
    assert "bank" in fees["Name"].lower() or "fee" in fees["Name"].lower(), fees["Name"]
