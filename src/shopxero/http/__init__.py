"""Shared HTTP plumbing: pacing, retries, and the API-call log with redaction."""
