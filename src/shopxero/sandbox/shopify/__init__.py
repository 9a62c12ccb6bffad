"""The Shopify simulator: REST Admin API, pagination, leaky bucket and auth."""
