"""shopxero CLI: demo commands."""
