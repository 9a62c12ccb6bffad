"""Payments and credit-note allocations: who may be paid, how much, and the way to PAID.

UK chart: 090 Business Bank Account (BANK), 200 Sales (REVENUE). Invoice of 100.00 + 20% VAT.
"""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.sandbox.xero.accounting import XeroOrg

pytestmark = pytest.mark.anyio

LINE = {
    "Description": "Order #1001",
    "Quantity": "1",
    "UnitAmount": "100.00",
    "AccountCode": "200",
    "TaxType": "OUTPUT2",
}


async def authorised_invoice(api: Any, contact: str | None = None) -> dict[str, Any]:
    contact = contact or await api.contact()
    invoice: dict[str, Any] = await api.invoice(contact, [LINE], Status="AUTHORISED")
    assert invoice["Total"] == 120.0  # 100.00 + 20.00 VAT
    return invoice


async def test_payments_reduce_amount_due_until_paid(api: Any) -> None:
    invoice = await authorised_invoice(api)
    first = await api.pay(invoice["InvoiceID"], "20.50")
    assert first.status_code == 200
    payment = first.json()["Payments"][0]
    assert payment["PaymentType"] == "ACCRECPAYMENT" and payment["Status"] == "AUTHORISED"
    assert payment["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
    part_paid = await api.get_invoice(invoice["InvoiceID"])
    assert (part_paid["AmountPaid"], part_paid["AmountDue"]) == (20.5, 99.5)  # 120 - 20.50
    assert part_paid["Status"] == "AUTHORISED"
    assert [p["Amount"] for p in part_paid["Payments"]] == [20.5]
    await api.pay(invoice["InvoiceID"], "99.50")
    paid = await api.get_invoice(invoice["InvoiceID"])
    assert (paid["Status"], paid["AmountDue"], paid["AmountPaid"]) == ("PAID", 0, 120.0)
    assert paid["FullyPaidOnDate"].startswith("/Date(")


async def test_payment_above_amount_due_is_refused(api: Any) -> None:
    invoice = await authorised_invoice(api)
    response = await api.pay(invoice["InvoiceID"], "120.01")
    # The spec's own example message (xero_accounting.yaml, PUT /Payments 400).
    assert api.errors(response) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]


@pytest.mark.parametrize("amount", ["0", "-5"])
async def test_payment_amount_must_be_positive(api: Any, amount: str) -> None:
    invoice = await authorised_invoice(api)
    response = await api.pay(invoice["InvoiceID"], amount)
    assert api.errors(response) == ["Payment amount must be greater than zero."]


async def test_payment_account_must_be_bank_or_enabled_for_payments(api: Any, org: XeroOrg) -> None:
    invoice = await authorised_invoice(api)
    refused = await api.pay(invoice["InvoiceID"], "10", account="200")
    assert api.errors(refused) == [
        "Account code '200' cannot be used for payments: the account must be of type BANK or "
        "have payments enabled."
    ]
    # A clearing account with EnablePaymentsToAccount (xero-api-notes §6.4) takes payments.
    clearing = org.account_by_code("800") or org.account_by_code("820")
    assert clearing is not None
    clearing["EnablePaymentsToAccount"] = True
    accepted = await api.pay(invoice["InvoiceID"], "10", account=clearing["Code"])
    assert accepted.status_code == 200


async def test_only_authorised_invoices_take_payments(api: Any) -> None:
    contact = await api.contact()
    draft = await api.invoice(contact, [LINE])
    response = await api.pay(draft["InvoiceID"], "10")
    assert api.errors(response) == [
        "Payments can only be made against AUTHORISED documents; this invoice is DRAFT."
    ]


async def test_paid_invoice_only_allows_reference_like_edits(api: Any) -> None:
    invoice = await authorised_invoice(api)
    await api.pay(invoice["InvoiceID"], "120.00")
    line_id = invoice["LineItems"][0]["LineItemID"]
    fine = await api.post(
        f"/Invoices/{invoice['InvoiceID']}",
        "Invoices",
        {
            "Reference": "Shopify #1001",
            "Status": "AUTHORISED",
            "LineItems": [{"LineItemID": line_id, "Description": "Renamed", "Quantity": "1"}],
        },
    )
    assert fine.status_code == 200, fine.text
    assert fine.json()["Invoices"][0]["Reference"] == "Shopify #1001"
    assert fine.json()["Invoices"][0]["Status"] == "PAID"
    refused = await api.post(
        f"/Invoices/{invoice['InvoiceID']}",
        "Invoices",
        {"LineItems": [{"LineItemID": line_id, "Quantity": "2"}]},
    )
    (message,) = api.errors(refused)
    assert message.startswith("This invoice cannot be edited as it has a payment or credit note")


