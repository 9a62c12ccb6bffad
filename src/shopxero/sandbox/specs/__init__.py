"""Paths of the vendor specifications vendored in this folder (sources and licences: README.md).

They ship inside the package so that the simulators, and not only the tests, can read them.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SHOPIFY_ADMIN_GRAPHQL_2026_10", "SPECS_DIR", "XERO_ACCOUNTING", "XERO_IDENTITY"]

SPECS_DIR = Path(__file__).resolve().parent
XERO_ACCOUNTING = SPECS_DIR / "xero_accounting.yaml"
XERO_IDENTITY = SPECS_DIR / "xero-identity.yaml"
SHOPIFY_ADMIN_GRAPHQL_2026_10 = SPECS_DIR / "shopify-admin-2026-10.introspection.json.gz"
