"""Rules beyond the sales invoice happy path: credit-note numbers, tax fit without an account,
archived accounts, contact persons and address lengths, bills (ACCPAY)."""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.sandbox.xero.accounting import XeroOrg

pytestmark = pytest.mark.anyio

LINE = {"Description": "Tee", "Quantity": "1", "UnitAmount": "10.00", "AccountCode": "200"}


async def test_credit_note_numbers_are_unique_and_found_by_number(api: Any) -> None:
    contact = await api.contact()
    note = {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": contact},
        "LineItems": [LINE],
        "CreditNoteNumber": "CN-SHOP-1",
    }
    assert (await api.put("/CreditNotes", "CreditNotes", note)).status_code == 200
    again = await api.put("/CreditNotes", "CreditNotes", note)
    assert api.errors(again) == ["Credit Note # must be unique."]
    found = (await api.client.get("/CreditNotes/CN-SHOP-1")).json()["CreditNotes"][0]
    assert found["Total"] == 12.0 and found["RemainingCredit"] == 12.0


async def test_tax_type_must_fit_the_transaction_when_the_line_has_no_account(api: Any) -> None:
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact},
            "LineItems": [{**LINE, "AccountCode": None, "TaxType": "INPUT2"}],
        },
    )
    assert api.errors(response) == [
        "The TaxType code INPUT2 does not exist or cannot be used for this type of transaction."
    ]


async def test_archived_account_cannot_take_lines(api: Any, org: XeroOrg) -> None:
    account = org.account_by_code("260")
    assert account is not None
    account["Status"] = "ARCHIVED"
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact},
            "LineItems": [{**LINE, "AccountCode": "260"}],
        },
    )
    assert api.errors(response) == ["Account code '260' is not a valid code for this document."]


async def test_approving_needs_account_codes(api: Any) -> None:
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact},
            "Status": "AUTHORISED",
            "LineItems": [{**LINE, "AccountCode": None}],
        },
    )
    assert api.errors(response) == [
        "Account code must be specified for each line item before the invoice can be approved."
    ]


async def test_contact_nested_limits(api: Any) -> None:
    response = await api.put(
        "/Contacts",
        "Contacts",
        {
            "Name": "Nested",
            "Addresses": [{"AddressType": "STREET", "City": "C" * 256}],
            "ContactPersons": [{"FirstName": str(n)} for n in range(6)],
        },
    )
    assert api.errors(response) == [
        "City must not be more than 255 characters long.",
        "A contact can have a maximum of 5 contact persons.",
    ]


async def test_bills_are_not_numbered_uniquely_and_take_no_discount(api: Any) -> None:
    supplier = await api.contact("Supplier")
    bill = {
        "Type": "ACCPAY",
        "Contact": {"ContactID": supplier},
        "InvoiceNumber": "SUP-1",
        "LineItems": [
            {
                "Description": "Ads",
                "Quantity": "1",
                "UnitAmount": "50",
                "AccountCode": "400",
                "TaxType": "INPUT2",
            }
        ],
    }
    first = await api.put("/Invoices", "Invoices", bill)
    second = await api.put("/Invoices", "Invoices", bill)
    assert first.status_code == second.status_code == 200  # ACCPAY numbers may repeat
    assert first.json()["Invoices"][0]["Total"] == 60.0
    discounted = {**bill, "LineItems": [{**bill["LineItems"][0], "DiscountRate": "10"}]}
    response = await api.put("/Invoices", "Invoices", discounted)
    assert api.errors(response) == ["Discounts are not supported on this type of document."]
    supplier_shown = (await api.client.get(f"/Contacts/{supplier}")).json()["Contacts"][0]
    assert supplier_shown["IsSupplier"] is True and supplier_shown["IsCustomer"] is False


async def test_invoice_contact_by_contact_number(api: Any) -> None:
    contact = await api.contact("Numbered", ContactNumber="shopify-77")
    response = await api.put(
        "/Invoices",
        "Invoices",
        {"Type": "ACCREC", "Contact": {"ContactNumber": "shopify-77"}, "LineItems": [LINE]},
    )
    assert response.json()["Invoices"][0]["Contact"]["ContactID"] == contact
    unknown = await api.put(
        "/Invoices",
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": "00000000-0000-0000-0000-000000000005"},
            "LineItems": [LINE],
        },
    )
    assert api.errors(unknown) == [
        "The contact with ID 00000000-0000-0000-0000-000000000005 could not be found."
    ]


async def test_email_addresses_must_be_plain_ascii(api: Any) -> None:
    # The demo seed's "jürgen.müller@example.de": Xero does not take umlauts (xero-api-notes §6.1).
    response = await api.put(
        "/Contacts",
        "Contacts",
        {"Name": "Jürgen Müller", "EmailAddress": "jürgen.müller@example.de"},
        {"Name": "No At", "EmailAddress": "nobody.example.com"},
        {"Name": "Fine", "EmailAddress": "o'neil+shop@example.co.uk"},
        summarizeErrors="false",
    )
    statuses = [c["StatusAttributeString"] for c in response.json()["Contacts"]]
    assert statuses == ["ERROR", "ERROR", "OK"]
    assert response.json()["Contacts"][0]["ValidationErrors"] == [
        {"Message": "Email address must be valid."}
    ]


