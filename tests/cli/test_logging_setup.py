"""The CLI's logging setup: text or JSON lines, chosen by option, env var or env file; redacted."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopxero.cli import logging_setup
from shopxero.cli.app import _register_commands, app
from shopxero.cli.logging_setup import configure_logging, resolve_log_format
from shopxero.errors import ConfigError

BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


@pytest.fixture(autouse=True)
def _restore_shopxero_logger() -> object:
    logger = logging.getLogger("shopxero")
    handlers, level = list(logger.handlers), logger.level
    yield None
    logger.handlers[:] = handlers
    logger.setLevel(level)
    logging_setup._active[0] = "text"


def test_json_lines_carry_time_level_logger_message_and_extras() -> None:
    out = io.StringIO()
    configure_logging("json", stream=out)
    logging.getLogger("shopxero.http.retry").info(
        "xero GET /Contacts failed (%s)", 503, extra={"run_id": 7}
    )
    (line,) = out.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "shopxero.http.retry"
    assert entry["message"] == "xero GET /Contacts failed (503)"
    assert entry["run_id"] == 7
    assert entry["time"].endswith("+00:00")


def test_text_lines_are_one_line_and_secrets_are_masked_in_both_formats() -> None:
    for fmt in ("text", "json"):
        out = io.StringIO()
        configure_logging(fmt, stream=out)
        logging.getLogger("shopxero.test").warning("header was Bearer %s; code=abc123", BEARER)
        text = out.getvalue()
        assert BEARER not in text and "abc123" not in text, text
        assert len(text.splitlines()) == 1


def test_configuring_twice_keeps_one_handler() -> None:
    out = io.StringIO()
    configure_logging("text", verbose=True, stream=out)
    configure_logging("text", verbose=True, stream=out)
    logging.getLogger("shopxero.test").info("once")
    assert out.getvalue().count("once") == 1
    assert " INFO shopxero.test: once" in out.getvalue()


def test_text_shows_warnings_only_unless_verbose_and_json_carries_info() -> None:
    out = io.StringIO()
    configure_logging("text", stream=out)
    logging.getLogger("shopxero.http.retry").info("routine retry")
    logging.getLogger("shopxero.sync").warning("worth reading")
    assert "routine retry" not in out.getvalue() and "worth reading" in out.getvalue()
    for kwargs in ({"verbose": True}, {}):
        out = io.StringIO()
        configure_logging("json" if not kwargs else "text", stream=out, **kwargs)
        logging.getLogger("shopxero.http.retry").info("routine retry")
        assert "routine retry" in out.getvalue()


def test_format_from_option_then_environment_then_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "shopxero.env"
    env_file.write_text("SHOPXERO_LOG_FORMAT='json'\n")
    assert resolve_log_format(None, None) == "text"
    assert resolve_log_format(None, env_file) == "json"
    monkeypatch.setenv("SHOPXERO_LOG_FORMAT", "text")
    assert resolve_log_format(None, env_file) == "text"
    assert resolve_log_format("JSON", env_file) == "json"
    with pytest.raises(ConfigError, match="--log-format"):
        resolve_log_format("yaml", None)


def test_cli_bad_log_format_is_a_config_error() -> None:
    _register_commands()
    result = CliRunner().invoke(app, ["--log-format", "xml", "status"])
    assert isinstance(result.exception, ConfigError)
    assert "'xml'" in str(result.exception)


def test_sync_and_schedule_log_json_lines_with_the_global_option(tmp_path: Path) -> None:
    """One setup for every command: a retried call in ``sync`` and each ``schedule`` line."""
    import httpx

    from shopxero.sandbox.run import start_sandboxes

    _register_commands()
    with start_sandboxes("bench:customers=3,products=2,orders=2") as running:
        httpx.post(
            f"{running.xero_url}/_sandbox/faults",
            json={"path": "/Contacts", "method": "PUT", "status": 503, "times": 1},
        ).raise_for_status()
        env = running.env()
        data = ["--data-dir", str(tmp_path)]
        result = CliRunner().invoke(app, ["--log-format", "json", *data, "sync", "--json"], env=env)
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
        retry = [e for e in lines if e["logger"] == "shopxero.http.retry"]
        assert retry and "503" in retry[0]["message"] and retry[0]["level"] == "INFO"
        json.loads(result.stdout)  # the report itself stays clean JSON on stdout

        result = CliRunner().invoke(
            app,
            ["--log-format", "json", *data, "schedule", "--every", "1s", "--max-runs", "1"],
            env=env,
        )
        assert result.exit_code == 0, result.output
        events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        assert events and all("message" in e and "time" in e for e in events)


def test_sync_warnings_are_log_records_in_json_mode(capsys: pytest.CaptureFixture[str]) -> None:
    from shopxero.cli.sync_cmd import _warn

    out = io.StringIO()
    configure_logging("json", stream=out)
    _warn("read_all_orders is not granted")
    entry = json.loads(out.getvalue())
    assert (entry["level"], entry["logger"]) == ("WARNING", "shopxero.sync")
    assert capsys.readouterr().err == ""

    configure_logging("text", stream=out)
    _warn("plain for people")
    assert "warning: plain for people" in capsys.readouterr().err
