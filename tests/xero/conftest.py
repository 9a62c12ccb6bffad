"""Fixtures for the Xero client and auth tests: a fake clock, spec validation, token stubs."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO.parent / "shared" / "specs" / "xero_accounting.yaml"


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
