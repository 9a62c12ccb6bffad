"""Plan, link and write one entity's desired records: the part every entity shares.

Given the desired payloads of a step (contacts, items or invoices) and the Xero records found by
linking, this decides per record (create / link / update / skip), checks updates for conflicts
(docs/architecture.md, invariant 5), records the dry-run plan or sends the writes, and counts
outcomes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.entity_specs import EntitySpec, spec
from shopxero.engine.error_queue import queue_error
from shopxero.engine.plan import Action, Desired, PlannedChange, plan_record, record_matches_payload
from shopxero.engine.writer import BatchResult, queue_failure, record_mapping, send_changes
from shopxero.errors import MappingError

__all__ = [
    "ConflictCheck",
    "LookupMany",
    "LookupOne",
    "Renamer",
    "apply_desired",
    "is_placeholder",
    "new_placeholder",
]

# Looks one natural key up in Xero (after a duplicate-key refusal).
LookupOne = Callable[[str], Awaitable[dict[str, Any] | None]]
# Looks several natural keys up in Xero together (after duplicate-key refusals): the records
# found, by the natural key asked for.
LookupMany = Callable[[list[str]], Awaitable[dict[str, dict[str, Any]]]]
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


@dataclass
class _Applying:
    """One entity's records on their way through ``apply_desired``: the plan, what it sends,
    and the Xero id of every record known to be in Xero (``in_xero``)."""

    entity: EntitySpec
    plan: list[PlannedChange] = field(default_factory=list)
    creates: list[PlannedChange] = field(default_factory=list)
    updates: list[PlannedChange] = field(default_factory=list)
    linked: list[tuple[Desired, dict[str, Any], bool]] = field(default_factory=list)
    conflicts: list[tuple[PlannedChange, str]] = field(default_factory=list)
    in_xero: dict[str, str] = field(default_factory=dict)
    still_queued: set[str] = field(default_factory=set)
    linked_ids: set[str] = field(default_factory=set)  # updates counted as "linked"

    @property
    def resource(self) -> str:
        return self.entity.resource

    def xero_id(self, record: dict[str, Any]) -> str:
        return str(record[self.entity.id_field])


async def apply_desired(
    ctx: RunContext,
    desireds: Sequence[Desired],
    links: dict[str, dict[str, Any]],
    *,
    lookup_one: LookupOne,
    lookup_many: LookupMany | None = None,
    check_conflicts: ConflictCheck | None = None,
    rename: Renamer | None = None,
    link_how: dict[str, str] | None = None,
    keep_created: dict[str, dict[str, Any]] | None = None,
) -> dict[str, str]:
    """Apply ``desireds`` of one entity; returns shopify_id -> Xero id for every record in Xero.

    ``links`` maps an unmapped record's shopify_id to the existing Xero record to adopt.
    ``keep_created`` receives Xero's answer for each record this call created, by Xero id: the
    record as it stands right after, which a later step can use instead of reading it again.
    Records refused as duplicates are looked up with ``lookup_many`` (all in one go) when it is
    given, else one by one with ``lookup_one``.
    """
    if not desireds:
        return {}
    state = _plan(ctx, desireds, links, link_how or {})
    if state.creates or state.updates:
        # The first write of a run waits for the tax/account preflight (checks.preflight, via
        # OrgDataLoader.get: cached, so at most once per run); a broken mapping stops the run
        # with a ConfigError before contacts are written, not only before invoices.
        await ctx.org.get()
    await _hold_conflicts(state, check_conflicts)
    _count_unchanged(ctx, state)
    if ctx.dry_run:
        _record_dry_run(ctx, desireds, state)
        return state.in_xero
    _record_links_and_conflicts(ctx, state)
    created = await send_changes(ctx, state.creates)
    _count_sent(ctx, state, created, "created")
    if keep_created is not None:
        keep_created.update((state.xero_id(record), record) for _, record in created.ok)
    await _link_duplicates(ctx, state, created.duplicates, lookup_many or _one_by_one(lookup_one))
    if created.name_clashes:
        await _create_renamed(ctx, state, created.name_clashes, rename)
    updated = await send_changes(ctx, state.updates)
    for change, _record in updated.ok:
        if change.desired.shopify_id not in state.linked_ids:  # else counted as linked
            ctx.report.count(state.resource, "updated")
    ctx.report.count(state.resource, "failed", len(updated.failed))
    ctx.progress.advance(state.resource, len(updated.ok) + len(updated.failed))
    return state.in_xero


def _plan(
    ctx: RunContext,
    desireds: Sequence[Desired],
    links: dict[str, dict[str, Any]],
    link_how: dict[str, str],
) -> _Applying:
    """Decide per record: link (and update if it differs), create, update or skip."""
    state = _Applying(spec(desireds[0].entity))
    mappings = ctx.store.mappings.many(state.entity.name, [d.shopify_id for d in desireds])
    for desired in desireds:
        mapping = mappings.get(desired.shopify_id)
        if mapping is None and desired.shopify_id in links:
            _plan_link(state, desired, links[desired.shopify_id], link_how)
            continue
        change = plan_record(desired, mapping)
        if change.action in (Action.CREATE, Action.UPDATE) and _still_refused(ctx, desired):
            # Refused before with exactly this payload, for a reason only a person can fix:
            # sending it again costs a call and changes nothing (``errors retry`` does resend).
            change = PlannedChange(
                Action.SKIP, desired, change.xero_id, reason="unchanged since it was queued"
            )
            state.still_queued.add(desired.shopify_id)
        if change.action is Action.CREATE:
            state.creates.append(change)
        elif change.action is Action.UPDATE:
            state.updates.append(change)
        if change.xero_id:
            state.in_xero[desired.shopify_id] = change.xero_id
        state.plan.append(change)
    state.linked_ids = {d.shopify_id for d, _, _ in state.linked}
    return state


def _plan_link(
    state: _Applying, desired: Desired, record: dict[str, Any], link_how: dict[str, str]
) -> None:
    xero_id = state.xero_id(record)
    equal = record_matches_payload(desired.payload, record)
    how = link_how.get(desired.shopify_id, "natural key")
    state.linked.append((desired, record, equal))
    state.plan.append(PlannedChange(Action.LINK, desired, xero_id, reason=f"found by {how}"))
    state.in_xero[desired.shopify_id] = xero_id
    if not equal:
        reason = f"linked (by {how}) record differs"
        state.updates.append(PlannedChange(Action.UPDATE, desired, xero_id, reason=reason))


async def _hold_conflicts(state: _Applying, check_conflicts: ConflictCheck | None) -> None:
    """Updates of records someone edited in Xero are held back (invariant 5); linked records
    are not checked (we never wrote them)."""
    regular = [u for u in state.updates if u.desired.shopify_id not in state.linked_ids]
    if regular and check_conflicts is not None:
        allowed, state.conflicts = await check_conflicts(regular)
        linked_updates = [u for u in state.updates if u.desired.shopify_id in state.linked_ids]
        state.updates = linked_updates + allowed
    for change, reason in state.conflicts:
        state.plan.append(
            PlannedChange(Action.CONFLICT, change.desired, change.xero_id, reason=reason)
        )


def _count_unchanged(ctx: RunContext, state: _Applying) -> None:
    skips = sum(1 for c in state.plan if c.action is Action.SKIP)
    if not ctx.dry_run:
        # A queued record that turns out to be in step with Xero needs nothing more.
        with ctx.store.atomic():
            for c in state.plan:
                if c.action is Action.SKIP and c.desired.shopify_id not in state.still_queued:
                    ctx.store.errors.resolve_for(
                        state.resource,
                        c.desired.queue_key or c.desired.shopify_id,
                        resolution="in step with Xero",
                        now=ctx.now(),
                    )
    ctx.report.count(state.resource, "unchanged", skips)
    ctx.progress.advance(state.resource, skips)


def _record_dry_run(ctx: RunContext, desireds: Sequence[Desired], state: _Applying) -> None:
    """A dry run's plan and counts; placeholders stand in for the ids of records to create."""
    resource, report = state.resource, ctx.report
    for desired in desireds:
        ctx.planned[(state.entity.name, desired.shopify_id)] = state.in_xero.get(
            desired.shopify_id, new_placeholder(state.entity.name, desired.natural_key)
        )
        if state.entity.name == "item":
            ctx.planned_codes[desired.shopify_id] = desired.natural_key
    report.plan.setdefault(resource, []).extend(
        c for c in state.plan if c.action is not Action.SKIP
    )
    report.plan[resource].extend(
        u for u in state.updates if u.desired.shopify_id in state.linked_ids
    )
    report.count(resource, "created", len(state.creates))
    linked_updates = state.linked_ids & {u.desired.shopify_id for u in state.updates}
    report.count(resource, "updated", len(state.updates) - len(linked_updates))
    report.count(resource, "linked", len(state.linked))
    report.count(resource, "failed", len(state.conflicts))
    skips = sum(1 for c in state.plan if c.action is Action.SKIP)
    ctx.progress.advance(resource, len(state.plan) - skips)


