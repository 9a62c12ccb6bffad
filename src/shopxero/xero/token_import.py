"""Putting a token file made elsewhere (``auth xero`` on a computer with a browser) into the
data dir, refusing a copy older than the one already there (issue 17 §2).

Xero rotates the refresh token at every refresh and the previous one dies (xero-api-notes §1.3).
Once the container has refreshed, the copy left on the computer holds a dead refresh token;
importing it again would replace the live one and break the connection with ``invalid_grant``.
``refreshed_at`` says which of two files is newer, so the older one is refused, saying so.
"""

from __future__ import annotations

import json
from pathlib import Path

from shopxero.errors import AuthError
from shopxero.xero.tokens import XeroTokenSet, load_token_file, save_token_file

__all__ = ["import_token"]


def import_token(text: str, source: str, target: Path) -> str:
    """Save the token file ``text`` (read from ``source``) as ``target``; what was done.

    Raises ``AuthError`` (exit 2) when ``text`` is no token file, or when ``target`` holds a
    token refreshed at the same time or later than it, unless it is that very token."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise AuthError(f"{source} is not a Xero token file (JSON written by `shopxero auth xero`)")
    new = XeroTokenSet.from_json(data, source=Path(source))
    current = load_token_file(target)
    if current is not None and current.refresh_token == new.refresh_token:
        return (
            f"{target} already holds this token (refreshed {new.refreshed_at:%Y-%m-%d %H:%M} UTC)"
        )
    if current is not None and current.refreshed_at >= new.refreshed_at:
        raise AuthError(
            f"not imported: {source} was refreshed at {new.refreshed_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"the token in {target} later ({current.refreshed_at:%Y-%m-%d %H:%M:%S} UTC), so "
            "the copy's refresh token has been rotated away and importing it would break the "
            "connection (invalid_grant). Keep the one in the data dir and delete the old copy; "
            "to connect again, run `shopxero auth xero` and import the new file at once"
        )
    save_token_file(target, new)
    return (
        f"imported into {target} (refreshed {new.refreshed_at:%Y-%m-%d %H:%M} UTC, "
        f"organisation {new.tenant_name or new.tenant_id or 'not chosen yet'}); now delete "
        f"the copy you imported: its refresh token dies at the first refresh here"
    )
