"""The README and the docs stay true to the code.

- The quick start's two commands are a contract with CI: the second is exactly what ``.ci/run``
  runs, the first runs the demo from the production lock.
- Every setting of ``config.Settings`` is in docs/settings.md, and that table is what
  ``scripts/settings_doc.py`` generates from the fields (so defaults and types are current).
- Every CLI command and sub-command is mentioned in the README.
- Relative links in the README and docs/ point at files that exist.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer.main

from shopxero.cli.app import _register_commands, app
from shopxero.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS_DOC = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")

# requirements.lock carries hashes (the Docker image installs it with --require-hashes), and
# pip refuses an editable install in the same call as a hashed file: shopxero goes in a second
# call, with the dependencies the lock already installed.
DEMO_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -r requirements.lock "
    "&& .venv/bin/pip install --no-deps -e . && .venv/bin/shopxero demo"
)
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.lock -e . "
    "&& .venv/bin/python -m pytest"
)


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_quick_start_is_the_two_contract_commands() -> None:
    assert _quick_start_commands() == [DEMO_COMMAND, TEST_COMMAND]


def test_no_pip_call_mixes_a_hashed_lock_with_the_editable_install() -> None:
    """pip refuses ``-r LOCK -e .`` when LOCK has hashes ("cannot be installed when requiring
    hashes"): each quick-start pip call that installs ``-e .`` names only unhashed locks."""
    for command in _quick_start_commands():
        for call in command.split("&&"):
            if "pip install" not in call or "-e ." not in call:
                continue
            for lock in re.findall(r"-r (\S+)", call):
                text = (ROOT / lock).read_text(encoding="utf-8")
                assert "--hash=" not in text, f"{lock} has hashes: install -e . on its own"


def _ci_commands() -> list[str]:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return [
        line.strip()
        for line in ci.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    """The README's test command, as written; ``|| exit $?`` only stops CI when it fails (set -e
    does not act inside an && list)."""
    readme_command = _quick_start_commands()[1]
    assert f"{readme_command} || exit $?" in _ci_commands()


def test_ci_checks_lint_format_and_types_after_the_tests() -> None:
    commands = _ci_commands()
    tests_at = commands.index(f"{_quick_start_commands()[1]} || exit $?")
    assert commands[tests_at + 1 :] == [
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
        ".venv/bin/mypy --strict src/",
    ]


def _settings_doc_module() -> object:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import settings_doc
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return settings_doc


def test_every_setting_is_documented() -> None:
    rows = set(re.findall(r"^\| `SHOPXERO_([A-Z0-9_]+)` \|", SETTINGS_DOC, re.MULTILINE))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - rows == set(), "undocumented: run python scripts/settings_doc.py --write"
    assert rows - fields == set(), "documented but not a setting"
    for line in SETTINGS_DOC.splitlines():
        if line.startswith("| `SHOPXERO_"):
            assert line.rstrip(" |").split("|")[-1].strip(), f"no explanation: {line}"


def test_settings_table_is_generated_from_the_fields() -> None:
    doc = _settings_doc_module()
    assert doc.render(SETTINGS_DOC) == SETTINGS_DOC, (  # type: ignore[attr-defined]
        "docs/settings.md is out of date: run python scripts/settings_doc.py --write"
    )


def _commands() -> list[str]:
    _register_commands()
    root = typer.main.get_command(app)
    # Typer's own Group class (it may not be click's): duck-typed on ``commands``.
    assert hasattr(root, "commands")
    names: list[str] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        if command.hidden:
            continue
        if not hasattr(command, "commands"):
            names.append(name)
        else:  # a group is mentioned through its sub-commands
            names.extend(f"{name} {sub}" for sub, c in command.commands.items() if not c.hidden)
    return names


def test_every_command_is_in_the_readme() -> None:
    names = _commands()
    assert {"sync", "demo", "errors retry"} <= set(names)
    missing = [n for n in names if f"shopxero {n}`" not in README and f"`{n}`" not in README]
    assert missing == [], f"commands not mentioned in README.md: {missing}"


def test_relative_links_resolve() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"
