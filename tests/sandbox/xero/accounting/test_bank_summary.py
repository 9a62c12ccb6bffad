"""Bank balances through GET /Reports/BankSummary: payments, spend money, transfers and refunds
move them; deleted records stop counting [xero-api-notes §13.4].

The payouts picture: order payments land in 095 Shopify Payments clearing; a payout takes the
fees out as spend money and transfers the net to 090 Business Bank Account, leaving the clearing
account at zero. Every answer is checked against Xero's spec by the client's response hook.
"""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.xero.accounting import XeroOrg

from .conftest import CLEARING_ID, bank_seed

pytestmark = pytest.mark.anyio

SALE = {
    "Description": "Order #1001",
    "Quantity": "1",
    "UnitAmount": "100.00",
    "AccountCode": "200",
    "TaxType": "OUTPUT2",
}
FEES = {"Description": "Shopify Payments fees", "UnitAmount": "3.10", "AccountCode": "404"}
HEADER = ["Bank Accounts", "Opening Balance", "Cash Received", "Cash Spent", "Closing Balance"]


@pytest.fixture
def org(clock: SandboxClock) -> XeroOrg:
    return XeroOrg(bank_seed(), clock=clock)


async def _summary(api: Any, **params: str) -> dict[str, Any]:
    response = await api.client.get("/Reports/BankSummary", params=params)
    assert response.status_code == 200, response.text
    (report,) = response.json()["Reports"]
    found: dict[str, Any] = report
    return found


def _rows(report: dict[str, Any]) -> dict[str, list[str]]:
    """Account name (or "Total") -> [opening, received, spent, closing]."""
    header, section = report["Rows"]
    assert header["RowType"] == "Header"
    assert [c["Value"] for c in header["Cells"]] == HEADER
    assert section["RowType"] == "Section" and section["Title"] == ""
    return {
        row["Cells"][0]["Value"]: [c["Value"] for c in row["Cells"][1:]] for row in section["Rows"]
    }


async def _paid_sale(api: Any, amount: str = "120.00", on: str = "2026-11-20") -> dict[str, Any]:
    contact = await api.contact()
    invoice: dict[str, Any] = await api.invoice(contact, [SALE], Status="AUTHORISED", Date=on)
    paid = await api.put(
        "/Payments",
        "Payments",
        {
            "Invoice": {"InvoiceID": invoice["InvoiceID"]},
            "Account": {"Code": "095"},
            "Amount": amount,
            "Date": on,
        },
    )
    assert paid.status_code == 200, paid.text
    return invoice


async def test_a_payout_nets_the_clearing_account_to_zero(api: Any) -> None:
    await _paid_sale(api)  # 120.00 into clearing
    fees = await api.spend(FEES, Date="2026-11-21", Reference="Payout 1 fees")
    assert fees.json()["BankTransactions"][0]["StatusAttributeString"] == "OK"
    transfer = await api.transfer("116.90", Date="2026-11-21", Reference="Payout 1")
    assert transfer.status_code == 200
    report = await _summary(api, fromDate="2026-11-01", toDate="2026-11-30")
    rows = _rows(report)
    assert rows["Shopify Payments clearing"] == ["0.00", "120.00", "120.00", "0.00"]
    assert rows["Business Bank Account"] == ["0.00", "116.90", "0.00", "116.90"]
    assert rows["Euro Account"] == ["0.00", "0.00", "0.00", "0.00"]
    assert "Old Bank Account" not in rows  # archived, never used
    assert rows["Total"] == ["0.00", "236.90", "120.00", "116.90"]
    assert report["ReportTitles"] == [
        "Bank Summary",
        "Demo Shop Ltd",
        "From 1 November 2026 to 30 November 2026",
    ]
    assert (report["ReportName"], report["ReportType"]) == ("Bank Summary", "BankSummary")
    assert report["ReportDate"] == "26 November 2026"
    clearing_row = next(
        r
        for r in report["Rows"][1]["Rows"]
        if r["Cells"][0]["Value"] == "Shopify Payments clearing"
    )
    assert clearing_row["Cells"][0]["Attributes"] == [{"Value": CLEARING_ID, "Id": "accountID"}]
    assert clearing_row["Cells"][2]["Attributes"] == [{"Value": CLEARING_ID, "Id": "account"}]


