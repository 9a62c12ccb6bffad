"""Who is calling the Accounting API: bearer token, ``xero-tenant-id`` and scope checks.

- No token, a garbage or revoked one: 401 ``AuthenticationUnsuccessful``; an expired one: 401
  ``TokenExpired: token expired at …`` [xero-api-notes §7].
- Web-app tokens must name a tenant connected to the app in ``xero-tenant-id``; missing, unknown
  or disconnected: 403 [xero-api-notes §1.5]. Custom Connection tokens need no header (one
  organisation per connection [xero-api-notes §1.7]); a header naming another tenant is still a 403.
- A token without the endpoint's scope family: 401 ``AuthorizationUnsuccessful``
  [xero-api-notes §7].
"""

from __future__ import annotations

from dataclasses import dataclass

from shopxero.sandbox.xero import problems
from shopxero.sandbox.xero.problems import Problem
from shopxero.sandbox.xero.scopes import scope_permits
from shopxero.sandbox.xero.tokens import AccessGrant, TokenStore

__all__ = ["ApiCaller", "authenticate_bearer", "authorize_api_call", "bearer_token"]


@dataclass(frozen=True)
class ApiCaller:
    """An authenticated Accounting API call: the app, its scopes and the tenant it targets."""

    client_id: str
    scopes: frozenset[str]
    tenant_id: str


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate_bearer(tokens: TokenStore, authorization: str | None) -> AccessGrant | Problem:
    """The grant behind ``Authorization: Bearer …``, or the 401 to send."""
    token = bearer_token(authorization)
    if token is None:
        return problems.authentication_unsuccessful()
    checked = tokens.check_access(token)
    if checked is None:
        return problems.authentication_unsuccessful()
    if isinstance(checked, float):
        return problems.token_expired(checked)
    return checked


def authorize_api_call(
    tokens: TokenStore,
    *,
    authorization: str | None,
    tenant_header: str | None,
    org_tenant_id: str,
    endpoint: str,
    method: str,
) -> ApiCaller | Problem:
    """Check token, tenant and scope for one Accounting call."""
    grant = authenticate_bearer(tokens, authorization)
    if isinstance(grant, Problem):
        return grant
    tenant = (tenant_header or "").strip()
    if grant.kind == "custom":
        if tenant and tenant.lower() != org_tenant_id.lower():
            return problems.forbidden()
        tenant = org_tenant_id
    elif not tenant:
        return problems.forbidden()
    if tenant.lower() != org_tenant_id.lower() or not tokens.is_connected(
        grant.client_id, org_tenant_id
    ):
        return problems.forbidden()
    if not scope_permits(grant.scopes, endpoint, method):
        return problems.authorization_unsuccessful()
    return ApiCaller(grant.client_id, grant.scopes, org_tenant_id)
