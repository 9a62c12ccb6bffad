"""Xero models: payloads are strict and PascalCase, records tolerant with /Date()/ parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from shopxero.xero.models import (
    AddressType,
    InvoiceStatus,
    LineAmountTypes,
    SalesDetails,
    XeroAccountRef,
    XeroAddress,
    XeroAllocation,
    XeroContact,
    XeroContactRef,
    XeroCreditNote,
    XeroDocumentRef,
    XeroInvoice,
    XeroItem,
    XeroLineItem,
    XeroPayment,
    is_acceptable_email,
    xero_field_name,
)
from shopxero.xero.records import XeroContactRecord, XeroInvoiceRecord, XeroItemRecord

CONTACT_ID = "3ff6d40c-af9a-40a3-89ce-3c1556a25591"


def _line(**extra: object) -> XeroLineItem:
    fields: dict[str, object] = {
        "description": "Mug",
        "quantity": Decimal(2),
        "unit_amount": Decimal("12.00"),
        "account_code": "200",
        "tax_type": "OUTPUT2",
    }
    fields.update(extra)
    return XeroLineItem(**fields)  # type: ignore[arg-type]


def _invoice(**extra: object) -> XeroInvoice:
    fields: dict[str, object] = {
        "contact": XeroContactRef(contact_id=CONTACT_ID),
        "line_items": [_line()],
        "date": date(2026, 3, 1),
        "invoice_number": "SHOP-1001",
    }
    fields.update(extra)
    return XeroInvoice(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("contact_id", "ContactID"),
        ("updated_date_utc", "UpdatedDateUTC"),
        ("cogs_account_code", "COGSAccountCode"),
        ("address_line1", "AddressLine1"),
        ("line_amount_types", "LineAmountTypes"),
    ],
)
def test_field_names_are_spelled_as_xero_does(name: str, key: str) -> None:
    """Xero capitalises ID/UTC/COGS inside PascalCase keys."""
    assert xero_field_name(name) == key


def test_invoice_payload_shape() -> None:
    """PascalCase, enums as strings, dates ISO, Decimals kept exact, None and [] left out."""
    payload = _invoice(
        status=InvoiceStatus.AUTHORISED, line_amount_types=LineAmountTypes.INCLUSIVE
    ).to_payload()
    assert payload == {
        "Type": "ACCREC",
        "Contact": {"ContactID": CONTACT_ID},
        "LineItems": [
            {
                "Description": "Mug",
                "Quantity": Decimal(2),
                "UnitAmount": Decimal("12.00"),
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
            }
        ],
        "Date": "2026-03-01",
        "LineAmountTypes": "Inclusive",
        "InvoiceNumber": "SHOP-1001",
        "Status": "AUTHORISED",
    }
    assert type(payload["LineItems"][0]["UnitAmount"]) is Decimal


def test_contact_payload_omits_empty_lists_and_keeps_addresses() -> None:
    """Empty Phones/Addresses are not sent; filled ones are."""
    bare = XeroContact(name="Jane", contact_number="1").to_payload()
    assert bare == {"Name": "Jane", "ContactNumber": "1"}
    full = XeroContact(
        name="Jane", addresses=[XeroAddress(address_type=AddressType.POBOX, city="Leeds")]
    ).to_payload()
    assert full["Addresses"] == [{"AddressType": "POBOX", "City": "Leeds"}]


def test_item_payload() -> None:
    """SalesDetails nests with its own spelling; IsPurchased False is sent (not dropped)."""
    item = XeroItem(
        code="MUG-1",
        name="Mug",
        is_sold=True,
        is_purchased=False,
        sales_details=SalesDetails(unit_price=Decimal("9.5"), account_code="200"),
    )
    assert item.to_payload() == {
        "Code": "MUG-1",
        "Name": "Mug",
        "IsSold": True,
        "IsPurchased": False,
        "SalesDetails": {"UnitPrice": Decimal("9.5"), "AccountCode": "200"},
    }


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: XeroContact(name="x" * 256), "255"),
        (lambda: XeroContact(name=""), "at least 1"),
        (lambda: XeroContact(name="J", contact_number="1" * 51), "50"),
        (lambda: XeroContact(name="J", email_address="zoë@example.com"), "email"),
        (lambda: XeroContact(name="J", email_address="not-an-email"), "email"),
        (lambda: XeroContact(name="J", website="x"), "Extra inputs"),
        (lambda: XeroItem(code="C" * 31), "30"),
        (lambda: XeroItem(code="C", name="N" * 51), "50"),
        (lambda: XeroItem(code="C", description="D" * 4001), "4000"),
        (lambda: _invoice(invoice_number="SHOP-№1"), "printable ASCII"),
        (lambda: _invoice(invoice_number="S" * 256), "255"),
        (lambda: _invoice(reference="R" * 256), "255"),
        (lambda: _invoice(line_items=[]), "at least 1"),
        (lambda: _invoice(status="PENDING"), "Input should be"),
        (lambda: _invoice(line_amount_types="Gross"), "Input should be"),
        (lambda: XeroLineItem(quantity=Decimal(1)), "Description or an ItemCode"),
    ],
)
def test_limits_from_the_spec_are_enforced(build: object, message: str) -> None:
    """Limits from xero_accounting.yaml (xero-api-notes §6) fail before any Xero call."""
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]


def test_credit_note_refuses_discounts() -> None:
    """Xero allows no DiscountAmount/DiscountRate on credit notes (xero-api-notes §6.5)."""
    with pytest.raises(ValidationError, match="no discount on credit notes"):
        XeroCreditNote(
            contact=XeroContactRef(contact_id=CONTACT_ID),
            line_items=[_line(discount_amount=Decimal(1))],
            date=date(2026, 3, 2),
        )
    note = XeroCreditNote(
        contact=XeroContactRef(contact_id=CONTACT_ID),
        line_items=[_line()],
        date=date(2026, 3, 2),
        credit_note_number="SHOP-1001-R1",
    )
    assert note.to_payload()["Type"] == "ACCRECCREDIT"


def test_payment_applies_to_exactly_one_document() -> None:
    """A payment names an invoice or a credit note, never both or neither; Amount > 0."""
    account = XeroAccountRef(code="090")
    doc = XeroDocumentRef(invoice_number="SHOP-1001")
    payment = XeroPayment(invoice=doc, account=account, date=date(2026, 3, 1), amount=Decimal(5))
    assert payment.to_payload() == {
        "Invoice": {"InvoiceNumber": "SHOP-1001"},
        "Account": {"Code": "090"},
        "Date": "2026-03-01",
        "Amount": Decimal(5),
    }
    with pytest.raises(ValidationError, match="exactly one"):
        XeroPayment(account=account, date=date(2026, 3, 1), amount=Decimal(5))
    with pytest.raises(ValidationError, match="greater than 0"):
        XeroPayment(invoice=doc, account=account, date=date(2026, 3, 1), amount=Decimal(0))
    with pytest.raises(ValidationError, match="ID or a number"):
        XeroDocumentRef()


def test_allocation_payload() -> None:
    """Allocations carry Amount, Invoice and Date (the spec's required trio)."""
    allocation = XeroAllocation(
        invoice=XeroDocumentRef(invoice_id=CONTACT_ID),
        amount=Decimal("60.50"),
        date=date(2026, 3, 3),
    )
    assert allocation.to_payload() == {
        "Invoice": {"InvoiceID": CONTACT_ID},
        "Amount": Decimal("60.50"),
        "Date": "2026-03-03",
    }


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("bob.norman@mail.example.com", True),
        ("o'brien+shop@example.co.uk", True),
        ("zoë@example.com", False),
        ("no-at-sign.example.com", False),
        ("two@@example.com", False),
        ("space in@example.com", False),
        ("nodot@localhost", False),
        ("", False),
        (None, False),
        ("a@" + "b" * 250 + ".com", False),
    ],
)
def test_acceptable_email(email: str | None, ok: bool) -> None:
    """ASCII ``user@domain.tld`` within 255 characters."""
    assert is_acceptable_email(email) is ok


