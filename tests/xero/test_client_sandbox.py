"""XeroClient against the whole Xero simulator: every request checked against Xero's spec."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shopxero.errors import UnavailableError
from shopxero.http.calllog import ListSink
from shopxero.http.retry import RetryPolicy
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.xero.auth import ClientCredentialsTokens, OAuthTokenManager
from shopxero.xero.batching import split_batches
from shopxero.xero.client import XeroClient

from .conftest import (
    CC_CLIENT_ID,
    CC_CLIENT_SECRET,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    SpecCheckingTransport,
    full_sandbox,
    token_file_from,
)

pytestmark = pytest.mark.anyio

FAST_RETRY = RetryPolicy(attempts=4, wait_initial=0.05, wait_jitter=0.0)


@pytest.fixture
async def env(
    spec_validator, tmp_path: Path
) -> AsyncIterator[tuple[Any, XeroClient, SpecCheckingTransport]]:
    """A web-app connection (tenant header and all), so requests match the spec exactly."""
    clock = SandboxClock(speed=60)
    sandbox = full_sandbox(clock)
    path = tmp_path / "xero-token.json"
    saved = token_file_from(sandbox.issue_tokens_for_tests(), path, clock)
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


def contact(number: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"ContactNumber": number, "Name": name, **extra}


async def test_batch_with_one_bad_element_returns_its_messages_and_the_others_records(env) -> None:
    sandbox, client, transport = env
    await client.create_contacts([contact("shopify-1", "Ann Lee")], idempotency_key="c-1")
    results = await client.create_contacts(
        [
            contact("shopify-2", "Bob Roe"),
            contact("shopify-3", "Ann Lee"),
            contact("shopify-4", "Cat Poe"),
        ],
        idempotency_key="c-2",
    )
    assert [r.ok for r in results] == [True, False, True]
    assert any("Ann Lee" in m for m in results[1].errors), results[1].errors
    assert results[0].record["ContactID"] and results[2].record["ContactID"]
    names = sorted(c["Name"] for c in sandbox.state()["contacts"])
    assert names == ["Ann Lee", "Bob Roe", "Cat Poe"]
    assert transport.checked.count("PUT /api.xro/2.0/Contacts") == 2


async def test_contact_lookups_by_number_email_and_awkward_names(env) -> None:
    _, client, _ = env
    awkward = 'O"Brien \\ Sons & Co'
    created = await client.create_contacts(
        [
            contact("shopify-10", awkward, EmailAddress="ob@example.com"),
            contact("shopify-11", "Plain Name"),
        ],
        idempotency_key="c-10",
    )
    assert all(r.ok for r in created), [r.errors for r in created]
    found = await client.get_contact_by_number("shopify-10")
    assert found is not None and found["Name"] == awkward
    assert await client.get_contact_by_number("shopify-404") is None
    by_name = await client.find_contacts(name=awkward)
    assert [c["ContactNumber"] for c in by_name] == ["shopify-10"]
    by_email = await client.find_contacts(email="ob@example.com")
    assert [c["Name"] for c in by_email] == [awkward]
    assert await client.find_contacts(name='O"Brien') == []
    every = [c async for c in client.iter_contacts(page_size=1)]
    assert {c["ContactNumber"] for c in every} >= {"shopify-10", "shopify-11"}


async def test_items_invoices_payments_credit_notes_round_trip(env) -> None:
    sandbox, client, transport = env
    items = await client.create_items(
        [
            {
                "Code": "MUG-1",
                "Name": "Mug",
                "IsSold": True,
                "SalesDetails": {
                    "UnitPrice": Decimal("12.3456"),
                    "AccountCode": "200",
                    "TaxType": "OUTPUT2",
                },
            }
        ],
        idempotency_key="i-1",
    )
    assert items[0].ok, items[0].errors
    listed = await client.list_items(code="MUG-1")
    assert Decimal(str(listed[0]["SalesDetails"]["UnitPrice"])) == Decimal("12.3456")

    people = await client.create_contacts(
        [contact("shopify-20", "Dee Fox")], idempotency_key="c-20"
    )
    contact_id = people[0].record["ContactID"]
    invoice = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact_id},
        "InvoiceNumber": "SHOP-1001",
        "Date": "2026-11-20",
        "DueDate": "2026-11-20",
        "LineAmountTypes": "Inclusive",
        "Status": "AUTHORISED",
        "LineItems": [
            {
                "Description": "Mug",
                "Quantity": Decimal("3"),
                "ItemCode": "MUG-1",
                "UnitAmount": Decimal("10.01"),
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
            }
        ],
    }
    created = await client.create_invoices([invoice], idempotency_key="inv-1001")
    assert created[0].ok, created[0].errors
    invoice_id = created[0].record["InvoiceID"]
    assert Decimal(str(created[0].record["Total"])) == Decimal("30.03")

    found = await client.get_invoices_by_number(["SHOP-1001", "SHOP-9999"])
    assert [i["InvoiceID"] for i in found] == [invoice_id]
    assert (await client.get_invoice("SHOP-1001") or {}).get("InvoiceID") == invoice_id
    assert await client.get_invoice("SHOP-404") is None
    assert [i["InvoiceNumber"] async for i in client.iter_invoices(statuses=["AUTHORISED"])] == [
        "SHOP-1001"
    ]

    paid = await client.create_payments(
        [
            {
                "Invoice": {"InvoiceID": invoice_id},
                "Account": {"Code": "090"},
                "Date": "2026-11-21",
                "Amount": Decimal("10.01"),
            }
        ],
        idempotency_key="pay-1",
    )
    assert paid[0].ok, paid[0].errors

    note = {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": contact_id},
        "CreditNoteNumber": "SHOP-1001-R1",
        "Date": "2026-11-22",
        "Status": "AUTHORISED",
        "LineAmountTypes": "Inclusive",
        "LineItems": [
            {
                "Description": "Refund mug",
                "Quantity": Decimal("1"),
                "UnitAmount": Decimal("10.01"),
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
            }
        ],
    }
    credit = await client.create_credit_notes([note], idempotency_key="cn-1")
    assert credit[0].ok, credit[0].errors
    notes = await client.get_credit_notes_by_number(["SHOP-1001-R1", 'X"Y'])
    assert [n["CreditNoteNumber"] for n in notes] == ["SHOP-1001-R1"]
    allocation = await client.allocate_credit_note(
        credit[0].record["CreditNoteID"],
        invoice_id=invoice_id,
        amount=Decimal("10.01"),
        idempotency_key="alloc-1",
    )
    assert allocation.ok, allocation.errors
    await client.add_history_note(
        "Invoices", invoice_id, "Synced from Shopify order #1001", idempotency_key="hist-1"
    )
    state = sandbox.state()
    assert Decimal(str(state["invoices"][0]["AmountDue"])) == Decimal("10.01")
    assert "PUT /api.xro/2.0/Invoices" in transport.checked


async def test_updates_use_post_and_keep_the_record(env) -> None:
    sandbox, client, transport = env
    created = await client.create_contacts([contact("shopify-30", "Eve Ray")], idempotency_key="u1")
    contact_id = created[0].record["ContactID"]
    updated = await client.update_contacts(
        [{"ContactID": contact_id, "EmailAddress": "eve@example.com"}], idempotency_key="u2"
    )
    assert updated[0].ok and updated[0].record["EmailAddress"] == "eve@example.com"
    assert "POST /api.xro/2.0/Contacts" in transport.checked
    assert len(sandbox.state()["contacts"]) == 1


async def test_a_lost_create_answer_is_retried_and_replayed_not_duplicated(env) -> None:
    sandbox, client, _ = env
    sandbox.faults.add({"method": "PUT", "path": "/Contacts$", "kind": "drop_after_commit"})
    results = await client.create_contacts(
        [contact("shopify-40", "Gus Hay")], idempotency_key="lost-1"
    )
    assert results[0].ok
    # The retry carried the same Idempotency-Key: Xero replayed the first answer
    # (xero-api-notes §3).
    assert [c["Name"] for c in sandbox.state()["contacts"]] == ["Gus Hay"]
    assert results[0].record["ContactID"] == sandbox.state()["contacts"][0]["ContactID"]


async def test_organisation_offline_is_retried(env) -> None:
    sandbox, client, _ = env
    sandbox.faults.add(
        {
            "path": "/Organisation$",
            "kind": "status",
            "status": 503,
            "body": "The Organisation is offline",
            "times": 2,
        }
    )
    assert (await client.get_organisation())["CountryCode"] == "GB"


async def test_many_payloads_split_into_batches_of_50(env) -> None:
    sandbox, client, _ = env
    payloads = [contact(f"shopify-b{i}", f"Batch Person {i}") for i in range(120)]
    results = []
    for number, batch in enumerate(split_batches(payloads)):
        results.extend(await client.create_contacts(batch, idempotency_key=f"batch-{number}"))
    assert len(results) == 120 and all(r.ok for r in results)
    puts = [e for e in sandbox.log.entries() if e["method"] == "PUT"]
    assert len(puts) == 3


async def test_timeouts_over_real_http_are_retried(spec_validator) -> None:
    clock = SandboxClock()
    sandbox = full_sandbox(clock)
    sandbox.faults.add({"path": "/Organisation$", "kind": "delay", "seconds": 1.5, "times": 1})
    sink = ListSink()
    with serve_in_thread(sandbox) as server:
        tokens = ClientCredentialsTokens(CC_CLIENT_ID, CC_CLIENT_SECRET, server.url, clock)
        async with XeroClient(
            api_base_url=f"{server.url}/api.xro/2.0",
            tokens=tokens,
            tenant_id=None,
            clock=clock,
            call_sink=sink,
            timeout=0.5,
            retry=FAST_RETRY,
        ) as client:
            assert (await client.get_organisation())["CountryCode"] == "GB"
    assert [r.status for r in sink.records] == [None, 200]
    assert "timed out" in (sink.records[0].error or "")


async def test_dropped_connections_over_real_http_give_up_as_unavailable() -> None:
    clock = SandboxClock()
    sandbox = full_sandbox(clock)
    sandbox.faults.add({"path": "/Accounts$", "kind": "drop_before", "times": 10})
    with serve_in_thread(sandbox) as server:
        tokens = ClientCredentialsTokens(CC_CLIENT_ID, CC_CLIENT_SECRET, server.url, clock)
        async with XeroClient(
            api_base_url=f"{server.url}/api.xro/2.0",
            tokens=tokens,
            tenant_id=None,
            clock=clock,
            retry=RetryPolicy(attempts=2, wait_initial=0.01),
        ) as client:
            with pytest.raises(UnavailableError):
                await client.list_accounts()
