"""Is the storage healthy? Writes that fail, and a database file removed or replaced
under the running bot (a restore done wrong, a cleanup script, a full disk).

The service reports each write's success or failure here; ``/healthz`` shows
``problem()``, and the service reopens the database when its file changed, so
the bot recovers by itself once the cause is gone.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["StorageHealth"]


class StorageHealth:
    """The last write failure (for ``recent`` seconds) and the database file's identity."""

    def __init__(self, path: Path | None, recent: float = 60.0) -> None:
        self.path = path  # None: in memory, nothing on disk to watch
        # A failed write keeps /healthz degraded this long (seconds), even when other
        # writes succeed in between: a full disk fails some writes and not others.
        self.recent = recent
        self._identity: tuple[int, int] | None = None
        self._failure: tuple[str, str, float] | None = None  # operation, error, when

    def opened(self) -> None:
        """The database was (re)opened: remember which file it is."""
        self._identity = self._stat()
        self._failure = None

    def failed(self, operation: str, error: BaseException) -> None:
        self._failure = (operation, type(error).__name__, time.monotonic())

    def succeeded(self) -> None:
        """A write worked; the last failure still counts until it is ``recent`` no more."""

    def file_changed(self) -> str | None:
        """'removed' or 'replaced' when the file is not the one opened, else None."""
        if self.path is None or self._identity is None:
            return None
        now = self._stat()
        if now is None:
            return "removed"
        return "replaced" if now != self._identity else None

    def problem(self) -> str | None:
        """A short reason for /healthz, or None when storage looks fine."""
        changed = self.file_changed()
        if changed:
            return f"the database file was {changed} while the bot runs"
        if self._failure is not None:
            operation, error, at = self._failure
            ago = time.monotonic() - at
            if ago < self.recent:
                return f"writes failing ({operation}: {error}, {ago:.0f} s ago)"
            self._failure = None
        return None

    def _stat(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_dev, info.st_ino
