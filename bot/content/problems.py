"""A content problem with the place it was found, printed as ``path:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Problem"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    @classmethod
    def at(cls, path: Path | str, line: int | None, message: str) -> Problem:
        return cls(str(path), line or 1, message)
