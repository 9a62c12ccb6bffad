"""Contacts the sync itself needs, which are no Shopify customer: the guest contact of orders
without a customer, the "Shopify" contact of payouts' spend and receive money.

Each is found in Xero (by its ContactNumber, then its name) or made once, through the same
link-before-create path as every contact, but kept out of the customers' counts and progress bar;
what happened is said in one note.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shopxero.engine.apply import apply_desired
from shopxero.engine.context import RunContext
from shopxero.engine.linking import load_contacts
from shopxero.engine.plan import Desired
from shopxero.engine.run_report import NullProgress, RunReport

__all__ = ["ensure_own_contact"]


async def ensure_own_contact(ctx: RunContext, desired: Desired, *, note: str) -> str | None:
    """The ContactID of ``desired`` (a contact of the sync's own), linked or created; None if it
    failed. ``note`` names it in the run's note ("guest contact 'Shopify Guest' for …")."""
    name = str(desired.payload["Name"])
    number = desired.natural_key
    index = await load_contacts(ctx.xero, [(number, None, name)], bulk=False)
    found = index.find(
        number=number,
        email=None,
        name=name,
        is_claimed=lambda x: ctx.store.mappings.by_xero_id("contact", x) is not None,
    )
    links = {desired.shopify_id: found[0]} if found else {}

    async def lookup_one(key: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await ctx.xero.get_contact_by_number(key)
        return result

    side = replace(ctx, progress=NullProgress(), report=RunReport(started_at=ctx.started_at))
    side.report.run_id = ctx.report.run_id
    ids = await apply_desired(side, [desired], links, lookup_one=lookup_one)
    outcome = [o for o, n in side.report.counts["customers"].items() if n] or ["failed"]
    ctx.report.note(f"{note}: {outcome[0]}")
    return ids.get(desired.shopify_id)
