"""Plan, link and write one entity's desired records: the part every entity shares.

Given the desired payloads of a step (contacts, items or invoices) and the Xero records found by
linking, this decides per record (create / link / update / skip), checks updates for conflicts
(docs/architecture.md, invariant 5), records the dry-run plan or sends the writes, and counts
outcomes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.entity_specs import spec
from shopxero.engine.error_queue import queue_error
from shopxero.engine.plan import Action, Desired, PlannedChange, plan_record, record_matches_payload
from shopxero.engine.writer import queue_failure, record_mapping, send_changes
from shopxero.errors import MappingError

__all__ = [
    "ConflictCheck",
    "LookupOne",
    "Renamer",
    "apply_desired",
    "is_placeholder",
    "new_placeholder",
]

# Looks one natural key up in Xero (after a duplicate-key refusal).
LookupOne = Callable[[str], Awaitable[dict[str, Any] | None]]
# Splits planned updates into (send, conflicts-to-queue-with-reason).
ConflictCheck = Callable[
    [list[PlannedChange]], Awaitable[tuple[list[PlannedChange], list[tuple[PlannedChange, str]]]]
]
# Gives a contact refused for its name another (stable) name.
Renamer = Callable[[Desired], Desired]


def new_placeholder(entity: str, natural_key: str) -> str:
    """What a dry run calls a record it would create, in place of its (not yet known) Xero id:
    ``(new invoice SHOP-1001)``."""
    return f"(new {entity} {natural_key})"


def is_placeholder(xero_id: str) -> bool:
    """Whether ``xero_id`` is a dry run's ``new_placeholder``, not an id Xero gave."""
    return xero_id.startswith("(new ")


