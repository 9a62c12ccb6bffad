"""Independent checks that a Shopify order's numbers add up the way Shopify's do.

Written separately from the builder (no import from it) so a mistake there cannot hide here:
the tax of each line is recomputed from its rate with the rounding rule stated in the test.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def D(value: Any) -> Decimal:
    return Decimal(str(value))


def _r(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _amt(money_set: dict[str, Any], side: str) -> Decimal:
    return D(money_set[side]["amount"])


def order_problems(order: dict[str, Any]) -> list[str]:
    """Every arithmetic inconsistency in ``order`` (empty when it adds up)."""
    bad: list[str] = []
    name = order["name"]

    def check(cond: bool, what: str) -> None:
        if not cond:
            bad.append(f"{name}: {what}")

    incl = order["taxes_included"]
    for side in ("shop_money", "presentment_money"):
        gross = disc = tax = ship = ZERO = Decimal(0)
        for line in order["line_items"]:
            unit = _amt(line["price_set"], side)
            line_gross = unit * line["quantity"]
            alloc = sum((_amt(a["amount_set"], side) for a in line["discount_allocations"]), ZERO)
            check(alloc <= line_gross, f"{side} line {line['id']} discount above its amount")
            line_tax = sum((_amt(t["price_set"], side) for t in line["tax_lines"]), ZERO)
            for t in line["tax_lines"]:
                rate, base = D(t["rate"]), line_gross - alloc
                expect = _r(base - base / (1 + rate)) if incl else _r(base * rate)
                check(_amt(t["price_set"], side) == expect, f"{side} line tax {t} != {expect}")
            if not line["taxable"] or line["gift_card"]:
                check(line_tax == 0, f"untaxable line {line['id']} has tax")
            gross, disc, tax = gross + line_gross, disc + alloc, tax + line_tax
        for s_line in order["shipping_lines"]:
            price = _amt(s_line["discounted_price_set"], side)
            for t in s_line["tax_lines"]:
                rate = D(t["rate"])
                expect = _r(price - price / (1 + rate)) if incl else _r(price * rate)
                check(_amt(t["price_set"], side) == expect, f"{side} shipping tax != {expect}")
                tax += _amt(t["price_set"], side)
            ship += price
        subtotal = gross - disc
        # Import duties and additional fees are in the total on their own (null: none).
        charges = {
            key: _amt(order[f"original_total_{key}_set"], side)
            if order.get(f"original_total_{key}_set")
            else ZERO
            for key in ("duties", "additional_fees")
        }
        total = subtotal + ship + (ZERO if incl else tax) + sum(charges.values(), ZERO)
        check(_amt(order["total_line_items_price_set"], side) == gross, f"{side} line items")
        check(_amt(order["total_discounts_set"], side) == disc, f"{side} total_discounts")
        check(_amt(order["subtotal_price_set"], side) == subtotal, f"{side} subtotal_price")
        check(_amt(order["total_tax_set"], side) == tax, f"{side} total_tax")
        order_tax = sum((_amt(t["price_set"], side) for t in order["tax_lines"]), ZERO)
        check(order_tax == tax, f"{side} order tax_lines sum {order_tax} != {tax}")
        check(_amt(order["total_shipping_price_set"], side) == ship, f"{side} shipping total")
        check(_amt(order["total_price_set"], side) == total, f"{side} total_price {total}")

        # Refunds: what each returned, and the current_* figures after them.
        r_sub = r_tax = r_disc = r_money = ZERO
        r_charges = dict.fromkeys(charges, ZERO)
        for refund in order["refunds"]:
            this = ZERO
            for key in r_charges:
                back = sum((_amt(e["amount_set"], side) for e in refund.get(key) or []), ZERO)
                stated = refund.get(f"total_{key}_set")
                check(stated is None or _amt(stated, side) == back, f"{side} refund {key} total")
                r_charges[key] += back
                this += back
            for rli in refund["refund_line_items"]:
                sub, rtax = _amt(rli["subtotal_set"], side), _amt(rli["total_tax_set"], side)
                r_sub, r_tax = r_sub + sub, r_tax + rtax
                this += sub + (ZERO if incl else rtax)
                line = rli["line_item"]
                alloc = sum((_amt(a["amount_set"], side) for a in line["discount_allocations"]),
                            ZERO)  # fmt: skip
                unit = _amt(line["price_set"], side)
                # The discount share the refund takes back: the gross refunded minus its subtotal.
                r_disc += unit * rli["quantity"] - sub
                check(sub <= unit * line["quantity"] - alloc, "refund above the line")
            for adj in refund["order_adjustments"]:
                check(adj["kind"] == "shipping_refund", f"unexpected adjustment {adj['kind']}")
                a_amt, a_tax = _amt(adj["amount_set"], side), _amt(adj["tax_amount_set"], side)
                this -= a_amt + a_tax  # negative amounts: the shipping given back
                r_tax -= a_tax
            shipping_back = sum((_amt(s["subtotal_amount_set"], side)
                                 for s in refund["refund_shipping_lines"]), ZERO)  # fmt: skip
            adj_back = ZERO
            for adj in refund["order_adjustments"]:
                adj_back -= _amt(adj["amount_set"], side)
                if incl:  # shipping lines are stated with their tax in them
                    adj_back -= _amt(adj["tax_amount_set"], side)
            check(shipping_back == adj_back, "refund_shipping_lines != order_adjustments")
            if side == "presentment_money" and refund["transactions"]:
                tx_sum = sum((D(t["amount"]) for t in refund["transactions"]), ZERO)
                check(tx_sum == this, f"refund {refund['id']} transaction {tx_sum} != {this}")
            elif side == "presentment_money":  # no money back: only if none was ever taken
                taken_any = any(t["kind"] in ("sale", "capture") and t["status"] == "success"
                                for t in order["transactions"])  # fmt: skip
                check(not taken_any, f"refund {refund['id']} of a paid order moved no money")
            r_money += this
        check(_amt(order["current_subtotal_price_set"], side) == subtotal - r_sub,
              f"{side} current_subtotal_price")  # fmt: skip
        check(_amt(order["current_total_tax_set"], side) == tax - r_tax, f"{side} current tax")
        check(_amt(order["current_total_price_set"], side) == total - r_money,
              f"{side} current_total_price")  # fmt: skip
        check(_amt(order["current_total_discounts_set"], side) == disc - r_disc,
              f"{side} current_total_discounts")  # fmt: skip
        for key, charged in charges.items():
            check(r_charges[key] <= charged, f"{side} {key} refunded beyond what was charged")
            current = order.get(f"current_total_{key}_set")
            if charged:
                check(current is not None and _amt(current, side) == charged - r_charges[key],
                      f"{side} current_total_{key}_set")  # fmt: skip

    # Money received, in presentment currency (transactions are in it), and financial_status.
    pres_total = _amt(order["current_total_price_set"], "presentment_money")
    txs = order["transactions"]
    ok = [t for t in txs if t["status"] == "success"]
    taken = sum((D(t["amount"]) for t in ok if t["kind"] in ("sale", "capture")), Decimal(0))
    given = sum((D(t["amount"]) for t in ok if t["kind"] == "refund"), Decimal(0))
    net = taken - given
    status = order["financial_status"]
    outstanding = D(order["total_outstanding"])
    check(all(t["currency"] == order["presentment_currency"] for t in txs), "tx currency")
    if status == "paid":
        check(net == pres_total and not order["refunds"], "paid but not paid in full")
    elif status == "partially_refunded":
        check(bool(order["refunds"]) and 0 < net == pres_total, "partially_refunded figures")
    elif status == "refunded":
        check(net == 0 and pres_total == 0 and bool(order["refunds"]), "refunded figures")
    elif status == "pending":
        check(taken == 0, "pending order with money received")
    elif status == "authorized":
        check(taken == 0 and any(t["kind"] == "authorization" for t in ok), "authorized")
    elif status == "partially_paid":
        check(0 < net < pres_total, "partially_paid figures")
    else:
        check(False, f"unexpected financial_status {status}")
    if status in ("paid", "partially_refunded", "refunded"):
        check(outstanding == 0, "settled order with money outstanding")
    elif status in ("pending", "authorized"):
        check(outstanding == D(order["current_total_price"]), "unpaid order's outstanding")
    else:
        check(0 < outstanding < D(order["current_total_price"]), "partially paid outstanding")
    if order["presentment_currency"] == order["currency"]:
        check(outstanding == D(order["current_total_price"]) - net, "outstanding != total - net")

    # Quantities and the plain (shop currency) strings mirror the *_set amounts.
    refunded: dict[int, int] = {}
    for refund in order["refunds"]:
        for rli in refund["refund_line_items"]:
            refunded[rli["line_item_id"]] = refunded.get(rli["line_item_id"], 0) + rli["quantity"]
            check(isinstance(rli["subtotal"], float), "refund subtotal must be a JSON number")
    for line in order["line_items"]:
        back = refunded.get(line["id"], 0)
        check(back <= line["quantity"], f"line {line['id']} refunded more than sold")
        check(line["current_quantity"] == line["quantity"] - back, "current_quantity")
    for key in ("total_price", "subtotal_price", "total_tax", "total_discounts",
                "current_total_price", "current_subtotal_price", "current_total_tax"):  # fmt: skip
        check(order[key] == order[f"{key}_set"]["shop_money"]["amount"], f"{key} != its _set")
    return bad
