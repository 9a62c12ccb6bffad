"""Loading a seed (the "xero" part) into an organisation, filling the IDs Xero would assign.

Contacts and items go through the same rules as API writes, so a seed cannot hold what Xero
would refuse; a bad seed record raises ``ValueError`` naming the record and Xero's message.
"""

from __future__ import annotations

import uuid
from typing import Any

from shopxero.sandbox.xero.accounting.contacts import save_contact
from shopxero.sandbox.xero.accounting.items import save_item
from shopxero.sandbox.xero.accounting.problems import ElementInvalid
from shopxero.sandbox.xero.accounting.state import XeroOrg, to_decimal_tree

__all__ = ["load_seed"]


def load_seed(org: XeroOrg, seed: dict[str, Any]) -> None:
    organisation = dict(seed.get("organisation") or {})
    organisation.setdefault("OrganisationID", str(uuid.uuid4()))
    organisation.setdefault("Name", "Sandbox Organisation")
    organisation.setdefault("BaseCurrency", "USD")
    org.organisation = organisation
    org.accounts = []
    for account in seed.get("accounts") or []:
        record = dict(account)
        record.setdefault("AccountID", str(uuid.uuid4()))
        record.setdefault("Status", "ACTIVE")
        record.setdefault("HasAttachments", False)
        record["UpdatedDateUTC"] = org.now()
        org.accounts.append(record)
    org.tax_rates = []
    for rate in seed.get("tax_rates") or []:
        record = to_decimal_tree(dict(rate))
        record.setdefault("Status", "ACTIVE")
        org.tax_rates.append(record)
    for index, contact in enumerate(seed.get("contacts") or []):
        element = dict(contact)
        wanted_id = element.pop("ContactID", None)
        try:
            record = save_contact(org, element, create_only=True)
        except ElementInvalid as exc:
            raise ValueError(f"seed contact #{index} ({contact.get('Name')!r}): {exc}") from exc
        if wanted_id:
            # Seeds may pin IDs (fixtures refer to them); the API itself never allows that.
            org.contacts.pop(record["ContactID"])
            record["ContactID"] = str(uuid.UUID(str(wanted_id)))
            org.contacts[record["ContactID"]] = record
    for index, item in enumerate(seed.get("items") or []):
        element = to_decimal_tree(dict(item))
        wanted_id = element.pop("ItemID", None)
        try:
            record = save_item(org, element, create_only=True, unitdp=4)
        except ElementInvalid as exc:
            raise ValueError(f"seed item #{index} ({item.get('Code')!r}): {exc}") from exc
        if wanted_id:
            org.items.pop(record["ItemID"])
            record["ItemID"] = str(uuid.UUID(str(wanted_id)))
            org.items[record["ItemID"]] = record
    org.history.clear()
