"""A start-up cache of what content builds: the checked content tree, the match
index and the danger detector, written once per content and code version.

Why: of the ~1.9 s a start took (2026-12-07, ``benchmarks/bench_startup.py``),
about 0.7 s went to reading and checking the YAML, 0.2 s to the match index and
0.2 s to compiling some 7,500 danger signals; loading them back from this cache
takes about 0.15 s. Like Python's own ``.pyc`` files, it is only ever a copy of
what the code would build from the same files.

Key: the bytes of every file under the content folder (and the catalogue), the
folder's path (problems name it), the reminder steps, the Python and numpy
versions, and every source file of the ``bot`` package (path, size, mtime). Any
edit makes a new key, so a stale copy is never read; older copies for the same
folder are removed when a new one is written.

Where: ``CACHE_DIR`` (``off`` turns the cache off), else ``$XDG_CACHE_HOME/migrant-bot``,
else ``~/.cache/migrant-bot``. Pickle runs code when it loads, so only a folder
this user owns and nobody else can write to is used, and only files this user
owns are read. Any failure (no such folder, full disk, a damaged file) means a
normal build, never a failed start.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar, cast

import numpy as np

__all__ = ["BuildCache"]

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent
_FORMAT = 1  # bump when what is cached changes shape
T = TypeVar("T")


def _default_dir() -> Path | None:
    configured = os.environ.get("CACHE_DIR", "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "migrant-bot"


@cache
def _code_fingerprint() -> bytes:
    """The bot package's own source, as file stats: a code change is a new key. Once
    per process: the code it runs does not change under it (a reload re-keys content)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_FORMAT} {sys.version} {np.__version__}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        info = path.stat()
        digest.update(f"{path.relative_to(_PACKAGE)} {info.st_size} {info.st_mtime_ns}\n"
                      .encode())
    return digest.digest()


def _is_private(path: Path, folder: bool) -> bool:
    """Owned by this user and (for a folder) writable by nobody else."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    if folder:
        return stat.S_ISDIR(info.st_mode) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return stat.S_ISREG(info.st_mode)


class BuildCache:
    """Pickled builds, one file per key, in a private folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> BuildCache:
        return cls(_default_dir())

    def key(self, content_dir: Path, extra: tuple[object, ...] = ()) -> str:
        """The key of a build of ``content_dir`` (and of ``extra``: other inputs,
        such as the catalogue's path and the reminder steps)."""
        digest = hashlib.blake2b(_code_fingerprint(), digest_size=20)
        root = content_dir.resolve()
        digest.update(f"{root}\0{extra!r}\0".encode())
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()  # framed by its name and length: no two trees alike
            digest.update(f"{path.relative_to(root)}\0{len(data)}\0".encode())
            digest.update(data)
        for item in extra:
            if isinstance(item, Path) and item.is_file():
                digest.update(item.read_bytes())
        return f"{self._prefix(root)}-{digest.hexdigest()}"

    def get_or_build(self, content_dir: Path, build: Callable[[], T],
                     extra: tuple[object, ...] = ()) -> tuple[T, bool]:
        """What ``build()`` returns, from the cache when it holds this key; and
        whether it came from the cache."""
        if self.folder is None:
            return build(), False
        try:
            key = self.key(content_dir, extra)
        except OSError as exc:  # a file vanished while reading: build, do not cache
            log.debug("build cache: no key (%s)", exc)
            return build(), False
        cached = self._read(key)
        if cached is not None:
            # Written by this code (the key holds its source) from build()'s value.
            return cast(T, cached), True
        value = build()
        try:
            # Kept only if no file changed while it was built (an editor saving during
            # a start): else this copy would sit under the older files' key.
            if self.key(content_dir, extra) == key:
                self._write(key, value)
        except OSError as exc:
            log.debug("build cache: not written (%s)", exc)
        return value, False

    # -- files ------------------------------------------------------------------
    @staticmethod
    def _prefix(root: Path) -> str:
        return "brain-" + hashlib.blake2b(str(root).encode(), digest_size=6).hexdigest()

    def _read(self, key: str) -> object | None:
        assert self.folder is not None
        path = self.folder / f"{key}.pickle"
        if not (_is_private(self.folder, folder=True) and _is_private(path, folder=False)):
            return None
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except Exception as exc:  # a damaged copy means a normal build
            log.warning("build cache: %s unreadable (%s); building instead", path.name, exc)
            return None

    def _write(self, key: str, value: object) -> None:
        assert self.folder is not None
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _is_private(self.folder, folder=True):
                log.warning("build cache: %s is not private to this user; not used",
                            self.folder)
                return
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pickle")
            try:
                with os.fdopen(fd, "wb") as file:
                    pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.folder / f"{key}.pickle")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            folder_prefix = key.rsplit("-", 1)[0]  # this content folder's copies
            for old in self.folder.glob(f"{folder_prefix}-*.pickle"):
                if old.name != f"{key}.pickle":
                    old.unlink(missing_ok=True)
        except Exception as exc:  # a cache that cannot be written is no cache
            log.warning("build cache: not written (%s)", exc)
