"""Settings from the environment and an optional ``.env``-style file (pydantic-settings).

Every setting is read from ``SHOPXERO_<NAME>``; real environment variables override the file
given with ``--env-file`` (or ``./shopxero.env``, which the CLI reads when it exists). Account
codes and tax types left unset are resolved at run time from the Xero organisation's own chart
(see ``translate.accounts``), so a standard organisation works with no mapping settings at all.

A setting that cannot be what the user meant stops the tool before it does anything: an unknown
``SHOPXERO_*`` name (a typo in ``SYNC_START_DATE`` would otherwise import the whole order history)
is named with the closest known one, and an invalid value is named with a valid example.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import typing
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from dotenv import dotenv_values
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from shopxero.errors import ConfigError

__all__ = [
    "DEFAULT_SYNCED_FINANCIAL_STATUSES",
    "ENV_PREFIX",
    "FINANCIAL_STATUSES",
    "NOT_SETTINGS",
    "Settings",
    "load_settings",
    "raw_value",
    "setting_example",
    "setting_names",
]

ENV_PREFIX = "SHOPXERO_"
# Apprise URLs: separated by whitespace, or by a comma right before the next ``scheme://``.
_URL_SEPARATOR = re.compile(r"\s+|,(?=[A-Za-z][A-Za-z0-9+.-]*://)")
_URL_START = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S")

DEFAULT_SYNCED_FINANCIAL_STATUSES = ("paid", "partially_paid", "partially_refunded", "refunded")
# An order's financial_status values (shopify-api-notes §5): anything else in
# SHOPXERO_SYNCED_FINANCIAL_STATUSES is a typo that would silently skip orders.
FINANCIAL_STATUSES = (
    "pending",
    "authorized",
    "partially_paid",
    "paid",
    "partially_refunded",
    "refunded",
    "voided",
    "expired",
)


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
    require_data_volume: bool = Field(
        False,
        description="Refuse a data dir that is no mount point or an anonymous Docker volume "
        "(the image sets true; docs/docker.md).",
    )

    # --- Shopify -------------------------------------------------------------------------------
    shopify_shop: str | None = Field(None, description="Shop domain, e.g. my-shop.myshopify.com.")
    shopify_base_url: str | None = Field(
        None, description="Override of https://{shop}; the sandbox sets it to http://127.0.0.1:N."
    )
    shopify_api_version: str = Field("2026-10", description="Pinned Admin API version.")
    shopify_api: Literal["rest", "graphql"] = Field(
        "graphql",
        description="Which Shopify Admin API reads the shop: 'graphql' (the default: cost-paced, "
        "an order's transactions come with it, full reads are bulk operations) or 'rest' (the "
        "API Shopify made legacy in October 2024, still selectable).",
    )
    shopify_access_token: str | None = Field(None, description="Legacy custom-app admin token.")
    shopify_client_id: str | None = Field(None, description="Dev Dashboard app client id.")
    shopify_client_secret: str | None = Field(None, description="Dev Dashboard app client secret.")

    # --- Xero ----------------------------------------------------------------------------------
    xero_mode: Literal["web", "custom_connection"] = Field(
        "web",
        description="'web' (authorization code + PKCE) or 'custom_connection' "
        "('custom-connection', as `init --xero-app` spells it, is read the same).",
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
        DEFAULT_SYNCED_FINANCIAL_STATUSES, examples=["paid,partially_paid,refunded"]
    )
    sync_start_date: date | None = Field(
        None,
        description="ISO date: orders processed (shop time) before it are not invoiced.",
        examples=["2026-01-01"],
    )
    lookback_minutes: int = Field(10, ge=0, description="Cursor lookback window.")
    order_chunk: int = Field(
        1000,
        ge=1,
        description="Orders a run reads, invoices and commits at a time: memory is held to one "
        "chunk; each chunk ends its batches of 50 with one part-filled request.",
    )
    sync_payments: bool = Field(
        True,
        description="Record Shopify payments, refunds (credit notes) and cancellations in Xero; "
        "off when another tool (a bank feed, a payouts app) records the money.",
    )
    sync_payouts: bool = Field(
        True,
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
    payout_opening_account: str | None = Field(
        None,
        description="Account for the money of orders from before SHOPXERO_SYNC_START_DATE that a "
        "payout pays out (no default: such payouts are not posted, with a note).",
    )
    account_by_product_type: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, examples=['{"Books": "210"}']
    )
    account_by_sku: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, examples=['{"TSHIRT-L": "210"}']
    )
    account_by_gateway: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, examples=['{"paypal": "610"}']
    )
    tax_type_map: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description='Shopify tax ("VAT", "VAT@20", "US-MA:*", "abroad:untaxed") -> Xero TaxType.',
        examples=['{"VAT@20": "OUTPUT2", "abroad:untaxed": "EXEMPTOUTPUT"}'],
    )

    # --- notifications (shopxero.notify) -------------------------------------------------------
    # repr=False: the URLs often hold a password or a webhook token.
    notify_urls: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        repr=False,
        description="Apprise URLs to tell when something needs a person (mailto://, slack://, "
        "discord://, json://...), separated by spaces.",
        examples=["'mailto://user:app-password@gmail.com json://hooks.example.com/shopxero'"],
    )
    notify_remind_hours: float = Field(
        24.0, gt=0, description="A problem still open is notified again after this many hours."
    )

    # --- behaviour -----------------------------------------------------------------------------
    log_format: Literal["text", "json"] = "text"
    http_timeout_seconds: float = Field(30.0, gt=0)
    # Read by `shopxero schedule` (its --every / --cron win); here so that the env file sets them
    # too and a typo in their names is caught like any other.
    schedule_every: str | None = Field(
        None,
        description="Interval of `shopxero schedule`, e.g. 15m, 90s, 1h30m (default 15m).",
        examples=["15m"],
    )
    schedule_cron: str | None = Field(
        None,
        description="Cron expression of `shopxero schedule` instead of an interval.",
        examples=["'*/15 * * * *'"],
    )

    @field_validator("synced_financial_statuses", mode="before")
    @classmethod
    def _split_csv(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        unknown = [v for v in value if v not in FINANCIAL_STATUSES]
        if unknown:
            raise ValueError(
                f"{', '.join(map(repr, unknown))} is not a Shopify financial status "
                f"(they are {', '.join(FINANCIAL_STATUSES)})"
            )
        return value

    @field_validator(
        "account_by_product_type",
        "account_by_sku",
        "account_by_gateway",
        "tax_type_map",
        mode="before",
    )
    @classmethod
    def _json_object(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            parsed = json.loads(value) if value.strip() else {}
        except ValueError:
            hint = " (JSON needs double quotes, not single ones)" if "'" in value else ""
            raise ValueError(f"not a JSON object{hint}") from None
        if not isinstance(parsed, dict):
            raise ValueError("not a JSON object")
        return parsed

    @field_validator("xero_mode", mode="before")
    @classmethod
    def _mode_alias(cls, value: Any) -> Any:
        # `init --xero-app custom-connection` is how people type it; both spellings mean one mode.
        return value.strip().replace("-", "_") if isinstance(value, str) else value

    @field_validator("schedule_every", "schedule_cron", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        # Compose passes a variable that is unset on the host as an empty string.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("notify_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: Any) -> Any:
        """Spaces (or commas before the next ``scheme://``) separate URLs; a URL's own commas,
        as in ``mailto://...?to=a@x.com,b@y.com``, stay. An entry is never echoed back: it may
        hold a password."""
        if isinstance(value, str):
            value = [part for part in _URL_SEPARATOR.split(value.strip()) if part]
        for number, url in enumerate(value or (), start=1):
            if not _URL_START.match(str(url)):
                raise ValueError(
                    f"entry {number} is not a notification URL: each one starts with a scheme "
                    "such as mailto://, slack://, discord:// or json://"
                )
        return tuple(str(url) for url in value or ())

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


# SHOPXERO_* names that are not settings of the tool but are read by something else; they may be
# set without tripping the unknown-name check. Each says who reads it.
# (The test suite's own knobs are named CRASH_HARNESS_* etc., outside the prefix, on purpose.)
NOT_SETTINGS: dict[str, str] = {
    "SHOPXERO_COMPOSE": "scripts/docker-demo: which Compose (v1 or v2) the demo drives",
    "SHOPXERO_IMAGE": "scripts/docker-demo: the image it builds and runs",
    "SHOPXERO_BASE_IMAGE": "scripts/docker-demo: the base image it builds from",
    "SHOPXERO_DOCKER_WORK": "scripts/docker-demo: its work folder",
}


def raw_value(env_name: str, env_file: Path | None) -> str | None:
    """One setting as text, from the environment, else the env file, unchecked and ignoring
    every other setting: for what must work while the settings as a whole are broken (the log
    format that reports the problem, the scheduler that reports it at every tick)."""
    for key, value in os.environ.items():
        if key.upper() == env_name:
            return value
    if env_file is None or not env_file.is_file():
        return None
    try:
        values = dotenv_values(env_file)
    except (OSError, UnicodeDecodeError):
        return None
    found: str | None = None
    for key, text in values.items():
        if key.upper() == env_name:
            found = text
    return found


def setting_names() -> list[str]:
    """Every ``SHOPXERO_*`` name the tool reads as a setting, in the model's order."""
    return [f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields]


def setting_example(field_name: str) -> str | None:
    """A valid value of the setting, to show beside an invalid one."""
    field = Settings.model_fields[field_name]
    if field.examples:
        return str(field.examples[0])
    annotation = field.annotation
    if typing.get_origin(annotation) is Literal:
        choices = typing.get_args(annotation)
        return f"{choices[0]} (one of {', '.join(map(str, choices))})"
    if annotation is bool:
        return "true (or false)"
    if annotation in (int, float) or (annotation is Path and field.default is not None):
        return str(field.default)
    return None


def _unknown_names(env_file: Path | None) -> list[str]:
    """One problem per ``SHOPXERO_*`` name, in the environment or the env file, that nothing
    reads, each with the closest known name."""
    known = setting_names() + list(NOT_SETTINGS)
    # Compared without the prefix, which every name shares and which would make any two alike.
    suffixes = {name.removeprefix(ENV_PREFIX): name for name in known}
    sources: list[tuple[str, list[str]]] = [("the environment", list(os.environ))]
    if env_file is not None:
        sources.append((str(env_file), [k for k in dotenv_values(env_file) if k]))
    problems: list[str] = []
    for where, names in sources:
        for name in names:
            upper = name.strip().upper()
            if not upper.startswith(ENV_PREFIX) or upper in known:
                continue
            close = difflib.get_close_matches(upper.removeprefix(ENV_PREFIX), suffixes, n=1)
            hint = f"did you mean {suffixes[close[0]]}?" if close else "no setting is called that"
            problems.append(f"unknown setting {name} (in {where}): {hint}")
    return problems


def _value_problem(err: Any) -> str:
    loc = [str(part) for part in err["loc"]]
    env_name = f"{ENV_PREFIX}{loc[0].upper()}"
    message = str(err["msg"]).removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    if len(loc) > 1:  # inside a JSON object: the key at fault
        message = f"at {'.'.join(loc[1:])!r}: {message}"
    given = err.get("input")
    shown = f"={given!s:.60}" if isinstance(given, str | int | float) and len(loc) == 1 else ""
    if loc[0] in Settings.model_fields and Settings.model_fields[loc[0]].repr is False:
        shown = ""  # a setting kept out of repr holds secrets (notification URLs): never echoed
    problem = f"{env_name}{shown}: {message}"
    example = setting_example(loc[0]) if loc[0] in Settings.model_fields else None
    return f"{problem}; e.g. {env_name}={example}" if example else problem


def load_settings(env_file: Path | None = None, **overrides: Any) -> Settings:
    """Read settings; real environment variables override ``env_file``.

    Raises ``ConfigError`` naming every unknown ``SHOPXERO_*`` name (with the closest known
    one) and every invalid setting (with a valid example) instead of pydantic's traceback.
    """
    if env_file is not None and not env_file.is_file():
        raise ConfigError(f"--env-file {env_file} does not exist.")
    unknown = _unknown_names(env_file)
    if unknown:
        raise ConfigError(
            "; ".join(unknown) + " (docs/settings.md lists every setting; fix or remove it)"
        )
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as exc:
        problems = "; ".join(_value_problem(err) for err in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from exc
    except SettingsError as exc:
        # pydantic-settings names the field in its message, e.g. a dict setting that is not JSON.
        raise ConfigError(f"invalid settings: {exc}") from exc
