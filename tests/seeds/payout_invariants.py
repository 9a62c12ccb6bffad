"""Independent checks that Shopify Payments payouts and balance transactions add up.

Written without importing the generator (``sandbox/seeds/payouts.py``), from the rules of
shopify-api-notes §9: ``net = amount - fee`` per balance transaction; a payout's ``amount`` is the
sum of its transactions' ``net`` and of its summary's gross minus fee; each Shopify Payments
charge and refund of a non-test order is in the ledger exactly once, other gateways never.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

MONEY = re.compile(r"-?[0-9]+\.[0-9]{2}")
KINDS = ("adjustments", "charges", "refunds", "reserved_funds", "retried_payouts")
KIND_OF_TYPE = {"charge": "charges", "refund": "refunds", "reserve": "reserved_funds"}


def D(value: Any) -> Decimal:
    return Decimal(str(value))


def balance_by_currency(transactions: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Sum of ``net`` of the transactions not yet in a payout, per currency."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for bt in transactions:
        if bt["payout_id"] is None:
            out[bt["currency"]] += D(bt["net"])
    return dict(out)


def payout_problems(shopify: dict[str, Any]) -> list[str]:
    """Every inconsistency between a seed's orders, balance transactions and payouts."""
    bad: list[str] = []
    payouts = {p["id"]: p for p in shopify["payouts"]}
    ledger = shopify["balance_transactions"]
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for bt in ledger:
        for key in ("amount", "fee", "net"):
            if not MONEY.fullmatch(bt[key]) or bt[key] == "-0.00":
                bad.append(f"transaction {bt['id']}: {key} {bt[key]!r} is not a money string")
        if D(bt["amount"]) - D(bt["fee"]) != D(bt["net"]):
            bad.append(f"transaction {bt['id']}: net != amount - fee")
        if bt["payout_id"] is None:
            if bt["payout_status"] != "pending":
                bad.append(f"transaction {bt['id']}: no payout but status {bt['payout_status']}")
            continue
        payout = payouts.get(bt["payout_id"])
        if payout is None:
            bad.append(f"transaction {bt['id']}: payout {bt['payout_id']} does not exist")
            continue
        members[payout["id"]].append(bt)
        if bt["payout_status"] != payout["status"]:
            bad.append(f"transaction {bt['id']}: payout_status differs from its payout's")
        if bt["currency"] != payout["currency"]:
            bad.append(f"transaction {bt['id']}: currency differs from its payout's")
    for payout in payouts.values():
        rows = members[payout["id"]]
        if not rows:
            bad.append(f"payout {payout['id']}: no transactions")
        total = sum((D(bt["net"]) for bt in rows), Decimal(0))
        if D(payout["amount"]) != total:
            bad.append(f"payout {payout['id']}: amount {payout['amount']} != sum of net {total}")
        if D(payout["amount"]) <= 0:
            bad.append(f"payout {payout['id']}: amount {payout['amount']} is not positive")
        summary = payout["summary"]
        by_summary = sum(
            (D(summary[f"{k}_gross_amount"]) - D(summary[f"{k}_fee_amount"]) for k in KINDS),
            Decimal(0),
        )
        if by_summary != total:
            bad.append(f"payout {payout['id']}: summary gives {by_summary}, not {total}")
        for kind in KINDS:
            of_kind = [bt for bt in rows if KIND_OF_TYPE.get(bt["type"], "adjustments") == kind]
            gross = sum((D(bt["amount"]) for bt in of_kind), Decimal(0))
            fee = sum((D(bt["fee"]) for bt in of_kind), Decimal(0))
            if (D(summary[f"{kind}_gross_amount"]), D(summary[f"{kind}_fee_amount"])) != (
                gross,
                fee,
            ):
                bad.append(f"payout {payout['id']}: summary {kind} is not its transactions'")
    bad += _ledger_matches_orders(shopify["orders"], ledger)
    return bad


def _ledger_matches_orders(orders: list[dict[str, Any]], ledger: list[dict[str, Any]]) -> list[str]:
    bad: list[str] = []
    expected: Counter[tuple[int, str]] = Counter()
    elsewhere: set[int] = set()
    for order in orders:
        for tx in order["transactions"]:
            moved = tx["status"] == "success" and tx["kind"] in ("sale", "capture", "refund")
            if tx["gateway"] == "shopify_payments" and moved and not order["test"]:
                kind = "refund" if tx["kind"] == "refund" else "charge"
                expected[(tx["id"], kind)] += 1
            else:
                elsewhere.add(tx["id"])
    found = Counter(
        (bt["source_order_transaction_id"], bt["type"])
        for bt in ledger
        if bt["type"] in ("charge", "refund")
    )
    if found != expected:
        missing = expected - found
        extra = found - expected
        bad.append(f"charges/refunds: missing {dict(missing)}, unexpected {dict(extra)}")
    for bt in ledger:
        if bt["source_order_transaction_id"] in elsewhere:
            bad.append(f"transaction {bt['id']}: comes from a non-Shopify-Payments transaction")
    return bad
