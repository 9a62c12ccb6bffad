"""The Xero simulator: Accounting API, identity, limits and idempotency."""
