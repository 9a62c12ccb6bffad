"""One sync run: settle, then each entity in order, then the cursors (``engine``), and the
session around it (run lock, state DB, clients) that the CLI and the scheduler call."""