def test_records_parse_xero_dates_and_numbers_and_ignore_extras() -> None:
    """/Date(ms+0000)/ -> aware datetime or date; JSON floats -> exact Decimal; unknown keys ok."""
    record = XeroInvoiceRecord.model_validate(
        {
            "InvoiceID": "i-1",
            "InvoiceNumber": "SHOP-1001",
            "Status": "AUTHORISED",
            "Date": "/Date(1772323200000+0000)/",
            "DueDate": "/Date(1772323200000+0000)/",
            "UpdatedDateUTC": "/Date(1518685950940+0000)/",
            "Total": 24.1,
            "AmountDue": 24.1,
            "LineItems": [{"LineItemID": "l-1", "LineAmount": 24.1, "TaxAmount": 4.02}],
            "Payments": [{"PaymentID": "p-1", "Amount": 10.0, "Date": "/Date(1772323200000)/"}],
            "SomethingNew": {"x": 1},
            "StatusAttributeString": "ERROR",
            "ValidationErrors": [{"Message": "Invoice # must be unique."}],
        }
    )
    assert record.date == date(2026, 3, 1)
    assert record.updated_date_utc == datetime(2018, 2, 15, 9, 12, 30, 940000, tzinfo=UTC)
    assert record.total == Decimal("24.1")
    assert record.line_items[0].tax_amount == Decimal("4.02")
    assert record.payments[0].amount == Decimal("10.0")
    assert record.error_messages == ["Invoice # must be unique."]


def test_contact_and_item_records() -> None:
    """The fields the engine reads back for linking and conflict checks."""
    contact = XeroContactRecord.model_validate(
        {
            "ContactID": "c-1",
            "ContactNumber": "207119551",
            "Name": "Bob Norman",
            "ContactStatus": "ACTIVE",
            "UpdatedDateUTC": "2026-03-01T10:00:00",
            "Addresses": [],
        }
    )
    assert contact.contact_number == "207119551"
    assert contact.updated_date_utc == datetime(2026, 3, 1, 10, tzinfo=UTC)
    item = XeroItemRecord.model_validate(
        {"ItemID": "i-1", "Code": "MUG", "SalesDetails": {"UnitPrice": 9.95, "TaxType": "OUTPUT2"}}
    )
    assert item.sales_details is not None and item.sales_details.unit_price == Decimal("9.95")
    with pytest.raises(ValidationError):
        XeroContactRecord.model_validate({"UpdatedDateUTC": 12345})
