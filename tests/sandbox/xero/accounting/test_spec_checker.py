"""The conformance checker itself can fail: it catches bodies and statuses the spec refuses."""

from __future__ import annotations

from types import ModuleType

import pytest


def test_a_conforming_body_passes(spec: ModuleType) -> None:
    body = {"Contacts": [{"ContactID": "5cc8cf28-567e-4d43-b287-687cfcaec47c", "Name": "Ada"}]}
    spec.validate_answer("GET", "/Contacts", 200, "application/json; charset=utf-8", body)


def test_a_bad_uuid_or_type_is_caught(spec: ModuleType) -> None:
    with pytest.raises(AssertionError, match="does not match the spec"):
        spec.validate_answer(
            "GET", "/Contacts", 200, "application/json", {"Contacts": [{"ContactID": "not-a-uuid"}]}
        )
    with pytest.raises(AssertionError, match="is not of type 'number'"):
        spec.validate_answer(
            "GET", "/Invoices/abc", 200, "application/json", {"Invoices": [{"Total": "12.00"}]}
        )


def test_undocumented_status_and_wrong_404_type_are_caught(spec: ModuleType) -> None:
    with pytest.raises(AssertionError, match="not in the spec"):
        spec.validate_answer("GET", "/Contacts", 418, "application/json", {})
    with pytest.raises(AssertionError):
        spec.validate_answer("GET", "/Contacts/x", 404, "application/json", {})
