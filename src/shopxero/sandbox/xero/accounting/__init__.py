"""The Xero Accounting API simulator: resources, validation and arithmetic under /api.xro/2.0.

``XeroOrg`` holds one organisation in memory; ``accounting_router`` serves it. The platform
around it (identity, auth, tenants, rate limits, idempotency, XML) is ``sandbox.xero.app``.
"""

from __future__ import annotations

from shopxero.sandbox.xero.accounting.routes import accounting_router
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["XeroOrg", "accounting_router"]
