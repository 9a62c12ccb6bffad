"""XML unless Accept asks for JSON [xero-api-notes §5.1, §12 #1]."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from tests.sandbox.xero.platform_helpers import api_headers, client_for, fake_sandbox, full_sandbox

from shopxero.sandbox.xero.xmlout import json_to_xml, singular, wants_json

pytestmark = pytest.mark.anyio

CONTACTS = "/api.xro/2.0/Contacts"


@pytest.mark.parametrize("accept", [None, "*/*", "text/xml", "application/xml"])
async def test_without_json_accept_the_answer_is_xml(accept) -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens)
    async with client_for(app) as client:
        await client.put(CONTACTS, headers=headers, json={"Contacts": [{"Name": "Ada & Co"}]})
        if accept is None:
            del headers["Accept"]
        else:
            headers["Accept"] = accept
        # httpx adds Accept: */* when none is given; both mean "Xero's default".
        response = await client.get(CONTACTS, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "Response"
    assert root.findtext("Status") == "OK"
    [contact] = root.findall("./Contacts/Contact")
    assert contact.findtext("Name") == "Ada & Co"
    assert contact.findtext("IsSupplier") == "false"
    assert contact.findtext("UpdatedDateUTC") == "2025-11-26T10:00:00"
    assert root.findtext("DateTimeUTC") == "2025-11-26T10:00:00"


@pytest.mark.parametrize(
    "accept", ["application/json", "application/json; charset=utf-8", "text/xml, application/json"]
)
def test_json_accept_values(accept) -> None:
    assert wants_json(accept)


def test_non_json_accept_values() -> None:
    assert not wants_json(None)
    assert not wants_json("*/*")
    assert not wants_json("text/html, application/xml;q=0.9")


async def test_errors_are_xml_api_exceptions_too() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, Accept="text/xml")
    async with client_for(app) as client:
        invalid = await client.put(CONTACTS, headers=headers, json={"Contacts": [{"Name": ""}]})
        unauthorized = await client.get(CONTACTS, headers={"Accept": "text/xml"})
    root = ET.fromstring(invalid.content)
    assert invalid.status_code == 400
    assert root.tag == "ApiException"
    assert root.findtext("ErrorNumber") == "10"
    assert root.findtext("Type") == "ValidationException"
    messages = [m.text for m in root.iter("Message")]
    assert "The contact name must be provided." in messages
    assert root.find("./Elements/DataContractBase/ValidationErrors/ValidationError") is not None
    denied = ET.fromstring(unauthorized.content)
    assert unauthorized.status_code == 401
    assert (denied.tag, denied.findtext("Detail")) == ("ApiException", "AuthenticationUnsuccessful")


async def test_non_json_bodies_pass_through() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        response = await client.get(
            "/api.xro/2.0/Missing", headers=api_headers(tokens, Accept="text/xml")
        )
    assert response.status_code == 404
    assert response.text == "The resource you're looking for cannot be found"


def test_decimals_keep_their_digits_and_nulls_are_left_out() -> None:
    xml = json_to_xml(
        b'{"Items": [{"Code": "A", "SalesDetails": {"UnitPrice": 10.10, "TaxType": null}}]}',
        status=200,
    )
    root = ET.fromstring(xml)
    assert root.findtext("./Items/Item/SalesDetails/UnitPrice") == "10.10"
    assert root.find("./Items/Item/SalesDetails/TaxType") is None


def test_empty_collections_render_as_empty_elements() -> None:
    root = ET.fromstring(json_to_xml(b'{"Status": "OK", "Contacts": []}', status=200))
    holder = root.find("Contacts")
    assert holder is not None
    assert list(holder) == []


@pytest.mark.parametrize(
    ("plural", "one"),
    [
        ("Contacts", "Contact"),
        ("Invoices", "Invoice"),
        ("TaxRates", "TaxRate"),
        ("Addresses", "Address"),
        ("HistoryRecords", "HistoryRecord"),
        ("CreditNotes", "CreditNote"),
        ("Tracking", "TrackingCategory"),
        ("Elements", "DataContractBase"),
        ("Batches", "Batch"),
        ("Taxes", "Tax"),
    ],
)
def test_singular_names(plural, one) -> None:
    assert singular(plural) == one


async def test_real_accounting_answers_render_as_xero_xml() -> None:
    app = full_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens)
    del headers["Accept"]
    async with client_for(app) as client:
        created = await client.put(
            CONTACTS, headers=headers, json={"Contacts": [{"Name": "Ada", "ContactNumber": "c1"}]}
        )
        duplicate = await client.put(
            CONTACTS, headers=headers, json={"Contacts": [{"Name": "Ada", "ContactNumber": "c2"}]}
        )
        organisation = await client.get("/api.xro/2.0/Organisation", headers=headers)
    ok = ET.fromstring(created.content)
    assert ok.findtext("./Contacts/Contact/Name") == "Ada"
    assert ok.findtext("./Contacts/Contact/ContactStatus") == "ACTIVE"
    error = ET.fromstring(duplicate.content)
    assert duplicate.status_code == 400
    assert error.tag == "ApiException"
    messages = [m.text or "" for m in error.iter("Message")]
    assert any("already assigned to another contact" in m for m in messages)
    assert ET.fromstring(organisation.content).findtext("./Organisations/Organisation/Name")
