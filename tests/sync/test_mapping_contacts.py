"""Customer -> Contact: name fallbacks, disambiguation, email/phone/address rules."""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.shopify.models import Customer, parse_customer
from shopxero.translate import (
    contact_base_name,
    contact_from_customer,
    disambiguated_name,
    rejected_email,
)

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


def _customer(**fields: Any) -> Customer:
    return parse_customer({"id": 1234, **fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"first_name": "Jane", "last_name": "Smith"}, "Jane Smith"),
        ({"first_name": "  Jane ", "last_name": None}, "Jane"),
        ({"first_name": None, "last_name": "Smith"}, "Smith"),
        ({"first_name": "Mary\nAnn", "last_name": "  Lee  "}, "Mary Ann Lee"),
        ({"default_address": {"company": "Acme Ltd"}, "email": "a@b.co"}, "Acme Ltd"),
        ({"addresses": [{"company": "Other Co"}], "email": "a@b.co"}, "Other Co"),
        ({"first_name": "", "email": "jane@example.com", "phone": "+441"}, "jane@example.com"),
        ({"phone": "+447700900123"}, "+447700900123"),
        ({}, "Shopify customer 1234"),
        ({"first_name": "   ", "last_name": ""}, "Shopify customer 1234"),
        ({"first_name": "山田", "last_name": "太郎"}, "山田 太郎"),
        ({"first_name": "Zoë", "last_name": "Ångström"}, "Zoë Ångström"),
    ],
)
def test_base_name_fallbacks(fields: dict[str, Any], expected: str) -> None:
    """Name, else company, else email, else phone, else the customer id
    (shopify-api-notes §8 #6)."""
    assert contact_base_name(_customer(**fields)) == expected


def test_long_name_is_cut_to_255_with_an_ellipsis() -> None:
    """Xero's Name limit is 255 (xero-api-notes §6.1)."""
    name = contact_base_name(_customer(first_name="A" * 200, last_name="B" * 200))
    assert len(name) == 255 and name.endswith("…") and name.startswith("A" * 200 + " ")


def test_two_same_name_customers_get_different_stable_names() -> None:
    """Disambiguation uses the customer id: distinct between customers, same on every run."""
    first = disambiguated_name("Jane Smith", 1001)
    second = disambiguated_name("Jane Smith", 1002)
    assert first == "Jane Smith (1001)" and second == "Jane Smith (1002)"
    assert disambiguated_name("Jane Smith", 1001) == first


def test_disambiguated_long_name_keeps_the_id_and_fits() -> None:
    """The id suffix survives truncation, so two long same-name customers still differ."""
    base = "N" * 255
    one, two = disambiguated_name(base, 7), disambiguated_name(base, 8)
    assert len(one) == 255 and one.endswith("… (7)") and one != two


def test_contact_from_full_customer() -> None:
    """ContactNumber is the customer id (xero-api-notes §5.2); phones and both address types
    filled."""
    customer = _customer(
        first_name="Bob",
        last_name="Norman",
        email="bob.norman@mail.example.com",
        phone="+16136120707",
        default_address={
            "address1": "Chestnut Street 92",
            "address2": "",
            "city": "Louisville",
            "province": "Kentucky",
            "country": "United States",
            "zip": "40202",
            "phone": "555-625-1199",
        },
    )
    payload = contact_from_customer(customer, name="Bob Norman").to_payload()
    street = {
        "AddressLine1": "Chestnut Street 92",
        "City": "Louisville",
        "Region": "Kentucky",
        "PostalCode": "40202",
        "Country": "United States",
    }
    assert payload == {
        "ContactNumber": "1234",
        "Name": "Bob Norman",
        "FirstName": "Bob",
        "LastName": "Norman",
        "EmailAddress": "bob.norman@mail.example.com",
        "Addresses": [{"AddressType": "POBOX", **street}, {"AddressType": "STREET", **street}],
        "Phones": [
            {"PhoneType": "MOBILE", "PhoneNumber": "+16136120707"},
            {"PhoneType": "DEFAULT", "PhoneNumber": "555-625-1199"},
        ],
    }


def test_minimal_customer_is_just_number_and_name() -> None:
    """No email, phone or address: nothing empty is sent."""
    payload = contact_from_customer(_customer(), name="Shopify customer 1234").to_payload()
    assert payload == {"ContactNumber": "1234", "Name": "Shopify customer 1234"}


@pytest.mark.parametrize("email", ["zoë@example.com", "broken@", "two words@example.com"])
def test_email_xero_would_refuse_is_left_out_and_reported(email: str) -> None:
    """The contact still syncs; ``rejected_email`` lets the engine note what was dropped."""
    customer = _customer(first_name="Zoë", email=email)
    assert "EmailAddress" not in contact_from_customer(customer, name="Zoë").to_payload()
    assert rejected_email(customer) == email
    assert rejected_email(_customer(email="ok@example.com")) is None
    assert rejected_email(_customer()) is None


def test_overlong_phone_and_postcode_are_dropped_not_cut() -> None:
    """A 51-char phone number or postcode is junk, and cutting it would make wrong data."""
    customer = _customer(phone="1" * 51, default_address={"zip": "9" * 51, "city": "Leeds"})
    payload = contact_from_customer(customer, name="X").to_payload()
    assert "Phones" not in payload
    assert payload["Addresses"][0] == {"AddressType": "POBOX", "City": "Leeds"}


def test_long_country_falls_back_to_the_code() -> None:
    """Xero's Country field holds 50 characters."""
    customer = _customer(default_address={"country": "C" * 60, "country_code": "GB"})
    assert contact_from_customer(customer, name="X").to_payload()["Addresses"][0]["Country"] == "GB"


def test_a_name_xero_would_refuse_is_a_mapping_error_naming_the_customer() -> None:
    """The engine's chosen name still passes through the model's limits."""
    with pytest.raises(MappingError) as caught:
        contact_from_customer(_customer(), name="x" * 300)
    assert caught.value.entity == "customer" and caught.value.source_id == "1234"
    assert caught.value.field == "xero.Name"