async def test_foreign_currency_needs_the_currency_enabled(
    clock: Any, spec_hooks: dict[str, Any]
) -> None:
    import httpx
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from shopxero.sandbox.seeds.xero_defaults import (
        default_accounts,
        default_organisation,
        default_tax_rates,
    )
    from shopxero.sandbox.xero.accounting import accounting_router

    async def euro_invoice(seed: dict[str, Any]) -> httpx.Response:
        org = XeroOrg(seed, clock=clock)
        app = Starlette(routes=[Mount("/api.xro/2.0", app=accounting_router(lambda _r: org))])
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://t/api.xro/2.0",
            event_hooks=spec_hooks,
        ) as client:
            contact = (await client.put("/Contacts", json={"Name": "Eu"})).json()
            contact_id = contact["Contacts"][0]["ContactID"]
            return await client.put(
                "/Invoices",
                json={
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact_id},
                    "CurrencyCode": "EUR",
                    "CurrencyRate": "1.1612",
                    "LineItems": [LINE],
                },
            )

    seed = {
        "organisation": default_organisation("UK"),
        "accounts": default_accounts("UK"),
        "tax_rates": default_tax_rates("UK"),
    }
    refused = await euro_invoice(seed)
    assert refused.status_code == 400
    assert refused.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Organisation is not subscribed to currency EUR"}
    ]
    accepted = await euro_invoice({**seed, "currencies": [{"Code": "EUR"}]})
    invoice = accepted.json()["Invoices"][0]
    assert (invoice["CurrencyCode"], invoice["CurrencyRate"]) == ("EUR", 1.1612)


async def test_credit_note_cannot_be_created_and_allocated_in_one_call(api: Any) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [LINE], Status="AUTHORISED")
    response = await api.put(
        "/CreditNotes",
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": contact},
            "Status": "AUTHORISED",
            "LineItems": [LINE],
            "Allocations": [{"Amount": "1", "Invoice": {"InvoiceID": invoice["InvoiceID"]}}],
        },
    )
    assert api.errors(response) == [
        "You cannot create and allocate a credit note in a single call."
    ]


async def test_refused_update_echo_carries_the_record_id(api: Any) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [LINE])
    response = await api.post(f"/Invoices/{invoice['InvoiceID']}", "Invoices", {"Status": "VOIDED"})
    assert response.json()["Elements"][0]["InvoiceID"] == invoice["InvoiceID"]


async def test_unknown_endpoint_is_xeros_404(api: Any) -> None:
    response = await api.client.get("/NoSuchThing")
    assert response.status_code == 404
    assert response.text == "The resource you're looking for cannot be found"


async def test_sent_to_contact_on_a_draft_is_saved_with_a_warning(api: Any) -> None:
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact},
            "LineItems": [LINE],
            "SentToContact": True,
        },
        summarizeErrors="false",
    )
    (invoice,) = response.json()["Invoices"]
    # Saved, with a warning (xero-api-notes §4).
    assert invoice["StatusAttributeString"] == "WARNING"
    assert invoice["Warnings"] == [
        {"Message": "Only AUTHORISED invoices may have SentToContact updated."}
    ]
    assert len(invoice["InvoiceID"]) == 36 and "SentToContact" not in invoice


async def test_period_lock_date_blocks_documents_and_payments(api: Any, org: XeroOrg) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [LINE], Date="2026-03-31", Status="AUTHORISED")
    org.organisation["PeriodLockDate"] = "/Date(1774915200000+0000)/"  # 2026-03-31
    locked = "The document date cannot be on or before the period lock date (2026-03-31)."
    late = await api.put(
        "/Invoices",
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact},
            "LineItems": [LINE],
            "Date": "2026-03-31",
        },
    )
    assert api.errors(late) == [locked]
    edit = await api.post(f"/Invoices/{invoice['InvoiceID']}", "Invoices", {"Reference": "x"})
    assert api.errors(edit) == [locked]
    payment = await api.put(
        "/Payments",
        "Payments",
        {
            "Invoice": {"InvoiceID": invoice["InvoiceID"]},
            "Account": {"Code": "090"},
            "Amount": "1",
            "Date": "2026-03-15",
        },
    )
    assert api.errors(payment) == [
        "The payment date cannot be on or before the period lock date (2026-03-31)."
    ]
    fine = await api.pay(invoice["InvoiceID"], "1")  # dated 2026-11-26
    assert fine.status_code == 200


def test_default_date_is_today_in_the_organisation_timezone() -> None:
    from datetime import UTC, date, datetime

    from shopxero.sandbox.clock import SandboxClock

    # 2026-11-26 20:00 UTC is already 27 November in Sydney (UTC+11 in summer).
    clock = SandboxClock(start=datetime(2026, 11, 26, 20, 0, tzinfo=UTC))
    sydney = XeroOrg({"organisation": {"Timezone": "AUSEASTERNSTANDARDTIME"}}, clock=clock)
    london = XeroOrg({"organisation": {"Timezone": "GMTSTANDARDTIME"}}, clock=clock)
    assert sydney.today() == date(2026, 11, 27)
    assert london.today() == date(2026, 11, 26)
