"""Refunds -> credit notes, then each credit note's money put where Shopify put it.

For every refund not yet fully applied: its AUTHORISED credit note is created (or, when Xero
says the number exists, found and linked: a run that lost Xero's answer), then

- the money the refund gave back (its refund transactions) is paid out of the credit note from
  the gateway's account (a cash refund, xero-api-notes §6.4), unless the credit note already
  carries that payment (same Reference, Amount, Date). ``create_refunds`` only plans these: they
  go out with the invoices' payments, in the same batches (``orders.life``);
- the rest of its credit is allocated to the invoice (a separate call after creation, §6.5),
  which needs the invoice to still owe that much: a refund after full payment with no money
  back is queued with what to do.

A refund is marked applied once its credit note has no credit left, so a later run costs
nothing for it. A dry run takes the same path, planning each write instead (``orders.life_plan``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopxero.engine.context import RunContext
from shopxero.engine.entity_specs import spec
from shopxero.engine.linking import by_page_or_numbers
from shopxero.engine.orgdata import OrgData
from shopxero.entities.orders.life_common import (
    CREDIT_APPLIED,
    CREDIT_NOTE,
    REFUND_PAYMENT,
    OrderLife,
    payable,
    queue_life_error,
    queue_outcome,
    resolve_life_error,
)
from shopxero.entities.orders.life_plan import plan_allocation, plan_found_credit_note
from shopxero.entities.orders.life_send import Outcome, Write, send_writes
from shopxero.errors import MappingError, PermanentApiError, TransientApiError
from shopxero.shopify.models import Refund, Transaction
from shopxero.store.mappings import MappingRecord
from shopxero.translate.common import MappingOptions
from shopxero.translate.credit_notes import credit_note_from_refund, credit_total, refunds_by_id
from shopxero.translate.payments import (
    GatewayAccounts,
    find_existing,
    refund_payment,
    refunded_transactions,
    shop_amount,
)
from shopxero.xero.dates import parse_xero_date

__all__ = ["RefundWork", "create_refunds", "finish_refunds"]


@dataclass
class _Credit:
    life: OrderLife
    refund: Refund
    number: str
    record: dict[str, Any] | None = None  # the credit note as Xero holds it
    failed: bool = False

    @property
    def key(self) -> str:
        return f"refund/{self.refund.id}"

    @property
    def note_id(self) -> str:
        assert self.record is not None
        return str(self.record["CreditNoteID"])


@dataclass
class RefundWork:
    """The refunds' work between creating their credit notes and allocating what is left of
    them: the credit notes in Xero (``credits``) and the cash refunds to pay out of them
    (``writes``, each one's credit note in ``owners`` by refund transaction id), which go out
    in the same ``PUT Payments`` batches as the invoices' payments (``orders.life``)."""

    credits: list[_Credit] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    owners: dict[str, _Credit] = field(default_factory=dict)

    def take(self, ctx: RunContext, outcome: Outcome) -> None:
        """Record what became of one of ``writes``: a refused cash refund fails its credit
        note (queued under the refund, with Xero's messages)."""
        credit = self.owners[outcome.write.shopify_id]
        if outcome.ok:
            ctx.report.count("payments", "created")
            return
        credit.failed = True
        queue_outcome(ctx, credit.life, credit.key, outcome, f"pay out {credit.number}")


async def create_refunds(
    ctx: RunContext,
    lives: Sequence[OrderLife],
    *,
    org: OrgData,
    options: MappingOptions,
    item_codes: Mapping[int, str],
    accounts: GatewayAccounts,
) -> RefundWork:
    """Create (or find and link) the credit notes of ``lives``' refunds and plan their cash
    refunds; nothing is paid out yet (the caller sends ``writes``, then ``finish_refunds``)."""
    credits, creates = _wanted(ctx, lives, org=org, options=options, item_codes=item_codes)
    if not credits:
        return RefundWork()
    # A credit note already in Xero (a rebuilt state DB, a lost answer) is linked, not sent.
    unmapped = {w.shopify_id for w in creates}
    absent = await _read_existing(
        ctx, [c for c in credits if str(c.refund.id) in unmapped], must_exist=False
    )
    await _create(ctx, credits, [w for w in creates if w.shopify_id in absent])
    await _read_existing(ctx, [c for c in credits if c.record is None and not c.failed])
    work = RefundWork([c for c in credits if c.record is not None and not c.failed])
    for credit in work.credits:
        for write in _payouts(ctx, credit, org=org, options=options, accounts=accounts):
            work.owners[write.shopify_id] = credit
            work.writes.append(write)
    return work


async def finish_refunds(ctx: RunContext, work: RefundWork) -> None:
    """After the cash refunds: allocate what is left of each credit note to its invoice and
    mark fully applied ones. An order whose invoice payment failed in the same batch is not
    allocated to (its invoice owes more in Xero than we would think): the next run does it,
    after the payment."""
    await _allocate(ctx, [c for c in work.credits if not c.failed and not c.life.failed])
    if ctx.dry_run:
        return  # planned (``orders.life_plan``); a dry run records nothing
    with ctx.store.atomic():
        for credit in work.credits:
            remaining = Decimal(str((credit.record or {}).get("RemainingCredit") or 0))
            if credit.failed or remaining > 0:
                continue
            ctx.store.mappings.upsert(
                MappingRecord(
                    entity=CREDIT_APPLIED,
                    shopify_id=str(credit.refund.id),
                    xero_id=credit.note_id,
                    natural_key=credit.number,
                    last_synced=ctx.now(),
                )
            )
            resolve_life_error(ctx, credit.life, credit.key)


def _wanted(
    ctx: RunContext,
    lives: Sequence[OrderLife],
    *,
    org: OrgData,
    options: MappingOptions,
    item_codes: Mapping[int, str],
) -> tuple[list[_Credit], list[Write]]:
    credits: list[_Credit] = []
    creates: list[Write] = []
    for life in lives:
        contact = (life.invoice or {}).get("Contact") or {}
        contact_id = str(contact.get("ContactID") or life.contact_id)
        for refund in refunds_by_id(life.order):
            rid = str(refund.id)
            if ctx.store.mappings.get(CREDIT_APPLIED, rid) is not None:
                continue
            try:
                note = credit_note_from_refund(
                    life.order,
                    refund,
                    contact_id=contact_id,
                    item_codes=item_codes,
                    options=options,
                    tax=org.tax,
                )
            except MappingError as exc:
                queue_life_error(ctx, life, f"refund/{rid}", str(exc), operation="map")
                continue
            if note is None:
                continue  # a refund that moved no money and no goods
            assert note.credit_note_number is not None
            credit = _Credit(life, refund, note.credit_note_number)
            credits.append(credit)
            if ctx.store.mappings.get(CREDIT_NOTE, rid) is None:
                creates.append(
                    Write(
                        entity=CREDIT_NOTE,
                        shopify_id=rid,
                        natural_key=credit.number,
                        payload=note.to_payload(),
                        label=f"{life.label} refund {rid} (credit note {credit.number})",
                        parent=life.invoice_number,
                        expected={"Total": credit_total(note, org.tax)},  # for a dry run's plan
                    )
                )
    return credits, creates


def _record_note(ctx: RunContext, credit: _Credit, record: Mapping[str, Any]) -> None:
    credit.record = dict(record)
    if ctx.dry_run:
        return
    with ctx.store.atomic():
        ctx.store.mappings.upsert(
            MappingRecord(
                entity=CREDIT_NOTE,
                shopify_id=str(credit.refund.id),
                xero_id=str(record["CreditNoteID"]),
                natural_key=credit.number,
                xero_updated_utc=parse_xero_date(record.get("UpdatedDateUTC")),
                last_synced=ctx.now(),
            )
        )


async def _create(ctx: RunContext, credits: list[_Credit], creates: list[Write]) -> None:
    by_refund = {str(c.refund.id): c for c in credits}
    for outcome in await send_writes(ctx, ctx.xero.create_credit_notes, creates):
        credit = by_refund[outcome.write.shopify_id]
        if outcome.ok:
            assert outcome.record is not None
            _record_note(ctx, credit, outcome.record)
            ctx.report.count("credit_notes", "created")
        elif spec("credit_note").is_duplicate_key_error(outcome.errors):
            continue  # it exists (an earlier run's answer was lost): read and link it below
        else:
            credit.failed = True
            queue_outcome(
                ctx, credit.life, credit.key, outcome, f"create credit note {credit.number}"
            )


async def _read_existing(
    ctx: RunContext, credits: list[_Credit], *, must_exist: bool = True
) -> set[str]:
    """Read and link the credit notes of ``credits`` by number; returns the refund ids of
    those not in Xero (queued as lost when ``must_exist``)."""
    absent: set[str] = set()
    if not credits:
        return absent
    numbers = sorted({c.number for c in credits})
    found = (
        await ctx.xero.get_credit_notes_by_number(numbers)
        if must_exist  # read after a create: each one by number
        else await by_page_or_numbers(  # before creating: the cheapest proof of what is there
            numbers,
            whole=ctx.xero.iter_credit_notes,
            by_number=ctx.xero.get_credit_notes_by_number,
            known=ctx.first_page("credit_notes"),
        )
    )
    by_number = {
        str(r.get("CreditNoteNumber")): r
        for r in found
        if r.get("Type") == "ACCRECCREDIT" and r.get("Status") != "DELETED"
    }
    for credit in credits:
        record = by_number.get(credit.number)
        if record is None:
            absent.add(str(credit.refund.id))
            if not must_exist:
                continue
            credit.failed = True
            queue_life_error(
                ctx,
                credit.life,
                credit.key,
                f"credit note {credit.number} cannot be found in Xero (deleted by hand?); "
                "resolve this entry once the refund is recorded in Xero",
                operation="read",
                error_class="NotFoundError",
                retryable=True,
            )
            continue
        if ctx.store.mappings.get(CREDIT_NOTE, str(credit.refund.id)) is None:
            if ctx.dry_run:
                plan_found_credit_note(
                    ctx,
                    label=f"{credit.life.label} refund {credit.refund.id}",
                    refund_id=str(credit.refund.id),
                    number=credit.number,
                    invoice_number=credit.life.invoice_number,
                    record=dict(record),
                )
            else:
                ctx.report.note(f"credit note {credit.number} was already in Xero: linked")
        _record_note(ctx, credit, record)
    return absent


def _payouts(
    ctx: RunContext,
    credit: _Credit,
    *,
    org: OrgData,
    options: MappingOptions,
    accounts: GatewayAccounts,
) -> list[Write]:
    """The cash refunds to pay out of ``credit``: each refund transaction's money (at most the
    credit left), unless the credit note already carries it; the credit left after them is
    set on its record, for the allocation. A transaction that cannot be paid out (no payable
    account, an amount that cannot be mapped) is queued, fails the credit and ends its payouts."""
    assert credit.record is not None
    remaining = Decimal(str(credit.record.get("RemainingCredit") or 0))
    existing = list(credit.record.get("Payments") or [])
    writes: list[Write] = []
    for t in refunded_transactions(credit.refund.transactions):
        code = accounts.for_gateway(t.gateway)
        if code is None or not payable(org, code):
            _queue_unpayable(ctx, credit, t, code)
            break
        try:
            amount = min(shop_amount(t, credit.life.order), remaining)
        except MappingError as exc:
            credit.failed = True
            queue_life_error(ctx, credit.life, credit.key, str(exc), operation="map")
            break
        payload = (
            refund_payment(
                t,
                order_id=credit.life.order.id,
                credit_note_id=credit.note_id,
                account_code=code,
                zone=options.zone,
                amount=amount,
            ).to_payload()
            if amount > 0
            else None
        )
        if payload is None or find_existing(payload, existing) is not None:
            continue  # nothing left to pay out, or paid out before
        remaining -= amount
        writes.append(
            Write(
                entity=REFUND_PAYMENT,
                shopify_id=str(t.id),
                natural_key=str(payload["Reference"]),
                payload=payload,
                label=f"{credit.life.label} refund {t.id} (paid out of {credit.number})",
                parent=credit.number,
            )
        )
    credit.record["RemainingCredit"] = remaining
    return writes


def _queue_unpayable(ctx: RunContext, credit: _Credit, t: Transaction, code: str | None) -> None:
    """Fail ``credit``: its refund transaction ``t`` has no account in Xero that takes
    payments (``code``, if any, does not)."""
    credit.failed = True
    queue_life_error(
        ctx,
        credit.life,
        credit.key,
        f"the {t.gateway} refund {t.id} cannot be paid out of credit note "
        f"{credit.number}: {f'account {code}' if code else 'no payment account'} "
        "does not take payments in Xero; set SHOPXERO_ACCOUNT_BY_GATEWAY",
        operation="create",
    )


async def _allocate(ctx: RunContext, credits: list[_Credit]) -> None:
    for credit in credits:
        assert credit.record is not None
        left = Decimal(str(credit.record.get("RemainingCredit") or 0))
        if left <= 0:
            continue
        life = credit.life
        if left > life.due:
            _queue_overpaid(ctx, credit, left)
            continue
        if ctx.dry_run:
            plan_allocation(
                ctx,
                number=credit.number,
                refund_id=str(credit.refund.id),
                invoice_number=life.invoice_number,
                amount=left,
            )
        elif not await _send_allocation(ctx, credit, left):
            continue
        # The credit is now the invoice's (or would be, in a dry run): later steps see it so.
        life.due -= left
        credit.record["RemainingCredit"] = Decimal(0)


def _queue_overpaid(ctx: RunContext, credit: _Credit, left: Decimal) -> None:
    """Fail ``credit``: its ``left`` credit is more than its invoice still owes, so it cannot
    be allocated (a refund after full payment with no money back)."""
    life = credit.life
    credit.failed = True
    queue_life_error(
        ctx,
        life,
        credit.key,
        f"credit note {credit.number} has {left} of credit that Shopify did not pay "
        f"back, but invoice {life.invoice_number} only has {life.due} still due in "
        "Xero (it was paid); refund the customer from the credit note in Xero or "
        "allocate it by hand, then resolve this entry",
        operation="create",
    )


async def _send_allocation(ctx: RunContext, credit: _Credit, left: Decimal) -> bool:
    """Allocate ``left`` of ``credit`` to its invoice in Xero, under an intent whose id makes
    the Idempotency-Key; False (the credit failed and queued) when Xero did not take it."""
    life = credit.life
    with ctx.store.atomic():
        intent = ctx.store.intents.add(
            entity="allocation",
            operation="create",
            shopify_id=str(credit.refund.id),
            natural_key=credit.number,
            checksum=str(left),
            now=ctx.now(),
        )
    key = f"shopxero:allocation:{credit.note_id}:{left}:{intent}"
    try:
        result = await ctx.xero.allocate_credit_note(
            credit.note_id, invoice_id=life.invoice_id, amount=left, idempotency_key=key
        )
    except (TransientApiError, PermanentApiError) as exc:
        _queue_allocation_error(ctx, credit, intent, exc)
        return False
    with ctx.store.atomic():
        ctx.store.intents.close(intent, now=ctx.now())
    if not result.ok:
        credit.failed = True
        queue_life_error(
            ctx,
            life,
            credit.key,
            f"Xero refused to allocate credit note {credit.number} to invoice "
            f"{life.invoice_number}: " + "; ".join(result.errors),
            operation="create",
            messages=list(result.errors),
        )
        return False
    return True


def _queue_allocation_error(
    ctx: RunContext,
    credit: _Credit,
    intent: int,
    exc: TransientApiError | PermanentApiError,
) -> None:
    """Fail ``credit`` after its allocation call raised ``exc``: a transient error (retryable)
    leaves the intent open, as Xero may have taken the call; a permanent one drops it."""
    retryable = isinstance(exc, TransientApiError)
    credit.failed = True
    with ctx.store.atomic():
        if not retryable:
            ctx.store.intents.close(intent, state="dropped", now=ctx.now())
    queue_life_error(
        ctx,
        credit.life,
        credit.key,
        f"could not allocate credit note {credit.number} to invoice "
        f"{credit.life.invoice_number}: {exc}",
        operation="create",
        error_class=type(exc).__name__,
        retryable=retryable,
    )
