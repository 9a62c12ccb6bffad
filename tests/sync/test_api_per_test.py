"""What an engine test sees when tests/conftest.py runs it on one Shopify API: the setting in the
environment, and every way the tests build Settings reading it (CLI subprocesses inherit the
environment; tests/cli/test_sync_cmd.py checks the CLI reads through the API it names)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.hostile.harness import settings_for
from tests.sync.helpers import sandbox_settings

from shopxero.config import Settings


def test_the_api_the_test_runs_on_is_every_settings_default(
    shopify_api: str, tmp_path: Path
) -> None:
    assert shopify_api in ("graphql", "rest")
    assert os.environ["SHOPXERO_SHOPIFY_API"] == shopify_api
    assert Settings().shopify_api == shopify_api
    assert sandbox_settings("http://shop", "http://xero", tmp_path).shopify_api == shopify_api
    assert settings_for(tmp_path).shopify_api == shopify_api
