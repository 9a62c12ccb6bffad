"""The one Xero contact for orders without a customer, made when the first such order needs it.

It belongs to the orders (only an order asks for it, and a rebuild relinks it); it goes through
the same link-before-create path as every contact, but is kept out of the customers' counts.
"""

from __future__ import annotations

from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.own_contact import ensure_own_contact
from shopxero.engine.plan import Desired

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
    return await ensure_own_contact(
        ctx,
        guest_contact_desired(name),
        note=f"guest contact {name!r} for orders without a customer",
    )
