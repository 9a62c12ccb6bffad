"""Fixtures for the Xero client and auth tests: a fake clock, spec validation, token stubs."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from tests.vendored import XERO_ACCOUNTING

SPEC_PATH = XERO_ACCOUNTING


class FakeClock:
    """A clock whose sleeps take no real time: they move the clock forward."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if seconds > 0:
            self.now += seconds
        import asyncio

        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


class StaticTokens:
    """A token provider that hands out AT-n and counts refreshes."""

    def __init__(self) -> None:
        self.generation = 1
        self.refreshed_for: list[str] = []

    async def access_token(self) -> str:
        return f"AT-secret-{self.generation}"

    async def refresh_after_401(self, rejected: str) -> str:
        self.refreshed_for.append(rejected)
        if rejected == f"AT-secret-{self.generation}":
            self.generation += 1
        return f"AT-secret-{self.generation}"


@pytest.fixture
def static_tokens() -> StaticTokens:
    return StaticTokens()


class _SpecRequest:
    """openapi-core's request protocol over an ``httpx.Request`` sent to any host."""

    def __init__(self, request: httpx.Request) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(request.url.query.decode(), keep_blank_values=True)),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict({}),
        )
        self.host_url = "https://api.xero.com"  # the spec's server
        self.path = request.url.path
        self.method = request.method.lower()
        self.body = request.content or None
        self.content_type = request.headers.get("content-type", "")


class SpecValidator:
    """Validates a request the client sent against Xero's OpenAPI spec (query, headers, body)."""

    def __init__(self) -> None:
        from openapi_core import Config, OpenAPI

        # The published spec fails strict meta-validation ('false' defaults for booleans), which
        # says nothing about request schemas: skip that check only.
        self.api: Any = OpenAPI.from_file_path(
            str(SPEC_PATH), config=Config(spec_validator_cls=None)
        )

    def validate(self, request: httpx.Request) -> None:
        with warnings.catch_warnings():
            # openapi-core does not model OAuth2 security; it warns and carries on.
            warnings.simplefilter("ignore", UserWarning)
            self.api.validate_request(_SpecRequest(request))


@pytest.fixture(scope="session")
def spec_validator() -> SpecValidator:
    return SpecValidator()


# --- the Xero simulator's platform (identity, token checks, limits) ---------------------------

WEB_CLIENT_ID = "TESTWEBCLIENTF"
WEB_CLIENT_SECRET = "test-web-secret-F-0123456789"
CC_CLIENT_ID = "TESTCCCLIENTF"
CC_CLIENT_SECRET = "test-cc-secret-F-0123456789"


def test_credentials(*, broad_scopes_allowed: bool = False) -> Any:
    from shopxero.sandbox.xero.credentials import XeroClientCredentials

    return XeroClientCredentials(
        client_id=WEB_CLIENT_ID,
        client_secret=WEB_CLIENT_SECRET,
        cc_client_id=CC_CLIENT_ID,
        cc_client_secret=CC_CLIENT_SECRET,
        broad_scopes_allowed=broad_scopes_allowed,
    )


class _Org:
    """The least an organisation must offer the platform: a tenant id, state and reset."""

    def __init__(self) -> None:
        import uuid

        self.tenant_id = str(uuid.uuid4())

    def state(self) -> dict[str, Any]:
        return {"organisation": {"Name": "Platform Test Ltd", "OrganisationID": self.tenant_id}}

    def reset(self) -> None:
        return None


def platform_sandbox(clock: Any, *, old_app: bool = False, **limits: Any) -> Any:
    """The real Xero platform (identity, bearer/tenant checks, rate limits) around one route,
    ``GET /Organisation``: enough for token and pacing tests, independent of the resources."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route, Router

    from shopxero.sandbox.xero.app import XeroSandbox

    org = _Org()

    async def organisation(request: Any) -> Any:
        return JSONResponse({"Organisations": [{"Name": "Platform Test Ltd"}]})

    router = Router(routes=[Route("/Organisation", organisation, methods=["GET"])])
    credentials = test_credentials(broad_scopes_allowed=old_app)
    return XeroSandbox(org, router, clock=clock, credentials=credentials, **limits)


def token_file_from(body: dict[str, Any], path: Path, clock: Any, **changes: Any) -> Any:
    """Save a token set the sandbox issued (``issue_tokens_for_tests``) as our token file."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from shopxero.xero.tokens import XeroTokenSet, save_token_file

    now = datetime.fromtimestamp(clock.time(), UTC)
    tokens = XeroTokenSet.from_token_response(body, now=now).with_tenant(
        body.get("tenant_id"), "Platform Test Ltd"
    )
    tokens = replace(tokens, **changes)
    save_token_file(path, tokens)
    return tokens


def consent_in_browser(url: str, decision: str = "allow") -> httpx.Response:
    """What a person does in the browser, scripted: open the consent page, press a button,
    follow the redirect to shopxero's localhost callback."""
    import re

    with httpx.Client(follow_redirects=False, timeout=10) as http:
        page = http.get(url)
        assert page.status_code == 200, page.text
        action = re.search(r'<form id="consent" method="post" action="([^"]+)"', page.text)
        request_id = re.search(r'name="request_id" value="([^"]+)"', page.text)
        assert action and request_id, page.text
        answer = http.post(
            httpx.URL(url).join(action.group(1)),
            data={"request_id": request_id.group(1), "decision": decision},
        )
        assert answer.status_code in (302, 303), answer.text
        return http.get(answer.headers["location"])


# --- the whole simulator (platform + accounting resources) ------------------------------------


def full_sandbox(clock: Any, **limits: Any) -> Any:
    """``create_xero_app`` on the UK defaults of a new organisation."""
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
    return create_xero_app(seed, clock=clock, credentials=test_credentials(), **limits)


class SpecCheckingTransport(httpx.AsyncBaseTransport):
    """Validates every request against Xero's spec before the simulator sees it."""

    def __init__(self, inner: httpx.AsyncBaseTransport, validator: SpecValidator) -> None:
        self.inner = inner
        self.validator = validator
        self.checked: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api.xro/2.0/"):
            await request.aread()
            self.validator.validate(request)
            self.checked.append(f"{request.method} {request.url.path}")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
