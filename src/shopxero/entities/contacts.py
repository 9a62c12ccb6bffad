"""Customers -> Xero Contacts (the guest contact for orders without one: ``orders.guest_contact``).

Names: Xero wants a contact name unique across active contacts (xero-api-notes §6.1). A customer
keeps the name chosen for it on its first sync (stored in the mapping) while its base name is
unchanged; a base name already held by another Shopify customer or an unrelated Xero contact becomes
``disambiguated_name`` ("Jane Smith (1234)"), stable across runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shopxero.engine.apply import apply_desired, parse_or_queue, queue_record_error, with_name
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.conflicts import check_contact_edits
from shopxero.engine.context import RunContext
from shopxero.engine.linking import ContactIndex, load_contacts, norm
from shopxero.engine.plan import Desired
from shopxero.errors import MappingError
from shopxero.shopify.models import Customer, parse_customer
from shopxero.translate import (
    contact_base_name,
    contact_from_customer,
    disambiguated_name,
    rejected_email,
)

__all__ = ["sync_customers"]


def _label(c: Customer, name: str) -> str:
    return f"customer {c.id} ({name})"


async def sync_customers(ctx: RunContext, raws: Sequence[dict[str, Any]]) -> None:
    resource = "customers"
    customers = parse_or_queue(ctx, resource, raws, parse_customer)
    customers.sort(key=lambda c: c.id)
    store = ctx.store
    mapped = store.mappings.many("contact", [str(c.id) for c in customers])
    unmapped = [c for c in customers if str(c.id) not in mapped]
    index = ContactIndex()
    if unmapped:
        index = await load_contacts(
            ctx.xero,
            [(str(c.id), (c.email or "").strip() or None, contact_base_name(c)) for c in unmapped],
            bulk=None if store.mappings.count("contact") else len(unmapped) > 1,
        )

    names_in_use = store.mappings.names_in_use()
    links: dict[str, dict[str, Any]] = {}
    link_how: dict[str, str] = {}
    claimed: set[str] = set()

    def is_claimed(xero_id: str) -> bool:
        return xero_id in claimed or store.mappings.by_xero_id("contact", xero_id) is not None

    desireds: list[Desired] = []
    for c in customers:
        sid = str(c.id)
        base = contact_base_name(c)
        mapping = mapped.get(sid)
        link_id: str | None = None
        if mapping is None:
            found = index.find(
                number=sid, email=(c.email or "").strip() or None, name=base, is_claimed=is_claimed
            )
            if found is not None:
                record, how = found
                link_id = str(record["ContactID"])
                claimed.add(link_id)
                links[sid] = record
                link_how[sid] = how
        if mapping and mapping.chosen_name and mapping.base_name in (None, base):
            name = mapping.chosen_name
        else:
            owner = names_in_use.get(norm(base))
            xero_holders = [
                r for r in index.active_with_name(base) if str(r["ContactID"]) != link_id
            ]
            taken = (owner is not None and owner != sid) or bool(xero_holders)
            name = disambiguated_name(base, c.id) if taken else base
        names_in_use[norm(name)] = sid
        try:
            payload = contact_from_customer(c, name=name).to_payload()
        except MappingError as exc:
            queue_record_error(ctx, resource, sid, str(exc))
            continue
        bad_email = rejected_email(c)
        if bad_email:
            ctx.report.note(
                f"customer {c.id}: email {bad_email!r} is not accepted by Xero; "
                "the contact is synced without it"
            )
        desireds.append(
            Desired(
                entity="contact",
                shopify_id=sid,
                natural_key=sid,
                payload=payload,
                checksum=payload_checksum(payload),
                label=_label(c, name),
                base_name=base,
                chosen_name=name,
            )
        )

    def rename(desired: Desired) -> Desired:
        return with_name(
            desired, disambiguated_name(desired.base_name or desired.label, int(desired.shopify_id))
        )

    async def lookup_one(number: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await ctx.xero.get_contact_by_number(number)
        return result

    await apply_desired(
        ctx,
        desireds,
        links,
        lookup_one=lookup_one,
        check_conflicts=lambda updates: check_contact_edits(ctx, updates),
        rename=rename,
        link_how=link_how,
    )
