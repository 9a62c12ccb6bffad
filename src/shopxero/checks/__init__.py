"""Checks of a configuration against the two services, as library functions returning findings:
the preflight a run makes before its first write, and ``shopxero doctor``."""
