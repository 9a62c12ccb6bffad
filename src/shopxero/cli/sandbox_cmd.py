"""shopxero CLI: sandbox commands."""
