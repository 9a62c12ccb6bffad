"""Find what already exists in Xero before creating anything ("link before create").

Contacts are found by ContactNumber, then email, then exact name (a contact the merchant made by
hand is linked, not duplicated; xero-api-notes §9 "Lookup order"); items by Code; invoices by
InvoiceNumber. On a first import (many unmapped records) whole lists are read — every contact
with pageSize=1000, every item in one call, invoices by number 40 per call — instead of one
lookup per record. Indexes are plain dicts of Xero's JSON records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from shopxero.engine.ports import XeroReader
from shopxero.xero.elements import where_writable

__all__ = [
    "BULK_THRESHOLD",
    "ContactIndex",
    "KeyIndex",
    "load_contacts",
    "load_invoices",
    "load_items",
    "norm",
]

# Above this many unmapped contacts, one paged read of all contacts is cheaper than up to three
# lookups per record.
BULK_THRESHOLD = 10


def norm(text: str | None) -> str:
    """Compare names, emails and codes as Xero does: case-insensitive, whitespace collapsed."""
    return " ".join((text or "").split()).casefold()


class ContactIndex:
    """Known Xero contacts by ContactNumber, email and name."""

    def __init__(self) -> None:
        self._by_id: dict[str, dict[str, Any]] = {}

    def add(self, record: dict[str, Any]) -> None:
        if record.get("ContactID"):
            self._by_id[str(record["ContactID"])] = record

    def add_all(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            self.add(record)

    def __len__(self) -> int:
        return len(self._by_id)

    def records(self) -> list[dict[str, Any]]:
        return list(self._by_id.values())

    def by_number(self, number: str) -> dict[str, Any] | None:
        for record in self._by_id.values():
            if norm(record.get("ContactNumber")) == norm(number):
                return record
        return None

    def active_with_name(self, name: str) -> list[dict[str, Any]]:
        wanted = norm(name)
        return [
            r
            for r in self._by_id.values()
            if norm(r.get("Name")) == wanted and r.get("ContactStatus", "ACTIVE") == "ACTIVE"
        ]

    def find(
        self,
        *,
        number: str,
        email: str | None,
        name: str,
        is_claimed: Callable[[str], bool],
    ) -> tuple[dict[str, Any], str] | None:
        """The contact to link and how it was found ("number", "email", "name"), or None.

        By email or name only a contact that carries no other ContactNumber and is not already
        mapped to another Shopify record qualifies; by name, also its email must not differ.
        """
        found = self.by_number(number)
        if found is not None:
            return found, "number"

        def free(record: dict[str, Any]) -> bool:
            other_number = norm(record.get("ContactNumber"))
            return other_number in ("", norm(number)) and not is_claimed(str(record["ContactID"]))

        if email:
            for record in self._by_id.values():
                if norm(record.get("EmailAddress")) == norm(email) and free(record):
                    return record, "email"
        for record in self.active_with_name(name):
            their_email = norm(record.get("EmailAddress"))
            if free(record) and (not their_email or not email or their_email == norm(email)):
                return record, "name"
        return None


class KeyIndex:
    """Known Xero records of one kind by a natural key (item Code, InvoiceNumber)."""

    def __init__(self, key_field: str) -> None:
        self.key_field = key_field
        self._by_key: dict[str, dict[str, Any]] = {}

    def add_all(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            key = norm(record.get(self.key_field))
            if key:
                self._by_key[key] = record

    def get(self, key: str) -> dict[str, Any] | None:
        return self._by_key.get(norm(key))

    def __len__(self) -> int:
        return len(self._by_key)


async def load_contacts(
    xero: XeroReader, wanted: list[tuple[str, str | None, str]], *, bulk: bool | None = None
) -> ContactIndex:
    """Contacts that may match ``wanted`` (ContactNumber, email, name) triples.

    ``bulk`` (default: more than BULK_THRESHOLD wanted) reads every contact, archived included;
    else up to three lookups per wanted contact.
    """
    index = ContactIndex()
    if not wanted:
        return index
    if bulk if bulk is not None else len(wanted) > BULK_THRESHOLD:
        async for record in xero.iter_contacts(page_size=1000):
            index.add(record)
        return index
    for number, email, name in wanted:
        by_number = await xero.get_contact_by_number(number)
        if by_number is not None:
            index.add(by_number)
            continue
        # A value with a line break or NUL cannot be written in a `where` clause; such a contact
        # is only found by its number (the create then meets Xero's own uniqueness rules).
        if email and where_writable(email):
            index.add_all(await xero.find_contacts(email=email))
        if where_writable(name):
            index.add_all(await xero.find_contacts(name=name))
    return index


async def load_items(xero: XeroReader, codes: list[str]) -> KeyIndex:
    """Items by Code: GET /Items is unpaged (xero-api-notes §5.1), so one call reads them all."""
    index = KeyIndex("Code")
    if not codes:
        return index
    if len(codes) == 1 and where_writable(codes[0]):
        index.add_all(await xero.list_items(code=codes[0]))
    else:
        index.add_all(await xero.list_items())
    return index


async def load_invoices(xero: XeroReader, numbers: list[str]) -> KeyIndex:
    """Invoices by InvoiceNumber, batched (the client asks 40 numbers per call,
    xero-api-notes §5.1)."""
    index = KeyIndex("InvoiceNumber")
    if numbers:
        index.add_all(await xero.get_invoices_by_number(numbers))
    return index
