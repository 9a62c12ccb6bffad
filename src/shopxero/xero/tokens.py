"""The Xero token file: one token set, mode 0600, replaced atomically.

Xero rotates the refresh token on every refresh and the previous one survives only a 30-minute
grace window (xero-api-notes §1.3), so losing the new one is losing the connection. The file is
therefore written to a temp file in the same folder (created 0600, never world-readable), fsynced,
renamed over the old one, and the folder fsynced, before the new access token is used.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shopxero.errors import AuthError

__all__ = [
    "REFRESH_TOKEN_LIFETIME",
    "REFRESH_TOKEN_WARN_AFTER",
    "XeroTokenSet",
    "load_token_file",
    "refresh_token_warning",
    "save_token_file",
]

# xero-api-notes §1.3: "Unused refresh tokens expire after 60 days"; warn from day 50.
REFRESH_TOKEN_LIFETIME = timedelta(days=60)
REFRESH_TOKEN_WARN_AFTER = timedelta(days=50)
FILE_MODE = 0o600
FORMAT_VERSION = 1


@dataclass(frozen=True)
class XeroTokenSet:
    """What the token file holds. Token values are left out of ``repr`` on purpose."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime
    scopes: tuple[str, ...]
    refreshed_at: datetime
    tenant_id: str | None = None
    tenant_name: str | None = None

    @classmethod
    def from_token_response(
        cls,
        body: dict[str, Any],
        *,
        now: datetime,
        previous: XeroTokenSet | None = None,
    ) -> XeroTokenSet:
        """Build from a ``/connect/token`` answer (xero-api-notes §1.1: access_token, expires_in,
        ...)."""
        try:
            access = str(body["access_token"])
            expires_in = float(body.get("expires_in", 1800))
        except (KeyError, TypeError, ValueError) as exc:
            raise AuthError("the Xero token endpoint answered without an access_token") from exc
        refresh = body.get("refresh_token")
        scope_text = body.get("scope")
        scopes = (
            tuple(str(scope_text).split()) if scope_text else (previous.scopes if previous else ())
        )
        return cls(
            access_token=access,
            refresh_token=str(refresh)
            if refresh
            else (previous.refresh_token if previous else None),
            expires_at=now + timedelta(seconds=expires_in),
            scopes=scopes,
            refreshed_at=now,
            tenant_id=previous.tenant_id if previous else None,
            tenant_name=previous.tenant_name if previous else None,
        )

    def with_tenant(self, tenant_id: str | None, tenant_name: str | None) -> XeroTokenSet:
        return replace(self, tenant_id=tenant_id, tenant_name=tenant_name)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat(),
            "scopes": list(self.scopes),
            "refreshed_at": self.refreshed_at.isoformat(),
            "tenant_id": self.tenant_id,
            "tenant_name": self.tenant_name,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, source: Path) -> XeroTokenSet:
        field_name = "access_token"
        damaged = False
        try:
            access = str(data[field_name])
            field_name = "expires_at"
            expires_at = _aware(data[field_name])
            field_name = "refreshed_at"
            refreshed_at = _aware(data[field_name])
            field_name = "scopes"
            scopes = tuple(str(s) for s in data.get(field_name) or ())
        except (KeyError, TypeError, ValueError):
            damaged = True
        if damaged:
            # Raised outside the except block so no chained error can quote a value (they are
            # secrets); only the field is named.
            raise AuthError(
                f"the Xero token file {source} is damaged (field {field_name} is missing or "
                "invalid); re-run `shopxero auth xero`"
            )
        return cls(
            access_token=access,
            refresh_token=data.get("refresh_token"),
            expires_at=expires_at,
            scopes=scopes,
            refreshed_at=refreshed_at,
            tenant_id=data.get("tenant_id"),
            tenant_name=data.get("tenant_name"),
        )


def _aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load_token_file(path: Path) -> XeroTokenSet | None:
    """The token set in ``path``, or ``None`` when there is no file yet.

    A file others can read is tightened to 0600 on the spot (a copy restored from a backup, say).
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuthError(f"cannot read the Xero token file {path}: {exc.strerror}") from None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(FILE_MODE)
    try:
        data = json.loads(raw)
    except ValueError:
        raise AuthError(
            f"the Xero token file {path} is not JSON; re-run `shopxero auth xero`"
        ) from None
    if not isinstance(data, dict):
        raise AuthError(f"the Xero token file {path} is not a JSON object")
    return XeroTokenSet.from_json(data, source=path)


def save_token_file(path: Path, tokens: XeroTokenSet) -> None:
    """Replace ``path`` atomically with ``tokens``: 0600 temp file, fsync, rename, fsync folder."""
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data dir: private
    body = json.dumps(tokens.to_json(), indent=2).encode("utf-8")
    # mkstemp creates the file with O_EXCL and mode 0600 whatever the umask: no moment at which
    # another user could open it.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass  # some filesystems refuse fsync on directories; the rename itself is still atomic
    finally:
        os.close(dir_fd)


def refresh_token_warning(tokens: XeroTokenSet, now: datetime) -> str | None:
    """A warning once the refresh token has gone 50 days unused (it dies at 60,
    xero-api-notes §1.3)."""
    if tokens.refresh_token is None:
        return None
    age = now - tokens.refreshed_at
    if age < REFRESH_TOKEN_WARN_AFTER:
        return None
    dies = tokens.refreshed_at + REFRESH_TOKEN_LIFETIME
    if now >= dies:
        return (
            f"the Xero refresh token was last used {age.days} days ago and has expired "
            f"(60 days unused); re-run `shopxero auth xero`"
        )
    return (
        f"the Xero refresh token was last used {age.days} days ago; it expires on "
        f"{dies:%Y-%m-%d %H:%M} UTC (60 days unused). Run `shopxero sync` before then, "
        "or re-run `shopxero auth xero` afterwards"
    )
