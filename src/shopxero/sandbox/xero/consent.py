"""The login.xero.com consent page: ``GET``/``POST /identity/connect/authorize``.

GET checks the authorize request (xero-api-notes §1.1, §1.2, §1.4) and shows the organisation, the
scopes and two buttons in one form: ``decision=allow`` ("Allow access") and ``decision=deny``
("Cancel"). The form posts back a one-time ``request_id``; the parameters themselves stay on the
server, so a script cannot tamper with them between the page and the answer. Allow redirects
(302) to ``redirect_uri?code=…&scope=…&state=…``; Cancel to ``redirect_uri?error=access_denied``.
A bad request shows an error page (400) and never redirects to an unchecked URI.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from shopxero.sandbox.xero.identity import IdentityContext
from shopxero.sandbox.xero.scopes import allowed_scopes, parse_scopes

__all__ = ["consent_routes", "redirect_uri_problem"]

AUTHORIZE_PATH = "/identity/connect/authorize"
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")  # base64url of a SHA-256, or longer


class _ConsentError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(error)
        self.error = error
        self.description = description


def redirect_uri_problem(uri: str, registered: tuple[str, ...]) -> str | None:
    """Why ``uri`` cannot be a redirect URI, or None: https, or http on localhost
    [xero-api-notes §1.1]."""
    if not uri:
        return "redirect_uri is required"
    if registered and uri not in registered:
        return "redirect_uri is not registered for this app"
    parts = urlsplit(uri)
    if parts.fragment:
        return "redirect_uri must not have a fragment"
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1"):
        return None
    return "redirect_uri must be https, or http on localhost"


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )
    return HTMLResponse(doc, status_code=status, headers={"Cache-Control": "no-store"})


def _error_page(error: _ConsentError) -> HTMLResponse:
    body = (
        "<h1>Xero (sandbox): this app cannot connect</h1>\n"
        f'<p class="error" id="error">{html.escape(error.error)}</p>\n'
        f'<p id="error_description">{html.escape(error.description)}</p>'
    )
    return _page("Error", body, 400)


def _check(ctx: IdentityContext, params: dict[str, str]) -> tuple[str, list[str]]:
    """The redirect URI and scopes of a valid authorize request; ``_ConsentError`` otherwise."""
    creds = ctx.credentials
    client_id = params.get("client_id", "")
    if client_id == creds.cc_client_id:
        raise _ConsentError("unauthorized_client", "a Custom Connection does not use this flow")
    if client_id != creds.client_id:
        raise _ConsentError("invalid_client", "unknown client_id")
    redirect_uri = params.get("redirect_uri", "")
    problem = redirect_uri_problem(redirect_uri, creds.redirect_uris)
    if problem:
        raise _ConsentError("invalid_request", problem)
    if params.get("response_type") != "code":
        raise _ConsentError("unsupported_response_type", "response_type must be code")
    scopes = parse_scopes(params.get("scope"))
    if not scopes:
        raise _ConsentError("invalid_scope", "scope is required")
    permitted = allowed_scopes(broad_allowed=creds.broad_scopes_allowed)
    refused = [s for s in scopes if s not in permitted]
    if refused:
        # New apps asking for broad scopes fail like this [xero-api-notes §1.4, R31].
        raise _ConsentError("invalid_scope", "Invalid scope for client: " + " ".join(refused))
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if challenge or method:
        if method != "S256":
            raise _ConsentError("invalid_request", "code_challenge_method must be S256")
        if not challenge or not _CHALLENGE.match(challenge):
            raise _ConsentError("invalid_request", "code_challenge is missing or malformed")
    return redirect_uri, scopes


def _with_query(uri: str, params: dict[str, str]) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


async def authorize_page(request: Request) -> Response:
    ctx: IdentityContext = request.app.state.identity
    params = dict(request.query_params)
    try:
        redirect_uri, scopes = _check(ctx, params)
    except _ConsentError as exc:
        return _error_page(exc)
    pending = ctx.tokens.begin_consent(
        client_id=params["client_id"],
        redirect_uri=redirect_uri,
        scopes=scopes,
        state=params.get("state"),
        code_challenge=params.get("code_challenge") or None,
    )
    items = "\n".join(f'<li class="scope">{html.escape(s)}</li>' for s in scopes)
    body = (
        "<h1>Xero (sandbox)</h1>\n"
        f'<p>An app wants to connect to <strong id="tenant">{html.escape(ctx.tenant_name)}'
        "</strong>.</p>\n"
        f'<p>It asks for:</p>\n<ul id="scopes">\n{items}\n</ul>\n'
        f'<form id="consent" method="post" action="{AUTHORIZE_PATH}">\n'
        f'<input type="hidden" name="request_id" value="{html.escape(pending.request_id)}">\n'
        '<button type="submit" name="decision" value="allow" id="allow">Allow access</button>\n'
        '<button type="submit" name="decision" value="deny" id="cancel">Cancel</button>\n'
        "</form>"
    )
    return _page("Allow access to your Xero organisation", body)


async def authorize_decision(request: Request) -> Response:
    ctx: IdentityContext = request.app.state.identity
    raw = (await request.body()).decode("utf-8", errors="replace")
    form = dict(parse_qsl(raw, keep_blank_values=True))
    pending = ctx.tokens.take_consent(form.get("request_id", ""))
    if pending is None:
        return _error_page(_ConsentError("invalid_request", "this consent has expired or was used"))
    answer: dict[str, str]
    if form.get("decision") == "allow":
        code = ctx.tokens.approve(pending, tenant_id=ctx.tenant_id, tenant_name=ctx.tenant_name)
        answer = {"code": code, "scope": " ".join(pending.scopes)}
    else:
        answer = {"error": "access_denied"}
    if pending.state is not None:
        answer["state"] = pending.state
    return RedirectResponse(_with_query(pending.redirect_uri, answer), status_code=302)


def consent_routes() -> list[Route]:
    return [
        Route(AUTHORIZE_PATH, authorize_page, methods=["GET"]),
        Route(AUTHORIZE_PATH, authorize_decision, methods=["POST"]),
    ]
