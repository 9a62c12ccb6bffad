"""shopxero: keep Xero in step with a Shopify shop."""

from __future__ import annotations

__version__ = "0.1.0"
