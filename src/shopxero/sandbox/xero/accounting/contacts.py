"""Contacts: create (PUT), create-or-update (POST), uniqueness and archive rules.

- Name is required, <= 255; unique among ACTIVE contacts, with Xero's exact message
  [xero-api-notes §6.1, spec example l.3962]. ContactNumber (<= 50) is unique across contacts.
- PUT only creates: an element that matches an existing contact by ContactID, ContactNumber or
  Name is an error [xero-api-notes §4]. POST updates the contact matched by ContactID, else by
  ContactNumber, else by Name (Xero's implicit matching, xero-api-notes §4 and §9), and otherwise
  creates.
- Omitted fields are preserved on update [xero-api-notes §6.1]; IsCustomer/IsSupplier are derived
  from invoices and cannot be set [xero-api-notes §6.1].
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shopxero.sandbox.xero.accounting.problems import ElementInvalid
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.accounting.validation import (
    Errors,
    check_length,
    optional_guid,
    optional_text,
)

__all__ = ["find_contact", "save_contact"]

# Writable text fields and their spec max lengths (Contact schema).
_TEXT_LIMITS: dict[str, int | None] = {
    "ContactNumber": 50,
    "AccountNumber": 50,
    "Name": 255,
    "FirstName": 255,
    "LastName": 255,
    "CompanyNumber": 50,
    "EmailAddress": 255,
    "TaxNumber": 50,
    "BankAccountDetails": None,
    "AccountsReceivableTaxType": None,
    "AccountsPayableTaxType": None,
    "DefaultCurrency": None,
    "SalesDefaultAccountCode": None,
    "PurchasesDefaultAccountCode": None,
    "XeroNetworkKey": None,
    "TaxNumberType": None,
}
# Structured fields stored as sent (their inner shapes are not what a shop sync exercises).
_STRUCTURED = (
    "Addresses",
    "Phones",
    "ContactPersons",
    "PaymentTerms",
    "SalesTrackingCategories",
    "PurchasesTrackingCategories",
)
_STATUSES = ("ACTIVE", "ARCHIVED", "GDPRREQUEST")
# An RFC 5322 dot-atom local part and a DNS domain, ASCII only.
_ATOM = r"[!#-'*+\-/-9=?A-Z^-~]+"
_EMAIL = re.compile(rf"^{_ATOM}(\.{_ATOM})*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_ADDRESS_LIMITS = {
    "AddressLine1": 500,
    "AddressLine2": 500,
    "AddressLine3": 500,
    "AddressLine4": 500,
    "City": 255,
    "Region": 255,
    "PostalCode": 50,
    "Country": 50,
    "AttentionTo": 255,
}
_PHONE_LIMITS = {"PhoneNumber": 50, "PhoneAreaCode": 10, "PhoneCountryCode": 20}


# Xero always answers with a STREET and a POBOX address and the four standard phones, empty when
# not given (spec examples for PUT/POST /Contacts: a request with only a MOBILE phone comes back
# with DEFAULT, DDI, FAX and MOBILE).
_ADDRESS_SLOTS = {
    "STREET": {"City": "", "Region": "", "PostalCode": "", "Country": ""},
    "POBOX": {"City": "", "Region": "", "PostalCode": "", "Country": ""},
}
_PHONE_SLOTS = {
    t: {"PhoneNumber": "", "PhoneAreaCode": "", "PhoneCountryCode": ""}
    for t in ("DEFAULT", "DDI", "FAX", "MOBILE")
}


def _padded(entries: Any, type_key: str, slots: dict[str, dict[str, str]]) -> list[Any]:
    given = [e for e in entries or [] if isinstance(e, dict)]
    by_type = {e.get(type_key): e for e in given}
    padded = [by_type.get(kind) or {type_key: kind, **blank} for kind, blank in slots.items()]
    return padded + [e for e in given if e.get(type_key) not in slots]


def _name_key(name: str) -> str:
    # Xero compares names ignoring case and surrounding blanks (its Name filter is
    # case-insensitive, xero-api-notes §5.2); "John Doe " and "john doe" collide.
    return " ".join(name.split()).casefold()


def find_contact(
    org: XeroOrg,
    *,
    contact_id: str | None = None,
    number: str | None = None,
    name: str | None = None,
    active_only_name: bool = True,
) -> dict[str, Any] | None:
    if contact_id:
        found = org.contacts.get(contact_id.lower())
        if found is not None:
            return found
    if number:
        for contact in org.contacts.values():
            if contact.get("ContactNumber") == number:
                return contact
    if name:
        key = _name_key(name)
        for contact in org.contacts.values():
            if active_only_name and contact["ContactStatus"] != "ACTIVE":
                continue
            if _name_key(contact["Name"]) == key:
                return contact
    return None


def _check_nested(element: Mapping[str, Any], errors: Errors) -> None:
    for key, limits in (("Addresses", _ADDRESS_LIMITS), ("Phones", _PHONE_LIMITS)):
        entries = element.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            errors.append(f"{key} must be a list.")
            continue
        for entry in entries:
            for field, limit in limits.items():
                value = entry.get(field)
                check_length(None if value is None else str(value), field, limit, errors)
    persons = element.get("ContactPersons")
    if isinstance(persons, list) and len(persons) > 5:
        # Xero keeps at most 5 contact persons [xero-api-notes §6.1].
        errors.append("A contact can have a maximum of 5 contact persons.")


def save_contact(
    org: XeroOrg, element: Mapping[str, Any], *, create_only: bool, path_id: str | None = None
) -> dict[str, Any]:
    """Validate and store one contact element; raise ``ElementInvalid`` with every problem."""
    errors: Errors = []
    contact_id = path_id or optional_guid(element, "ContactID", errors)
    values: dict[str, Any] = {}
    for key, limit in _TEXT_LIMITS.items():
        if key in element:
            text = optional_text(element, key, errors)
            if limit is not None:
                check_length(text, key if key != "Name" else "Contact name", limit, errors)
            values[key] = text
    _check_nested(element, errors)
    email = values.get("EmailAddress")
    if email and not _EMAIL.match(email):
        # "umlauts not supported" (spec Contact.EmailAddress, xero-api-notes §6.1): ASCII addresses
        # only.
        errors.append("Email address must be valid.")
    status = element.get("ContactStatus")
    if status is not None and status not in _STATUSES:
        errors.append(f"ContactStatus '{status}' is not valid.")
    for tax_key in ("AccountsReceivableTaxType", "AccountsPayableTaxType"):
        tax_type = values.get(tax_key)
        if tax_type and org.tax_rate(tax_type) is None:
            errors.append(f"The TaxType code {tax_type} does not exist.")

    existing: dict[str, Any] | None = None
    if contact_id:
        existing = org.contacts.get(contact_id)
        # IDs are allocated by Xero, never by the client [xero-api-notes §6.3, I-ns226].
        if existing is None:
            raise ElementInvalid(*errors, f"The contact with ID {contact_id} could not be found.")
        if create_only:
            raise ElementInvalid(*errors, "A contact with this ContactID already exists.")
    elif not create_only:
        existing = find_contact(
            org, number=values.get("ContactNumber") or None, name=values.get("Name") or None
        )

    name = values.get("Name") if "Name" in values else (existing or {}).get("Name")
    if not name or not str(name).strip():
        errors.append("The contact name must be specified.")
    else:
        clash = find_contact(org, name=name)
        new_status = status or (existing or {}).get("ContactStatus", "ACTIVE")
        if clash is not None and clash is not existing and new_status == "ACTIVE":
            errors.append(
                f"The contact name {name} is already assigned to another contact. "
                "The contact name must be unique across all active contacts."
            )
    number = values.get("ContactNumber")
    if number:
        clash = find_contact(org, number=number)
        if clash is not None and clash is not existing:
            errors.append(
                f"The contact number {number} is already assigned to another contact. "
                "The contact number must be unique."
            )
    if errors:
        raise ElementInvalid(*errors)

    record: dict[str, Any] = (
        dict(existing)
        if existing
        else {
            "ContactID": org.new_id(),
            "ContactStatus": "ACTIVE",
            "Addresses": [],
            "Phones": [],
            "ContactGroups": [],
            "ContactPersons": [],
            "HasAttachments": False,
            "HasValidationErrors": False,
        }
    )
    record.update(values)
    for key in _STRUCTURED:
        if key in element:
            record[key] = element[key]
    record["Addresses"] = _padded(record.get("Addresses"), "AddressType", _ADDRESS_SLOTS)
    record["Phones"] = _padded(record.get("Phones"), "PhoneType", _PHONE_SLOTS)
    if status is not None:
        record["ContactStatus"] = status
    record["Name"] = str(name).strip()
    record["UpdatedDateUTC"] = org.now()
    org.contacts[record["ContactID"]] = record
    if existing is None:
        org.record_history(record["ContactID"], "Created", f"Contact {record['Name']} created.")
    else:
        org.record_history(record["ContactID"], "Edited", f"Contact {record['Name']} updated.")
    return record
