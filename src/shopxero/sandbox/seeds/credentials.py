"""Fixed, obviously fake credentials the sandboxes accept and ``--write-env`` hands to the tool.

They are not secrets (anyone can read them here), but they travel through the same code paths as
real ones, so the sandboxes still mask them in their request logs.
"""

from __future__ import annotations

from shopxero.sandbox.shopify.auth import ShopifyCredentials
from shopxero.sandbox.xero.credentials import XeroClientCredentials

__all__ = [
    "SHOPIFY_ACCESS_TOKEN",
    "SHOPIFY_CLIENT_ID",
    "SHOPIFY_CLIENT_SECRET",
    "XERO_CC_CLIENT_ID",
    "XERO_CC_CLIENT_SECRET",
    "XERO_WEB_CLIENT_ID",
    "XERO_WEB_CLIENT_SECRET",
    "shopify_credentials",
    "xero_credentials",
]

# Shopify: a legacy admin token (shpat_ prefix, shopify-api-notes §2a) and a Dev Dashboard app
# (§2b).
SHOPIFY_ACCESS_TOKEN = "shpat_sandbox0000000000000000000000"
SHOPIFY_CLIENT_ID = "sandbox-shopify-client-id"
SHOPIFY_CLIENT_SECRET = "shpss_sandbox_client_secret_not_real"

# Xero: a web app (authorization code + PKCE) and a Custom Connection (client_credentials).
XERO_WEB_CLIENT_ID = "SANDBOXWEBAPPCLIENTID00000000000"
XERO_WEB_CLIENT_SECRET = "sandbox-web-app-client-secret-not-real"
XERO_CC_CLIENT_ID = "SANDBOXCUSTOMCONNECTIONCLIENT000"
XERO_CC_CLIENT_SECRET = "sandbox-custom-connection-secret-not-real"


def shopify_credentials() -> ShopifyCredentials:
    return ShopifyCredentials(
        access_token=SHOPIFY_ACCESS_TOKEN,
        client_id=SHOPIFY_CLIENT_ID,
        client_secret=SHOPIFY_CLIENT_SECRET,
    )


def xero_credentials() -> XeroClientCredentials:
    return XeroClientCredentials(
        client_id=XERO_WEB_CLIENT_ID,
        client_secret=XERO_WEB_CLIENT_SECRET,
        cc_client_id=XERO_CC_CLIENT_ID,
        cc_client_secret=XERO_CC_CLIENT_SECRET,
    )
