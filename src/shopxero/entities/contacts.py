"""Customers -> Xero Contacts (the guest contact for orders without one: ``orders.guest_contact``).

Names: Xero wants a contact name unique across active contacts (xero-api-notes §6.1). A customer
keeps the name chosen for it on its first sync (stored in the mapping) while its base name is
unchanged; a base name already held by another Shopify customer or an unrelated Xero contact becomes
``disambiguated_name`` ("Jane Smith (1234)"), stable across runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shopxero.engine.apply import apply_desired, parse_or_queue, queue_record_error, with_name
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.conflicts import check_contact_edits
from shopxero.engine.context import RunContext
from shopxero.engine.linking import ContactIndex, load_contacts, norm
from shopxero.engine.plan import Desired
from shopxero.errors import MappingError
from shopxero.shopify.models import Customer, parse_customer
from shopxero.store.mappings import MappingRecord
from shopxero.translate import (
    contact_base_name,
    contact_from_customer,
    disambiguated_name,
    rejected_email,
)

__all__ = ["sync_customers"]


_RESOURCE = "customers"


def _label(c: Customer, name: str) -> str:
    return f"customer {c.id} ({name})"


async def sync_customers(ctx: RunContext, raws: Sequence[dict[str, Any]]) -> None:
    customers = parse_or_queue(ctx, _RESOURCE, raws, parse_customer)
    customers.sort(key=lambda c: c.id)
    mapped = ctx.store.mappings.many("contact", [str(c.id) for c in customers])
    unmapped = [c for c in customers if str(c.id) not in mapped]
    links = _Links(ctx, await _contacts_in_xero(ctx, unmapped))
    names_in_use = ctx.store.mappings.names_in_use()
    desireds: list[Desired] = []
    # One pass in customer id order: a name chosen for one customer is taken for the next.
    for c in customers:
        base = contact_base_name(c)
        mapping = mapped.get(str(c.id))
        link_id = links.link(c, base) if mapping is None else None
        name = _contact_name(
            c, base, mapping, names_in_use=names_in_use, index=links.index, link_id=link_id
        )
        names_in_use[norm(name)] = str(c.id)
        desired = _desired_contact(ctx, c, base=base, name=name)
        if desired is not None:
            desireds.append(desired)
    await _apply_contacts(ctx, desireds, links)


async def _contacts_in_xero(ctx: RunContext, unmapped: list[Customer]) -> ContactIndex:
    """The Xero contacts the unmapped customers may be linked to (by number, email or name);
    nothing is read when every customer is mapped."""
    if not unmapped:
        return ContactIndex()
    return await load_contacts(
        ctx.xero,
        [(str(c.id), (c.email or "").strip() or None, contact_base_name(c)) for c in unmapped],
        bulk=None if ctx.store.mappings.count("contact") else len(unmapped) > 1,
    )


@dataclass
class _Links:
    """The existing Xero contacts that unmapped customers adopt instead of creating a duplicate:
    ``records`` and ``how`` (found by number, email or name) by Shopify id, for
    ``apply_desired``; a contact is linked to one customer at most (``claimed``)."""

    ctx: RunContext
    index: ContactIndex
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)

    def _is_claimed(self, xero_id: str) -> bool:
        return (
            xero_id in self.claimed
            or self.ctx.store.mappings.by_xero_id("contact", xero_id) is not None
        )

    def link(self, c: Customer, base: str) -> str | None:
        """The id of the Xero contact the unmapped customer ``c`` adopts, if any."""
        found = self.index.find(
            number=str(c.id),
            email=(c.email or "").strip() or None,
            name=base,
            is_claimed=self._is_claimed,
        )
        if found is None:
            return None
        record, how = found
        link_id = str(record["ContactID"])
        self.claimed.add(link_id)
        self.records[str(c.id)] = record
        self.how[str(c.id)] = how
        return link_id


def _contact_name(
    c: Customer,
    base: str,
    mapping: MappingRecord | None,
    *,
    names_in_use: dict[str, str],
    index: ContactIndex,
    link_id: str | None,
) -> str:
    """The Xero name for ``c``: the one chosen on its first sync while its base name is
    unchanged; else its base name, disambiguated when another Shopify customer or an active
    Xero contact other than the one it links to already holds it."""
    if mapping and mapping.chosen_name and mapping.base_name in (None, base):
        return mapping.chosen_name
    owner = names_in_use.get(norm(base))
    xero_holders = [r for r in index.active_with_name(base) if str(r["ContactID"]) != link_id]
    taken = (owner is not None and owner != str(c.id)) or bool(xero_holders)
    return disambiguated_name(base, c.id) if taken else base


def _desired_contact(ctx: RunContext, c: Customer, *, base: str, name: str) -> Desired | None:
    """The contact ``c`` should be in Xero; None (queued) when it cannot be mapped. An email
    Xero would refuse is left out of the contact, which the report says."""
    sid = str(c.id)
    try:
        payload = contact_from_customer(c, name=name).to_payload()
    except MappingError as exc:
        queue_record_error(ctx, _RESOURCE, sid, str(exc))
        return None
    bad_email = rejected_email(c)
    if bad_email:
        ctx.report.note(
            f"customer {c.id}: email {bad_email!r} is not accepted by Xero; "
            "the contact is synced without it"
        )
    return Desired(
        entity="contact",
        shopify_id=sid,
        natural_key=sid,
        payload=payload,
        checksum=payload_checksum(payload),
        label=_label(c, name),
        base_name=base,
        chosen_name=name,
    )


def _renamed(desired: Desired) -> Desired:
    """``desired`` under its disambiguated name (Xero said the name is taken)."""
    return with_name(
        desired, disambiguated_name(desired.base_name or desired.label, int(desired.shopify_id))
    )


async def _apply_contacts(ctx: RunContext, desireds: list[Desired], links: _Links) -> None:
    async def lookup_one(number: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await ctx.xero.get_contact_by_number(number)
        return result

    await apply_desired(
        ctx,
        desireds,
        links.records,
        lookup_one=lookup_one,
        check_conflicts=lambda updates: check_contact_edits(ctx, updates),
        rename=_renamed,
        link_how=links.how,
    )