async def test_void_needs_the_payments_removed_first(api: Any) -> None:
    invoice = await authorised_invoice(api)
    payment = (await api.pay(invoice["InvoiceID"], "50")).json()["Payments"][0]
    refused = await api.post(f"/Invoices/{invoice['InvoiceID']}", "Invoices", {"Status": "VOIDED"})
    assert api.errors(refused) == [
        "This invoice cannot be voided as it has payments or credit notes allocated to it."
    ]
    deleted = await api.client.post(f"/Payments/{payment['PaymentID']}", json={"Status": "DELETED"})
    assert deleted.json()["Payments"][0]["Status"] == "DELETED"
    reopened = await api.get_invoice(invoice["InvoiceID"])
    assert (reopened["AmountDue"], reopened["Payments"]) == (120.0, [])
    voided = await api.post(f"/Invoices/{invoice['InvoiceID']}", "Invoices", {"Status": "VOIDED"})
    assert voided.json()["Invoices"][0]["Status"] == "VOIDED"


async def test_deleting_a_payment_of_a_paid_invoice_reopens_it(api: Any) -> None:
    invoice = await authorised_invoice(api)
    payment = (await api.pay(invoice["InvoiceID"], "120")).json()["Payments"][0]
    assert (await api.get_invoice(invoice["InvoiceID"]))["Status"] == "PAID"
    await api.client.post(f"/Payments/{payment['PaymentID']}", json={"Status": "DELETED"})
    reopened = await api.get_invoice(invoice["InvoiceID"])
    assert reopened["Status"] == "AUTHORISED" and "FullyPaidOnDate" not in reopened


async def credit_note(
    api: Any, contact: str, amount: str, status: str = "AUTHORISED"
) -> dict[str, Any]:
    response = await api.put(
        "/CreditNotes",
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": contact},
            "Status": status,
            "LineItems": [{**LINE, "UnitAmount": amount}],
        },
    )
    assert response.status_code == 200, response.text
    note: dict[str, Any] = response.json()["CreditNotes"][0]
    return note


