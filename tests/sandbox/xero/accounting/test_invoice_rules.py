"""Invoice validation, numbering, PUT vs POST matching, status transitions and LineItemIDs."""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.sandbox.xero.accounting import XeroOrg

pytestmark = pytest.mark.anyio

LINE = {"Description": "Tee", "Quantity": "1", "UnitAmount": "10.00", "AccountCode": "200"}


def element(contact: str, **fields: Any) -> dict[str, Any]:
    return {"Type": "ACCREC", "Contact": {"ContactID": contact}, "LineItems": [LINE], **fields}


async def test_invoice_defaults(api: Any, org: XeroOrg) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [LINE])
    assert invoice["Status"] == "DRAFT"
    assert invoice["InvoiceNumber"] == "INV-0001"
    assert invoice["CurrencyCode"] == "GBP"  # the organisation's base currency
    assert invoice["LineAmountTypes"] == "Exclusive"
    assert invoice["HasAttachments"] is False and invoice["Payments"] == []
    assert invoice["LineItems"][0]["TaxType"] == "OUTPUT2"  # from account 200's default
    assert invoice["Contact"]["ContactID"] == contact
    assert invoice["Date"].startswith("/Date(") and invoice["DateString"] == "2026-11-26T00:00:00"
    assert invoice["UpdatedDateUTCString"].endswith("Z")
    second = await api.invoice(contact, [LINE])
    assert second["InvoiceNumber"] == "INV-0002"
    contact_after = (await api.client.get(f"/Contacts/{contact}")).json()["Contacts"][0]
    assert contact_after["IsCustomer"] is True


async def test_put_with_an_existing_invoice_number_is_refused(api: Any) -> None:
    contact = await api.contact()
    await api.invoice(contact, [LINE], InvoiceNumber="SHOP-1001")
    response = await api.put("/Invoices", "Invoices", element(contact, InvoiceNumber="shop-1001"))
    assert api.errors(response) == ["Invoice # must be unique."]  # xero-api-notes §7 [I-net238]


async def test_post_with_an_existing_number_updates_that_invoice(api: Any, org: XeroOrg) -> None:
    contact = await api.contact()
    first = await api.invoice(contact, [LINE], InvoiceNumber="SHOP-1002")
    response = await api.post(
        "/Invoices", "Invoices", element(contact, InvoiceNumber="SHOP-1002", Reference="changed")
    )
    (updated,) = response.json()["Invoices"]
    # Implicit match (xero-api-notes §4, I-pyxero328).
    assert updated["InvoiceID"] == first["InvoiceID"]
    assert updated["Reference"] == "changed"
    assert len(org.state()["invoices"]) == 1


async def test_invoice_number_must_be_printable_ascii_and_at_most_255(api: Any) -> None:
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        element(contact, InvoiceNumber="INV\u00e9"),
        element(contact, InvoiceNumber="N" * 256),
        summarizeErrors="false",
    )
    first, second = response.json()["Invoices"]
    assert first["HasErrors"] is True and first["StatusAttributeString"] == "ERROR"
    assert first["ValidationErrors"] == [
        {"Message": "InvoiceNumber can only contain printable ASCII characters."}
    ]
    assert second["ValidationErrors"] == [
        {"Message": "InvoiceNumber must not be more than 255 characters long."}
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"AccountCode": "999"}, "Account code '999' is not a valid code for this document."),
        # A BANK account cannot take a sales line.
        ({"AccountCode": "090"}, "Account code '090' is not a valid code for this document."),
        (
            {"TaxType": "NOPE"},
            "The TaxType code NOPE does not exist or cannot be used for this type of transaction.",
        ),
        # INPUT2 (VAT on Expenses) has no CanApplyToRevenue: not on revenue account 200.
        (
            {"TaxType": "INPUT2"},
            "The TaxType code 'INPUT2' cannot be used with account code '200'.",
        ),
        ({"Description": None, "AccountCode": "200"}, "Description must be specified."),
        ({"ItemCode": "NO-SUCH"}, "Item code 'NO-SUCH' is not valid."),
        ({"DiscountRate": "120"}, "DiscountRate must be between 0 and 100."),
        (
            {"DiscountRate": "10", "DiscountAmount": "1"},
            "A line item cannot have both a DiscountRate and a DiscountAmount.",
        ),
    ],
)
async def test_line_validation(api: Any, line: dict[str, Any], message: str) -> None:
    contact = await api.contact()
    bad = {**LINE, **line}
    response = await api.put("/Invoices", "Invoices", element(contact, LineItems=[bad]))
    assert message in api.errors(response)


async def test_required_fields(api: Any) -> None:
    response = await api.put("/Invoices", "Invoices", {"Type": "ACCREC", "LineItems": [LINE]})
    assert api.errors(response) == ["A Contact must be specified for this type of transaction"]
    contact = await api.contact()
    response = await api.put(
        "/Invoices", "Invoices", {"Type": "ACCREC", "Contact": {"ContactID": contact}}
    )
    assert api.errors(response) == ["The invoice must have at least one line item."]


