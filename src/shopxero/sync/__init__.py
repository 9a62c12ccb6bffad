"""Mapping, checksums, planning, the sync engine and rebuild."""
