"""shopxero CLI: sync commands."""
