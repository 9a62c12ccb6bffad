"""Running the sync on a schedule: tick rules, heartbeat and loop (the CLI only starts it)."""
