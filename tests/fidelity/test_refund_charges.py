"""Refunded tips, import duties and additional fees, through the real pipeline.

The cases (``cases_refund_fees``) are synced twice against the simulators like the rest of the
lifecycle corpus, read through the REST and the GraphQL Admin API (``[rest]`` / ``[graphql]``);
Xero's figures, as the Xero simulator computes them, must equal the hand-worked ones to the
cent, line by line (description, amount, account, TaxType), and every order must reconcile:
invoice - credit notes = Shopify's ``current_total_price``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.fidelity import cases_refund_fees
from tests.fidelity.cases_refund_fees import ChargeCase, XeroLine
from tests.fidelity.lifecycle import LifeRun, _seed, run_life

PREFIX = "SHOP-"
CASES = cases_refund_fees.CASES


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def _lines(document: dict[str, Any]) -> list[tuple[str, Decimal, str, str]]:
    return [
        (li["Description"], _d(li["LineAmount"]), li["AccountCode"], li["TaxType"])
        for li in document["LineItems"]
    ]


def _expected(lines: tuple[XeroLine, ...]) -> list[tuple[str, Decimal, str, str]]:
    return [(text, _d(amount), account, tax) for text, amount, account, tax in lines]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, shopify_api: str | None) -> LifeRun:
    """The corpus read through the test's Shopify API, once per API (tests/conftest.py; GraphQL:
    the refunded additional fees come from the orders' sales agreements, shopify-api-notes §10
    "Sales agreements")."""
    return run_life(
        [c.life for c in CASES],
        tmp_path_factory.mktemp(f"fidelity-charges-{shopify_api}"),
        shopify_api=shopify_api,
    )


@pytest.fixture(scope="module")
def shopify_orders() -> dict[int, dict[str, Any]]:
    """The orders the run served (the seed is deterministic)."""
    return _seed([c.life for c in CASES], ())[1]


def test_nothing_was_queued(run: LifeRun) -> None:
    assert [q.message for q in run.queued] == []


@pytest.mark.parametrize("case", CASES, ids=[c.life.name for c in CASES])
def test_tips_duties_and_fees_are_credited_where_the_invoice_put_them(
    run: LifeRun, shopify_orders: dict[int, dict[str, Any]], case: ChargeCase
) -> None:
    life = case.life
    number = f"{PREFIX}{life.number}"
    invoice = run.invoices[number]
    assert (invoice["Status"], _d(invoice["Total"]), _d(invoice["TotalTax"])) == (
        life.status,
        _d(life.total),
        _d(life.total_tax),
    )
    assert (_d(invoice["AmountPaid"]), _d(invoice["AmountDue"])) == (
        _d(life.amount_paid),
        _d(life.amount_due),
    )
    assert _lines(invoice) == _expected(case.invoice_lines)
    notes = [run.credit_notes[f"{number}-R{k}"] for k in range(1, len(life.credit_notes) + 1)]
    assert f"{number}-R{len(notes) + 1}" not in run.credit_notes
    for note, expected, lines in zip(notes, life.credit_notes, case.note_lines, strict=True):
        assert (_d(note["Total"]), _d(note["TotalTax"])) == (
            _d(expected.total),
            _d(expected.total_tax),
        )
        assert (_d(note["RemainingCredit"]), note["Status"]) == (
            _d(expected.remaining_credit),
            expected.status,
        )
        assert _lines(note) == _expected(lines)
    # Shopify's side, and the reconciliation an accountant does: invoice - credit notes.
    order = shopify_orders[life.number]
    assert _d(order["current_total_price"]) == _d(case.current_total_price)
    credited = sum((_d(n["Total"]) for n in notes), Decimal(0))
    assert _d(invoice["Total"]) - credited == _d(case.current_total_price)
    # Paid once, refunds paid out once, across both runs.
    paid = [p for p in run.payments if (p.get("Invoice") or {}).get("InvoiceNumber") == number]
    assert sum((_d(p["Amount"]) for p in paid if p["Status"] == "AUTHORISED"), Decimal(0)) == _d(
        life.amount_paid
    )
    refunds_out = [
        p
        for p in run.payments
        if (p.get("CreditNote") or {}).get("CreditNoteNumber", "").startswith(f"{number}-R")
        and p["Status"] == "AUTHORISED"
    ]
    paid_out = credited if case.paid_out is None else _d(case.paid_out)
    assert sum((_d(p["Amount"]) for p in refunds_out), Decimal(0)) == paid_out
