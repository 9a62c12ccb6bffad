"""The sync history as a self-contained HTML page with inline SVG charts (``shopxero report``)."""
