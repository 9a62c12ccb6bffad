"""Xero answers that are odd but real, through the real engine and the Xero simulator's faults.

Plain-text 503 "Organisation is offline" bodies, XML error bodies (what Xero sends when Accept
is not JSON), HTML 404 pages, empty arrays where an object is null, elements saved with
``StatusAttributeString: WARNING``, and a 200 whose element lacks its ID (xero-api-notes §4, §7).
Each is armed with ``/_sandbox/faults`` (``status`` + ``body``) on the simulator.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.hostile.harness import DEMO, run_syncs

CUSTOMERS = copy.deepcopy(DEMO["shopify"]["customers"][:3])
ONE = CUSTOMERS[:1]
CID = str(ONE[0]["id"])


def _puts(outcome: Any, path: str) -> list[dict[str, Any]]:
    return [r for r in outcome.xero_requests if r["method"] == "PUT" and r["path"].endswith(path)]


def test_a_plain_text_503_organisation_offline_is_retried_and_the_write_lands() -> None:
    # xero-api-notes §7: 503 "The Organisation is offline" arrives as text/plain, not JSON.
    fault = {
        "method": "PUT",
        "path": "/Contacts$",
        "kind": "status",
        "status": 503,
        "body": "The Organisation is offline",
        "headers": {"content-type": "text/plain"},
    }
    outcome = run_syncs({"customers": CUSTOMERS}, faults=[fault])[0]
    assert outcome.report.status == "ok", outcome.report.message
    assert {str(c["id"]) for c in CUSTOMERS} <= outcome.mapped["contact"]
    assert [r["status"] for r in _puts(outcome, "/Contacts")] == [503, 200]


def test_an_xml_error_body_queues_the_records_with_xeros_own_message() -> None:
    xml = (
        '<ApiException xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        "<ErrorNumber>10</ErrorNumber><Type>ValidationException</Type>"
        "<Message>A validation exception occurred</Message><Elements><DataContractBase "
        'i:type="Contact"><ValidationErrors><ValidationError><Message>The contact name &amp; '
        "number are odd</Message></ValidationError></ValidationErrors></DataContractBase>"
        "</Elements></ApiException>"
    )
    fault = {
        "method": "PUT",
        "path": "/Contacts$",
        "kind": "status",
        "status": 400,
        "body": xml,
        "headers": {"content-type": "text/xml; charset=utf-8"},
    }
    outcome = run_syncs({"customers": ONE}, faults=[fault])[0]
    assert outcome.report.status == "failed_records", outcome.report.message
    [entry] = outcome.queued
    assert entry.shopify_id == CID and CID in entry.label
    assert "The contact name & number are odd" in entry.message
    assert "<" not in entry.message and not entry.retryable


def test_an_html_404_page_is_a_short_refusal_not_a_page_dump() -> None:
    page = "<!DOCTYPE html><html><head><title>404</title></head><body>" + "x" * 5000 + "</body>"
    fault = {
        "method": "PUT",
        "path": "/Contacts$",
        "kind": "status",
        "status": 404,
        "body": page,
        "headers": {"content-type": "text/html"},
    }
    outcome = run_syncs({"customers": ONE}, faults=[fault])[0]
    assert outcome.report.status == "failed_records", outcome.report.message
    [entry] = outcome.queued
    assert CID in entry.label and "html" not in entry.message.lower()
    assert len(entry.message) < 300


def test_a_200_whose_element_lacks_its_id_is_settled_next_run_never_duplicated() -> None:
    fault = {
        "method": "PUT",
        "path": "/Contacts$",
        "kind": "status",
        "status": 200,
        "body": {"Contacts": [{"Name": "Oliver Smith", "StatusAttributeString": "OK"}]},
    }
    first, second = run_syncs({"customers": ONE}, faults=[fault], runs=2)
    assert first.report.status == "failed_records", first.report.message
    [entry] = first.queued
    assert entry.retryable and "ContactID" in entry.message and CID in entry.message
    assert second.report.status == "ok", [q.message for q in second.queued]
    assert second.mapped["contact"] == {CID} and second.queued == []
    numbers = [c.get("ContactNumber") for c in second.xero["contacts"]]
    assert numbers.count(CID) == 1


def test_a_warning_element_is_saved_and_its_warning_recorded() -> None:
    element = {
        "ContactID": "0b2c3d4e-0000-4000-8000-000000000001",
        "ContactNumber": CID,
        "Name": "Oliver Smith",
        "StatusAttributeString": "WARNING",
        "Warnings": [{"Message": "Only AUTHORISED invoices may have SentToContact updated."}],
        "ValidationErrors": [],
    }
    fault = {
        "method": "PUT",
        "path": "/Contacts$",
        "kind": "status",
        "status": 200,
        "body": {"Contacts": [element]},
    }
    outcome = run_syncs({"customers": ONE}, faults=[fault])[0]
    assert outcome.report.status == "ok" and outcome.queued == []
    assert outcome.mapped["contact"] == {CID}
    assert any("SentToContact" in n and CID in n for n in outcome.report.notes)


def test_empty_arrays_for_null_objects_are_read_as_nothing() -> None:
    # Xero's JSON renders some absent objects and lists as [] (Addresses, Phones, PaymentTerms,
    # Balances on a new contact): the answer is still a saved contact.
    element = {
        "ContactID": "0b2c3d4e-0000-4000-8000-000000000002",
        "ContactNumber": CID,
        "Name": "Oliver Smith",
        "StatusAttributeString": "OK",
        "Addresses": [],
        "Phones": [],
        "ContactPersons": [],
        "PaymentTerms": [],
        "Balances": [],
        "ValidationErrors": [],
        "Warnings": [],
        "UpdatedDateUTC": "/Date(1790000000000+0000)/",
    }
    fault = {
        "method": "PUT",
        "path": "/Contacts$",
        "kind": "status",
        "status": 200,
        "body": {"Contacts": [element]},
    }
    outcome = run_syncs({"customers": ONE}, faults=[fault])[0]
    assert outcome.report.status == "ok", [q.message for q in outcome.queued]
    assert outcome.mapped["contact"] == {CID}


def test_a_200_with_an_xml_body_is_a_clear_refusal_not_a_crash() -> None:
    # Accept ignored somewhere on the way: a 200 in XML cannot be read as per-element results.
    fault = {
        "method": "PUT",
        "path": "/Contacts$",
        "kind": "status",
        "status": 200,
        "body": "<Response><Contacts><Contact><ContactID>x</ContactID></Contact></Contacts>"
        "</Response>",
        "headers": {"content-type": "text/xml"},
    }
    outcome = run_syncs({"customers": ONE}, faults=[fault])[0]
    assert outcome.report.status == "failed_records", outcome.report.message
    [entry] = outcome.queued
    assert "JSON" in entry.message and CID in entry.label


def test_a_plain_text_503_on_the_first_read_is_retried_and_the_import_completes() -> None:
    customers = copy.deepcopy(DEMO["shopify"]["customers"])
    fault = {
        "method": "GET",
        "path": "/Contacts$",
        "kind": "status",
        "status": 503,
        "body": "The Organisation is offline",
        "times": 1,
    }
    outcome = run_syncs({"customers": customers}, faults=[fault])[0]
    assert {str(c["id"]) for c in customers} <= outcome.mapped["contact"]
