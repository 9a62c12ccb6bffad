"""Xero's ``where`` language: quoting and escapes, case rules, AND/OR/NOT, guid(), DateTime(),
methods, and the QueryParseException Xero gives for what it cannot parse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shopxero.sandbox.xero.accounting.fields import CONTACT_FIELDS, INVOICE_FIELDS
from shopxero.sandbox.xero.accounting.problems import BadRequest
from shopxero.sandbox.xero.accounting.where import parse_where

GUID = "5cc8cf28-567e-4d43-b287-687cfcaec47c"
CONTACTS: list[dict[str, Any]] = [
    {
        "Name": 'Say "Hi" Ltd',
        "EmailAddress": "Hi@Example.com",
        "ContactNumber": "A-1",
        "ContactStatus": "ACTIVE",
        "ContactID": GUID,
        "IsCustomer": True,
    },
    {
        "Name": "Back\\slash",
        "EmailAddress": "b@example.com",
        "ContactNumber": "a-1",
        "ContactStatus": "ARCHIVED",
        "ContactID": "00000000-0000-0000-0000-000000000002",
        "IsCustomer": False,
    },
]


def names(where: str) -> list[str]:
    predicate = parse_where(where, CONTACT_FIELDS, "Contact")
    return [c["Name"] for c in CONTACTS if predicate(c)]


def test_quoted_string_with_escaped_quotes() -> None:
    assert names(r'Name=="Say \"Hi\" Ltd"') == ['Say "Hi" Ltd']


def test_escaped_backslash() -> None:
    assert names(r'Name=="Back\\slash"') == ["Back\\slash"]


def test_name_and_email_compare_case_insensitively() -> None:
    # Optimised Contacts filters are case-insensitive [xero-api-notes §5.2].
    assert names('Name=="SAY \\"HI\\" LTD"') == ['Say "Hi" Ltd']
    assert names('EmailAddress=="hi@example.COM"') == ['Say "Hi" Ltd']


def test_contact_number_compares_exactly() -> None:
    assert names('ContactNumber=="a-1"') == ["Back\\slash"]


def test_and_or_not_and_parentheses() -> None:
    assert names('ContactStatus=="ACTIVE" AND ContactNumber=="A-1"') == ['Say "Hi" Ltd']
    assert names('ContactNumber=="A-1" OR ContactNumber=="a-1"') == ['Say "Hi" Ltd', "Back\\slash"]
    assert names('NOT (ContactStatus=="ACTIVE")') == ["Back\\slash"]
    assert names('ContactStatus!="ACTIVE" && IsCustomer==false') == ["Back\\slash"]
    assert names("IsCustomer") == ['Say "Hi" Ltd']


def test_methods_contains_startswith_endswith() -> None:
    assert names('Name.Contains("hi")') == ['Say "Hi" Ltd']  # Name is case-insensitive
    assert names('EmailAddress.StartsWith("b@")') == ["Back\\slash"]
    assert names('EmailAddress.EndsWith("example.com")') == ['Say "Hi" Ltd', "Back\\slash"]


def test_guid_field_needs_guid_literal() -> None:
    assert names(f'ContactID==guid("{GUID.upper()}")') == ['Say "Hi" Ltd']
    with pytest.raises(BadRequest) as raised:
        names(f'ContactID=="{GUID}"')
    assert raised.value.body == {
        "ErrorNumber": 16,
        "Type": "QueryParseException",
        "Message": "Operator '==' incompatible with operand types 'Guid' and 'String'",
    }


@pytest.mark.parametrize(
    "where",
    [
        'Nmae=="x"',
        'Name=="unterminated',
        "Name==",
        '(Name=="x"',
        'Name=="x" Name',
        'Name>"a"',
        'Name.Explode("x")',
        'ContactID==guid("nope")',
    ],
)
def test_unparseable_where_is_a_query_parse_exception(where: str) -> None:
    with pytest.raises(BadRequest) as raised:
        names(where)
    assert raised.value.body["ErrorNumber"] == 16
    assert raised.value.body["Type"] == "QueryParseException"


def test_unknown_field_message_names_the_field_and_type() -> None:
    with pytest.raises(BadRequest) as raised:
        names('Nmae=="x"')
    assert raised.value.body["Message"] == "No property or field 'Nmae' exists in type 'Contact'"


def test_dates_numbers_and_dotted_paths_on_invoices() -> None:
    invoices = [
        {
            "Date": date(2026, 1, 15),
            "AmountDue": Decimal("10.00"),
            "Status": "AUTHORISED",
            "Contact": {"ContactID": GUID, "Name": "Ada"},
        },
        {
            "Date": date(2026, 3, 1),
            "AmountDue": Decimal("0.00"),
            "Status": "PAID",
            "Contact": {"ContactID": "00000000-0000-0000-0000-000000000002", "Name": "Bob"},
        },
    ]

    def statuses(where: str) -> list[str]:
        predicate = parse_where(where, INVOICE_FIELDS, "Invoice")
        return [i["Status"] for i in invoices if predicate(i)]

    assert statuses("Date >= DateTime(2026, 02, 01)") == ["PAID"]
    assert statuses("Date < DateTime(2026,2,1) AND AmountDue > 0") == ["AUTHORISED"]
    assert statuses(f'Contact.ContactID == guid("{GUID}")') == ["AUTHORISED"]
    assert statuses('Contact.Name == "bob"') == ["PAID"]
