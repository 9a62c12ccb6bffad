"""``init``'s last word on payouts: the clearing account Shopify Payments money will go to, or
how to add one (docs/payouts.md). One Xero read (the chart); any failure says nothing, since
``doctor`` checks the same with its fix."""

from __future__ import annotations

import asyncio

from shopxero.clients import build_clients
from shopxero.config import Settings
from shopxero.errors import ShopxeroError
from shopxero.translate.payouts import PayoutRefused, find_clearing_account

__all__ = ["payouts_hint"]


def payouts_hint(settings: Settings) -> str | None:
    """One line for ``init``: where payouts will go, or what to add in Xero first."""
    if not settings.sync_payouts:
        return None
    try:
        accounts = asyncio.run(_accounts(settings))
    except ShopxeroError:
        return None
    found = find_clearing_account(
        accounts,
        clearing=settings.clearing_account,
        explicit_gateway_account=settings.account_by_gateway.get("shopify_payments"),
    )
    if isinstance(found, PayoutRefused):
        return f"payouts: {found.reason}"
    return (
        f"payouts: Shopify Payments money will go to {found.get('Code')} "
        f"({found.get('Name')}), and each payout to the bank (docs/payouts.md)"
    )


async def _accounts(settings: Settings) -> list[dict[str, object]]:
    async with build_clients(settings) as clients:
        return await clients.xero.list_accounts()
