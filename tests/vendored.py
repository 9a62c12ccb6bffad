"""Where the tests find the third-party data vendored into this repository.

Everything a test reads lives inside the repository (``tests/test_self_contained.py`` keeps it so):
the Xero specs and Shopify's GraphQL schema ship with the package (``shopxero.sandbox.specs``), the
Shopify REST fixtures live under ``tests/fixtures/shopify`` (sources and licences in each README).
"""

from __future__ import annotations

from pathlib import Path

from shopxero.sandbox.specs import SHOPIFY_ADMIN_GRAPHQL_2026_10, XERO_ACCOUNTING, XERO_IDENTITY

__all__ = [
    "SHOPIFY_ADMIN_GRAPHQL_2026_10",
    "SHOPIFY_REST_FIXTURES",
    "XERO_ACCOUNTING",
    "XERO_IDENTITY",
]

SHOPIFY_REST_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shopify" / "2026-07"
