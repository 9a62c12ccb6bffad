"""Stateful Shopify and Xero simulators (ASGI), seeds and fault injection."""
