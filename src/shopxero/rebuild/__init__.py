"""Rebuild the state DB from Xero and Shopify (``shopxero rebuild``): no Xero write."""
