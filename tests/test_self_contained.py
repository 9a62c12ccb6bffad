"""The repository stands alone: no source or test file reaches outside it (tests/outside_reads.py).

A user clones this repository and nothing else, so a path to a sibling folder (``../shared``,
``parents[3] / ".."``) works on a developer's machine and breaks every user's test run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.outside_reads import REPO, OutsideReadRecorder, outside_references

CHECKED = ("src", "tests", "bench", "scripts")
# The guard and its own tests spell out the patterns they catch.
GUARD_FILES = {REPO / "tests" / "outside_reads.py", REPO / "tests" / "test_self_contained.py"}


def _files() -> list[Path]:
    found: list[Path] = []
    for folder in CHECKED:
        for path in sorted((REPO / folder).rglob("*")):
            wanted = path.suffix == ".py" or path.parent.name == "scripts"
            if path.is_file() and wanted and path not in GUARD_FILES:
                found.append(path)
    return found


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_file_refers_to_a_path_outside_the_repository(path: Path) -> None:
    assert outside_references(path) == [], f"{path.relative_to(REPO)} leaves the repository"


SPEC_DIR_DEPTH_3 = REPO / "tests" / "sandbox" / "xero" / "spec.py"


@pytest.mark.parametrize(
    "line",
    [
        'SPEC = Path(__file__).resolve().parents[3] / ".." / "shared" / "specs" / "x.yaml"',
        'FIXTURES = REPO.parent / "shared" / "fixtures" / "shopify"',
        'SPEC = Path(__file__).resolve().parents[4] / "specs" / "x.yaml"',
        "ROOT = Path(__file__).resolve().parent.parent.parent.parent.parent",
        'DATA = Path("../shared/fixtures/shopify/2026-07")',
        'DATA = open("/work/shared/docs/xero-api-facts.md")',
    ],
)
def test_the_static_guard_catches_each_way_out(line: str) -> None:
    assert outside_references(SPEC_DIR_DEPTH_3, text=line) == [f"1: {line}"]


@pytest.mark.parametrize(
    "line",
    [
        "REPO = Path(__file__).resolve().parents[3]",
        'SPEC = Path(__file__).resolve().parents[2] / "fixtures" / "x.json"',
        "HERE = Path(__file__).resolve().parent.parent",
        "shared_clock = SandboxClock()  # the shared clock",
        'headers = {"Idempotency-Key": "shared"}',
    ],
)
def test_the_static_guard_lets_paths_inside_the_repository_pass(line: str) -> None:
    assert outside_references(SPEC_DIR_DEPTH_3, text=line) == []


def test_the_runtime_guard_records_a_read_beside_the_repository() -> None:
    recorder = OutsideReadRecorder()
    sibling = REPO.parent / "shared" / "fixtures" / "shopify" / "order.json"
    recorder("open", (str(sibling), "r", 0))
    recorder("os.scandir", (REPO.parent / "another-project",))
    recorder("open", (str(REPO / "tests" / "fixtures" / "x.json"), "r", 0))  # inside: fine
    recorder("open", (7, "r", 0))  # a file descriptor: nothing to check
    assert recorder.reads == [f"open {sibling}", f"os.scandir {REPO.parent / 'another-project'}"]


def test_the_runtime_guard_works_for_a_clone_inside_the_temporary_folder(tmp_path: Path) -> None:
    """CI may clone into /tmp: a sibling there is still outside, pytest's own folders are not."""
    clone = tmp_path / "clones" / "shopxero"
    clone.mkdir(parents=True)
    recorder = OutsideReadRecorder(clone)
    recorder("open", (str(clone.parent / "shared" / "specs" / "x.yaml"), "r", 0))
    recorder("open", (str(clone.parent / "pytest-of-ci" / "t0" / "state.db"), "r", 0))
    recorder("open", (str(clone.parent / "tmpab12cd" / "seed.json"), "r", 0))
    recorder("open", (str(clone / "tests" / "fixtures" / "x.json"), "r", 0))
    assert recorder.reads == [f"open {clone.parent / 'shared' / 'specs' / 'x.yaml'}"]


def test_the_runtime_guard_is_installed_for_this_session() -> None:
    import sys

    from tests import conftest

    before = len(conftest.OUTSIDE_READS.reads)
    probe = REPO.parent / "shopxero-guard-probe-that-does-not-exist.json"
    with pytest.raises(FileNotFoundError):
        probe.read_text(encoding="utf-8")
    recorded = conftest.OUTSIDE_READS.reads[before:]
    # Take the deliberate read back out, so the session itself does not fail for it.
    del conftest.OUTSIDE_READS.reads[before:]
    assert recorded == [f"open {probe}"], sys.audit
