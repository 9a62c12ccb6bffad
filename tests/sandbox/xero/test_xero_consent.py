"""The login.xero.com consent page: checks, the Allow form, redirects with code and state."""

from __future__ import annotations

import pytest
from tests.sandbox.xero.platform_helpers import (
    CREDS,
    REDIRECT_URI,
    authorize_params,
    client_for,
    code_flow,
    consent,
    fake_sandbox,
    pkce_pair,
    redirect_query,
)

from shopxero.sandbox.xero.credentials import XeroClientCredentials

pytestmark = pytest.mark.anyio

AUTHORIZE = "/identity/connect/authorize"


async def test_consent_page_shows_org_scopes_and_an_allow_form() -> None:
    _v, challenge = pkce_pair()
    async with client_for(fake_sandbox()) as client:
        page = await client.get(AUTHORIZE, params=authorize_params(challenge))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Fake Shop Ltd" in page.text
    assert "accounting.contacts" in page.text
    assert f'<form id="consent" method="post" action="{AUTHORIZE}">' in page.text
    assert 'name="decision" value="allow"' in page.text
    assert "Allow access" in page.text
    assert "Cancel" in page.text


async def test_allow_redirects_to_the_redirect_uri_with_code_and_state() -> None:
    _v, challenge = pkce_pair()
    async with client_for(fake_sandbox()) as client:
        answer = await consent(client, authorize_params(challenge))
    assert answer.status_code in (302, 303)
    assert answer.headers["location"].startswith(REDIRECT_URI + "?")
    query = redirect_query(answer)
    assert query["state"] == "st-123"
    assert len(query["code"]) >= 20
    assert "error" not in query


async def test_cancel_redirects_with_access_denied_and_state() -> None:
    async with client_for(fake_sandbox()) as client:
        answer = await consent(client, authorize_params(None), decision="deny")
    assert redirect_query(answer) == {"error": "access_denied", "state": "st-123"}


async def test_the_consent_form_is_single_use() -> None:
    async with client_for(fake_sandbox()) as client:
        page = await client.get(AUTHORIZE, params=authorize_params(None))
        request_id = page.text.split('name="request_id" value="', 1)[1].split('"', 1)[0]
        first = await client.post(AUTHORIZE, data={"request_id": request_id, "decision": "allow"})
        again = await client.post(AUTHORIZE, data={"request_id": request_id, "decision": "allow"})
    assert first.status_code == 302
    assert again.status_code == 400


async def test_redirect_uri_keeps_its_own_query() -> None:
    async with client_for(fake_sandbox()) as client:
        answer = await consent(client, authorize_params(None, redirect_uri=REDIRECT_URI + "?x=1"))
    assert answer.headers["location"].startswith(REDIRECT_URI + "?x=1&")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_id": "unknown"}, "invalid_client"),
        ({"client_id": CREDS.cc_client_id}, "unauthorized_client"),
        ({"redirect_uri": "http://example.com/cb"}, "invalid_request"),
        ({"redirect_uri": "myapp://callback"}, "invalid_request"),
        ({"redirect_uri": ""}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": ""}, "invalid_scope"),
        ({"scope": "offline_access accounting.transactions"}, "invalid_scope"),
        ({"scope": "accounting.everything"}, "invalid_scope"),
        ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
    ],
    ids=[
        "unknown-client",
        "custom-connection",
        "http-not-local",
        "custom-scheme",
        "no-redirect",
        "implicit",
        "no-scope",
        "broad-scope-new-app",
        "unknown-scope",
        "plain-pkce",
        "malformed-challenge",
        "method-without-challenge",
    ],
)
async def test_bad_authorize_requests_get_an_error_page_not_a_redirect(overrides, error) -> None:
    async with client_for(fake_sandbox()) as client:
        page = await client.get(AUTHORIZE, params=authorize_params(None, **overrides))
    assert page.status_code == 400
    assert "location" not in page.headers
    assert f'<p class="error" id="error">{error}</p>' in page.text


async def test_an_old_app_may_still_ask_for_broad_scopes_facts_1_4() -> None:
    old = XeroClientCredentials(
        CREDS.client_id,
        CREDS.client_secret,
        CREDS.cc_client_id,
        CREDS.cc_client_secret,
        broad_scopes_allowed=True,
    )
    async with client_for(fake_sandbox(credentials=old)) as client:
        body = await code_flow(
            client,
            scope="offline_access accounting.transactions accounting.contacts accounting.settings",
        )
    assert "accounting.transactions" in body["scope"].split()


async def test_https_and_127001_redirects_are_accepted() -> None:
    async with client_for(fake_sandbox()) as client:
        for uri in ("https://shop.example.com/cb", "http://127.0.0.1:5000/cb"):
            page = await client.get(AUTHORIZE, params=authorize_params(None, redirect_uri=uri))
            assert page.status_code == 200, uri


async def test_registered_redirect_uris_are_matched_exactly_facts_1_1() -> None:
    strict = XeroClientCredentials(
        CREDS.client_id,
        CREDS.client_secret,
        CREDS.cc_client_id,
        CREDS.cc_client_secret,
        redirect_uris=(REDIRECT_URI,),
    )
    async with client_for(fake_sandbox(credentials=strict)) as client:
        ok = await client.get(AUTHORIZE, params=authorize_params(None))
        other = await client.get(
            AUTHORIZE, params=authorize_params(None, redirect_uri="http://localhost:1/cb")
        )
    assert ok.status_code == 200
    assert other.status_code == 400


async def test_page_escapes_what_it_echoes() -> None:
    async with client_for(fake_sandbox()) as client:
        page = await client.get(
            AUTHORIZE, params=authorize_params(None, scope="accounting.<script>")
        )
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text


async def test_consent_without_pkce_still_works_for_the_confidential_web_app() -> None:
    async with client_for(fake_sandbox()) as client:
        answer = await consent(client, authorize_params(None))
        code = redirect_query(answer)["code"]
        response = await client.post(
            "/connect/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "client_id": CREDS.client_id,
                "client_secret": CREDS.client_secret,
            },
        )
    assert response.status_code == 200
