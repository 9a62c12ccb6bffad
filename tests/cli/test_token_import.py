"""``shopxero auth import-token`` (issue 17 §2): a token file made with a browser elsewhere goes
into the data dir, from a path or stdin; a copy older than the data dir's token is refused, since
its refresh token was rotated away (xero-api-notes §1.3) and would break the connection."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.xero.tokens import XeroTokenSet, load_token_file

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _token(refresh: str, refreshed: datetime) -> str:
    tokens = XeroTokenSet(
        access_token=f"access-{refresh}",
        refresh_token=refresh,
        expires_at=refreshed + timedelta(minutes=30),
        scopes=("offline_access",),
        refreshed_at=refreshed,
        tenant_id="tenant-1",
        tenant_name="Demo Company",
    )
    return json.dumps(tokens.to_json())


def _import(data: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(
        app, ["--data-dir", str(data), "auth", "import-token", *args], input=stdin
    )
    return result.exit_code, result.output


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_a_first_import_from_stdin_lands_private_and_says_to_delete_the_copy(data: Path) -> None:
    code, out = _import(data, "-", stdin=_token("r1", T0))
    assert code == 0, out
    assert "imported into" in out and "now delete the copy you imported" in out
    saved = load_token_file(data / "xero-token.json")
    assert saved is not None and saved.refresh_token == "r1"
    assert stat.S_IMODE((data / "xero-token.json").stat().st_mode) == 0o600


def test_a_stale_copy_is_refused_after_the_data_dir_refreshed(data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "host-copy.json"
    copy.write_text(_token("r1", T0))
    assert _import(data, str(copy))[0] == 0
    # The container refreshed: Xero rotated r1 away and the data dir holds r2.
    (data / "xero-token.json").write_text(_token("r2", T0 + timedelta(hours=1)))
    code, out = _import(data, str(copy))
    assert code == 2, out
    text = " ".join(out.split())
    assert f"not imported: {copy} was refreshed at 2026-12-01 09:00:00 UTC" in text
    assert "invalid_grant" in text and "delete the old copy" in text
    saved = load_token_file(data / "xero-token.json")
    assert saved is not None and saved.refresh_token == "r2"  # untouched


def test_the_same_token_again_is_no_error_and_a_newer_one_replaces(data: Path) -> None:
    assert _import(data, "-", stdin=_token("r1", T0))[0] == 0
    code, out = _import(data, "-", stdin=_token("r1", T0))
    assert code == 0 and "already holds this token" in out
    code, out = _import(data, "-", stdin=_token("r3", T0 + timedelta(days=2)))
    assert code == 0, out
    saved = load_token_file(data / "xero-token.json")
    assert saved is not None and saved.refresh_token == "r3"


def test_something_else_than_a_token_file_is_refused(data: Path) -> None:
    code, out = _import(data, "-", stdin="SHOPXERO_SHOPIFY_SHOP=x.myshopify.com\n")
    assert code == 2
    assert "the token file on stdin is not a Xero token file" in " ".join(out.split())
    assert not (data / "xero-token.json").exists()
