"""Identity answers against xero-identity.yaml (AccessToken, Connection) where it describes them."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_schema_validator import OAS30Validator
from tests.sandbox.xero.platform_helpers import (
    CREDS,
    basic,
    client_for,
    code_flow,
    fake_sandbox,
)
from tests.vendored import XERO_IDENTITY

pytestmark = pytest.mark.anyio


@cache
def identity_spec() -> dict[str, Any]:
    return dict(yaml.safe_load(XERO_IDENTITY.read_text(encoding="utf-8")))


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=("uuid",))

    # The spec's own example ("2019-12-07T18:46:19.5165400") has no zone, as Xero sends it:
    # check it is an ISO timestamp rather than RFC 3339.
    @checker.checks("date-time", raises=ValueError)
    def _iso(value: object) -> bool:
        return not isinstance(value, str) or bool(datetime.fromisoformat(value))

    return checker


def validate(schema_name: str, instance: Any, *, array: bool = False) -> None:
    spec = identity_spec()
    schema: dict[str, Any] = {"$ref": f"#/components/schemas/{schema_name}"}
    if array:
        schema = {"type": "array", "items": schema}
    schema = {**schema, "components": spec["components"]}
    OAS30Validator(schema, format_checker=_format_checker()).validate(instance)


async def test_token_answer_matches_the_access_token_schema() -> None:
    async with client_for(fake_sandbox()) as client:
        body = await code_flow(client, scope="openid profile email offline_access")
    validate("AccessToken", body)
    described = set(identity_spec()["components"]["schemas"]["AccessToken"]["properties"])
    # "scope" is not in the schema but is in Xero's recorded answers (xero-api-notes §1.1, R22
    # cassette).
    assert set(body) - described == {"scope"}


async def test_client_credentials_answer_matches_the_access_token_schema() -> None:
    async with client_for(fake_sandbox()) as client:
        response = await client.post(
            "/connect/token",
            headers=basic(CREDS.cc_client_id, CREDS.cc_client_secret),
            data={"grant_type": "client_credentials"},
        )
    validate("AccessToken", response.json())


async def test_connections_answer_matches_the_connection_array_schema() -> None:
    app = fake_sandbox()
    async with client_for(app) as client:
        tokens = await code_flow(client)
        response = await client.get(
            "/connections", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
    assert response.headers["content-type"].startswith("application/json")
    validate("Connection", response.json(), array=True)
    described = set(identity_spec()["components"]["schemas"]["Connection"]["properties"])
    assert set(response.json()[0]) == described


def test_the_validator_rejects_a_wrong_connection() -> None:
    """The conformance check can fail: a non-uuid id and a numeric tenantName are caught."""
    with pytest.raises(jsonschema.ValidationError):
        validate("Connection", [{"id": "not-a-uuid"}], array=True)
    with pytest.raises(jsonschema.ValidationError):
        validate("Connection", [{"tenantName": 5}], array=True)


async def test_spec_paths_are_served_capitalised_too() -> None:
    """The spec writes /Connections; SDKs call /connections. Both answer."""
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    async with client_for(app) as client:
        lower = await client.get("/connections", headers=auth)
        upper = await client.get("/Connections", headers=auth)
    assert lower.json() == upper.json()


async def test_delete_connection_answers_as_the_spec_says() -> None:
    """204 with no content for a connection id; 404 for an id that is nothing we know."""
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    delete = identity_spec()["paths"]["/Connections/{id}"]["delete"]["responses"]
    async with client_for(app) as client:
        [conn] = (await client.get("/connections", headers=auth)).json()
        gone = await client.delete(f"/Connections/{conn['id']}", headers=auth)
        unknown = await client.delete(f"/Connections/{conn['id']}", headers=auth)
    assert str(gone.status_code) in delete and gone.status_code == 204
    assert str(unknown.status_code) in delete and unknown.status_code == 404
