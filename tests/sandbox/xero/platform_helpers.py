"""Helpers for the Xero platform tests: a tiny organisation and router, clients, PKCE.

The platform (auth, limits, idempotency, XML, identity) does not depend on what the accounting
routes do, so most tests run it around ``FakeOrg``/``fake_router``: a Contacts list whose PUT
mints a new ContactID every time (so a replayed answer is distinguishable from a re-run), a slow
route to hold concurrency slots and a route that crashes. ``full_sandbox`` builds the real thing
(``create_xero_app`` with the seeds' UK defaults) for the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.sandbox.xero.app import XeroSandbox
from shopxero.sandbox.xero.credentials import XeroClientCredentials

API = "/api.xro/2.0"
REDIRECT_URI = "http://localhost:8765/callback"
CREDS = XeroClientCredentials(
    client_id="TESTWEBCLIENT",
    client_secret="test-web-secret",
    cc_client_id="TESTCCCLIENT",
    cc_client_secret="test-cc-secret",
)


class FakeOrg:
    """Just enough of ``XeroOrg`` for the platform: a tenant id, contacts, state and reset."""

    def __init__(self) -> None:
        self.tenant_id = str(uuid.uuid4())
        self.contacts: list[dict[str, Any]] = []
        self.resets = 0

    def state(self) -> dict[str, Any]:
        return {
            "organisation": {"Name": "Fake Shop Ltd", "OrganisationID": self.tenant_id},
            "contacts": list(self.contacts),
        }

    def reset(self) -> None:
        self.contacts.clear()
        self.resets += 1


def fake_router(get_org: Callable[[Request], FakeOrg]) -> Router:
    def envelope(**data: Any) -> dict[str, Any]:
        return {
            "Id": str(uuid.uuid4()),
            "Status": "OK",
            "ProviderName": "test",
            "DateTimeUTC": "/Date(1764151200000)/",
            **data,
        }

    async def list_contacts(request: Request) -> Response:
        return JSONResponse(envelope(Contacts=get_org(request).contacts))

    async def put_contacts(request: Request) -> Response:
        payload = await request.json()
        org = get_org(request)
        created = []
        for element in payload.get("Contacts", []):
            if not element.get("Name"):
                return JSONResponse(
                    {
                        "ErrorNumber": 10,
                        "Type": "ValidationException",
                        "Message": "A validation exception occurred",
                        "Elements": [
                            {
                                **element,
                                "ValidationErrors": [
                                    {"Message": "The contact name must be provided."}
                                ],
                            }
                        ],
                    },
                    status_code=400,
                )
            record = {
                **element,
                "ContactID": str(uuid.uuid4()),
                "IsSupplier": False,
                "UpdatedDateUTC": "/Date(1764151200000+0000)/",
            }
            org.contacts.append(record)
            created.append(record)
        return JSONResponse(envelope(Contacts=created))

    async def slow(request: Request) -> Response:
        await asyncio.sleep(float(request.query_params.get("seconds", "0.4")))
        return JSONResponse(envelope(Slow=True))

    async def boom(request: Request) -> Response:
        raise RuntimeError("route crashed")

    async def not_found(request: Request) -> Response:
        return Response(
            "The resource you're looking for cannot be found",
            status_code=404,
            media_type="text/html",
        )

    return Router(
        routes=[
            Route("/Contacts", list_contacts, methods=["GET"]),
            Route("/Contacts", put_contacts, methods=["PUT", "POST"]),
            Route("/Slow", slow, methods=["GET", "POST"]),
            Route("/Boom", boom, methods=["POST"]),
            Route("/Missing", not_found, methods=["GET"]),
        ]
    )


def fake_sandbox(
    clock: SandboxClock | None = None, credentials: XeroClientCredentials = CREDS, **limits: int
) -> XeroSandbox:
    org = FakeOrg()
    return XeroSandbox(
        org,
        fake_router(lambda _r: org),
        clock=clock or SandboxClock(),
        credentials=credentials,
        **limits,
    )


def full_sandbox(clock: SandboxClock | None = None, **limits: Any) -> XeroSandbox:
    """``create_xero_app`` on the UK defaults: the real accounting routes behind the platform."""
    from shopxero.sandbox.seeds.xero_defaults import (
        default_accounts,
        default_organisation,
        default_tax_rates,
    )
    from shopxero.sandbox.xero.app import create_xero_app

    seed = {
        "organisation": default_organisation("GB"),
        "accounts": default_accounts("GB"),
        "tax_rates": default_tax_rates("GB"),
        "contacts": [],
        "items": [],
    }
    return create_xero_app(seed, clock=clock, credentials=CREDS, **limits)


def client_for(app: XeroSandbox, base_url: str = "http://xero.sandbox") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=SandboxASGITransport(app=app), base_url=base_url)


def api_headers(tokens: dict[str, Any], **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {tokens['access_token']}",
        "xero-tenant-id": tokens["tenant_id"],
        "Accept": "application/json",
        **extra,
    }


def basic(client_id: str = CREDS.client_id, secret: str = CREDS.client_secret) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)[:64]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize_params(challenge: str | None, **overrides: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": CREDS.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "offline_access accounting.contacts accounting.invoices",
        "state": "st-123",
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params | overrides


async def consent(
    client: httpx.AsyncClient, params: dict[str, str], decision: str = "allow"
) -> httpx.Response:
    """Open the consent page, submit its form like a browser would; return the redirect."""
    page = await client.get("/identity/connect/authorize", params=params)
    assert page.status_code == 200, page.text
    request_id = page.text.split('name="request_id" value="', 1)[1].split('"', 1)[0]
    return await client.post(
        "/identity/connect/authorize", data={"request_id": request_id, "decision": decision}
    )


def redirect_query(response: httpx.Response) -> dict[str, str]:
    location = response.headers["location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def code_flow(client: httpx.AsyncClient, **overrides: str) -> dict[str, Any]:
    """The whole browser flow and the code exchange; the token body."""
    verifier, challenge = pkce_pair()
    answer = await consent(client, authorize_params(challenge, **overrides))
    code = redirect_query(answer)["code"]
    response = await client.post(
        "/connect/token",
        headers=basic(),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200, response.text
    return dict(response.json())