def _record_links_and_conflicts(ctx: RunContext, state: _Applying) -> None:
    with ctx.store.atomic():
        for desired, record, equal in state.linked:
            record_mapping(ctx, desired, record, checksum=desired.checksum if equal else None)
        for change, reason in state.conflicts:
            queue_failure(
                ctx,
                change.desired,
                operation="update",
                error_class="Conflict",
                message=f"{change.desired.label}: {reason}",
                retryable=False,
                xero_id=change.xero_id,
            )
    ctx.report.count(state.resource, "linked", len(state.linked))
    ctx.report.count(state.resource, "failed", len(state.conflicts))
    unequal = sum(1 for _, _, equal in state.linked if not equal)
    ctx.progress.advance(state.resource, len(state.linked) - unequal)
    ctx.progress.advance(state.resource, len(state.conflicts))


def _count_sent(ctx: RunContext, state: _Applying, sent: BatchResult, outcome: str) -> None:
    ctx.report.count(state.resource, outcome, len(sent.ok))
    ctx.report.count(state.resource, "failed", len(sent.failed))
    for change, record in sent.ok:
        state.in_xero[change.desired.shopify_id] = state.xero_id(record)
    ctx.progress.advance(state.resource, len(sent.ok) + len(sent.failed))


def _one_by_one(lookup_one: LookupOne) -> LookupMany:
    async def lookup(keys: list[str]) -> dict[str, dict[str, Any]]:
        found = {key: await lookup_one(key) for key in keys}
        return {key: record for key, record in found.items() if record is not None}

    return lookup


