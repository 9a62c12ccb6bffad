"""Settings from the environment and an optional ``.env``-style file (pydantic-settings).

Every setting is read from ``SHOPXERO_<NAME>``; real environment variables override the file
given with ``--env-file``. Account codes and tax types left unset are resolved at run time from
the Xero organisation's own chart (see ``sync.accounts``), so a standard organisation works with
no mapping settings at all.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from shopxero.errors import ConfigError

__all__ = ["DEFAULT_SYNCED_FINANCIAL_STATUSES", "Settings", "load_settings"]

DEFAULT_SYNCED_FINANCIAL_STATUSES = ("paid", "partially_paid", "partially_refunded", "refunded")


class Settings(BaseSettings):
    """All of shopxero's settings. Field docs double as the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix="SHOPXERO_",
        extra="ignore",
        case_sensitive=False,
        env_file_encoding="utf-8",
    )

    # --- where state lives -------------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Folder for state.db, the token file, logs.")

    # --- Shopify -------------------------------------------------------------------------------
    shopify_shop: str | None = Field(None, description="Shop domain, e.g. my-shop.myshopify.com.")
    shopify_base_url: str | None = Field(
        None, description="Override of https://{shop}; the sandbox sets it to http://127.0.0.1:N."
    )
    shopify_api_version: str = Field("2026-10", description="Pinned Admin API version.")
    shopify_access_token: str | None = Field(None, description="Legacy custom-app admin token.")
    shopify_client_id: str | None = Field(None, description="Dev Dashboard app client id.")
    shopify_client_secret: str | None = Field(None, description="Dev Dashboard app client secret.")

    # --- Xero ----------------------------------------------------------------------------------
    xero_mode: Literal["web", "custom_connection"] = Field(
        "web", description="'web' (authorization code + PKCE) or 'custom_connection'."
    )
    xero_client_id: str | None = Field(None, description="Xero app client id.")
    xero_client_secret: str | None = Field(None, description="Xero app client secret.")
    xero_redirect_uri: str = Field(
        "http://localhost:8765/callback", description="Redirect URI registered on the Xero app."
    )
    xero_tenant_id: str | None = Field(None, description="Xero organisation (tenant) id.")
    xero_scopes: Literal["granular", "broad"] = Field(
        "granular", description="Granular scopes (apps created since March 2026) or broad ones."
    )
    xero_api_base_url: str = Field("https://api.xero.com/api.xro/2.0")
    xero_connections_url: str = Field("https://api.xero.com/connections")
    xero_identity_base_url: str = Field("https://identity.xero.com")
    xero_login_base_url: str = Field("https://login.xero.com")
    xero_token_file: Path | None = Field(
        None, description="Token file; default <data_dir>/xero-token.json (mode 0600)."
    )

    # --- what to sync and how ------------------------------------------------------------------
    invoice_prefix: str = Field("SHOP-", description="InvoiceNumber = prefix + order number.")
    invoice_status: Literal["AUTHORISED", "DRAFT"] = Field("AUTHORISED")
    guest_contact_name: str = Field("Shopify Guest", description="Contact for guest orders.")
    # NoDecode: a comma list in the environment, not JSON.
    synced_financial_statuses: Annotated[tuple[str, ...], NoDecode] = Field(
        DEFAULT_SYNCED_FINANCIAL_STATUSES
    )
    sync_start_date: date | None = Field(
        None, description="ISO date: orders processed (shop time) before it are not invoiced."
    )
    lookback_minutes: int = Field(10, ge=0, description="Cursor lookback window.")
    sync_payments: bool = Field(
        True,
        description="Record Shopify payments, refunds (credit notes) and cancellations in Xero; "
        "off when another tool (a bank feed, a payouts app) records the money.",
    )
    sync_payouts: bool = Field(
        False,
        description="Post each paid Shopify Payments payout to Xero: a transfer from the "
        "clearing account to the bank, and spend/receive money for fees, disputes, adjustments "
        "and reserves (docs/payouts.md).",
    )
    invoice_currency: Literal["shop", "presentment"] = Field(
        "shop",
        description="Invoice in the shop's currency, or in the currency the customer paid in "
        "(presentment, at the rate Shopify used when the shop's currency is Xero's base).",
    )

    # --- accounts and tax (None: resolved from the Xero chart of accounts) ---------------------
    sales_account: str | None = None
    shipping_account: str | None = None
    rounding_account: str | None = None
    payment_account: str | None = Field(None, description="Clearing account payments go to.")
    gift_card_account: str | None = None
    tips_account: str | None = None
    fees_account: str | None = None
    clearing_account: str | None = Field(
        None,
        description="BANK account Shopify Payments money waits in until paid out (default: the "
        "shopify_payments gateway's account if it is a BANK account, else a BANK account named "
        "like 'clearing').",
    )
    payout_bank_account: str | None = Field(
        None, description="BANK account payouts are paid into (default: the first other BANK)."
    )
    payout_fees_account: str | None = Field(
        None, description="Expense account for Shopify Payments fees (default: 'Bank Fees'...)."
    )
    dispute_account: str | None = Field(
        None, description="Account for chargebacks (disputes); default: the payout fees account."
    )
    payout_adjustment_account: str | None = Field(
        None, description="Account for Shopify adjustments; default: the payout fees account."
    )
    reserve_account: str | None = Field(
        None, description="Account for Shopify Payments reserves (no default: such payouts wait)."
    )
    account_by_product_type: dict[str, str] = Field(default_factory=dict)
    account_by_sku: dict[str, str] = Field(default_factory=dict)
    account_by_gateway: dict[str, str] = Field(default_factory=dict)
    tax_type_map: dict[str, str] = Field(
        default_factory=dict,
        description='Shopify tax ("VAT", "VAT@20", "US-MA:*", "abroad:untaxed") -> Xero TaxType.',
    )

    # --- behaviour -----------------------------------------------------------------------------
    log_format: Literal["text", "json"] = "text"
    http_timeout_seconds: float = Field(30.0, gt=0)

    @field_validator("synced_financial_statuses", mode="before")
    @classmethod
    def _split_csv(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def state_db_path(self) -> Path:
        return self.data_dir / "state.db"

    @property
    def token_file_path(self) -> Path:
        return self.xero_token_file or self.data_dir / "xero-token.json"

    @property
    def shopify_url(self) -> str:
        """Base URL of the shop, without the /admin/api part."""
        if self.shopify_base_url:
            return self.shopify_base_url.rstrip("/")
        if not self.shopify_shop:
            raise ConfigError("SHOPXERO_SHOPIFY_SHOP is not set (e.g. my-shop.myshopify.com).")
        return f"https://{self.shopify_shop.removeprefix('https://').rstrip('/')}"


def load_settings(env_file: Path | None = None, **overrides: Any) -> Settings:
    """Read settings; real environment variables override ``env_file``.

    Raises ``ConfigError`` naming every invalid setting instead of pydantic's traceback.
    """
    if env_file is not None and not env_file.is_file():
        raise ConfigError(f"--env-file {env_file} does not exist.")
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"SHOPXERO_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
    except SettingsError as exc:
        # pydantic-settings names the field in its message, e.g. a dict setting that is not JSON.
        raise ConfigError(f"invalid settings: {exc}") from exc
