"""Shopify customer -> Xero Contact (pure).

The natural key is ``ContactNumber = str(customer.id)`` (xero-api-notes §5.2;
docs/architecture.md, invariant 1). Xero also wants ``Name`` unique across active contacts
(xero-api-notes §6.1), and Shopify only requires a name, an email *or* a phone
(shopify-api-notes §5), so the name falls back step by step and two customers with the same name are
told apart by :func:`disambiguated_name` (the engine decides when).
"""

from __future__ import annotations

from shopxero.shopify.models import Address, Customer
from shopxero.translate.common import build, clean_text, fit
from shopxero.xero.models import (
    AddressType,
    PhoneType,
    XeroAddress,
    XeroContact,
    XeroPhone,
    is_acceptable_email,
)

__all__ = [
    "contact_base_name",
    "contact_from_customer",
    "disambiguated_name",
    "rejected_email",
]

_NAME_MAX = 255


def _company(c: Customer) -> str:
    addresses = [c.default_address] if c.default_address else []
    addresses += c.addresses
    for address in addresses:
        company = clean_text(address.company)
        if company:
            return company
    return ""


def contact_base_name(c: Customer) -> str:
    """First + last name, else the company of the default address, else email, else phone,
    else ``"Shopify customer {id}"``; whitespace collapsed, at most 255 characters."""
    full = clean_text(" ".join(part for part in (c.first_name, c.last_name) if part))
    for candidate in (full, _company(c), clean_text(c.email), clean_text(c.phone)):
        if candidate:
            return fit(candidate, _NAME_MAX)
    return f"Shopify customer {c.id}"


def disambiguated_name(base: str, customer_id: int) -> str:
    """``"Jane Smith (1234)"``: stable for a customer, distinct between customers, <= 255."""
    suffix = f" ({customer_id})"
    return fit(clean_text(base), _NAME_MAX - len(suffix)) + suffix


def rejected_email(c: Customer) -> str | None:
    """The customer's email when Xero would refuse it (so the contact goes without; the engine
    may note it), else None."""
    email = (c.email or "").strip()
    return email if email and not is_acceptable_email(email) else None


def _optional(value: str | None, limit: int) -> str | None:
    text = clean_text(value)
    return fit(text, limit) if text else None


def _address(a: Address, kind: AddressType) -> XeroAddress | None:
    lines = [clean_text(a.address1), clean_text(a.address2)]
    city, region, postal = clean_text(a.city), clean_text(a.province), clean_text(a.zip)
    country = clean_text(a.country) or clean_text(a.country_name)
    if len(country) > 50:
        country = clean_text(a.country_code)
    if not any((*lines, city, region, postal, country)):
        return None
    return XeroAddress(
        address_type=kind,
        address_line1=fit(lines[0], 500) or None,
        address_line2=fit(lines[1], 500) or None,
        city=fit(city, 255) or None,
        region=fit(region, 255) or None,
        # A postcode longer than Xero's 50 is junk; leave it out rather than cut it.
        postal_code=postal if postal and len(postal) <= 50 else None,
        country=fit(country, 50) or None,
    )


def _phone(number: str | None, kind: PhoneType) -> XeroPhone | None:
    text = clean_text(number)
    if not text or len(text) > 50:
        return None
    return XeroPhone(phone_type=kind, phone_number=text)


def contact_from_customer(c: Customer, *, name: str) -> XeroContact:
    """The Contact for a customer under the ``name`` the engine chose (see module docstring).

    Email only when Xero would accept it (:func:`rejected_email` tells which were dropped);
    Shopify's customer phone as MOBILE and the default address's phone as DEFAULT; the default
    address as both POBOX (postal, printed on invoices) and STREET.
    """
    email = (c.email or "").strip()
    phones = [
        p
        for p in (
            _phone(c.phone, PhoneType.MOBILE),
            _phone(c.default_address.phone if c.default_address else None, PhoneType.DEFAULT),
        )
        if p is not None
    ]
    addresses: list[XeroAddress] = []
    if c.default_address is not None:
        for kind in (AddressType.POBOX, AddressType.STREET):
            address = _address(c.default_address, kind)
            if address is not None:
                addresses.append(address)
    return build(
        XeroContact,
        entity="customer",
        source_id=c.id,
        contact_number=str(c.id),
        name=name,
        first_name=_optional(c.first_name, 255),
        last_name=_optional(c.last_name, 255),
        email_address=email if is_acceptable_email(email) else None,
        phones=phones,
        addresses=addresses,
    )
