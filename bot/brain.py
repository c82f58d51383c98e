"""Load content, catalogues and the match index into one ``Brain``; swap it on reload.

The brain is what every adapter talks to. Reloading builds a complete new
brain beside the old one and swaps a single reference only when the new
content validates, so a broken edit never reaches a worker.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.build_cache import BuildCache
from bot.content.loader import LoadResult, hidden_signal_problems, load_content
from bot.content.problems import Problem
from bot.content.tree import ContentTree
from bot.dialogue.engine import Engine, danger_detector
from bot.i18n.catalogs import Catalogs
from bot.matching.index import MatchIndex
from bot.matching.matcher import Matcher
from bot.matching.normalize import normalize_key
from bot.reminders.texts import ReminderTexts, load_reminder_texts
from bot.safety.danger import DangerDetector

__all__ = ["Brain", "BrainHolder", "ContentError", "default_paths", "load_brain"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ContentError(Exception):
    """The content has problems; ``problems`` lists them as ``path:line: message``."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Brain:
    content: ContentTree
    engine: Engine
    matcher: Matcher
    catalogs: Catalogs
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def reminders(self) -> ReminderTexts:
        return self.engine.reminders

    @property
    def version(self) -> str:
        return self.content.version


def default_paths() -> tuple[Path, Path]:
    """Content and locales folders: env vars, else ./content, else next to the package."""
    def pick(env: str, name: str) -> Path:
        if os.environ.get(env):
            return Path(os.environ[env])
        local = Path.cwd() / name
        return local if local.is_dir() else PROJECT_ROOT / name

    return pick("CONTENT_DIR", "content"), pick("LOCALES_DIR", "locales")


def default_catalogue(content_dir: Path) -> Path | None:
    """The shared topic catalogue beside the project, when it is there."""
    candidate = content_dir.resolve().parent.parent / "shared" / "catalogue.yaml"
    return candidate if candidate.is_file() else None


def check_content(content_dir: Path, catalogue: Path | None = None,
                  reminder_steps: tuple[int, ...] | None = None) -> LoadResult:
    """Load and check every content file (reminder texts included)."""
    result = load_content(content_dir, catalogue, check_examples=normalize_key)
    if result.tree is None:
        return result
    _, problems = load_reminder_texts(content_dir, result.tree, reminder_steps)
    problems += hidden_signal_problems(result)
    return LoadResult(result.tree, sorted([*result.problems, *problems]), result.files)


@dataclass(frozen=True)
class _Built:
    """What content builds before an engine can run: what the start-up cache keeps
    (bot/build_cache.py), since building it is most of a start."""

    result: LoadResult
    reminders: ReminderTexts | None = None
    reminder_problems: list[Problem] = field(default_factory=list)
    index: MatchIndex | None = None
    danger: DangerDetector | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # what each step took


def _build(content_dir: Path, catalogue: Path | None,
           reminder_steps: tuple[int, ...] | None) -> _Built:
    t0 = time.perf_counter()
    result = load_content(content_dir, catalogue, check_examples=normalize_key)
    if result.tree is None:
        return _Built(result)
    reminders, reminder_problems = load_reminder_texts(content_dir, result.tree,
                                                       reminder_steps)
    t1 = time.perf_counter()
    index = MatchIndex.from_content(result.tree)
    t2 = time.perf_counter()
    danger = danger_detector(result.tree, index.scripts)
    seconds = {"load_validate": t1 - t0, "index": t2 - t1,
               "danger": time.perf_counter() - t2}
    return _Built(result, reminders, reminder_problems, index, danger, seconds)


def load_brain(content_dir: Path | None = None, locales_dir: Path | None = None,
               strict: bool = False, catalogue: Path | None = None,
               reminder_steps: tuple[int, ...] | None = None,
               reminder_hours: tuple[int, int] = (8, 20),
               cache: BuildCache | None = None) -> Brain:
    """Build a brain. ``strict``: any problem raises ContentError (used by reload).
    ``cache``: where built content is kept between starts (default:
    ``BuildCache.default()``, see bot/build_cache.py)."""
    default_content, default_locales = default_paths()
    content_dir = content_dir or default_content
    locales_dir = locales_dir or default_locales
    t0 = time.perf_counter()
    built, cached = (cache or BuildCache.default()).get_or_build(
        content_dir, lambda: _build(content_dir, catalogue, reminder_steps),
        extra=(catalogue, reminder_steps))
    result = built.result
    if result.tree is None:
        raise ContentError(result.problems)
    assert built.index is not None
    problems = sorted([*result.problems, *built.reminder_problems])
    if strict and not problems:  # a reload: what validate checks, before it goes live
        problems = hidden_signal_problems(result)
    t1 = time.perf_counter()
    if strict and problems:
        raise ContentError(problems)
    catalogs = Catalogs(locales_dir, result.tree.languages)
    matcher = Matcher(built.index)
    engine = Engine(result.tree, matcher, catalogs, built.reminders, reminder_hours,
                    built.danger)
    # How long this start took to have its content built, and how (a build's own
    # steps, or one figure for the copy read from the cache).
    timings = {"from_cache": t1 - t0} if cached else built.seconds
    return Brain(result.tree, engine, matcher, catalogs, problems, timings)


class BrainHolder:
    """The current brain, replaced atomically on a successful reload."""

    def __init__(self, brain: Brain, content_dir: Path, locales_dir: Path,
                 reminder_steps: tuple[int, ...] | None = None,
                 reminder_hours: tuple[int, int] = (8, 20)) -> None:
        self._brain = brain
        self.content_dir = content_dir
        self.locales_dir = locales_dir
        self.reminder_steps = reminder_steps
        self.reminder_hours = reminder_hours
        self._lock = threading.Lock()

    @property
    def brain(self) -> Brain:
        return self._brain

    def reload(self) -> Brain:
        """Validate and swap in the content on disk; on problems raise ContentError."""
        with self._lock:
            new = load_brain(self.content_dir, self.locales_dir, strict=True,
                             reminder_steps=self.reminder_steps,
                             reminder_hours=self.reminder_hours)
            new.engine.warm_up()  # reload runs in a worker thread: the swap is warm
            self._brain = new
            return new
