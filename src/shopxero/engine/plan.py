"""The planner: pure decisions per record (create / link / update / skip / conflict).

Inputs are the desired Xero payload (from the pure mapping, with its checksum) and what the state
DB remembers about the record; no IO, no clock. The engine turns ``PlannedChange``s into intents
and batched writes, and ``--dry-run`` prints them. Change detection is by checksum of exactly the
fields we send (docs/architecture.md, invariant 5): an unchanged record plans ``SKIP`` and costs no
Xero call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from shopxero.store.mappings import MappingRecord
from shopxero.xero.dates import parse_xero_date

__all__ = [
    "Action",
    "Desired",
    "PlannedChange",
    "payload_diff",
    "plan_record",
    "record_matches_payload",
]


class Action(StrEnum):
    CREATE = "create"
    LINK = "link"  # an existing Xero record is adopted; no write needed
    UPDATE = "update"
    SKIP = "skip"
    CONFLICT = "conflict"  # changed in Xero by a person and not rewritable: queued for review
    VOID = "void"  # an order's invoice voided (the order was cancelled before any money came)


@dataclass(frozen=True)
class Desired:
    """What one Shopify record should look like in Xero.

    ``entity`` is the Xero kind ("contact", "item", "invoice"); ``shopify_id`` the customer,
    variant or order id as text; ``natural_key`` the ContactNumber / Code / InvoiceNumber that
    Xero refuses to duplicate (docs/architecture.md, invariant 1); ``label`` names the record for
    people.
    """

    entity: str
    shopify_id: str
    natural_key: str
    payload: dict[str, Any]
    checksum: str
    label: str
    base_name: str | None = None
    chosen_name: str | None = None
    # The error-queue key when it differs from ``shopify_id`` (items: "product_id/variant_id",
    # so a retry knows which product to fetch again).
    queue_key: str = ""


@dataclass(frozen=True)
class PlannedChange:
    action: Action
    desired: Desired
    xero_id: str | None = None
    reason: str = ""
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    # Sent with the payload but not part of it (nor of its checksum): the LineItemIDs an update
    # keeps so Xero edits the lines in place instead of replacing them (xero-api-notes §6.3).
    payload_overrides: dict[str, Any] = field(default_factory=dict)
    # What a person reads about a planned payment, credit note or void of an order's life
    # (amount, account, number, total, paid out, allocated), as text; empty for other records.
    details: dict[str, str] = field(default_factory=dict)


def plan_record(desired: Desired, mapping: MappingRecord | None) -> PlannedChange:
    """Create when unmapped, skip when the checksum is unchanged, else update (with a diff)."""
    if mapping is None:
        return PlannedChange(Action.CREATE, desired, reason="not in Xero yet")
    if mapping.checksum == desired.checksum:
        return PlannedChange(Action.SKIP, desired, mapping.xero_id, reason="unchanged")
    return PlannedChange(
        Action.UPDATE,
        desired,
        mapping.xero_id,
        reason="changed in Shopify" if mapping.checksum else "linked record differs",
        diff=payload_diff(mapping.payload or {}, desired.payload),
    )


def payload_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Top-level fields whose value differs: name -> (old, new); missing is None."""
    changed: dict[str, tuple[Any, Any]] = {}
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if not _same(after, before):
            changed[key] = (before, after)
    return changed


def record_matches_payload(payload: Mapping[str, Any], record: Mapping[str, Any]) -> bool:
    """Whether a Xero record already holds every field of ``payload`` (extra fields allowed).

    Used when linking an existing record: an equal record is adopted without a write, so
    rebuilding the state DB does not rewrite the whole organisation. An AUTHORISED document that
    Xero holds as PAID is the one we sent: Xero moves it to PAID by itself once it is fully paid
    (xero-api-notes §6.3), and sending AUTHORISED again could not change that.
    """
    if payload.get("Status") == "AUTHORISED" and record.get("Status") == "PAID":
        payload = {k: v for k, v in payload.items() if k != "Status"}
    return _contains(record, payload)


def _contains(record: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping):
        if not isinstance(record, Mapping):
            return False
        return all(_contains(record.get(k), v) for k, v in wanted.items() if v is not None)
    if isinstance(wanted, list):
        if not isinstance(record, list):
            return False
        return all(any(_contains(r, w) for r in record) for w in wanted)
    return _same(wanted, record)


def _same(wanted: Any, actual: Any) -> bool:
    if isinstance(wanted, bool) != isinstance(actual, bool):
        return False  # True == 1 in Python, but not in a Xero payload
    if wanted == actual:
        return True
    if wanted is None or actual is None:
        return wanted in (None, "", []) and actual in (None, "", [])
    if isinstance(wanted, bool):
        return False
    number_a, number_b = _number(wanted), _number(actual)
    if number_a is not None and number_b is not None:
        return number_a == number_b
    if isinstance(wanted, str) and isinstance(actual, str):
        if actual.startswith("/Date(") or wanted.startswith("/Date("):
            return _same_date(wanted, actual)
        return wanted.strip() == actual.strip()
    return False


def _number(value: Any) -> Decimal | None:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return None


def _same_date(a: str, b: str) -> bool:
    try:
        da, db = _as_datetime(a), _as_datetime(b)
    except ValueError:
        return False
    return da is not None and db is not None and da.date() == db.date()


def _as_datetime(value: str) -> datetime | None:
    try:
        return parse_xero_date(value)
    except (ValueError, InvalidOperation):
        return None
