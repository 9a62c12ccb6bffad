"""Seed data for the simulators: demo, bench and JSON files (``load_seed``)."""

from __future__ import annotations

from shopxero.sandbox.seeds.loader import SEED_NAMES, complete_seed, load_seed

__all__ = ["SEED_NAMES", "complete_seed", "load_seed"]