async def apply_desired(
    ctx: RunContext,
    desireds: Sequence[Desired],
    links: dict[str, dict[str, Any]],
    *,
    lookup_one: LookupOne,
    check_conflicts: ConflictCheck | None = None,
    rename: Renamer | None = None,
    link_how: dict[str, str] | None = None,
) -> dict[str, str]:
    """Apply ``desireds`` of one entity; returns shopify_id -> Xero id for every record in Xero.

    ``links`` maps an unmapped record's shopify_id to the existing Xero record to adopt.
    """
    if not desireds:
        return {}
    entity = desireds[0].entity
    resource = spec(entity).resource
    id_field = spec(entity).id_field
    report = ctx.report
    mappings = ctx.store.mappings.many(entity, [d.shopify_id for d in desireds])
    creates: list[PlannedChange] = []
    updates: list[PlannedChange] = []
    linked: list[tuple[Desired, dict[str, Any], bool]] = []  # (desired, record, equal)
    plan: list[PlannedChange] = []
    in_xero: dict[str, str] = {}
    still_queued: set[str] = set()
    for desired in desireds:
        mapping = mappings.get(desired.shopify_id)
        if mapping is None and desired.shopify_id in links:
            record = links[desired.shopify_id]
            xero_id = str(record[id_field])
            equal = record_matches_payload(desired.payload, record)
            how = (link_how or {}).get(desired.shopify_id, "natural key")
            linked.append((desired, record, equal))
            plan.append(PlannedChange(Action.LINK, desired, xero_id, reason=f"found by {how}"))
            in_xero[desired.shopify_id] = xero_id
            if not equal:
                updates.append(
                    PlannedChange(
                        Action.UPDATE, desired, xero_id, reason=f"linked (by {how}) record differs"
                    )
                )
            continue
        change = plan_record(desired, mapping)
        if change.action in (Action.CREATE, Action.UPDATE) and _still_refused(ctx, desired):
            # Refused before with exactly this payload, for a reason only a person can fix:
            # sending it again costs a call and changes nothing (``errors retry`` does resend).
            change = PlannedChange(
                Action.SKIP, desired, change.xero_id, reason="unchanged since it was queued"
            )
            still_queued.add(desired.shopify_id)
        if change.action is Action.CREATE:
            creates.append(change)
        elif change.action is Action.UPDATE:
            updates.append(change)
        if change.xero_id:
            in_xero[desired.shopify_id] = change.xero_id
        plan.append(change)

    if creates or updates:
        # The first write of a run waits for the tax/account preflight (sync.preflight, via
        # OrgDataLoader.get: cached, so at most once per run); a broken mapping stops the run
        # with a ConfigError before contacts are written, not only before invoices.
        await ctx.org.get()
    linked_ids = {d.shopify_id for d, _, _ in linked}
    regular = [u for u in updates if u.desired.shopify_id not in linked_ids]
    conflicts: list[tuple[PlannedChange, str]] = []
    if regular and check_conflicts is not None:
        allowed, conflicts = await check_conflicts(regular)
        updates = [u for u in updates if u.desired.shopify_id in linked_ids] + allowed

    for change, reason in conflicts:
        plan.append(PlannedChange(Action.CONFLICT, change.desired, change.xero_id, reason=reason))

    skips = sum(1 for c in plan if c.action is Action.SKIP)
    if not ctx.dry_run:
        # A queued record that turns out to be in step with Xero needs nothing more.
        with ctx.store.atomic():
            for c in plan:
                if c.action is Action.SKIP and c.desired.shopify_id not in still_queued:
                    ctx.store.errors.resolve_for(
                        resource,
                        c.desired.queue_key or c.desired.shopify_id,
                        resolution="in step with Xero",
                        now=ctx.now(),
                    )
    report.count(resource, "unchanged", skips)
    ctx.progress.advance(resource, skips)

    if ctx.dry_run:
        for desired in desireds:
            ctx.planned[(entity, desired.shopify_id)] = in_xero.get(
                desired.shopify_id, new_placeholder(entity, desired.natural_key)
            )
            if entity == "item":
                ctx.planned_codes[desired.shopify_id] = desired.natural_key
        report.plan.setdefault(resource, []).extend(c for c in plan if c.action is not Action.SKIP)
        report.plan[resource].extend(u for u in updates if u.desired.shopify_id in linked_ids)
        report.count(resource, "created", len(creates))
        report.count(
            resource,
            "updated",
            len(updates) - len(linked_ids & {u.desired.shopify_id for u in updates}),
        )
        report.count(resource, "linked", len(linked))
        report.count(resource, "failed", len(conflicts))
        ctx.progress.advance(resource, len(plan) - skips)
        return in_xero

    with ctx.store.atomic():
        for desired, record, equal in linked:
            record_mapping(ctx, desired, record, checksum=desired.checksum if equal else None)
        for change, reason in conflicts:
            queue_failure(
                ctx,
                change.desired,
                operation="update",
                error_class="Conflict",
                message=f"{change.desired.label}: {reason}",
                retryable=False,
                xero_id=change.xero_id,
            )
    report.count(resource, "linked", len(linked))
    report.count(resource, "failed", len(conflicts))
    ctx.progress.advance(resource, len(linked) - sum(1 for _, _, e in linked if not e))
    ctx.progress.advance(resource, len(conflicts))

    created = await send_changes(ctx, creates)
    report.count(resource, "created", len(created.ok))
    report.count(resource, "failed", len(created.failed))
    for change, record in created.ok:
        in_xero[change.desired.shopify_id] = str(record[id_field])
    ctx.progress.advance(resource, len(created.ok) + len(created.failed))

    # Refused as a duplicate natural key: it exists, so link it (and update if it differs).
    for change in created.duplicates:
        found = await lookup_one(change.desired.natural_key)
        if found is None:
            with ctx.store.atomic():
                queue_failure(
                    ctx,
                    change.desired,
                    operation="create",
                    error_class="ValidationError",
                    message=f"{change.desired.label}: Xero says {change.desired.natural_key} "
                    "exists but it cannot be found",
                    retryable=True,
                )
            report.count(resource, "failed")
            continue
        equal = record_matches_payload(change.desired.payload, found)
        with ctx.store.atomic():
            record_mapping(
                ctx, change.desired, found, checksum=change.desired.checksum if equal else None
            )
        xero_id = str(found[id_field])
        in_xero[change.desired.shopify_id] = xero_id
        report.count(resource, "linked")
        if not equal:
            updates.append(PlannedChange(Action.UPDATE, change.desired, xero_id, reason="linked"))
            linked_ids.add(change.desired.shopify_id)
        ctx.progress.advance(resource, 1 if equal else 0)

    # Refused for an (unknown to us) name clash: one more try under a disambiguated name.
    if created.name_clashes:
        retry = [
            PlannedChange(Action.CREATE, rename(c.desired) if rename else c.desired)
            for c in created.name_clashes
        ]
        again = await send_changes(ctx, retry)
        for change, record in again.ok:
            in_xero[change.desired.shopify_id] = str(record[id_field])
        report.count(resource, "created", len(again.ok))
        report.count(resource, "failed", len(again.failed) + len(again.duplicates))
        for change in [*again.name_clashes, *again.duplicates]:
            with ctx.store.atomic():
                queue_failure(
                    ctx,
                    change.desired,
                    operation="create",
                    error_class="ValidationError",
                    message=f"{change.desired.label}: the contact name "
                    f"{change.desired.payload.get('Name')!r} is taken in Xero",
                    retryable=False,
                )
        report.count(resource, "failed", len(again.name_clashes))
        ctx.progress.advance(resource, len(retry))

    updated = await send_changes(ctx, updates)
    for change, _record in updated.ok:
        if change.desired.shopify_id in linked_ids:
            continue  # counted as linked
        report.count(resource, "updated")
    report.count(resource, "failed", len(updated.failed))
    ctx.progress.advance(resource, len(updated.ok) + len(updated.failed))
    return in_xero


