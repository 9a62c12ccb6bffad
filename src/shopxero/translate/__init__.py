"""Pure mapping from Shopify models to Xero payload models: the one import for the engine.

No IO, no clock, no settings object: plain arguments in, ``xero.models`` out, or a
:class:`~shopxero.errors.MappingError` naming the record and the field. The work lives in
``contacts``, ``items``, ``invoices``, ``credit_notes``, ``payments`` and ``tax``; this module
gathers their public names.
"""

from __future__ import annotations

from shopxero.translate.common import (
    DEFAULT_SYNCED_FINANCIAL_STATUSES,
    MappingOptions,
    clean_text,
    fit,
)
from shopxero.translate.contacts import (
    contact_base_name,
    contact_from_customer,
    disambiguated_name,
    rejected_email,
)
from shopxero.translate.invoices import (
    ROUNDING_DESCRIPTION,
    invoice_from_order,
    invoice_number_for,
    order_skip_reason,
)
from shopxero.translate.items import (
    account_for,
    count_skus,
    fallback_item_code,
    item_code_for,
    item_from_variant,
    item_title,
    sku_key,
)
from shopxero.translate.tax import TaxResolver

__all__ = [
    "DEFAULT_SYNCED_FINANCIAL_STATUSES",
    "ROUNDING_DESCRIPTION",
    "MappingOptions",
    "TaxResolver",
    "account_for",
    "clean_text",
    "contact_base_name",
    "contact_from_customer",
    "count_skus",
    "disambiguated_name",
    "fallback_item_code",
    "fit",
    "invoice_from_order",
    "invoice_number_for",
    "item_code_for",
    "item_from_variant",
    "item_title",
    "order_skip_reason",
    "rejected_email",
    "sku_key",
]
