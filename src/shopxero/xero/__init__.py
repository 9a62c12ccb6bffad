"""Xero Accounting client, OAuth2 and models."""
