"""Contacts: PUT creates only, POST upserts by ID / ContactNumber / Name, Xero's uniqueness rules,
archived contacts, lookups by ContactNumber, and history."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from shopxero.sandbox.xero.accounting import XeroOrg
from shopxero.xero.dates import parse_xero_date

pytestmark = pytest.mark.anyio

DUPLICATE_NAME = (
    "The contact name {name} is already assigned to another contact. "
    "The contact name must be unique across all active contacts."
)


async def put_contacts(client: httpx.AsyncClient, *contacts: dict, **params: str) -> httpx.Response:
    return await client.put("/Contacts", json={"Contacts": list(contacts)}, params=params)


async def test_put_creates_a_contact_with_xero_assigned_fields(
    client: httpx.AsyncClient, org: XeroOrg
) -> None:
    response = await put_contacts(
        client, {"Name": "Ada Lovelace", "ContactNumber": "shopify-1", "EmailAddress": "a@x.io"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["Status"] == "OK" and body["DateTimeUTC"].startswith("/Date(")
    (contact,) = body["Contacts"]
    assert contact["ContactStatus"] == "ACTIVE"
    assert contact["HasAttachments"] is False and contact["IsCustomer"] is False
    assert len(contact["ContactID"]) == 36
    updated = parse_xero_date(contact["UpdatedDateUTC"])
    assert updated is not None and abs(updated - org.clock.now()) < timedelta(seconds=5)


async def test_put_with_a_name_already_used_by_an_active_contact_is_refused(
    client: httpx.AsyncClient,
) -> None:
    await put_contacts(client, {"Name": "Ada Lovelace"})
    response = await put_contacts(client, {"Name": "ada  lovelace "})
    assert response.status_code == 400
    body = response.json()
    assert body["ErrorNumber"] == 10 and body["Type"] == "ValidationException"
    assert body["Message"] == "A validation exception occurred"
    (element,) = body["Elements"]
    assert element["ValidationErrors"] == [
        {"Message": DUPLICATE_NAME.format(name="ada  lovelace ")}
    ]  # xero-api-notes §6.1, exact text of the spec example


async def test_archived_contact_name_can_be_reused(client: httpx.AsyncClient) -> None:
    created = (await put_contacts(client, {"Name": "Old Shop"})).json()["Contacts"][0]
    archived = await client.post(
        "/Contacts",
        json={"Contacts": [{"ContactID": created["ContactID"], "ContactStatus": "ARCHIVED"}]},
    )
    assert archived.json()["Contacts"][0]["ContactStatus"] == "ARCHIVED"
    again = await put_contacts(client, {"Name": "Old Shop"})
    assert again.status_code == 200
    listed = (await client.get("/Contacts")).json()["Contacts"]
    assert [c["ContactID"] for c in listed] == [again.json()["Contacts"][0]["ContactID"]]
    with_archived = (await client.get("/Contacts", params={"includeArchived": "true"})).json()
    assert len(with_archived["Contacts"]) == 2


async def test_duplicate_contact_number_is_refused_on_put_and_within_one_batch(
    client: httpx.AsyncClient, org: XeroOrg
) -> None:
    response = await put_contacts(
        client, {"Name": "A", "ContactNumber": "C1"}, {"Name": "B", "ContactNumber": "C1"}
    )
    assert response.status_code == 400
    (element,) = response.json()["Elements"]
    assert element["Name"] == "B"
    assert "The contact number C1 is already assigned" in element["ValidationErrors"][0]["Message"]
    # The good element WAS saved although the answer is a 400 (xero-api-notes §4).
    assert [c["Name"] for c in org.state()["contacts"]] == ["A"]


async def test_summarize_errors_false_returns_every_element_with_its_status(
    client: httpx.AsyncClient,
) -> None:
    response = await put_contacts(
        client,
        {"Name": "Good"},
        {"Name": "x" * 256},
        {"Name": "Also good"},
        summarizeErrors="false",
    )
    assert response.status_code == 200
    contacts = response.json()["Contacts"]
    assert [c["StatusAttributeString"] for c in contacts] == ["OK", "ERROR", "OK"]
    assert contacts[1]["HasValidationErrors"] is True
    assert contacts[1]["ValidationErrors"] == [
        {"Message": "Contact name must not be more than 255 characters long."}
    ]
    assert "ContactID" in contacts[0] and "ContactID" not in contacts[1]


async def test_post_without_id_updates_the_contact_with_the_same_name(
    client: httpx.AsyncClient, org: XeroOrg
) -> None:
    first = await put_contacts(client, {"Name": "Grace Hopper", "EmailAddress": "g@a.io"})
    contact_id = first.json()["Contacts"][0]["ContactID"]
    org.clock.advance(5)
    response = await client.post(
        "/Contacts", json={"Contacts": [{"Name": "Grace Hopper", "EmailAddress": "new@a.io"}]}
    )
    (updated,) = response.json()["Contacts"]
    assert updated["ContactID"] == contact_id  # implicit match on Name (xero-api-notes §4, §9)
    assert updated["EmailAddress"] == "new@a.io"
    assert updated["UpdatedDateUTC"] != first.json()["Contacts"][0]["UpdatedDateUTC"]
    assert len(org.state()["contacts"]) == 1


async def test_post_matches_on_contact_number_and_keeps_omitted_fields(
    client: httpx.AsyncClient,
) -> None:
    await put_contacts(
        client, {"Name": "Shop Customer", "ContactNumber": "sc-7", "EmailAddress": "keep@me.io"}
    )
    response = await client.post(
        "/Contacts", json={"Contacts": [{"ContactNumber": "sc-7", "Name": "Renamed Customer"}]}
    )
    (contact,) = response.json()["Contacts"]
    assert contact["Name"] == "Renamed Customer" and contact["EmailAddress"] == "keep@me.io"


async def test_put_with_an_existing_contact_id_is_refused(client: httpx.AsyncClient) -> None:
    created = (await put_contacts(client, {"Name": "Someone"})).json()["Contacts"][0]
    response = await put_contacts(client, {"ContactID": created["ContactID"], "Name": "Other"})
    assert response.status_code == 400


async def test_get_by_id_and_by_contact_number_and_404(client: httpx.AsyncClient) -> None:
    created = (await put_contacts(client, {"Name": "Lookup", "ContactNumber": "L-1"})).json()
    contact_id = created["Contacts"][0]["ContactID"]
    by_id = await client.get(f"/Contacts/{contact_id}")
    by_number = await client.get("/Contacts/L-1")
    assert by_id.json()["Contacts"][0]["Name"] == by_number.json()["Contacts"][0]["Name"]
    missing = await client.get("/Contacts/00000000-0000-0000-0000-000000000001")
    assert missing.status_code == 404
    assert missing.text == "The resource you're looking for cannot be found"


async def test_empty_or_malformed_body_is_no_data_processed(client: httpx.AsyncClient) -> None:
    for content in (b"", b"{not json", b'{"Contacts": []}'):
        response = await client.put(
            "/Contacts", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["ErrorNumber"] == 17
        assert response.json()["Type"] == "NoDataProcessedException"


async def test_single_contact_without_wrapper_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.put("/Contacts", json={"Name": "Bare", "Addresses": []})
    assert response.status_code == 200
    assert response.json()["Contacts"][0]["Name"] == "Bare"


async def test_addresses_and_phones_are_padded_like_xero(client: httpx.AsyncClient) -> None:
    # Spec example (PUT/POST /Contacts): one MOBILE phone comes back with all four phone slots.
    response = await put_contacts(
        client,
        {
            "Name": "Bruce Banner",
            "Phones": [{"PhoneType": "MOBILE", "PhoneNumber": "555-1212", "PhoneAreaCode": "415"}],
        },
    )
    (contact,) = response.json()["Contacts"]
    assert [p["PhoneType"] for p in contact["Phones"]] == ["DEFAULT", "DDI", "FAX", "MOBILE"]
    assert contact["Phones"][3]["PhoneNumber"] == "555-1212"
    assert contact["Phones"][0] == {
        "PhoneType": "DEFAULT",
        "PhoneNumber": "",
        "PhoneAreaCode": "",
        "PhoneCountryCode": "",
    }
    assert [a["AddressType"] for a in contact["Addresses"]] == ["STREET", "POBOX"]
