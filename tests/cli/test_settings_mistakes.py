"""A mistyped setting stops the run, naming it and the fix (issue 16 §2).

Through the command line, as a user meets it: a settings file with a typo, a variable in the
environment, a value that cannot be read. Exit 2, before anything is read from Shopify or
written anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.config import NOT_SETTINGS, setting_names
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes

ROOT = Path(__file__).resolve().parents[2]


def _invoke(args: list[str], env: dict[str, str] | None = None) -> Any:
    _register_commands()
    return CliRunner().invoke(app, args, env=env)


def _with_file(tmp_path: Path, text: str, *args: str) -> Any:
    env_file = tmp_path / "shopxero.env"
    env_file.write_text(text)
    return _invoke(["--env-file", str(env_file), "--data-dir", str(tmp_path / "data"), *args])


@pytest.mark.parametrize("command", [["sync"], ["doctor"], ["sync", "--dry-run"]])
def test_a_misspelt_name_in_the_file_stops_the_run(tmp_path: Path, command: list[str]) -> None:
    result = _with_file(
        tmp_path,
        "SHOPXERO_SHOPIFY_SHOP=a.myshopify.com\nSHOPXERO_SYNC_START_DAT=2026-01-01\n",
        *command,
    )
    assert result.exit_code == 2, result.output
    assert "unknown setting SHOPXERO_SYNC_START_DAT (in " in result.stderr
    assert "did you mean SHOPXERO_SYNC_START_DATE?" in result.stderr
    assert not (tmp_path / "data" / "state.db").exists()  # nothing ran


def test_a_misspelt_name_in_the_environment_stops_the_run(tmp_path: Path) -> None:
    result = _invoke(
        ["--data-dir", str(tmp_path), "sync"], env={"SHOPXERO_GIFTCARD_ACCOUNT": "800"}
    )
    assert result.exit_code == 2
    assert "unknown setting SHOPXERO_GIFTCARD_ACCOUNT (in the environment)" in result.stderr
    assert "did you mean SHOPXERO_GIFT_CARD_ACCOUNT?" in result.stderr


def test_a_name_like_no_setting_says_so(tmp_path: Path) -> None:
    result = _with_file(tmp_path, "SHOPXERO_ZZZ=1\n", "sync")
    assert result.exit_code == 2
    assert "unknown setting SHOPXERO_ZZZ" in result.stderr
    assert "no setting is called that" in result.stderr


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "SHOPXERO_SYNC_START_DATE=yesterday",
            "SHOPXERO_SYNC_START_DATE=yesterday: input should be a valid date or datetime, "
            "input is too short; e.g. SHOPXERO_SYNC_START_DATE=2026-01-01",
        ),
        (
            "SHOPXERO_TAX_TYPE_MAP={'VAT': 'OUTPUT2'}",
            "SHOPXERO_TAX_TYPE_MAP={'VAT': 'OUTPUT2'}: not a JSON object (JSON needs double "
            'quotes, not single ones); e.g. SHOPXERO_TAX_TYPE_MAP={"VAT@20": "OUTPUT2"',
        ),
        (
            "SHOPXERO_ACCOUNT_BY_GATEWAY=paypal:610",
            "SHOPXERO_ACCOUNT_BY_GATEWAY=paypal:610: not a JSON object; e.g. "
            'SHOPXERO_ACCOUNT_BY_GATEWAY={"paypal": "610"}',
        ),
        (
            'SHOPXERO_ACCOUNT_BY_SKU={"A-1": 200}',
            "SHOPXERO_ACCOUNT_BY_SKU: at 'A-1': input should be a valid string",
        ),
        (
            "SHOPXERO_SYNCED_FINANCIAL_STATUSES=paid,bogus",
            "SHOPXERO_SYNCED_FINANCIAL_STATUSES=paid,bogus: 'bogus' is not a Shopify financial "
            "status (they are pending, authorized, partially_paid, paid, partially_refunded, "
            "refunded, voided, expired)",
        ),
        (
            "SHOPXERO_XERO_MODE=custom connection",
            "SHOPXERO_XERO_MODE=custom connection: input should be 'web' or "
            "'custom_connection'; e.g. SHOPXERO_XERO_MODE=web (one of web, custom_connection)",
        ),
        (
            "SHOPXERO_LOOKBACK_MINUTES=ten",
            "SHOPXERO_LOOKBACK_MINUTES=ten: input should be a valid integer, unable to parse "
            "string as an integer; e.g. SHOPXERO_LOOKBACK_MINUTES=10",
        ),
        (
            "SHOPXERO_SYNC_PAYMENTS=maybe",
            "SHOPXERO_SYNC_PAYMENTS=maybe: input should be a valid boolean, unable to interpret "
            "input; e.g. SHOPXERO_SYNC_PAYMENTS=true (or false)",
        ),
    ],
)
def test_an_invalid_value_is_named_with_a_valid_example(
    tmp_path: Path, line: str, expected: str
) -> None:
    result = _with_file(tmp_path, line + "\n", "doctor")
    assert result.exit_code == 2, result.output
    # Rich may wrap a long line: compare with the line breaks taken out.
    assert expected in " ".join(result.stderr.split()), result.stderr


def test_a_valid_financial_status_list_is_accepted(tmp_path: Path) -> None:
    result = _with_file(
        tmp_path, "SHOPXERO_SYNCED_FINANCIAL_STATUSES=paid, refunded,voided\n", "errors", "list"
    )
    assert result.exit_code == 0, result.output


@pytest.fixture
def sandboxes() -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        yield running


def test_xero_mode_as_init_spells_it_is_accepted(
    tmp_path: Path, sandboxes: RunningSandboxes
) -> None:
    """`init --xero-app custom-connection`: the same words work in the file."""
    env = {**sandboxes.env(), "SHOPXERO_XERO_MODE": "custom-connection"}
    result = _with_file(tmp_path, "".join(f"{k}={v}\n" for k, v in env.items()), "doctor")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Demo Shop Ltd" in result.output  # connected as a Custom Connection


def test_the_schedule_is_read_from_the_settings_file(tmp_path: Path) -> None:
    result = _with_file(tmp_path, "SHOPXERO_SCHEDULE_EVERY=soon\n", "schedule", "--max-runs", "1")
    assert result.exit_code == 2
    assert "is not an interval" in result.output + result.stderr
    assert not (tmp_path / "data" / "schedule.json").exists()  # refused before anything ran


def _documented_names(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    # `SHOPXERO_ACCOUNT_BY_*` and the like name a family of settings, not one.
    return set(re.findall(r"SHOPXERO_[A-Z0-9_]*[A-Z0-9]", text))


def test_every_setting_is_in_settings_md_and_every_name_anywhere_is_a_setting() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    settings = set(setting_names())
    missing = [name for name in setting_names() if f"`{name}`" not in doc]
    assert missing == [], "settings missing from docs/settings.md"
    files = [ROOT / "README.md", ROOT / "Dockerfile", ROOT / "docker-compose.yml"]
    files += sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "scripts").iterdir())
    files += sorted((ROOT / "src" / "shopxero").rglob("*.py"))
    # The misspelling docs/settings.md shows as examples of the error.
    examples = {"SHOPXERO_SYNC_START_DAT"}
    unknown = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        if path.is_file()
        for name in _documented_names(path)
        if name not in settings
        and name not in examples
        and name not in NOT_SETTINGS
        # A prefix standing for several settings (`SHOPXERO_ACCOUNT_BY_*`, `SHOPXERO_SHOPIFY`).
        and not any(s.startswith(name + "_") for s in settings)
    }
    assert sorted(unknown) == []


def test_every_allowed_other_name_is_really_read_by_something() -> None:
    """The allow-list of non-setting names stays honest: each is used where it says."""
    for name, who in NOT_SETTINGS.items():
        used_in = ROOT / who.split(":", 1)[0]
        assert name in used_in.read_text(encoding="utf-8"), (name, who)
