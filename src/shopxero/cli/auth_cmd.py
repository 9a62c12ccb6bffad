"""shopxero CLI: ``shopxero auth shopify|xero|status`` (check and set up credentials).

``auth shopify`` lives here (brief E); ``auth xero`` and ``auth status`` are added to the same
``auth_app`` (brief F).
"""

from __future__ import annotations

import typer

from shopxero.cli.app import app

__all__ = ["auth_app"]

auth_app = typer.Typer(
    help="Check and set up the Shopify and Xero credentials.", no_args_is_help=True
)
app.add_typer(auth_app, name="auth")
