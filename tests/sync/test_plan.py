"""The pure planner: create / skip / update by checksum, diffs, and matching linked records."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopxero.engine.plan import Action, Desired, payload_diff, plan_record, record_matches_payload
from shopxero.store.mappings import MappingRecord

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


def _desired(checksum: str = "c2", **payload: object) -> Desired:
    return Desired(
        entity="contact",
        shopify_id="1",
        natural_key="1",
        payload=dict(payload) or {"Name": "Jane"},
        checksum=checksum,
        label="customer 1",
    )


def test_unmapped_record_is_created() -> None:
    assert plan_record(_desired(), None).action is Action.CREATE


def test_unchanged_checksum_is_skipped() -> None:
    mapping = MappingRecord("contact", "1", "x-1", "1", checksum="c2")
    change = plan_record(_desired("c2"), mapping)
    assert change.action is Action.SKIP and change.xero_id == "x-1"


def test_changed_checksum_is_an_update_with_a_diff() -> None:
    mapping = MappingRecord(
        "contact", "1", "x-1", "1", checksum="c1", payload={"Name": "Jane", "EmailAddress": "a@x"}
    )
    change = plan_record(_desired("c2", Name="Jane", EmailAddress="b@x"), mapping)
    assert change.action is Action.UPDATE
    assert change.xero_id == "x-1"
    assert change.diff == {"EmailAddress": ("a@x", "b@x")}


def test_diff_treats_decimal_formatting_as_equal() -> None:
    assert payload_diff({"UnitPrice": Decimal("10.0")}, {"UnitPrice": Decimal("10.00")}) == {}
    assert payload_diff({"A": 1}, {"B": 2}) == {"A": (1, None), "B": (None, 2)}


def test_record_matches_payload_ignores_extra_fields_and_number_format() -> None:
    record = {
        "ContactID": "x",
        "Name": "Jane",
        "Addresses": [{"AddressType": "POBOX", "City": ""}, {"AddressType": "STREET", "City": "L"}],
        "SalesDetails": {"UnitPrice": 12.0, "AccountCode": "200"},
    }
    payload = {
        "Name": "Jane",
        "Addresses": [{"AddressType": "STREET", "City": "L"}],
        "SalesDetails": {"UnitPrice": Decimal("12.00"), "AccountCode": "200"},
    }
    assert record_matches_payload(payload, record)
    assert not record_matches_payload({**payload, "Name": "Janet"}, record)
    assert not record_matches_payload(
        {**payload, "Addresses": [{"AddressType": "STREET", "City": "Leeds"}]}, record
    )


def test_record_matches_payload_compares_xero_dates_by_day() -> None:
    record = {"Date": "/Date(1767225600000+0000)/"}  # 2026-01-01
    assert record_matches_payload({"Date": "2026-01-01"}, record)
    assert not record_matches_payload({"Date": "2026-01-02"}, record)


def test_bool_is_not_a_number() -> None:
    assert not record_matches_payload({"IsSold": True}, {"IsSold": 1})
