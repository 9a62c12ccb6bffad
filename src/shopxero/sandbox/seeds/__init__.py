"""Seed data for the simulators: demo, bench and JSON files."""
