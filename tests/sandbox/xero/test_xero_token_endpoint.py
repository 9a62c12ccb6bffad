"""POST /connect/token: code + PKCE, rotation with grace, client_credentials, client auth."""

from __future__ import annotations

import base64
import json

import pytest
from tests.sandbox.xero.platform_helpers import (
    CREDS,
    REDIRECT_URI,
    api_headers,
    authorize_params,
    basic,
    client_for,
    code_flow,
    consent,
    fake_sandbox,
    pkce_pair,
    redirect_query,
)

from shopxero.sandbox.clock import SandboxClock

pytestmark = pytest.mark.anyio


async def _code(client, challenge: str | None = None, **overrides: str) -> str:
    return redirect_query(await consent(client, authorize_params(challenge, **overrides)))["code"]


async def _exchange(client, code: str, verifier: str | None, *, headers=None, **extra: str):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    if verifier is not None:
        data["code_verifier"] = verifier
    return await client.post("/connect/token", headers=headers or basic(), data=data | extra)


async def test_code_exchange_gives_xeros_token_body_facts_1_3() -> None:
    async with client_for(fake_sandbox()) as client:
        body = await code_flow(client)
    assert set(body) == {"access_token", "expires_in", "token_type", "refresh_token", "scope"}
    assert body["expires_in"] == 1800
    assert body["token_type"] == "Bearer"
    assert set(body["scope"].split()) == {
        "offline_access",
        "accounting.contacts",
        "accounting.invoices",
    }


async def test_openid_scope_adds_an_id_token_shaped_like_a_jwt() -> None:
    async with client_for(fake_sandbox()) as client:
        body = await code_flow(client, scope="openid profile email offline_access")
    header = body["id_token"].split(".")[0]
    decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    assert decoded["typ"] == "JWT"


async def test_without_offline_access_there_is_no_refresh_token_facts_1_3() -> None:
    async with client_for(fake_sandbox()) as client:
        body = await code_flow(client, scope="accounting.contacts")
    assert "refresh_token" not in body


async def test_wrong_pkce_verifier_is_invalid_grant() -> None:
    _verifier, challenge = pkce_pair()
    other_verifier, _ = pkce_pair()
    async with client_for(fake_sandbox()) as client:
        code = await _code(client, challenge)
        wrong = await _exchange(client, code, other_verifier)
        assert (wrong.status_code, wrong.json()) == (400, {"error": "invalid_grant"})


async def test_missing_pkce_verifier_is_invalid_grant_when_a_challenge_was_sent() -> None:
    _verifier, challenge = pkce_pair()
    async with client_for(fake_sandbox()) as client:
        code = await _code(client, challenge)
        response = await _exchange(client, code, None)
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})


async def test_code_is_single_use_replay_is_invalid_grant() -> None:
    verifier, challenge = pkce_pair()
    async with client_for(fake_sandbox()) as client:
        code = await _code(client, challenge)
        first = await _exchange(client, code, verifier)
        replay = await _exchange(client, code, verifier)
    assert first.status_code == 200
    assert (replay.status_code, replay.json()) == (400, {"error": "invalid_grant"})


async def test_code_expires_after_five_minutes_of_sandbox_time() -> None:
    clock = SandboxClock()
    verifier, challenge = pkce_pair()
    async with client_for(fake_sandbox(clock)) as client:
        code = await _code(client, challenge)
        clock.advance(301)
        late = await _exchange(client, code, verifier)
    assert (late.status_code, late.json()) == (400, {"error": "invalid_grant"})


async def test_redirect_uri_must_match_the_authorize_request() -> None:
    verifier, challenge = pkce_pair()
    async with client_for(fake_sandbox()) as client:
        code = await _code(client, challenge)
        response = await _exchange(
            client, code, verifier, redirect_uri="http://localhost:9999/other"
        )
    assert response.json() == {"error": "invalid_grant"}


async def test_client_secret_in_the_form_is_accepted_as_well_as_basic_facts_1_1() -> None:
    verifier, challenge = pkce_pair()
    async with client_for(fake_sandbox()) as client:
        code = await _code(client, challenge)
        response = await client.post(
            "/connect/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
                "client_id": CREDS.client_id,
                "client_secret": CREDS.client_secret,
            },
        )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("headers", "form", "status"),
    [
        (basic(CREDS.client_id, "wrong"), {}, 401),
        (basic("nobody", "x"), {}, 401),
        ({"Authorization": "Basic !!!notbase64"}, {}, 401),
        ({}, {"client_id": CREDS.client_id, "client_secret": "wrong"}, 400),
        ({}, {}, 400),
    ],
    ids=["basic-wrong-secret", "basic-unknown-client", "basic-garbage", "form-wrong", "none"],
)
async def test_bad_client_authentication_is_invalid_client(headers, form, status) -> None:
    async with client_for(fake_sandbox()) as client:
        response = await client.post(
            "/connect/token",
            headers=headers,
            data={"grant_type": "refresh_token", "refresh_token": "x", **form},
        )
    assert response.status_code == status
    assert response.json() == {"error": "invalid_client"}
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Basic")


async def test_unknown_grant_type_is_unsupported_grant_type() -> None:
    async with client_for(fake_sandbox()) as client:
        response = await client.post(
            "/connect/token", headers=basic(), data={"grant_type": "password"}
        )
    assert (response.status_code, response.json()) == (400, {"error": "unsupported_grant_type"})


