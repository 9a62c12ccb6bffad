"""The CLI's one logging setup: human-readable lines by default, JSON lines by option.

``configure_logging`` is called once by the global options callback (``cli/app.py``) before any
command runs, so every command logs the same way: ``--log-format json`` (or
``SHOPXERO_LOG_FORMAT=json``) turns each record into one JSON object per line on stderr, for log
collectors; ``text`` prints ``time level logger: message``. Every message goes through the
call log's ``redact_text`` on its way out: nothing we log should hold a secret, and if a future
log call slips one in (a URL with ``code=``, a bearer header) it is masked here.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TextIO

from shopxero.config import raw_value
from shopxero.errors import ConfigError
from shopxero.http.calllog import redact_text

__all__ = [
    "LOG_FORMATS",
    "JsonLineFormatter",
    "TextFormatter",
    "active_log_format",
    "configure_logging",
    "resolve_log_format",
]

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
_HANDLER_NAME = "shopxero-cli"

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept as a field.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}


def _utc_iso(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """``2026-11-26T11:40:00.123+00:00 INFO shopxero.http.retry: message`` (one line)."""

    def format(self, record: logging.LogRecord) -> str:
        message = redact_text(record.getMessage())
        line = f"{_utc_iso(record)} {record.levelname} {record.name}: {message}"
        if record.exc_info:
            line += "\n" + redact_text(self.formatException(record.exc_info))
        return line


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, plus any ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": _utc_iso(record),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at emit time (CliRunner swaps it per invocation)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


_active: list[LogFormat] = ["text"]


def active_log_format() -> LogFormat:
    """The format the CLI configured (``--log-format`` / ``SHOPXERO_LOG_FORMAT``), for commands
    that write their own log lines to stdout (``schedule``)."""
    return _active[0]


def configure_logging(
    log_format: LogFormat = "text", *, verbose: bool = False, stream: TextIO | None = None
) -> logging.Handler:
    """Send the ``shopxero`` loggers to ``stream`` (stderr) in ``log_format``; idempotent.

    Levels: text shows warnings and errors (a person reads the command's own output; routine
    retries would bury a one-line reason), ``verbose`` adds INFO (each retry); JSON lines always
    carry INFO and up, for a log collector to filter.

    Only the ``shopxero`` logger tree is configured (libraries keep their own defaults), and a
    second call replaces the handler instead of adding one, so tests that invoke the CLI many
    times in one process do not print every line twice. Without ``stream`` the handler writes to
    the current ``sys.stderr`` at each record.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    root = logging.getLogger("shopxero")
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _CurrentStderrHandler()
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonLineFormatter() if log_format == "json" else TextFormatter())
    handler.setLevel(logging.INFO if verbose or log_format == "json" else logging.WARNING)
    root.addHandler(handler)
    # The logger passes INFO on; the handler above decides what is shown.
    root.setLevel(logging.INFO)
    _active[0] = log_format
    # propagate stays on: the root logger has no handler in the CLI, and tests' caplog (on the
    # root) must still see shopxero's records.
    return handler


def resolve_log_format(option: str | None, env_file: Path | None) -> LogFormat:
    """``--log-format``, else ``SHOPXERO_LOG_FORMAT`` (environment, then the env file), else text.

    A bad value is a ``ConfigError`` (exit 2) naming the option; an env file that fails to load
    for other reasons is left for the command itself to report.
    """
    value = option if option is not None else raw_value("SHOPXERO_LOG_FORMAT", env_file)
    if value is None:
        return "text"
    lowered = value.strip().lower()
    if lowered == "json":
        return "json"
    if lowered == "text":
        return "text"
    raise ConfigError(f"--log-format / SHOPXERO_LOG_FORMAT must be 'text' or 'json', not {value!r}")