async def test_allocation_reduces_credit_and_amount_due_until_both_paid(api: Any) -> None:
    contact = await api.contact()
    invoice = await authorised_invoice(api, contact)
    note = await credit_note(api, contact, "50.00")  # 50.00 + 10.00 VAT = 60.00
    assert note["CreditNoteNumber"] == "CN-0001"
    assert (note["Total"], note["RemainingCredit"]) == (60.0, 60.0)
    response = await api.client.put(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations",
        json={"Allocations": [{"Amount": "25.00", "Invoice": {"InvoiceID": invoice["InvoiceID"]}}]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["Allocations"][0]["Amount"] == 25.0
    after = await api.get_invoice(invoice["InvoiceID"])
    assert (after["AmountCredited"], after["AmountDue"]) == (25.0, 95.0)  # 120 - 25
    assert after["CreditNotes"][0]["AppliedAmount"] == 25.0
    note_after = (await api.client.get(f"/CreditNotes/{note['CreditNoteID']}")).json()
    assert note_after["CreditNotes"][0]["RemainingCredit"] == 35.0  # 60 - 25
    # Allocate the rest of the credit (35) and pay the rest of the invoice (60).
    await api.client.put(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations",
        json={"Amount": "35.00", "Invoice": {"InvoiceID": invoice["InvoiceID"]}},
    )
    await api.pay(invoice["InvoiceID"], "60.00")
    final = await api.get_invoice(invoice["InvoiceID"])
    assert (final["Status"], final["AmountDue"], final["AmountCredited"]) == ("PAID", 0, 60.0)
    note_final = (await api.client.get(f"/CreditNotes/{note['CreditNoteID']}")).json()
    assert note_final["CreditNotes"][0]["Status"] == "PAID"
    assert note_final["CreditNotes"][0]["RemainingCredit"] == 0


async def test_allocation_limits(api: Any) -> None:
    contact = await api.contact()
    invoice = await authorised_invoice(api, contact)
    draft = await credit_note(api, contact, "10.00", status="DRAFT")
    refused = await api.client.put(
        f"/CreditNotes/{draft['CreditNoteID']}/Allocations",
        json={"Allocations": [{"Amount": "5", "Invoice": {"InvoiceID": invoice["InvoiceID"]}}]},
    )
    assert api.errors(refused) == ["Credit note must be AUTHORISED to be allocated; it is DRAFT."]
    note = await credit_note(api, contact, "200.00")  # 240.00 of credit, invoice due 120.00
    too_much = await api.client.put(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations",
        json={"Allocations": [{"Amount": "130", "Invoice": {"InvoiceID": invoice["InvoiceID"]}}]},
    )
    assert api.errors(too_much) == ["Allocation amount exceeds the amount due on the invoice."]
    small = await credit_note(api, contact, "5.00")  # 6.00 of credit
    over_credit = await api.client.put(
        f"/CreditNotes/{small['CreditNoteID']}/Allocations",
        json={"Allocations": [{"Amount": "7", "Invoice": {"InvoiceID": invoice["InvoiceID"]}}]},
    )
    assert api.errors(over_credit) == [
        "Allocation amount exceeds the remaining credit on the credit note."
    ]
    stranger = await authorised_invoice(api, await api.contact("Someone Else"))
    wrong_contact = await api.client.put(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations",
        json={"Amount": "1", "Invoice": {"InvoiceID": stranger["InvoiceID"]}},
    )
    assert api.errors(wrong_contact) == [
        "The credit note and the invoice must be for the same contact."
    ]


async def test_cash_refund_of_a_credit_note(api: Any) -> None:
    contact = await api.contact()
    note = await credit_note(api, contact, "10.00")  # 12.00
    response = await api.put(
        "/Payments",
        "Payments",
        {
            "CreditNote": {"CreditNoteID": note["CreditNoteID"]},
            "Account": {"Code": "090"},
            "Amount": "12.00",
            "Date": "2026-11-26",
        },
    )
    assert response.json()["Payments"][0]["PaymentType"] == "ARCREDITPAYMENT"
    after = (await api.client.get(f"/CreditNotes/{note['CreditNoteID']}")).json()
    assert after["CreditNotes"][0]["Status"] == "PAID"


async def test_one_request_pays_invoices_and_credit_notes_each_element_on_its_own(
    api: Any,
) -> None:
    """Each payment names its own target (xero-api-notes §6.4): invoices and credit notes mix
    in one PUT, and with summarizeErrors=false a refused element leaves the others saved."""
    contact = await api.contact()
    invoice = await authorised_invoice(api, contact)
    note = await credit_note(api, contact, "10.00")  # 12.00
    response = await api.put(
        "/Payments",
        "Payments",
        {
            "Invoice": {"InvoiceID": invoice["InvoiceID"]},
            "Account": {"Code": "090"},
            "Amount": "120.00",
            "Date": "2026-11-26",
        },
        {
            "CreditNote": {"CreditNoteID": note["CreditNoteID"]},
            "Account": {"Code": "090"},
            "Amount": "12.00",
            "Date": "2026-11-26",
        },
        {
            "CreditNote": {"CreditNoteID": note["CreditNoteID"]},
            "Account": {"Code": "090"},
            "Amount": "1.00",  # the credit note is paid out by then
            "Date": "2026-11-26",
        },
        summarizeErrors="false",
    )
    assert response.status_code == 200, response.text
    answers = response.json()["Payments"]
    assert [a["StatusAttributeString"] for a in answers] == ["OK", "OK", "ERROR"]
    assert [a.get("PaymentType") for a in answers[:2]] == ["ACCRECPAYMENT", "ARCREDITPAYMENT"]
    assert [e["Message"] for e in answers[2]["ValidationErrors"]] == [
        "Payments can only be made against AUTHORISED documents; this credit note is PAID."
    ]
    assert (await api.get_invoice(invoice["InvoiceID"]))["Status"] == "PAID"
    after = (await api.client.get(f"/CreditNotes/{note['CreditNoteID']}")).json()
    assert [p["Amount"] for p in after["CreditNotes"][0]["Payments"]] == [12.0]


async def test_payments_list_and_get(api: Any) -> None:
    invoice = await authorised_invoice(api)
    payment = (await api.pay(invoice["InvoiceID"], "10")).json()["Payments"][0]
    listed = (await api.client.get("/Payments", params={"page": "1"})).json()
    assert [p["PaymentID"] for p in listed["Payments"]] == [payment["PaymentID"]]
    assert listed["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 1, "itemCount": 1}
    where = f'Invoice.InvoiceID==guid("{invoice["InvoiceID"]}")'
    filtered = (await api.client.get("/Payments", params={"where": where})).json()
    assert len(filtered["Payments"]) == 1
    single = (await api.client.get(f"/Payments/{payment['PaymentID']}")).json()
    assert single["Payments"][0]["Amount"] == 10.0


async def test_deleting_an_allocation_restores_both_balances(api: Any) -> None:
    contact = await api.contact()
    invoice = await authorised_invoice(api, contact)
    note = await credit_note(api, contact, "50.00")  # 60.00 of credit
    allocated = await api.client.put(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations",
        json={"Amount": "60.00", "Invoice": {"InvoiceID": invoice["InvoiceID"]}},
    )
    allocation_id = allocated.json()["Allocations"][0]["AllocationID"]
    removed = await api.client.delete(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations/{allocation_id}"
    )
    assert removed.status_code == 200
    assert removed.json()["IsDeleted"] is True  # a bare Allocation, as the spec declares
    after = await api.get_invoice(invoice["InvoiceID"])
    assert (after["AmountDue"], after["AmountCredited"], after["CreditNotes"]) == (120.0, 0, [])
    note_after = (await api.client.get(f"/CreditNotes/{note['CreditNoteID']}")).json()
    assert note_after["CreditNotes"][0]["RemainingCredit"] == 60.0
    again = await api.client.delete(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations/{allocation_id}"
    )
    assert again.status_code == 404
