"""Find what already exists in Xero before creating anything ("link before create").

Contacts are found by ContactNumber, then email, then exact name (a contact the merchant made by
hand is linked, not duplicated; xero-api-notes §9 "Lookup order"); items by Code; invoices by
InvoiceNumber. On a first import (many unmapped records) whole lists are read — every contact
with pageSize=1000, every item in one call, the first page of 1,000 invoices (the whole list
when Xero holds fewer, else invoices by number 40 per call) — instead of one lookup per record.
Indexes are plain dicts of Xero's JSON records.

A run takes its orders in chunks (``run.engine``), so what one whole-list read showed is kept for
the run (``FirstPage``): the next chunk looks its numbers up in it rather than reading again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shopxero.engine.ports import XeroReader
from shopxero.xero.elements import where_writable

__all__ = [
    "BULK_THRESHOLD",
    "LOOKUP_CHUNK",
    "ContactIndex",
    "FirstPage",
    "KeyIndex",
    "by_page_or_numbers",
    "load_contacts",
    "load_invoices",
    "load_items",
    "norm",
]

# Above this many unmapped contacts, one paged read of all contacts is cheaper than up to three
# lookups per record.
BULK_THRESHOLD = 10
LOOKUP_CHUNK = 40  # numbers per InvoiceNumbers= call (xero-api-notes §5.1)
WHOLE_PAGE = 1000  # the largest page Xero serves (xero-api-notes §5.1)


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
    else one ``where`` ORs their numbers, emails and names (15 to a call).
    """
    index = ContactIndex()
    if not wanted:
        return index
    if bulk if bulk is not None else len(wanted) > BULK_THRESHOLD:
        async for record in xero.iter_contacts(page_size=1000):
            index.add(record)
        return index
    # One `where` ORs every key of every wanted contact. A value with a line break or NUL
    # cannot be written in a `where` clause; such a contact is only found by its number (the
    # create then meets Xero's own uniqueness rules).
    keys: list[tuple[str, str]] = []
    for number, email, name in wanted:
        if not where_writable(number):
            index.add_all([c for c in [await xero.get_contact_by_number(number)] if c])
        else:
            keys.append(("ContactNumber", number))
        if email and where_writable(email):
            keys.append(("EmailAddress", email))
        if where_writable(name):
            keys.append(("Name", name))
    if keys:
        index.add_all(await xero.find_contacts_any(keys))
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


@dataclass
class FirstPage:
    """What the first page of one whole list (invoices, credit notes) showed, kept for one run:
    ``records`` when the page was not full (every such record the organisation held when it was
    read), ``full`` when it was (look numbers up instead). Records this run creates are mapped as
    they land, so a later chunk only ever needs the ones that were there before: the same
    knowledge one read before all the creates gave when a run took every order at once."""

    records: list[dict[str, Any]] | None = None
    full: bool = False
    # More chunks follow: one page read serves them all, where look-ups by number would be
    # made again by each chunk, so the page is read even for 40 numbers or fewer.
    whole_first: bool = False


async def load_invoices(
    xero: XeroReader, numbers: list[str], *, known: FirstPage | None = None
) -> KeyIndex:
    """Invoices by InvoiceNumber: the ones Xero holds under ``numbers``, at the fewest reads
    (``by_page_or_numbers``; ``known``: what this run's first page showed)."""
    index = KeyIndex("InvoiceNumber")
    if numbers:
        index.add_all(
            await by_page_or_numbers(
                numbers,
                whole=lambda: xero.iter_invoices(page_size=WHOLE_PAGE),
                by_number=xero.get_invoices_by_number,
                known=known,
            )
        )
    return index


async def by_page_or_numbers(
    numbers: Sequence[str],
    *,
    whole: Callable[[], AsyncIterator[dict[str, Any]]],
    by_number: Callable[[Sequence[str]], Awaitable[list[dict[str, Any]]]],
    known: FirstPage | None = None,
) -> list[dict[str, Any]]:
    """Records that may carry ``numbers`` (invoices, credit notes), at the fewest reads.

    Up to 40 numbers are one look-up call (xero-api-notes §5.1). More would take one call per
    40, growing with the records to sync rather than with what Xero holds, so the first page of
    the whole list (1,000, the most a page takes) is read instead: when it is not full it is
    every such record in the organisation, and on a new organisation's first import that one
    call proves there is nothing to link. A full page falls back to the look-ups by number.
    The caller matches numbers and types in what comes back.

    ``known`` carries what an earlier call of the same run learnt (its page, or that the page was
    full) and is filled in by this one: a run that takes its orders in chunks reads the page once.
    """
    if known is not None and known.records is not None:
        wanted = {norm(n) for n in numbers}
        return [r for r in known.records if _number_of(r) in wanted]
    many = len(numbers) > LOOKUP_CHUNK or (known is not None and known.whole_first)
    if many and not (known is not None and known.full):
        page: list[dict[str, Any]] = []
        async for record in whole():
            page.append(record)
            if len(page) >= WHOLE_PAGE:
                break  # the next page is never asked for
        if len(page) < WHOLE_PAGE:
            if known is not None:
                known.records = page
            return page
        if known is not None:
            known.full = True
    return await by_number(numbers)


def _number_of(record: dict[str, Any]) -> str:
    return norm(record.get("InvoiceNumber") or record.get("CreditNoteNumber"))
