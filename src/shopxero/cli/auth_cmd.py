"""shopxero CLI: auth commands."""
