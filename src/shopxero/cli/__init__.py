"""The command line: the only composition root, and the only place errors become exit codes.

Each command group lives in its own module beside this one and registers itself on ``app``.
Exit codes (docs/architecture.md): 0 all synced; 1 some records failed and are queued; 2 could not
run.
"""

from __future__ import annotations

from shopxero.cli.app import app, main

__all__ = ["app", "main"]
