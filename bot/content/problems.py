"""A content problem with the place it was found, printed as ``path:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Problem", "shown_path"]


def shown_path(path: Path, root: Path) -> str:
    """``content/th/x.yaml`` for a file under the content folder ``root``: what
    editors see in every problem, wherever the folder is."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


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
