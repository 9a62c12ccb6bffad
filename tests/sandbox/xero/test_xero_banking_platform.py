"""Bank transactions, transfers and the Bank Summary report behind the whole platform: scopes,
Idempotency-Key replay and XML [xero-api-notes §1.4, §3, §13]."""

from __future__ import annotations

from typing import Any

import pytest
from tests.sandbox.xero.platform_helpers import api_headers, client_for, full_sandbox

from shopxero.sandbox.xero.scopes import scope_permits

pytestmark = pytest.mark.anyio

API = "/api.xro/2.0"
PAYOUT_SCOPES = (
    "offline_access",
    "accounting.contacts",
    "accounting.settings.read",
    "accounting.banktransactions",
    "accounting.reports.banksummary.read",
)
TRANSFER = {
    "BankTransfers": [
        {"FromBankAccount": {"Code": "090"}, "ToBankAccount": {"Code": "091"}, "Amount": "12.50"}
    ]
}
SPEND = {
    "BankTransactions": [
        {
            "Type": "SPEND",
            "Contact": {"Name": "Shopify"},
            "BankAccount": {"Code": "090"},
            "LineItems": [{"Description": "Fees", "UnitAmount": "1.25", "AccountCode": "404"}],
        }
    ]
}


def _sandbox() -> Any:
    app = full_sandbox()
    # A second bank account to transfer to (the UK chart has one).
    app.org.accounts.append(
        {
            "AccountID": "5b3c6f0e-2a41-4a5e-9d55-0c1f3b9a7e11",
            "Code": "091",
            "Name": "Business Savings Account",
            "Type": "BANK",
            "Status": "ACTIVE",
            "CurrencyCode": "GBP",
        }
    )
    return app


@pytest.mark.parametrize(
    ("granted", "endpoint", "method", "ok"),
    [
        ({"accounting.banktransactions"}, "BankTransactions", "PUT", True),
        ({"accounting.banktransactions.read"}, "BankTransactions", "GET", True),
        ({"accounting.banktransactions.read"}, "BankTransactions", "PUT", False),
        ({"accounting.payments"}, "BankTransactions", "PUT", False),
        ({"accounting.transactions"}, "BankTransfers", "PUT", True),
        ({"accounting.banktransactions"}, "BankTransfers", "PUT", True),
        ({"accounting.invoices"}, "BankTransfers", "GET", False),
        ({"accounting.reports.banksummary.read"}, "Reports", "GET", True),
        ({"accounting.reports.read"}, "Reports", "GET", True),
        ({"accounting.settings.read"}, "Reports", "GET", False),
    ],
)
def test_which_scopes_open_the_banking_endpoints(granted, endpoint, method, ok) -> None:
    assert scope_permits(frozenset(granted), endpoint, method) is ok


async def test_without_the_bank_scopes_the_calls_are_refused() -> None:
    app = _sandbox()
    # An app connected before payouts existed: invoices and payments, no banking scopes.
    tokens = app.issue_tokens_for_tests(
        ("offline_access", "accounting.contacts", "accounting.invoices", "accounting.payments")
    )
    async with client_for(app) as client:
        transfer = await client.put(
            f"{API}/BankTransfers", headers=api_headers(tokens), json=TRANSFER
        )
        report = await client.get(f"{API}/Reports/BankSummary", headers=api_headers(tokens))
    assert transfer.status_code == report.status_code == 401
    assert transfer.json()["Detail"] == "AuthorizationUnsuccessful"


async def test_a_retried_transfer_with_the_same_key_is_replayed_not_made_twice() -> None:
    app = _sandbox()
    tokens = app.issue_tokens_for_tests(PAYOUT_SCOPES)
    headers = api_headers(tokens, **{"Idempotency-Key": "payout-8842-transfer"})
    async with client_for(app) as client:
        first = await client.put(f"{API}/BankTransfers", headers=headers, json=TRANSFER)
        second = await client.put(f"{API}/BankTransfers", headers=headers, json=TRANSFER)
        spend_headers = api_headers(tokens, **{"Idempotency-Key": "payout-8842-fees"})
        fees = await client.put(
            f"{API}/BankTransactions?summarizeErrors=false", headers=spend_headers, json=SPEND
        )
        fees_again = await client.put(
            f"{API}/BankTransactions?summarizeErrors=false", headers=spend_headers, json=SPEND
        )
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert fees_again.json() == fees.json()
    state = app.org.state()
    assert len(state["bank_transfers"]) == 1
    # The transfer's two sides and one spend money.
    assert sorted(t["Type"] for t in state["bank_transactions"]) == [
        "RECEIVE-TRANSFER",
        "SPEND",
        "SPEND-TRANSFER",
    ]


async def test_xml_answers_for_the_report_and_a_transfer() -> None:
    app = _sandbox()
    tokens = app.issue_tokens_for_tests(PAYOUT_SCOPES)
    headers = {k: v for k, v in api_headers(tokens).items() if k != "Accept"}
    async with client_for(app) as client:
        created = await client.put(f"{API}/BankTransfers", headers=headers, json=TRANSFER)
        report = await client.get(f"{API}/Reports/BankSummary", headers=headers)
    assert created.headers["content-type"].startswith("text/xml")
    assert "<BankTransfers><BankTransfer>" in created.text
    assert "<Reports><Report>" in report.text and "<Cells><Cell>" in report.text
