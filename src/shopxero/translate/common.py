"""What every mapping module shares: the options, text fitting, and model building with errors
that name the record and the field.

Pure: no IO, no clock, no settings object; the engine builds :class:`MappingOptions` from the
settings and the organisation's chart of accounts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from shopxero.errors import MappingError
from shopxero.xero.models import XeroLineItem, xero_field_name

__all__ = [
    "DEFAULT_SYNCED_FINANCIAL_STATUSES",
    "ELLIPSIS",
    "MappingOptions",
    "amount_line",
    "as_money",
    "build",
    "clean_text",
    "fit",
]

ELLIPSIS = "…"
DEFAULT_SYNCED_FINANCIAL_STATUSES = frozenset(
    {"paid", "partially_paid", "partially_refunded", "refunded"}
)
_INVOICE_STATUSES = frozenset({"DRAFT", "SUBMITTED", "AUTHORISED"})
_CENT = Decimal("0.01")


@dataclass(frozen=True, kw_only=True)
class MappingOptions:
    """How Shopify records become Xero payloads. Account codes must exist in the org's chart.

    ``rounding_account`` receives the cent-level difference between Xero's per-line tax rounding
    and Shopify's order total (docs/architecture.md, invariant 6); without it such an order is a
    MappingError. ``gift_card_account`` takes gift-card sales (a liability, not revenue;
    shopify-api-notes §8 #13); without it they go to ``sales_account``.
    """

    sales_account: str
    shipping_account: str
    invoice_prefix: str = "SHOP-"
    invoice_status: str = "AUTHORISED"
    guest_contact_name: str = "Shopify Guest"
    synced_financial_statuses: frozenset[str] = DEFAULT_SYNCED_FINANCIAL_STATUSES
    account_by_product_type: Mapping[str, str] = field(default_factory=dict)
    account_by_sku: Mapping[str, str] = field(default_factory=dict)
    shop_timezone: str = "UTC"
    rounding_account: str | None = None
    gift_card_account: str | None = None
    # Tips, and duties / additional fees the buyer paid; without them: the sales account.
    tips_account: str | None = None
    fees_account: str | None = None
    # Orders processed (in shop time) before this day are history the merchant keeps out of Xero.
    start_date: date | None = None

    def __post_init__(self) -> None:
        if self.invoice_status not in _INVOICE_STATUSES:
            raise ValueError(
                f"invoice_status must be one of {sorted(_INVOICE_STATUSES)}, "
                f"not {self.invoice_status!r}"
            )
        if not self.sales_account or not self.shipping_account:
            raise ValueError("sales_account and shipping_account must be account codes")
        try:
            ZoneInfo(self.shop_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown shop_timezone {self.shop_timezone!r}") from None

    @property
    def zone(self) -> ZoneInfo:
        """The shop's timezone (invoice dates are the shop's local date)."""
        return ZoneInfo(self.shop_timezone)


def clean_text(value: str | None) -> str:
    """Collapse runs of whitespace (incl. newlines) to one space and strip the ends."""
    return " ".join(value.split()) if value else ""


def fit(value: str, limit: int) -> str:
    """``value`` if it fits in ``limit`` characters, else cut with a trailing ellipsis."""
    if len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + ELLIPSIS


def as_money(value: Any, *, to_cents: bool) -> Decimal:
    """A money amount (a number, a numeric string or Decimal; None, 0 or "" for zero) as a Decimal.

    ``to_cents=False`` keeps the value as given (``Decimal(str(value))``), e.g. to quote the figures
    of a Xero record as Xero holds them. ``to_cents=True`` quantizes to 0.01 with the decimal
    context's rounding (half-even unless changed), for amounts always shown in cents such as a dry
    run's plan.
    """
    amount = Decimal(str(value or 0))
    return amount.quantize(_CENT) if to_cents else amount


M = TypeVar("M", bound=BaseModel)


def build(model: type[M], *, entity: str, source_id: object, **fields: Any) -> M:
    """Construct a Xero payload model; a limit it breaks becomes a MappingError naming the
    record and the Xero field (``xero.LineItems.0.ItemCode``)."""
    try:
        return model(**fields)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        # Name the field as Xero spells it: the user reads Xero's docs, not our model.
        where = ".".join(
            xero_field_name(part) if isinstance(part, str) else str(part) for part in first["loc"]
        )
        message = first["msg"].removeprefix("Value error, ")
        raise MappingError(
            f"the Xero {model.__name__.removeprefix('Xero')} would be invalid: {message}",
            entity=entity,
            source_id=str(source_id),
            field=f"xero.{where}" if where else None,
        ) from None


def amount_line(
    *, source_id: object, description: str, amount: Decimal, account: str, tax_type: str
) -> XeroLineItem:
    """A line of one amount and no item (a tip, duties, fees, a refund adjustment): 1 x amount."""
    return build(
        XeroLineItem,
        entity="order",
        source_id=source_id,
        description=description,
        quantity=Decimal(1),
        unit_amount=amount,
        account_code=account,
        tax_type=tax_type,
    )
