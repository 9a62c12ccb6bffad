"""Xero identity endpoints: ``/connect/token``, ``/connect/revocation`` and ``/connections``.

Real hosts: identity.xero.com (token, revocation) and api.xero.com (connections); the simulator
serves them all on one port. Behaviour follows xero-api-notes §1 and xero-identity.yaml:
- Client authentication by HTTP Basic or by ``client_id``/``client_secret`` in the form (both
  are seen in the wild, xero-api-notes §1.1); a failed Basic login is 401 ``invalid_client`` with
  ``WWW-Authenticate``, a failed form login 400 ``invalid_client`` (RFC 6749 §5.2).
- Grants: ``authorization_code`` (+PKCE), ``refresh_token`` (rotation with grace),
  ``client_credentials`` (Custom Connection client only). Errors are RFC 6749 JSON
  (``{"error": "invalid_grant"}``, xero-api-notes §1.3).
- ``/connections`` needs a bearer token and carries only ``X-AppMinLimit-Remaining``
  [xero-api-notes §1.5].
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shopxero.sandbox.xero import problems
from shopxero.sandbox.xero.auth import authenticate_bearer
from shopxero.sandbox.xero.credentials import XeroClientCredentials
from shopxero.sandbox.xero.problems import Problem
from shopxero.sandbox.xero.ratelimit import RateLimiter, Rejection
from shopxero.sandbox.xero.scopes import (
    DEFAULT_CUSTOM_CONNECTION_SCOPES,
    parse_scopes,
)
from shopxero.sandbox.xero.tokens import OAuthError, TokenStore

__all__ = ["IdentityContext", "identity_routes", "oauth_error_response"]

ClientKind = Literal["web", "custom"]
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass
class IdentityContext:
    """What the identity endpoints share with the rest of the simulator."""

    tokens: TokenStore
    credentials: XeroClientCredentials
    limiter: RateLimiter
    tenant_id: str
    tenant_name: str


def oauth_error_response(error: OAuthError) -> JSONResponse:
    body: dict[str, Any] = {"error": error.error}
    if error.description:
        body["error_description"] = error.description
    headers = dict(_NO_STORE)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="identity.xero.com"'
    return JSONResponse(body, status_code=error.status, headers=headers)


def _problem(problem: Problem, extra: dict[str, str] | None = None) -> Response:
    return JSONResponse(problem.body, status_code=problem.status, headers=extra or None)


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", description="expected a form-encoded body")
    raw = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(raw, keep_blank_values=True))


def _authenticate_client(
    ctx: IdentityContext, request: Request, form: dict[str, str]
) -> tuple[str, ClientKind]:
    """The calling app, from Basic auth or form fields; ``invalid_client`` otherwise."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        if form.get("client_secret"):
            # RFC 6749 §2.3: a client MUST NOT use more than one authentication method.
            raise OAuthError("invalid_request", description="use one client authentication")
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", 401) from None
        raw_id, sep, raw_secret = decoded.partition(":")
        if not sep:
            raise OAuthError("invalid_client", 401)
        client_id, secret = unquote(raw_id), unquote(raw_secret)
        if form.get("client_id") and form["client_id"] != client_id:
            raise OAuthError("invalid_client", 401)
        status = 401
    else:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        status = 400
    creds = ctx.credentials
    if client_id == creds.client_id and hmac.compare_digest(secret, creds.client_secret):
        return client_id, "web"
    if client_id == creds.cc_client_id and hmac.compare_digest(secret, creds.cc_client_secret):
        return client_id, "custom"
    raise OAuthError("invalid_client", status)


async def token_endpoint(request: Request) -> Response:
    ctx: IdentityContext = request.app.state.identity
    try:
        form = await _form(request)
        client_id, kind = _authenticate_client(ctx, request, form)
        body = _grant(ctx, form, client_id, kind)
    except OAuthError as exc:
        return oauth_error_response(exc)
    return JSONResponse(body, headers=_NO_STORE)


