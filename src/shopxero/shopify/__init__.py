"""Shopify Admin REST client, its auth and its models."""
