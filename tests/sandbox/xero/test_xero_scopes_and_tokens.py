"""Scope rules and the token store's lifetimes, without HTTP [xero-api-notes §1.3, §1.4]."""

from __future__ import annotations

import pytest

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.xero.scopes import allowed_scopes, parse_scopes, scope_permits
from shopxero.sandbox.xero.tokens import OAuthError, TokenStore, pkce_s256


@pytest.mark.parametrize(
    ("granted", "endpoint", "method", "ok"),
    [
        ({"accounting.invoices"}, "Items", "PUT", True),
        ({"accounting.settings.read"}, "Items", "GET", True),
        ({"accounting.settings.read"}, "Items", "PUT", False),
        ({"accounting.transactions"}, "Invoices", "POST", True),
        ({"accounting.transactions"}, "Contacts", "GET", False),
        ({"accounting.payments.read"}, "Payments", "GET", True),
        ({"accounting.payments.read"}, "Payments", "PUT", False),
        ({"accounting.invoices"}, "CreditNotes", "PUT", True),
        ({"accounting.contacts"}, "organisation", "GET", False),
        (set(), "SomethingUnknown", "GET", True),
    ],
)
def test_scope_families_per_endpoint_facts_1_4(granted, endpoint, method, ok) -> None:
    assert scope_permits(frozenset(granted), endpoint, method) is ok


def test_new_apps_may_not_ask_for_broad_scopes_old_apps_may() -> None:
    assert "accounting.transactions" not in allowed_scopes(broad_allowed=False)
    assert "accounting.transactions" in allowed_scopes(broad_allowed=True)
    assert "accounting.invoices" in allowed_scopes(broad_allowed=False)


def test_scope_parameter_is_space_separated_without_duplicates() -> None:
    assert parse_scopes("  openid  email openid ") == ["openid", "email"]
    assert parse_scopes(None) == []


def test_pkce_s256_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_access_token_lives_exactly_30_minutes() -> None:
    clock = SandboxClock()
    store = TokenStore(clock)
    body = store.issue_web_grant(
        "app", frozenset({"offline_access"}), tenant_id="t", tenant_name="T"
    )
    clock.advance(1799)
    assert not isinstance(store.check_access(body["access_token"]), float)
    clock.advance(1)
    assert isinstance(store.check_access(body["access_token"]), float)
    assert store.check_access("unknown") is None


def test_grace_is_counted_from_the_first_rotation_not_from_each_reuse() -> None:
    clock = SandboxClock()
    store = TokenStore(clock)
    first = store.issue_web_grant(
        "app", frozenset({"offline_access"}), tenant_id="t", tenant_name="T"
    )
    store.refresh(first["refresh_token"], client_id="app")
    clock.advance(20 * 60)
    store.refresh(first["refresh_token"], client_id="app")  # reuse in grace
    clock.advance(11 * 60)  # 31 minutes after the first rotation
    with pytest.raises(OAuthError) as err:
        store.refresh(first["refresh_token"], client_id="app")
    assert err.value.error == "invalid_grant"


def test_refreshed_token_set_keeps_the_scopes() -> None:
    store = TokenStore(SandboxClock())
    first = store.issue_web_grant(
        "app", frozenset({"offline_access", "accounting.contacts"}), tenant_id="t", tenant_name="T"
    )
    second = store.refresh(first["refresh_token"], client_id="app")
    assert second["scope"] == first["scope"]