def _grant(
    ctx: IdentityContext, form: dict[str, str], client_id: str, kind: ClientKind
) -> dict[str, Any]:
    grant_type = form.get("grant_type", "")
    if not grant_type:
        raise OAuthError("invalid_request", description="grant_type is required")
    if grant_type == "authorization_code":
        if kind != "web":
            raise OAuthError("unauthorized_client")
        code = form.get("code", "")
        if not code:
            raise OAuthError("invalid_request", description="code is required")
        return ctx.tokens.redeem_code(
            code,
            client_id=client_id,
            redirect_uri=form.get("redirect_uri"),
            code_verifier=form.get("code_verifier"),
        )
    if grant_type == "refresh_token":
        if kind != "web":
            raise OAuthError("unauthorized_client")
        token = form.get("refresh_token", "")
        if not token:
            raise OAuthError("invalid_request", description="refresh_token is required")
        return ctx.tokens.refresh(token, client_id=client_id)
    if grant_type == "client_credentials":
        if kind != "custom":
            raise OAuthError("unauthorized_client")
        return ctx.tokens.issue_custom(client_id, _custom_scopes(form.get("scope")))
    raise OAuthError("unsupported_grant_type")


def _custom_scopes(raw: str | None) -> frozenset[str]:
    """The connection's authorised scopes, or the subset asked for; more is ``invalid_scope``."""
    asked = parse_scopes(raw)
    if not asked:
        return DEFAULT_CUSTOM_CONNECTION_SCOPES
    allowed = DEFAULT_CUSTOM_CONNECTION_SCOPES | {
        f"{s}.read" for s in DEFAULT_CUSTOM_CONNECTION_SCOPES
    }
    if any(s not in allowed for s in asked):
        raise OAuthError("invalid_scope")
    return frozenset(asked)


async def revocation_endpoint(request: Request) -> Response:
    ctx: IdentityContext = request.app.state.identity
    try:
        form = await _form(request)
        client_id, _kind = _authenticate_client(ctx, request, form)
        token = form.get("token", "")
        if not token:
            raise OAuthError("invalid_request", description="token is required")
    except OAuthError as exc:
        return oauth_error_response(exc)
    ctx.tokens.revoke(token, client_id=client_id)
    return Response(status_code=200)


def _limit_app(ctx: IdentityContext, client_id: str) -> dict[str, str] | Response:
    admitted = ctx.limiter.admit(client_id, None)
    if isinstance(admitted, Rejection):
        problem = problems.too_many_requests(admitted.problem, admitted.headers)
        return _problem(problem, problem.headers)
    ctx.limiter.release(admitted)
    return admitted.headers


async def list_connections(request: Request) -> Response:
    ctx: IdentityContext = request.app.state.identity
    grant = authenticate_bearer(ctx.tokens, request.headers.get("authorization"))
    if isinstance(grant, Problem):
        return _problem(grant)
    headers = _limit_app(ctx, grant.client_id)
    if isinstance(headers, Response):
        return headers
    event = request.query_params.get("authEventId") or None
    found = ctx.tokens.connections(grant.client_id, event)
    return JSONResponse([c.to_json() for c in found], headers=headers)


async def delete_connection(request: Request) -> Response:
    ctx: IdentityContext = request.app.state.identity
    grant = authenticate_bearer(ctx.tokens, request.headers.get("authorization"))
    if isinstance(grant, Problem):
        return _problem(grant)
    headers = _limit_app(ctx, grant.client_id)
    if isinstance(headers, Response):
        return headers
    connection_id = request.path_params["id"]
    if ctx.tokens.delete_connection(grant.client_id, connection_id):
        return Response(status_code=204, headers=headers)
    # A tenantId or authEventId instead of the connection id: 403 [xero-api-notes §1.5, I-node403];
    # an id that is nothing we know: 404 (xero-identity.yaml).
    known = {
        value.lower()
        for c in ctx.tokens.connections(grant.client_id)
        for value in (c.tenant_id, c.auth_event_id)
    }
    if connection_id.lower() in known or connection_id.lower() == ctx.tenant_id.lower():
        return _problem(problems.forbidden(), headers)
    return Response("Resource not found", status_code=404, headers=headers)


def identity_routes() -> list[Route]:
    """Token, revocation and connections routes (the consent page lives in ``consent``)."""
    return [
        Route("/connect/token", token_endpoint, methods=["POST"]),
        Route("/connect/revocation", revocation_endpoint, methods=["POST"]),
        # The spec writes /Connections; Xero's docs and SDKs call /connections. Serve both.
        Route("/connections", list_connections, methods=["GET"]),
        Route("/Connections", list_connections, methods=["GET"]),
        Route("/connections/{id}", delete_connection, methods=["DELETE"]),
        Route("/Connections/{id}", delete_connection, methods=["DELETE"]),
    ]
