"""Bearer token, xero-tenant-id and scope checks on /api.xro/2.0 [xero-api-notes §1.5, §1.7, §7]."""

from __future__ import annotations

import re
import uuid

import pytest
from tests.sandbox.xero.platform_helpers import api_headers, client_for, fake_sandbox

from shopxero.sandbox.clock import SandboxClock

pytestmark = pytest.mark.anyio

CONTACTS = "/api.xro/2.0/Contacts"


def assert_gateway_problem(body: dict, status: int, title: str) -> None:
    """The live API's shape: Type null, Title, Status, Detail, Instance, Extensions {}."""
    assert set(body) == {"Type", "Title", "Status", "Detail", "Instance", "Extensions"}
    assert body["Type"] is None
    assert (body["Title"], body["Status"], body["Extensions"]) == (title, status, {})
    uuid.UUID(body["Instance"])


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "garbage"],
    ids=["missing", "empty-bearer", "unknown-token", "basic", "garbage"],
)
async def test_without_a_valid_token_401_authentication_unsuccessful(authorization) -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens)
    if authorization is None:
        del headers["Authorization"]
    else:
        headers["Authorization"] = authorization
    async with client_for(app) as client:
        response = await client.get(CONTACTS, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert_gateway_problem(body, 401, "Unauthorized")
    assert body["Detail"] == "AuthenticationUnsuccessful"


async def test_expired_token_401_token_expired_with_the_date_facts_7() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock)
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        clock.advance(29 * 60)
        assert (await client.get(CONTACTS, headers=api_headers(tokens))).status_code == 200
        clock.advance(61)
        response = await client.get(CONTACTS, headers=api_headers(tokens))
    assert response.status_code == 401
    body = response.json()
    assert_gateway_problem(body, 401, "Unauthorized")
    assert re.fullmatch(
        r"TokenExpired: token expired at \d\d/\d\d/\d{4} \d\d:\d\d:\d\d", body["Detail"]
    )


# A fixed unknown tenant id: the test ids must be the same in every pytest-xdist worker.
@pytest.mark.parametrize(
    "tenant", [None, "", "not-a-tenant", "3266a942-b200-4e51-9381-f3c571bba52a"]
)
async def test_web_token_without_its_tenant_is_403_facts_1_5(tenant) -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens)
    if tenant is None:
        del headers["xero-tenant-id"]
    else:
        headers["xero-tenant-id"] = tenant
    async with client_for(app) as client:
        response = await client.get(CONTACTS, headers=headers)
    assert response.status_code == 403
    body = response.json()
    assert_gateway_problem(body, 403, "Forbidden")
    assert body["Detail"] == "AuthenticationUnsuccessful"


async def test_tenant_header_name_is_case_insensitive() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens)
    headers["Xero-Tenant-Id"] = headers.pop("xero-tenant-id")
    async with client_for(app) as client:
        response = await client.get(CONTACTS, headers=headers)
    assert response.status_code == 200


async def test_custom_connection_needs_no_tenant_but_a_wrong_one_is_403_facts_1_7() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests(custom=True)
    auth = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    async with client_for(app) as client:
        without = await client.get(CONTACTS, headers=auth)
        right = await client.get(CONTACTS, headers=auth | {"xero-tenant-id": app.tenant_id})
        wrong = await client.get(CONTACTS, headers=auth | {"xero-tenant-id": str(uuid.uuid4())})
    assert (without.status_code, right.status_code, wrong.status_code) == (200, 200, 403)


async def test_custom_connection_token_expires_too() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock)
    tokens = app.issue_tokens_for_tests(custom=True)
    clock.advance(1800)
    async with client_for(app) as client:
        response = await client.get(
            CONTACTS, headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("scopes", "method", "status"),
    [
        (["accounting.contacts.read"], "GET", 200),
        (["accounting.contacts.read"], "PUT", 401),
        (["accounting.contacts"], "PUT", 200),
        (["accounting.invoices"], "GET", 401),
        (["accounting.settings.read"], "GET", 401),
    ],
    ids=["read-get", "read-put", "write-put", "other-family", "settings-not-contacts"],
)
async def test_scopes_are_enforced_per_endpoint(scopes, method, status) -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests(scopes)
    async with client_for(app) as client:
        response = await client.request(
            method, CONTACTS, headers=api_headers(tokens), json={"Contacts": [{"Name": "A"}]}
        )
    assert response.status_code == status, response.text
    if status == 401:
        assert response.json()["Detail"] == "AuthorizationUnsuccessful"


async def test_issue_tokens_for_tests_refuses_broad_scopes_for_a_new_app() -> None:
    with pytest.raises(ValueError, match=r"accounting\.transactions"):
        fake_sandbox().issue_tokens_for_tests(["accounting.transactions"])


async def test_every_answer_has_a_correlation_id() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        ok = await client.get(CONTACTS, headers=api_headers(tokens))
        denied = await client.get(CONTACTS)
        identity = await client.post("/connect/token", data={"grant_type": "x"})
    ids = {r.headers["xero-correlation-id"] for r in (ok, denied, identity)}
    assert len(ids) == 3
    for value in ids:
        uuid.UUID(value)


async def test_a_crashing_route_is_xeros_500() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        response = await client.post("/api.xro/2.0/Boom", headers=api_headers(tokens))
    assert response.status_code == 500
    assert response.json()["Title"] == "An error occurred"


async def test_control_records_endpoint_says_xero_takes_records_through_its_api() -> None:
    async with client_for(fake_sandbox()) as client:
        response = await client.post("/_sandbox/records", json={"customers": []})
    assert response.status_code == 400
    assert response.json() == {"error": "the Xero sandbox takes records through its API"}


async def test_reset_restores_data_but_tokens_stay_valid() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        await client.put(CONTACTS, headers=api_headers(tokens), json={"Contacts": [{"Name": "A"}]})
        assert (await client.get("/_sandbox/state")).json()["contacts"]
        assert (await client.post("/_sandbox/reset")).status_code == 200
        state = (await client.get("/_sandbox/state")).json()
        after = await client.get(CONTACTS, headers=api_headers(tokens))
    assert state["contacts"] == []
    assert after.status_code == 200
