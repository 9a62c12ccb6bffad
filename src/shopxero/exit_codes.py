"""The exit codes every command shares (docs/architecture.md, "Contracts that tests and tools
rely on"): 0 all synced; 1 some records failed and are queued (or the day's API budget ran out);
2 could not run (settings, credentials, the run lock, the state DB); 130 stopped by Ctrl-C during
a sync, or by a second SIGINT/SIGTERM to the scheduler (the shell's convention for "stopped by
SIGINT").
"""

from __future__ import annotations

__all__ = ["EXIT_ABORTED", "EXIT_FAILED_RECORDS", "EXIT_OK", "EXIT_UNABLE"]

EXIT_OK = 0
EXIT_FAILED_RECORDS = 1
EXIT_UNABLE = 2
EXIT_ABORTED = 130