async def test_json_body_is_rejected_the_endpoint_is_form_encoded() -> None:
    async with client_for(fake_sandbox()) as client:
        response = await client.post(
            "/connect/token", headers=basic(), json={"grant_type": "client_credentials"}
        )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_refresh_rotates_and_the_old_token_has_30_minutes_grace_facts_1_3() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock)
    first = app.issue_tokens_for_tests()
    async with client_for(app) as client:

        async def refresh(token: str):
            return await client.post(
                "/connect/token",
                headers=basic(),
                data={"grant_type": "refresh_token", "refresh_token": token},
            )

        rotated = await refresh(first["refresh_token"])
        assert rotated.status_code == 200
        second = rotated.json()
        assert second["refresh_token"] != first["refresh_token"]
        assert second["access_token"] != first["access_token"]
        # A lost answer: the client retries with the previous token inside the grace period.
        clock.advance(29 * 60)
        retry = await refresh(first["refresh_token"])
        assert retry.status_code == 200
        clock.advance(2 * 60)
        late = await refresh(first["refresh_token"])
        assert (late.status_code, late.json()) == (400, {"error": "invalid_grant"})
        # The newest token of the family still works.
        assert (await refresh(retry.json()["refresh_token"])).status_code == 200


async def test_new_access_token_from_refresh_works_on_the_api() -> None:
    app = fake_sandbox()
    first = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        body = (
            await client.post(
                "/connect/token",
                headers=basic(),
                data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
            )
        ).json()
        response = await client.get(
            "/api.xro/2.0/Contacts", headers=api_headers({**body, "tenant_id": app.tenant_id})
        )
    assert response.status_code == 200


async def test_unused_refresh_token_dies_after_60_days_facts_1_3() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock)
    tokens = app.issue_tokens_for_tests()
    clock.advance(60 * 86_400 + 1)
    async with client_for(app) as client:
        response = await client.post(
            "/connect/token",
            headers=basic(),
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        )
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})


async def test_refresh_token_of_another_client_is_invalid_grant() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        response = await client.post(
            "/connect/token",
            headers=basic(CREDS.cc_client_id, CREDS.cc_client_secret),
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        )
    assert response.json() == {"error": "unauthorized_client"}


async def test_client_credentials_for_the_custom_connection_facts_1_7() -> None:
    app = fake_sandbox()
    async with client_for(app) as client:
        response = await client.post(
            "/connect/token",
            headers=basic(CREDS.cc_client_id, CREDS.cc_client_secret),
            data={"grant_type": "client_credentials"},
        )
        body = response.json()
        assert response.status_code == 200
        assert "refresh_token" not in body
        assert body["expires_in"] == 1800
        # No xero-tenant-id needed for a Custom Connection.
        api = await client.get(
            "/api.xro/2.0/Contacts",
            headers={
                "Authorization": f"Bearer {body['access_token']}",
                "Accept": "application/json",
            },
        )
    assert api.status_code == 200


async def test_client_credentials_refused_for_the_web_app() -> None:
    async with client_for(fake_sandbox()) as client:
        response = await client.post(
            "/connect/token", headers=basic(), data={"grant_type": "client_credentials"}
        )
    assert (response.status_code, response.json()) == (400, {"error": "unauthorized_client"})


async def test_client_credentials_scope_beyond_the_connection_is_invalid_scope() -> None:
    async with client_for(fake_sandbox()) as client:
        response = await client.post(
            "/connect/token",
            headers=basic(CREDS.cc_client_id, CREDS.cc_client_secret),
            data={
                "grant_type": "client_credentials",
                "scope": "accounting.contacts accounting.journals.read",
            },
        )
    assert response.json() == {"error": "invalid_scope"}


async def test_token_answers_are_not_cacheable() -> None:
    app = fake_sandbox()
    async with client_for(app) as client:
        response = await client.post(
            "/connect/token",
            headers=basic(CREDS.cc_client_id, CREDS.cc_client_secret),
            data={"grant_type": "client_credentials"},
        )
    assert response.headers["cache-control"] == "no-store"


async def test_revocation_kills_the_family_and_the_connections_facts_1_6() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        revoked = await client.post(
            "/connect/revocation", headers=basic(), data={"token": tokens["refresh_token"]}
        )
        assert revoked.status_code == 200
        api = await client.get("/api.xro/2.0/Contacts", headers=api_headers(tokens))
        assert api.status_code == 401
        assert api.json()["Detail"] == "AuthenticationUnsuccessful"
        refresh = await client.post(
            "/connect/token",
            headers=basic(),
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        )
        assert refresh.json() == {"error": "invalid_grant"}
    assert app.tokens.connections(CREDS.client_id) == []


async def test_revocation_needs_client_authentication() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        response = await client.post(
            "/connect/revocation",
            headers=basic(CREDS.client_id, "no"),
            data={"token": tokens["refresh_token"]},
        )
        assert response.status_code == 401
        still = await client.get("/api.xro/2.0/Contacts", headers=api_headers(tokens))
    assert still.status_code == 200


async def test_no_secret_reaches_the_request_log() -> None:
    app = fake_sandbox()
    async with client_for(app) as client:
        body = await code_flow(client)
        await client.post(
            "/connect/token",
            headers=basic(),
            data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        )
    logged = json.dumps(app.log.entries())
    for secret in (body["refresh_token"], body["access_token"], CREDS.client_secret):
        assert secret not in logged
    assert "code_verifier" in logged  # the field is there, its value masked