async def _link_duplicates(
    ctx: RunContext, state: _Applying, duplicates: list[PlannedChange], lookup: LookupMany
) -> None:
    """Refused as a duplicate natural key: it exists, so link it (and update if it differs)."""
    known = await lookup([c.desired.natural_key for c in duplicates]) if duplicates else {}
    for change in duplicates:
        found = known.get(change.desired.natural_key)
        if found is None:
            queue_failure(
                ctx,
                change.desired,
                operation="create",
                error_class="ValidationError",
                message=f"{change.desired.label}: Xero says {change.desired.natural_key} "
                "exists but it cannot be found",
                retryable=True,
            )
            ctx.report.count(state.resource, "failed")
            continue
        equal = record_matches_payload(change.desired.payload, found)
        with ctx.store.atomic():
            record_mapping(
                ctx, change.desired, found, checksum=change.desired.checksum if equal else None
            )
        xero_id = state.xero_id(found)
        state.in_xero[change.desired.shopify_id] = xero_id
        ctx.report.count(state.resource, "linked")
        if not equal:
            state.updates.append(
                PlannedChange(Action.UPDATE, change.desired, xero_id, reason="linked")
            )
            state.linked_ids.add(change.desired.shopify_id)
        ctx.progress.advance(state.resource, 1 if equal else 0)


async def _create_renamed(
    ctx: RunContext, state: _Applying, clashes: list[PlannedChange], rename: Renamer | None
) -> None:
    """Refused for an (unknown to us) name clash: one more try under a disambiguated name."""
    retry = [
        PlannedChange(Action.CREATE, rename(c.desired) if rename else c.desired) for c in clashes
    ]
    again = await send_changes(ctx, retry)
    for change, record in again.ok:
        state.in_xero[change.desired.shopify_id] = state.xero_id(record)
    ctx.report.count(state.resource, "created", len(again.ok))
    ctx.report.count(state.resource, "failed", len(again.failed) + len(again.duplicates))
    for change in [*again.name_clashes, *again.duplicates]:
        queue_failure(
            ctx,
            change.desired,
            operation="create",
            error_class="ValidationError",
            message=f"{change.desired.label}: the contact name "
            f"{change.desired.payload.get('Name')!r} is taken in Xero",
            retryable=False,
        )
    ctx.report.count(state.resource, "failed", len(again.name_clashes))
    ctx.progress.advance(state.resource, len(retry))


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
    label: str | None = None,
) -> None:
    """Queue a record that could not even be planned (parse/mapping error, missing dependency).

    ``label`` names the record for people (default: ``order 5500000000043``)."""
    queue_error(
        ctx,
        resource=resource,
        shopify_id=shopify_id,
        label=label or f"{resource[:-1]} {shopify_id}",
        operation=operation,
        error_class=error_class,
        message=message,
        retryable=retryable,
    )
    ctx.report.count(resource, "failed")
    ctx.progress.advance(resource)
