"""The token file: 0600 always, atomic replacement, secrets kept out of repr and errors."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shopxero.errors import AuthError
from shopxero.xero.tokens import (
    XeroTokenSet,
    load_token_file,
    refresh_token_warning,
    save_token_file,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _tokens() -> XeroTokenSet:
    base = XeroTokenSet.from_token_response(
        {
            "access_token": "AT-secret-1",
            "refresh_token": "RT-secret-1",
            "expires_in": 1800,
            "scope": "offline_access accounting.contacts",
        },
        now=NOW,
    )
    return base.with_tenant("tenant-1", "Demo Org")


def test_round_trip_and_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "xero-token.json"
    tokens = _tokens()
    old_umask = os.umask(0o000)  # even with a permissive umask the file is private
    try:
        save_token_file(path, tokens)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_token_file(path)
    assert loaded == tokens
    assert loaded is not None and loaded.expires_at == NOW + timedelta(seconds=1800)
    assert loaded.scopes == ("offline_access", "accounting.contacts")


def test_replacement_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "xero-token.json"
    save_token_file(path, _tokens())
    inode_before = path.stat().st_ino
    save_token_file(path, _tokens())
    # os.replace gives a new inode: the old file was never truncated in place.
    assert path.stat().st_ino != inode_before
    assert [p.name for p in tmp_path.iterdir()] == ["xero-token.json"]


def test_failed_write_keeps_the_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "xero-token.json"
    save_token_file(path, _tokens())
    before = path.read_bytes()

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_token_file(path, _tokens())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["xero-token.json"]


def test_world_readable_file_is_tightened_on_load(tmp_path: Path) -> None:
    path = tmp_path / "xero-token.json"
    save_token_file(path, _tokens())
    path.chmod(0o644)
    assert load_token_file(path) is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_missing_file_is_none_and_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "xero-token.json"
    assert load_token_file(path) is None
    path.write_text('{"access_token": "AT-secret-1"}')
    with pytest.raises(AuthError, match="field expires_at") as info:
        load_token_file(path)
    assert "AT-secret-1" not in str(info.value)
    path.write_text('{"access_token": "AT-secret-1", "expires_at": "AT-secret-2"}')
    with pytest.raises(AuthError, match="field expires_at") as info:
        load_token_file(path)
    assert "AT-secret-2" not in f"{info.value} {info.value.__context__}"


def test_repr_never_shows_tokens() -> None:
    text = repr(_tokens())
    assert "AT-secret-1" not in text and "RT-secret-1" not in text


def test_refresh_keeps_the_old_refresh_token_when_none_is_returned() -> None:
    first = _tokens()
    again = XeroTokenSet.from_token_response(
        {"access_token": "AT-2", "expires_in": 1800}, now=NOW, previous=first
    )
    assert again.refresh_token == "RT-secret-1"
    assert again.tenant_id == "tenant-1"


@pytest.mark.parametrize(
    ("age_days", "expected"),
    [(10, None), (49, None), (50, "expires on"), (61, "has expired")],
)
def test_sixty_day_refresh_token_warning_from_day_50(age_days: int, expected: str | None) -> None:
    # xero-api-notes §1.3: unused refresh tokens expire after 60 days.
    warning = refresh_token_warning(_tokens(), NOW + timedelta(days=age_days))
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and expected in warning