async def test_a_contact_named_on_an_invoice_is_found_or_created(api: Any, org: XeroOrg) -> None:
    contact = await api.contact("Known Person")
    response = await api.put(
        "/Invoices",
        "Invoices",
        {"Type": "ACCREC", "Contact": {"Name": "known person"}, "LineItems": [LINE]},
        {"Type": "ACCREC", "Contact": {"Name": "New Person"}, "LineItems": [LINE]},
    )
    first, second = response.json()["Invoices"]
    assert first["Contact"]["ContactID"] == contact
    assert second["Contact"]["Name"] == "New Person"
    assert len(org.state()["contacts"]) == 2


async def test_status_on_create(api: Any) -> None:
    contact = await api.contact()
    response = await api.put("/Invoices", "Invoices", element(contact, Status="PAID"))
    assert api.errors(response) == ["Invoice not of valid status for creation"]
    authorised = await api.invoice(contact, [LINE], Status="AUTHORISED")
    assert authorised["Status"] == "AUTHORISED"


async def test_status_transitions(api: Any) -> None:
    contact = await api.contact()
    draft = await api.invoice(contact, [LINE])

    async def move(invoice_id: str, status: str) -> Any:
        return await api.post(f"/Invoices/{invoice_id}", "Invoices", {"Status": status})

    submitted = await move(draft["InvoiceID"], "SUBMITTED")
    assert submitted.json()["Invoices"][0]["Status"] == "SUBMITTED"
    back = await move(draft["InvoiceID"], "DRAFT")
    assert back.json()["Invoices"][0]["Status"] == "DRAFT"
    approved = await move(draft["InvoiceID"], "AUTHORISED")
    assert approved.json()["Invoices"][0]["Status"] == "AUTHORISED"
    assert api.errors(await move(draft["InvoiceID"], "DRAFT")) == [
        "Invoice status cannot be changed from AUTHORISED to DRAFT."
    ]
    assert api.errors(await move(draft["InvoiceID"], "DELETED")) == [
        "Only invoices with a status of DRAFT or SUBMITTED can be deleted."
    ]
    voided = await move(draft["InvoiceID"], "VOIDED")
    assert voided.json()["Invoices"][0]["Status"] == "VOIDED"
    assert voided.json()["Invoices"][0]["AmountDue"] == 0
    assert api.errors(await move(draft["InvoiceID"], "AUTHORISED")) == [
        "Invoice status cannot be changed from VOIDED to AUTHORISED."
    ]

    other = await api.invoice(contact, [LINE])
    assert api.errors(await move(other["InvoiceID"], "VOIDED")) == [
        "Only AUTHORISED invoices can be voided."
    ]
    deleted = await move(other["InvoiceID"], "DELETED")
    assert deleted.json()["Invoices"][0]["Status"] == "DELETED"


async def test_line_item_ids_update_keep_and_delete_lines(api: Any) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [LINE, {**LINE, "Description": "Cap"}])
    tee, cap = invoice["LineItems"]
    response = await api.post(
        f"/Invoices/{invoice['InvoiceID']}",
        "Invoices",
        {
            "LineItems": [
                {"LineItemID": tee["LineItemID"], "Quantity": "3"},
                {
                    "Description": "Socks",
                    "Quantity": "1",
                    "UnitAmount": "4.00",
                    "AccountCode": "200",
                },
            ]
        },
    )
    lines = response.json()["Invoices"][0]["LineItems"]
    assert [ln["Description"] for ln in lines] == ["Tee", "Socks"]  # Cap omitted -> deleted
    assert lines[0]["LineItemID"] == tee["LineItemID"] and lines[0]["LineAmount"] == 30.0
    assert response.json()["Invoices"][0]["SubTotal"] == 34.0
    unknown = await api.post(
        f"/Invoices/{invoice['InvoiceID']}",
        "Invoices",
        {"LineItems": [{"LineItemID": cap["LineItemID"], "Quantity": "1"}]},
    )
    assert api.errors(unknown) == [
        f"LineItemID {cap['LineItemID']} is not valid for this document."
    ]


async def test_good_invoices_are_saved_when_the_batch_answers_400(api: Any, org: XeroOrg) -> None:
    contact = await api.contact()
    response = await api.put(
        "/Invoices",
        "Invoices",
        element(contact, InvoiceNumber="OK-1"),
        element(contact, InvoiceNumber="BAD", Status="VOIDED"),
        element(contact, InvoiceNumber="OK-2"),
    )
    assert api.errors(response) == ["Invoice not of valid status for creation"]
    assert [i["InvoiceNumber"] for i in org.state()["invoices"]] == ["OK-1", "OK-2"]


async def test_discounts_are_not_allowed_on_credit_notes(api: Any) -> None:
    contact = await api.contact()
    response = await api.put(
        "/CreditNotes",
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": contact},
            "LineItems": [{**LINE, "DiscountRate": "10"}],
        },
    )
    assert api.errors(response) == ["Discounts are not supported on this type of document."]


async def test_unknown_invoice_is_404(api: Any) -> None:
    missing = await api.client.get("/Invoices/INV-9999")
    assert missing.status_code == 404


async def test_voided_invoices_are_final(api: Any) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [LINE], Status="AUTHORISED")
    path = f"/Invoices/{invoice['InvoiceID']}"
    await api.post(path, "Invoices", {"Status": "VOIDED"})
    repeat = await api.post(path, "Invoices", {"Status": "VOIDED"})
    assert repeat.status_code == 200  # repeating the void (a retry) is harmless
    edit = await api.post(path, "Invoices", {"Reference": "late edit"})
    assert api.errors(edit) == ["This invoice cannot be edited as it is VOIDED."]
