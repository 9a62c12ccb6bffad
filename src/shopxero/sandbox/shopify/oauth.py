"""``POST /admin/oauth/access_token``: the client credentials grant (shopify-api-notes §2b).

The request is ``grant_type=client_credentials&client_id=..&client_secret=..`` as a form (the
official docs) or as JSON (the official Node library); the answer is ``{"access_token", "scope",
"expires_in"}``. Bad credentials are 400 ``invalid_client`` / "Client authentication failed", the
shape Shopify's own library mocks. There is no refresh token: the client repeats the grant.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from shopxero.sandbox.shopify.auth import TokenRegistry

__all__ = ["access_token_endpoint", "json_response"]


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    """JSON with Shopify's content type, ``application/json; charset=utf-8``."""
    return Response(
        json.dumps(payload, ensure_ascii=False),
        status_code=status,
        media_type="application/json; charset=utf-8",
        headers=headers,
    )


def _oauth_error(error: str, description: str) -> Response:
    return json_response(400, {"error": error, "error_description": description})


def access_token_endpoint(tokens: TokenRegistry) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        form = await _grant_form(request)
        if form is None:
            return _oauth_error("invalid_request", "Malformed request body")
        if form.get("grant_type") != "client_credentials":
            # RFC 6749 §5.2's code; the simulator models only the grant the tool uses.
            return _oauth_error("unsupported_grant_type", "Only client_credentials is supported")
        token = tokens.client_credentials(form.get("client_id"), form.get("client_secret"))
        if token is None:
            return _oauth_error("invalid_client", "Client authentication failed")
        return json_response(
            200,
            {
                "access_token": token,
                "scope": ",".join(tokens.credentials.scopes),
                "expires_in": tokens.token_ttl_seconds,
            },
        )

    return endpoint


async def _grant_form(request: Request) -> dict[str, str] | None:
    """The grant's fields from a form body or a JSON body; None when the body is malformed."""
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        return {str(k): str(v) for k, v in data.items() if v is not None}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}
