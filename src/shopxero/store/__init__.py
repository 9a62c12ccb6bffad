"""SQLite state: schema, migrations and all SQL of shopxero (``StateStore``)."""

from __future__ import annotations

from shopxero.store.db import StateStore

__all__ = ["StateStore"]
