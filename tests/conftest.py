"""Shared fixtures: a clean environment for settings, every engine test on both Shopify APIs."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.outside_reads import OutsideReadRecorder


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No SHOPXERO_* variable from the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("SHOPXERO_"):
            monkeypatch.delenv(key, raising=False)
    yield


# --- every engine test on both Shopify Admin APIs (REST and GraphQL) ------------------------------
# A test that syncs through the engine or the CLI against the simulators runs once per API, its id
# ending in ``[api:graphql]`` / ``[api:rest]`` (``-k "not api:graphql"`` runs REST only), with
# SHOPXERO_SHOPIFY_API set for it: in-process Settings and CLI subprocesses both read it, and the
# test helpers leave the API unset so it is their default. Tests outside ENGINE_TESTS run once, on
# the default API. Inside them, two markers opt out (pyproject.toml registers them):
#   @pytest.mark.one_api("rest")  # why: e.g. it is about REST's pagination on the wire
#   @pytest.mark.not_per_api      # why: it reads nothing from Shopify, or it picks its APIs itself
# A test with an ``api`` parameter names its API already and is left alone.
SHOPIFY_APIS = ("graphql", "rest")
ENGINE_TESTS = (
    "tests/sync/",
    "tests/fidelity/",
    "tests/hostile/",
    "tests/reliability/",
    "tests/cli/test_demo.py",
    "tests/cli/test_interrupt.py",
    "tests/cli/test_many_variants.py",
    "tests/cli/test_payouts_cli.py",
    "tests/cli/test_payouts_graphql_cli.py",
    "tests/cli/test_payouts_order_reads.py",
    "tests/cli/test_rebuild_cmd.py",
    "tests/cli/test_report_cmd.py",
    "tests/cli/test_sync_cmd.py",
    "tests/cli/test_sync_queue.py",
    "tests/cli/test_sync_sigterm.py",
)
_ROOT = Path(__file__).resolve().parent.parent


def is_engine_test(path: Path) -> bool:
    """Whether the test file at ``path`` is in the engine suite (ENGINE_TESTS)."""
    relative = path.resolve().relative_to(_ROOT).as_posix()
    return any(relative.startswith(prefix) for prefix in ENGINE_TESTS)


def apis_for(metafunc: pytest.Metafunc) -> tuple[str, ...]:
    """The Shopify APIs a test runs on: none (once, on the default) or one or both."""
    if not is_engine_test(Path(metafunc.definition.path)) or "api" in metafunc.fixturenames:
        return ()
    if metafunc.definition.get_closest_marker("not_per_api") is not None:
        return ()
    pinned = metafunc.definition.get_closest_marker("one_api")
    if pinned is None:
        return SHOPIFY_APIS
    (api,) = pinned.args
    if api not in SHOPIFY_APIS:
        raise pytest.UsageError(
            f"one_api({api!r}) on {metafunc.definition.nodeid}: use one of "
            f"{', '.join(SHOPIFY_APIS)}"
        )
    return (api,)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    apis = apis_for(metafunc)
    if apis:
        # indirect: the module-scoped fixture below takes the value, so a module fixture that
        # syncs once for its tests (and asks for ``shopify_api``) syncs once per API.
        metafunc.parametrize("shopify_api", apis, indirect=True, ids=[f"api:{api}" for api in apis])


@pytest.fixture(scope="module")
def shopify_api(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The Shopify API this test runs on; None: not run per API (the default API).

    A module fixture that syncs once for several tests must ask for it: it then syncs once per
    API, with SHOPXERO_SHOPIFY_API set while it does (a fixture that does not ask is built once
    and shared by both APIs' tests)."""
    api: str | None = getattr(request, "param", None)
    if api is None:
        yield None
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHOPXERO_SHOPIFY_API", api)
        yield api


@pytest.fixture(autouse=True)
def _shopify_api_environ(
    _clean_environ: None, shopify_api: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``_clean_environ``: the test's API in SHOPXERO_SHOPIFY_API (for subprocesses too)."""
    if shopify_api is not None:
        monkeypatch.setenv("SHOPXERO_SHOPIFY_API", shopify_api)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# Every file a test opens must be inside the repository: a user's clone has nothing beside it.
# The hook only records (raising inside an audit hook would surface far from the culprit); the
# session fails at its end, naming each read, and tests/test_self_contained.py checks the hook.
OUTSIDE_READS = OutsideReadRecorder()
sys.addaudithook(OUTSIDE_READS)


def pytest_sessionstart(session: pytest.Session) -> None:
    """The CLI reads ./shopxero.env by default: with the user's own file in the folder the tests
    run from, CLI tests would run against their real shop. Refuse, saying why."""
    own = Path.cwd() / "shopxero.env"
    if own.exists():
        pytest.exit(
            f"{own} exists: shopxero reads ./shopxero.env by default, so the tests would use "
            "those settings (maybe a real shop). Move it out of this folder, or run the tests "
            "from another folder, and try again.",
            returncode=4,
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:
        # A pytest-xdist worker: hand the reads to the controller, which reports them all.
        worker_output["outside_reads"] = sorted(set(OUTSIDE_READS.reads))
        return
    if OUTSIDE_READS.reads:
        reads = "\n  ".join(sorted(set(OUTSIDE_READS.reads)))
        print(f"\nTests read outside the repository (vendor the data instead):\n  {reads}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """pytest-xdist, on the controller: a worker finished; keep the reads it recorded."""
    output = getattr(node, "workeroutput", None) or {}
    OUTSIDE_READS.reads.extend(output.get("outside_reads", []))