async def test_earlier_activity_is_the_opening_balance_and_a_day_gives_its_balance(
    api: Any,
) -> None:
    await _paid_sale(api, on="2026-10-15")
    await api.spend(FEES, Date="2026-11-02")
    november = _rows(await _summary(api, fromDate="2026-11-01", toDate="2026-11-30"))
    assert november["Shopify Payments clearing"] == ["120.00", "0.00", "3.10", "116.90"]
    # fromDate = toDate = D: the closing balance is the balance at the end of day D.
    first = _rows(await _summary(api, fromDate="2026-11-01", toDate="2026-11-01"))
    assert first["Shopify Payments clearing"][3] == "120.00"
    second = _rows(await _summary(api, fromDate="2026-11-02", toDate="2026-11-02"))
    assert second["Shopify Payments clearing"][3] == "116.90"


async def test_cash_refunds_go_out_and_deleted_records_stop_counting(
    api: Any, org: XeroOrg
) -> None:
    invoice = await _paid_sale(api)
    note = await api.put(
        "/CreditNotes",
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": invoice["Contact"]["ContactID"]},
            "Status": "AUTHORISED",
            "Date": "2026-11-22",
            "LineItems": [{**SALE, "UnitAmount": "25.00"}],
        },
    )
    note_id = note.json()["CreditNotes"][0]["CreditNoteID"]
    refund = await api.put(
        "/Payments",
        "Payments",
        {
            "CreditNote": {"CreditNoteID": note_id},
            "Account": {"Code": "095"},
            "Amount": "30.00",
            "Date": "2026-11-22",
        },
    )
    assert refund.json()["Payments"][0]["PaymentType"] == "ARCREDITPAYMENT"
    transfer = (await api.transfer("50.00", Date="2026-11-23")).json()["BankTransfers"][0]
    rows = _rows(await _summary(api, fromDate="2026-11-01", toDate="2026-11-30"))
    assert rows["Shopify Payments clearing"] == ["0.00", "120.00", "80.00", "40.00"]
    await api.client.post(
        f"/BankTransfers/{transfer['BankTransferID']}", json={"Status": "DELETED"}
    )
    refund_id = refund.json()["Payments"][0]["PaymentID"]
    await api.client.post(f"/Payments/{refund_id}", json={"Status": "DELETED"})
    rows = _rows(await _summary(api, fromDate="2026-11-01", toDate="2026-11-30"))
    assert rows["Shopify Payments clearing"] == ["0.00", "120.00", "0.00", "120.00"]
    assert rows["Business Bank Account"] == ["0.00", "0.00", "0.00", "0.00"]


async def test_dates_default_to_the_current_month_and_bad_ones_are_refused(api: Any) -> None:
    report = await _summary(api)
    assert report["ReportTitles"][2] == "From 1 November 2026 to 30 November 2026"
    only_from = await _summary(api, fromDate="2026-02-10")
    assert only_from["ReportTitles"][2] == "From 10 February 2026 to 28 February 2026"
    bad = await api.client.get("/Reports/BankSummary", params={"fromDate": "2026-02-30"})
    assert bad.status_code == 400
    assert bad.json()["Message"] == "fromDate '2026-02-30' is not a valid date (YYYY-MM-DD)"
    backwards = await api.client.get(
        "/Reports/BankSummary", params={"fromDate": "2026-11-02", "toDate": "2026-11-01"}
    )
    assert backwards.status_code == 400
    assert backwards.json()["Message"] == "fromDate must not be after toDate"
