"""Which Xero account each gateway's payments go to (docs/payouts.md, "Where payments go").

The settings decide (``SHOPXERO_ACCOUNT_BY_GATEWAY``, ``SHOPXERO_GIFT_CARD_ACCOUNT``,
``SHOPXERO_PAYMENT_ACCOUNT``, else the organisation's payment account), with one rule added for
payouts: when they are posted and no setting names where Shopify Payments money goes, it goes to
the clearing account, so that each payout's transfer, fees and the orders' payments net to zero
there.

Not for a state DB that already holds payments recorded before payments kept their account (an
install from before payouts): switching their account silently would leave payouts straddling
two accounts. Those keep today's account until the merchant sets the clearing account; the
payouts step says how (``legacy_routing``).
"""

from __future__ import annotations

from shopxero.config import Settings
from shopxero.engine.orgdata import OrgData
from shopxero.store import StateStore
from shopxero.translate.payments import GatewayAccounts
from shopxero.translate.payouts import SHOPIFY_PAYMENTS_GATEWAY, clearing_route

__all__ = ["PAYMENT", "auto_clearing_account", "gateway_accounts", "legacy_routing"]

PAYMENT = "payment"  # the mapping entity of an invoice's payment


def gateway_accounts(settings: Settings, org: OrgData, store: StateStore) -> GatewayAccounts:
    """Each gateway's account: the settings, and the clearing account for Shopify Payments
    when ``auto_clearing_account`` gives one."""
    by_gateway = dict(settings.account_by_gateway)
    clearing = auto_clearing_account(settings, org, store)
    if clearing is not None:
        by_gateway[SHOPIFY_PAYMENTS_GATEWAY] = clearing
    return GatewayAccounts(
        default=settings.payment_account or org.resolved.payment,
        by_gateway=by_gateway,
        gift_card=settings.gift_card_account,
    )


def auto_clearing_account(settings: Settings, org: OrgData, store: StateStore) -> str | None:
    """The clearing account Shopify Payments payments go to although no setting names their
    account; None when payouts are off, a setting names it (``SHOPXERO_ACCOUNT_BY_GATEWAY`` or
    ``SHOPXERO_PAYMENT_ACCOUNT``), there is no clearing account, or ``legacy_routing``."""
    if not settings.sync_payouts or not settings.sync_payments:
        return None
    named = SHOPIFY_PAYMENTS_GATEWAY in settings.account_by_gateway or bool(
        settings.payment_account
    )
    return clearing_route(
        org.accounts,
        clearing=settings.clearing_account,
        named_by_setting=named,
        legacy=not named and legacy_routing(store),
    )


def legacy_routing(store: StateStore) -> bool:
    """Payments were recorded before payments kept their account: they went where the
    settings said then, and stay there until the merchant names the clearing account."""
    return store.mappings.any_without_payload(PAYMENT)
