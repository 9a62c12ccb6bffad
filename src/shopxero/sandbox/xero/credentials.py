"""The two apps the Xero simulator knows: a web app and a Custom Connection.

Re-exported by ``sandbox.xero.app``; the seeds' ``credentials`` module builds one of these from
its constants so ``shopxero sandbox --write-env`` and the simulator agree.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_CREDENTIALS", "XeroClientCredentials"]


@dataclass(frozen=True)
class XeroClientCredentials:
    """What the simulator accepts.

    ``client_id``/``client_secret``: a "web app" (authorization code, PKCE S256 optional but
    checked when used, refresh tokens). ``cc_client_id``/``cc_client_secret``: a Custom
    Connection (client_credentials grant, no refresh token, one organisation) [xero-api-notes §1.7].
    ``broad_scopes_allowed``: the web app was created before 2 March 2026 and may still ask for
    ``accounting.transactions`` [xero-api-notes §1.4]; new apps (the default) get ``invalid_scope``.
    ``redirect_uris``: when set, the only redirect URIs the web app registered (Xero matches
    exactly [xero-api-notes §1.1]); when empty, any https or localhost URI is accepted.
    """

    client_id: str
    client_secret: str
    cc_client_id: str
    cc_client_secret: str
    broad_scopes_allowed: bool = False
    redirect_uris: tuple[str, ...] = ()


# Obviously fake values; the seeds' credentials module supplies the ones tools are told about.
DEFAULT_CREDENTIALS = XeroClientCredentials(
    client_id="SANDBOXWEBAPPCLIENTID00000000000",
    client_secret="sandbox-web-app-client-secret-not-real",
    cc_client_id="SANDBOXCUSTOMCONNECTIONCLIENT000",
    cc_client_secret="sandbox-custom-connection-secret-not-real",
)