def _still_refused(ctx: RunContext, desired: Desired) -> bool:
    if ctx.retrying:
        return False
    entry = ctx.store.errors.open_for(
        spec(desired.entity).resource, desired.queue_key or desired.shopify_id
    )
    return bool(entry and not entry.retryable and entry.checksum == desired.checksum)


def with_name(desired: Desired, name: str) -> Desired:
    """``desired`` under another contact name (checksum recomputed)."""
    payload = {**desired.payload, "Name": name}
    return Desired(
        entity=desired.entity,
        shopify_id=desired.shopify_id,
        natural_key=desired.natural_key,
        payload=payload,
        checksum=payload_checksum(payload),
        label=desired.label,
        base_name=desired.base_name,
        chosen_name=name,
        queue_key=desired.queue_key,
    )


_Parsed = TypeVar("_Parsed")


def parse_or_queue(
    ctx: RunContext,
    resource: str,
    raws: Sequence[dict[str, Any]],
    parse: Callable[[dict[str, Any]], _Parsed],
) -> list[_Parsed]:
    """Parse each raw Shopify record; one that fails goes to the error queue, the rest go on."""
    parsed: list[_Parsed] = []
    for raw in raws:
        try:
            parsed.append(parse(raw))
        except MappingError as exc:
            queue_record_error(ctx, resource, str(raw.get("id")), str(exc))
    return parsed


def queue_record_error(
    ctx: RunContext,
    resource: str,
    shopify_id: str,
    message: str,
    *,
    error_class: str = "MappingError",
    retryable: bool = False,
    operation: str = "map",
) -> None:
    """Queue a record that could not even be planned (parse/mapping error, missing dependency)."""
    queue_error(
        ctx,
        resource=resource,
        shopify_id=shopify_id,
        label=f"{resource[:-1]} {shopify_id}",
        operation=operation,
        error_class=error_class,
        message=message,
        retryable=retryable,
    )
    ctx.report.count(resource, "failed")
    ctx.progress.advance(resource)
