"""Linking rules: ContactNumber, then email, then exact name - never someone else's contact."""

from __future__ import annotations

import pytest

from shopxero.engine.linking import ContactIndex, KeyIndex

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


def _index(*records: dict[str, str]) -> ContactIndex:
    index = ContactIndex()
    index.add_all([{"ContactStatus": "ACTIVE", **r} for r in records])
    return index


def _never(_: str) -> bool:
    return False


def test_contact_number_wins_over_everything() -> None:
    index = _index(
        {"ContactID": "a", "Name": "Jane Smith", "EmailAddress": "jane@x"},
        {"ContactID": "b", "Name": "Other", "ContactNumber": "42"},
    )
    assert index.find(number="42", email="jane@x", name="Jane Smith", is_claimed=_never) == (
        index.by_number("42"),
        "number",
    )


def test_email_match_is_case_insensitive_and_skips_other_numbers_and_claimed() -> None:
    index = _index(
        {"ContactID": "a", "Name": "J", "EmailAddress": "Jane@X", "ContactNumber": "99"},
        {"ContactID": "b", "Name": "J2", "EmailAddress": "jane@x"},
        {"ContactID": "c", "Name": "J3", "EmailAddress": "jane@x"},
    )
    found = index.find(number="1", email="jane@x ", name="Nobody", is_claimed=lambda x: x == "b")
    assert found is not None and found[0]["ContactID"] == "c" and found[1] == "email"


def test_name_match_only_when_emails_do_not_disagree() -> None:
    index = _index({"ContactID": "a", "Name": "Jane  Smith", "EmailAddress": "other@x"})
    assert index.find(number="1", email="jane@x", name="jane smith", is_claimed=_never) is None
    assert index.find(number="1", email=None, name="Jane Smith", is_claimed=_never) is not None
    plain = _index({"ContactID": "b", "Name": "Jane Smith"})
    found = plain.find(number="1", email="jane@x", name="Jane Smith", is_claimed=_never)
    assert found is not None and found[1] == "name"


def test_archived_contacts_do_not_hold_names() -> None:
    index = _index({"ContactID": "a", "Name": "Jane", "ContactStatus": "ARCHIVED"})
    assert index.active_with_name("jane") == []
    assert index.find(number="1", email=None, name="Jane", is_claimed=_never) is None


def test_key_index_is_case_insensitive() -> None:
    items = KeyIndex("Code")
    items.add_all([{"ItemID": "i", "Code": "TEA-EARL-100"}, {"ItemID": "j", "Code": ""}])
    assert items.get("tea-earl-100") == {"ItemID": "i", "Code": "TEA-EARL-100"}
    assert len(items) == 1
