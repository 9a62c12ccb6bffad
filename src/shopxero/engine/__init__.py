"""The machinery every entity is built on: the run's context, the planner, checksums, the one
writer to Xero, settling interrupted writes, linking, conflict checks, organisation data, the run
report and the run lock."""
