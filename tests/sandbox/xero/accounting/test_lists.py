"""List endpoints: paging blocks, clamping, where over HTTP, IDs, searchTerm, If-Modified-Since,
summaryOnly, and Xero's trimmed unpaged invoice list [xero-api-notes §5.1-§5.4]."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest

from shopxero.sandbox.xero.accounting import XeroOrg

pytestmark = pytest.mark.anyio

LINE = {"Description": "Tee", "Quantity": "1", "UnitAmount": "10.00", "AccountCode": "200"}


async def make_contacts(api: Any, org: XeroOrg, count: int) -> list[str]:
    ids = []
    for index in range(count):
        ids.append(await api.contact(f"Customer {index:04d}", EmailAddress=f"c{index}@shop.io"))
        org.clock.advance(1)
    return ids


async def test_contacts_paging_default_size_and_block(api: Any, org: XeroOrg) -> None:
    ids = await make_contacts(api, org, 105)
    first = (await api.client.get("/Contacts", params={"page": "1"})).json()
    assert first["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 2, "itemCount": 105}
    second = (await api.client.get("/Contacts", params={"page": "2"})).json()
    assert second["pagination"]["page"] == 2
    # Default order UpdatedDateUTC ASC: creation order here, stable across pages.
    assert [c["ContactID"] for c in first["Contacts"] + second["Contacts"]] == ids
    unpaged = (await api.client.get("/Contacts")).json()
    assert "pagination" not in unpaged and len(unpaged["Contacts"]) == 105


async def test_page_size_is_clamped(api: Any, org: XeroOrg) -> None:
    await make_contacts(api, org, 3)
    big = (await api.client.get("/Contacts", params={"page": "1", "pageSize": "5000"})).json()
    assert big["pagination"]["pageSize"] == 1000  # 5000 -> 1000 (xero-api-notes §5.1)
    small = (await api.client.get("/Contacts", params={"page": "1", "pageSize": "0"})).json()
    assert small["pagination"] == {"page": 1, "pageSize": 1, "pageCount": 3, "itemCount": 3}


async def test_where_arrives_percent_encoded_and_matches_case_insensitively(
    api: Any, org: XeroOrg
) -> None:
    await make_contacts(api, org, 3)
    # httpx percent-encodes the query, as Xero requires (xero-api-notes §5.1).
    response = await api.client.get("/Contacts", params={"where": 'EmailAddress=="C1@SHOP.IO"'})
    assert "%22" in str(response.request.url)
    assert [c["Name"] for c in response.json()["Contacts"]] == ["Customer 0001"]


async def test_bad_where_is_a_400_query_parse_exception(api: Any) -> None:
    response = await api.client.get("/Contacts", params={"where": 'Colour=="red"'})
    assert response.status_code == 400
    assert response.json() == {
        "ErrorNumber": 16,
        "Type": "QueryParseException",
        "Message": "No property or field 'Colour' exists in type 'Contact'",
    }


async def test_ids_search_term_and_summary_only(api: Any, org: XeroOrg) -> None:
    ids = await make_contacts(api, org, 4)
    by_ids = (await api.client.get("/Contacts", params={"IDs": f"{ids[1]},{ids[3]}"})).json()
    assert [c["ContactID"] for c in by_ids["Contacts"]] == [ids[1], ids[3]]
    searched = (await api.client.get("/Contacts", params={"searchTerm": "customer 0002"})).json()
    assert [c["ContactID"] for c in searched["Contacts"]] == [ids[2]]
    summary = (await api.client.get("/Contacts", params={"summaryOnly": "true"})).json()
    assert "pagination" in summary  # summaryOnly enforces paging (xero-api-notes §5.1)
    assert all("Addresses" not in c and "IsCustomer" not in c for c in summary["Contacts"])


async def test_order_parameter(api: Any, org: XeroOrg) -> None:
    await make_contacts(api, org, 3)
    ordered = (await api.client.get("/Contacts", params={"order": "Name DESC"})).json()
    assert [c["Name"] for c in ordered["Contacts"]] == [
        "Customer 0002",
        "Customer 0001",
        "Customer 0000",
    ]


async def test_if_modified_since_returns_only_later_changes(api: Any, org: XeroOrg) -> None:
    await make_contacts(api, org, 2)
    org.clock.advance(60)
    cutoff = org.clock.now()
    org.clock.advance(1)
    late = await api.contact("Late Customer")
    for header in (cutoff.strftime("%Y-%m-%dT%H:%M:%S"), format_datetime(cutoff, usegmt=True)):
        changed = await api.client.get("/Contacts", headers={"If-Modified-Since": header})
        assert [c["ContactID"] for c in changed.json()["Contacts"]] == [late]


async def test_unpaged_invoice_list_has_no_line_items(api: Any) -> None:
    contact = await api.contact()
    await api.invoice(contact, [LINE], InvoiceNumber="A-1")
    await api.invoice(contact, [LINE], InvoiceNumber="A-2", Status="AUTHORISED")
    unpaged = (await api.client.get("/Invoices")).json()
    assert all("LineItems" not in i for i in unpaged["Invoices"])
    paged = (await api.client.get("/Invoices", params={"page": "1"})).json()
    assert all(len(i["LineItems"]) == 1 for i in paged["Invoices"])
    by_status = (await api.client.get("/Invoices", params={"Statuses": "AUTHORISED"})).json()
    assert "pagination" in by_status  # Statuses enforces paging (xero-api-notes §5.1)
    assert [i["InvoiceNumber"] for i in by_status["Invoices"]] == ["A-2"]


async def test_invoice_filters(api: Any, org: XeroOrg) -> None:
    ada = await api.contact("Ada")
    bob = await api.contact("Bob")
    # Lists are in UpdatedDateUTC order, to the millisecond, ties broken by the random InvoiceID:
    # a tick between the creates makes creation order the list order (two creates can share a
    # millisecond on a fast machine).
    for contact, number, reference in (
        (ada, "F-1", "order 1"),
        (bob, "F-2", "order 2"),
        (bob, "F-3", "other"),
    ):
        await api.invoice(contact, [LINE], InvoiceNumber=number, Reference=reference)
        org.clock.advance(1)

    async def numbers(**params: str) -> list[str]:
        response = await api.client.get("/Invoices", params=params)
        assert response.status_code == 200, response.text
        return [i["InvoiceNumber"] for i in response.json()["Invoices"]]

    assert await numbers(InvoiceNumbers="F-1,F-3") == ["F-1", "F-3"]
    assert await numbers(ContactIDs=bob) == ["F-2", "F-3"]
    assert await numbers(where=f'Contact.ContactID==guid("{ada}")') == ["F-1"]
    assert await numbers(where='Reference=="order 2" OR InvoiceNumber=="F-3"') == ["F-2", "F-3"]
    assert await numbers(searchTerm="ORDER") == ["F-1", "F-2"]
    assert await numbers(where='Type=="ACCREC" AND Status=="DRAFT"') == ["F-1", "F-2", "F-3"]
    unquoted = await api.client.get("/Invoices", params={"where": f'Contact.ContactID=="{ada}"'})
    assert unquoted.status_code == 400  # a Guid must be compared with guid("...")


async def test_summary_only_invoices_drop_payments_and_lines(api: Any) -> None:
    contact = await api.contact()
    await api.invoice(contact, [LINE])
    summary = (await api.client.get("/Invoices", params={"summaryOnly": "true"})).json()
    (invoice,) = summary["Invoices"]
    assert "Payments" not in invoice and "LineItems" not in invoice
    assert "HasAttachments" not in invoice and invoice["Total"] == 12.0


async def test_if_modified_since_includes_changes_later_in_the_same_second(
    api: Any, org: XeroOrg
) -> None:
    first = await api.contact("Same Second")
    org.contacts[first]["UpdatedDateUTC"] = datetime(2026, 11, 26, 10, 0, 0, 500000, tzinfo=UTC)

    async def listed(header: str) -> list[str]:
        response = await api.client.get("/Contacts", headers={"If-Modified-Since": header})
        return [c["ContactID"] for c in response.json()["Contacts"]]

    assert await listed("2026-11-26T10:00:00") == [first]  # 10:00:00.5 is after 10:00:00
    assert await listed("2026-11-26T10:00:01") == []
