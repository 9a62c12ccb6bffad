"""Customers and mailing addresses in the GraphQL shape, from the REST records."""

from __future__ import annotations

from typing import Any

from shopxero.sandbox.shopify.graphql.context import Record, gid, legacy_id, split_tags, upper
from shopxero.sandbox.shopify.graphql.money import money

__all__ = ["customer_node", "mailing_address"]


def mailing_address(address: Any, owner: str) -> Record | None:
    """A REST address as a MailingAddress, its id as Shopify writes them
    (``gid://shopify/MailingAddress/N?model_name=...``); an order's addresses have no REST id, so
    ``owner`` (a number made from the order's id) stands in."""
    if not isinstance(address, dict):
        return None
    address_id = address.get("id")
    return {
        "__typename": "MailingAddress",
        "id": (
            f"{gid('MailingAddress', address_id)}?model_name=CustomerAddress"
            if address_id
            else f"{gid('MailingAddress', owner)}?model_name=Address"
        ),
        "firstName": address.get("first_name"),
        "lastName": address.get("last_name"),
        "name": address.get("name"),
        "company": address.get("company"),
        "address1": address.get("address1"),
        "address2": address.get("address2"),
        "city": address.get("city"),
        "province": address.get("province"),
        "provinceCode": address.get("province_code"),
        "country": address.get("country") or address.get("country_name"),
        "countryCodeV2": address.get("country_code"),
        "countryCode": address.get("country_code"),
        "zip": address.get("zip"),
        "phone": address.get("phone"),
        "latitude": address.get("latitude"),
        "longitude": address.get("longitude"),
    }


def _email_address(customer: Record) -> Record | None:
    email = customer.get("email")
    if not email:
        return None
    consent = customer.get("email_marketing_consent") or {}
    return {
        "emailAddress": email,
        "marketingState": upper(consent.get("state")) or "NOT_SUBSCRIBED",
        "marketingOptInLevel": upper(consent.get("opt_in_level")),
        "marketingUpdatedAt": consent.get("consent_updated_at"),
    }


def _phone_number(customer: Record) -> Record | None:
    phone = customer.get("phone")
    if not phone:
        return None
    consent = customer.get("sms_marketing_consent") or {}
    return {
        "phoneNumber": phone,
        "marketingState": upper(consent.get("state")) or "NOT_SUBSCRIBED",
        "marketingOptInLevel": upper(consent.get("opt_in_level")),
    }


def _display_name(customer: Record) -> str:
    name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    return name or str(customer.get("email") or customer.get("phone") or "")


def customer_node(customer: Record) -> Record:
    owner = str(customer["id"])
    addresses = [a for a in customer.get("addresses") or [] if isinstance(a, dict)]
    default = customer.get("default_address")
    currency = str(customer.get("currency") or "USD")
    return {
        "__typename": "Customer",
        "id": gid("Customer", customer["id"]),
        "legacyResourceId": legacy_id(customer),
        "firstName": customer.get("first_name"),
        "lastName": customer.get("last_name"),
        "displayName": _display_name(customer),
        "email": customer.get("email"),
        "phone": customer.get("phone"),
        "note": customer.get("note"),
        "state": upper(customer.get("state")) or "DISABLED",
        "verifiedEmail": bool(customer.get("verified_email")),
        "taxExempt": bool(customer.get("tax_exempt")),
        "taxExemptions": list(customer.get("tax_exemptions") or []),
        "tags": split_tags(customer.get("tags")),
        "createdAt": customer.get("created_at"),
        "updatedAt": customer.get("updated_at"),
        "multipassIdentifier": customer.get("multipass_identifier"),
        "defaultAddress": mailing_address(default, owner),
        "addresses": [mailing_address(a, owner) for a in addresses],
        "defaultEmailAddress": _email_address(customer),
        "defaultPhoneNumber": _phone_number(customer),
        "numberOfOrders": str(customer.get("orders_count") or 0),
        "amountSpent": money(customer.get("total_spent") or "0", currency),
    }
