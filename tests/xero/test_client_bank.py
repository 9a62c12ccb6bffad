"""XeroClient's bank methods against the whole Xero simulator, every request checked against
Xero's spec: transfers one per request, spend/receive money in batches, look-ups by Reference,
transfers listed and deleted, balances from the Bank Summary report [xero-api-notes §13]."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shopxero.http.retry import RetryPolicy
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.xero.auth import OAuthTokenManager
from shopxero.xero.client import XeroClient
from shopxero.xero.elements import where_equals, where_guid
from shopxero.xero.models import (
    BankTransactionType,
    LineAmountTypes,
    XeroAccountRef,
    XeroBankTransaction,
    XeroBankTransfer,
    XeroContactRef,
    XeroLineItem,
)
from shopxero.xero.records import XeroBankTransactionRecord, XeroBankTransferRecord

from .conftest import (
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    SpecCheckingTransport,
    token_file_from,
)
from .conftest import test_credentials as credentials_for_tests

pytestmark = pytest.mark.anyio

FAST_RETRY = RetryPolicy(attempts=4, wait_initial=0.05, wait_jitter=0.0)
CLEARING_ID = "0d5e54a1-8f0a-4f2e-a1d4-3c9b7e6f5a01"
PAYOUT_SCOPES = (
    "offline_access",
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    "accounting.settings.read",
    "accounting.banktransactions",
    "accounting.reports.banksummary.read",
)


def _seed() -> dict[str, Any]:
    from shopxero.sandbox.seeds.xero_defaults import (
        default_accounts,
        default_organisation,
        default_tax_rates,
    )

    clearing = {
        "AccountID": CLEARING_ID,
        "Code": "095",
        "Name": "Shopify Payments clearing",
        "Type": "BANK",
        "BankAccountType": "BANK",
        "CurrencyCode": "GBP",
        "Status": "ACTIVE",
    }
    return {
        "organisation": default_organisation("GB"),
        "accounts": [*default_accounts("GB"), clearing],
        "tax_rates": default_tax_rates("GB"),
        "contacts": [{"Name": "Shopify", "ContactNumber": "shopify-payments"}],
        "items": [],
    }


@pytest.fixture
async def env(spec_validator, tmp_path: Path) -> AsyncIterator[tuple[Any, XeroClient, Any]]:
    from shopxero.sandbox.xero.app import create_xero_app

    clock = SandboxClock(speed=60)
    sandbox = create_xero_app(_seed(), clock=clock, credentials=credentials_for_tests())
    path = tmp_path / "xero-token.json"
    saved = token_file_from(sandbox.issue_tokens_for_tests(PAYOUT_SCOPES), path, clock)
    transport = SpecCheckingTransport(SandboxASGITransport(app=sandbox), spec_validator)
    tokens = OAuthTokenManager(
        path,
        WEB_CLIENT_ID,
        WEB_CLIENT_SECRET,
        "http://xero",
        clock,
        SandboxASGITransport(app=sandbox),
    )
    async with XeroClient(
        api_base_url="http://xero/api.xro/2.0",
        tokens=tokens,
        tenant_id=saved.tenant_id,
        transport=transport,
        clock=clock,
        retry=FAST_RETRY,
    ) as client:
        yield sandbox, client, transport


def _shopify(sandbox: Any) -> str:
    (contact,) = sandbox.org.state()["contacts"]
    return str(contact["ContactID"])


def _fees(contact_id: str, reference: str, amount: str = "3.10") -> dict[str, Any]:
    return XeroBankTransaction(
        type=BankTransactionType.SPEND,
        contact=XeroContactRef(contact_id=contact_id),
        bank_account=XeroAccountRef(code="095"),
        line_items=[
            XeroLineItem(
                description="Shopify Payments fees", unit_amount=Decimal(amount), account_code="404"
            )
        ],
        date=date(2026, 11, 21),
        line_amount_types=LineAmountTypes.NO_TAX,
        reference=reference,
    ).to_payload()


def _transfer(
    amount: str, reference: str, source: str = "095", target: str = "090"
) -> dict[str, Any]:
    return XeroBankTransfer(
        from_bank_account=XeroAccountRef(code=source),
        to_bank_account=XeroAccountRef(code=target),
        amount=Decimal(amount),
        date=date(2026, 11, 21),
        reference=reference,
    ).to_payload()


async def test_transfers_go_one_per_request_and_a_refused_one_does_not_hide_the_others(
    env,
) -> None:
    sandbox, client, transport = env
    results = await client.create_bank_transfers(
        [
            _transfer("100.00", "Payout 1"),
            _transfer("5.00", "Payout 2", target="200"),
            _transfer("7.50", "Payout 3"),
        ],
        idempotency_key="shopxero:payout:transfer:1-3:abc",
    )
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].errors == [
        "ToBankAccount must be a bank account: account code '200' is of type REVENUE."
    ]
    made = [XeroBankTransferRecord.model_validate(r.record) for r in results if r.ok]
    assert [(t.amount, t.reference) for t in made] == [
        (Decimal("100.00"), "Payout 1"),
        (Decimal("7.50"), "Payout 3"),
    ]
    assert transport.checked.count("PUT /api.xro/2.0/BankTransfers") == 3
    # No summarizeErrors on PUT BankTransfers: the spec declares none (xero-api-notes §13.1).
    puts = [e for e in sandbox.log.entries() if e["path"].endswith("/BankTransfers")]
    assert [e["query"] for e in puts] == ["", "", ""]
    # A retry of the whole call with the same key replays each answer: nothing made twice.
    again = await client.create_bank_transfers(
        [
            _transfer("100.00", "Payout 1"),
            _transfer("5.00", "Payout 2", target="200"),
            _transfer("7.50", "Payout 3"),
        ],
        idempotency_key="shopxero:payout:transfer:1-3:abc",
    )
    assert [r.record.get("BankTransferID") for r in again] == [
        r.record.get("BankTransferID") for r in results
    ]
    assert len(sandbox.org.state()["bank_transfers"]) == 2


async def test_spend_money_in_a_batch_then_found_by_reference(env) -> None:
    sandbox, client, _transport = env
    shopify = _shopify(sandbox)
    bad = {**_fees(shopify, "Payout 9 fees"), "BankAccount": {"Code": "200"}}
    results = await client.create_bank_transactions(
        [_fees(shopify, "Payout 1 fees"), bad, _fees(shopify, "Payout 2 fees", "4.25")],
        idempotency_key="shopxero:payout:fees:1-3:abc",
    )
    assert [r.ok for r in results] == [True, False, True]
    (put,) = [e for e in sandbox.log.entries() if e["path"].endswith("/BankTransactions")]
    assert "summarizeErrors=false" in put["query"] and "unitdp=4" in put["query"]
    found = await client.find_bank_transactions_by_reference(
        ["Payout 2 fees", "Payout 1 fees", "Payout 7 fees"], bank_account_id=CLEARING_ID
    )
    records = sorted(
        (XeroBankTransactionRecord.model_validate(t) for t in found),
        key=lambda t: t.reference or "",
    )
    assert [(t.reference, t.total, t.type) for t in records] == [
        ("Payout 1 fees", Decimal("3.10"), "SPEND"),
        ("Payout 2 fees", Decimal("4.25"), "SPEND"),
    ]
    assert records[0].bank_account is not None and records[0].bank_account.account_id == CLEARING_ID
    assert records[0].line_items[0].account_code == "404"
    one = await client.get_bank_transaction(str(records[0].bank_transaction_id))
    assert one is not None and one["Reference"] == "Payout 1 fees"
    assert await client.get_bank_transaction("00000000-0000-0000-0000-0000000000aa") is None


async def test_update_and_delete_a_bank_transaction(env) -> None:
    sandbox, client, _ = env
    shopify = _shopify(sandbox)
    (made,) = await client.create_bank_transactions(
        [_fees(shopify, "Payout 1 fees")], idempotency_key="fees-1"
    )
    transaction_id = made.record["BankTransactionID"]
    corrected = {
        **_fees(shopify, "Payout 1 fees (corrected)", "3.20"),
        "BankTransactionID": transaction_id,
    }
    (updated,) = await client.update_bank_transactions([corrected], idempotency_key="fees-1-edit")
    assert updated.ok, updated.errors
    record = XeroBankTransactionRecord.model_validate(updated.record)
    assert (record.reference, record.total) == ("Payout 1 fees (corrected)", Decimal("3.20"))
    (deleted,) = await client.update_bank_transactions(
        [{**corrected, "Status": "DELETED"}], idempotency_key="fees-1-del"
    )
    assert deleted.ok and deleted.record["Status"] == "DELETED"


async def test_iterating_pages_and_where_by_account(env) -> None:
    sandbox, client, _ = env
    shopify = _shopify(sandbox)
    payloads = [_fees(shopify, f"Payout {n} fees") for n in range(5)]
    await client.create_bank_transactions(payloads, idempotency_key="fees-batch")
    await client.create_bank_transfers([_transfer("1.00", "Payout 0")], idempotency_key="t-0")
    everything = [t async for t in client.iter_bank_transactions(page_size=2)]
    assert len(everything) == 7  # five spends and the transfer's two sides
    on_clearing = [
        t
        async for t in client.iter_bank_transactions(
            where=where_guid("BankAccount.AccountID", CLEARING_ID)
            + " AND "
            + where_equals("Type", "SPEND-TRANSFER")
        )
    ]
    assert [t["Reference"] for t in on_clearing] == ["Payout 0"]


async def test_list_and_delete_transfers(env) -> None:
    _sandbox, client, _ = env
    made = await client.create_bank_transfers(
        [_transfer("10.00", "Payout 1"), _transfer("20.00", "Payout 2")], idempotency_key="t"
    )
    listed = await client.list_bank_transfers(where=where_equals("Reference", "Payout 2"))
    assert [t["Amount"] for t in listed] == [Decimal("20.00")] or [t["Amount"] for t in listed] == [
        20.0
    ]
    first_id = made[0].record["BankTransferID"]
    (deleted,) = await client.delete_bank_transfers([first_id], idempotency_key="t-del")
    assert deleted.ok and deleted.record["Status"] == "DELETED"
    assert len(await client.list_bank_transfers()) == 1
    assert len(await client.list_bank_transfers(include_deleted=True)) == 2
    read = await client.get_bank_transfer(first_id)
    assert read is not None and read["Status"] == "DELETED"


async def test_balances_after_payments_fees_and_the_payout_transfer(env) -> None:
    sandbox, client, _ = env
    shopify = _shopify(sandbox)
    # An order paid into the clearing account.
    (invoice,) = await client.create_invoices(
        [
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": shopify},
                "LineItems": [
                    {
                        "Description": "Order #1001",
                        "UnitAmount": Decimal("100.00"),
                        "AccountCode": "200",
                        "TaxType": "OUTPUT2",
                    }
                ],
                "Date": "2026-11-20",
                "Status": "AUTHORISED",
            }
        ],
        idempotency_key="inv-1001",
    )
    (payment,) = await client.create_payments(
        [
            {
                "Invoice": {"InvoiceID": invoice.record["InvoiceID"]},
                "Account": {"Code": "095"},
                "Amount": Decimal("120.00"),
                "Date": "2026-11-20",
            }
        ],
        idempotency_key="pay-1001",
    )
    assert payment.ok, payment.errors
    before = await client.bank_balances(date(2026, 11, 20))
    assert before[CLEARING_ID] == Decimal("120.00")
    await client.create_bank_transactions([_fees(shopify, "Payout 1 fees")], idempotency_key="f")
    await client.create_bank_transfers([_transfer("116.90", "Payout 1")], idempotency_key="t")
    after = await client.bank_balances(date(2026, 11, 21))
    business = sandbox.org.account_by_code("090")["AccountID"].lower()
    assert after[CLEARING_ID] == Decimal("0.00")
    assert after[business] == Decimal("116.90")
    lines = await client.get_bank_summary(from_date=date(2026, 11, 1), to_date=date(2026, 11, 30))
    clearing = next(line for line in lines if line.account_id == CLEARING_ID)
    assert (clearing.opening, clearing.received, clearing.spent, clearing.closing) == (
        Decimal("0.00"),
        Decimal("120.00"),
        Decimal("120.00"),
        Decimal("0.00"),
    )
    assert "Total" not in {line.name for line in lines}
