"""The one Xero contact for orders without a customer, made when the first such order needs it.

It belongs to the orders (only an order asks for it, and a rebuild relinks it); it goes through
the same link-before-create path as every contact, but is kept out of the customers' counts.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shopxero.engine.apply import apply_desired
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.linking import load_contacts
from shopxero.engine.plan import Desired
from shopxero.engine.run_report import NullProgress, RunReport

__all__ = [
    "GUEST_CONTACT_NUMBER",
    "GUEST_SHOPIFY_ID",
    "ensure_guest_contact",
    "guest_contact_desired",
]

GUEST_SHOPIFY_ID = "guest"
# The guest contact's ContactNumber: never a Shopify customer id (those are digits only).
GUEST_CONTACT_NUMBER = "SHOPIFY-GUEST"


def guest_contact_desired(name: str) -> Desired:
    """What the guest contact named ``name`` should look like in Xero (sync and rebuild)."""
    payload = {"Name": name, "ContactNumber": GUEST_CONTACT_NUMBER}
    return Desired(
        entity="contact",
        shopify_id=GUEST_SHOPIFY_ID,
        natural_key=GUEST_CONTACT_NUMBER,
        payload=payload,
        checksum=payload_checksum(payload),
        label=f"guest contact ({name})",
        base_name=name,
        chosen_name=name,
    )


async def ensure_guest_contact(ctx: RunContext) -> str | None:
    """The ContactID of the contact guest orders go to, created once (None if it failed)."""
    mapping = ctx.store.mappings.get("contact", GUEST_SHOPIFY_ID)
    if mapping is not None:
        return mapping.xero_id
    name = ctx.settings.guest_contact_name
    desired = guest_contact_desired(name)
    index = await load_contacts(ctx.xero, [(GUEST_CONTACT_NUMBER, None, name)], bulk=False)
    found = index.find(
        number=GUEST_CONTACT_NUMBER,
        email=None,
        name=name,
        is_claimed=lambda x: ctx.store.mappings.by_xero_id("contact", x) is not None,
    )
    links = {GUEST_SHOPIFY_ID: found[0]} if found else {}

    async def lookup_one(number: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await ctx.xero.get_contact_by_number(number)
        return result

    # The guest contact is not a Shopify customer: keep it out of the customers' counts and
    # progress bar, and say what happened in a note.
    side = replace(ctx, progress=NullProgress(), report=RunReport(started_at=ctx.started_at))
    side.report.run_id = ctx.report.run_id
    ids = await apply_desired(side, [desired], links, lookup_one=lookup_one)
    outcome = [o for o, n in side.report.counts["customers"].items() if n] or ["failed"]
    ctx.report.note(f"guest contact {name!r} for orders without a customer: {outcome[0]}")
    return ids.get(GUEST_SHOPIFY_ID)
