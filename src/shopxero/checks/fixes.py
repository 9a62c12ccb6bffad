"""The fix to print beside a failure that stops a run or fails a doctor check: what to do, naming
the settings in use (issue 16 §4). Shared by `shopxero doctor` and the run commands' one-line
reasons, so both say the same thing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from shopxero.config import Settings
from shopxero.errors import ApiAuthError, ApiError, ConfigError, ShopxeroError, TransientApiError

__all__ = ["SET_SHOPIFY_CREDENTIALS", "fix_for", "shopify_credentials_fix", "unreachable_fix"]

SET_SHOPIFY_CREDENTIALS = (
    "set SHOPXERO_SHOPIFY_CLIENT_ID and SHOPXERO_SHOPIFY_CLIENT_SECRET (Dev Dashboard app) or "
    "SHOPXERO_SHOPIFY_ACCESS_TOKEN (legacy custom app), e.g. with `shopxero init`"
)


def shopify_credentials_fix(settings: Settings, exc: ShopxeroError | None = None) -> str:
    """What to do when Shopify refuses the credentials, for the kind that is set."""
    rejected = isinstance(exc, ApiAuthError) and exc.status == 401
    if settings.shopify_access_token and (rejected or exc is None):
        # A legacy app's token is shown once and cannot be rotated (shopify-api-notes §2a).
        return (
            "SHOPXERO_SHOPIFY_ACCESS_TOKEN is set but Shopify rejects it (mistyped, or the app "
            "was uninstalled): paste the Admin API token again if you kept it; the Shopify admin "
            "shows a legacy app's token only once and cannot rotate it, so otherwise create a "
            "Dev Dashboard app and use its client id and secret (`shopxero init`, "
            "client-credentials)"
        )
    if settings.shopify_client_id and settings.shopify_client_secret and (rejected or not exc):
        return (
            "SHOPXERO_SHOPIFY_CLIENT_ID and SHOPXERO_SHOPIFY_CLIENT_SECRET are set but Shopify "
            "rejects them: copy both again from the Dev Dashboard (the app > Settings), check "
            "the app is installed on this shop, then put them in the env file or run "
            "`shopxero init`"
        )
    return SET_SHOPIFY_CREDENTIALS


def unreachable_fix(settings: Settings, service: str) -> str:
    """What to check when a service did not answer at all (DNS, refused, timed out)."""
    if service.startswith("shopify"):
        try:
            host = urlsplit(settings.shopify_url).netloc
        except ConfigError:
            return SET_SHOPIFY_CREDENTIALS
        named = (
            f"SHOPXERO_SHOPIFY_BASE_URL ({settings.shopify_base_url})"
            if settings.shopify_base_url
            else f"SHOPXERO_SHOPIFY_SHOP ({settings.shopify_shop}; the shop's "
            "my-shop.myshopify.com address, Shopify admin > Settings > Domains)"
        )
        return (
            f"check {named} and that this machine can reach {host} (network, proxy, DNS), "
            "then run again"
        )
    host = urlsplit(settings.xero_api_base_url).netloc
    return (
        f"check that this machine can reach {host} (network, proxy, DNS) and Xero's status "
        "page, then run again; nothing is lost"
    )


def fix_for(settings: Settings | None, exc: ShopxeroError) -> str | None:
    """The fix for an error that stopped a run before or during its work, if we know one."""
    if settings is None or not isinstance(exc, ApiError):
        return None
    if isinstance(exc, ApiAuthError) and exc.service.startswith("shopify") and exc.status == 401:
        return shopify_credentials_fix(settings, exc)
    if isinstance(exc, TransientApiError) and exc.status is None:
        return unreachable_fix(settings, exc.service)
    return None
