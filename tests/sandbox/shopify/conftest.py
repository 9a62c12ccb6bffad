"""Fixtures for the Shopify simulator tests (helpers live in ``helpers.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from tests.sandbox.shopify.helpers import auth_headers, build_sandbox, client_for


@pytest.fixture
def auth() -> dict[str, str]:
    return auth_headers()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """A client on a sandbox holding the default small seed."""
    async with client_for(build_sandbox()) as c:
        yield c
