"""What the handlers share: the brain, settings, metrics and (once started) the storage."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.adapters.telegram.activity import ActivityBuffer
from bot.adapters.telegram.flood import FloodGuard
from bot.adapters.telegram.sessions import Sessions
from bot.brain import Brain, BrainHolder
from bot.config import Settings
from bot.ops.metrics import Metrics
from bot.storage.base import Repository

__all__ = ["Services"]


@dataclass
class Services:
    """Shared by every handler; ``repo``/``sessions`` are set at start (they need the loop)."""

    settings: Settings
    holder: BrainHolder
    repo: Repository | None = None
    # One registry per application, so several bots in one process count apart.
    metrics: Metrics = field(default_factory=Metrics)
    _sessions: Sessions | None = field(default=None, repr=False)
    _activity: ActivityBuffer | None = field(default=None, repr=False)
    # Per-user flood limits (None: off, as in the throughput benchmark).
    flood: FloodGuard | None = field(default_factory=FloodGuard)

    @property
    def brain(self) -> Brain:
        """The current brain (replaced whole on /reload)."""
        return self.holder.brain

    @property
    def sessions(self) -> Sessions:
        """User state storage; only valid between start and shutdown."""
        if self._sessions is None:
            raise RuntimeError("storage is not open yet (the application was not started)")
        return self._sessions

    @property
    def activity(self) -> ActivityBuffer:
        """The anonymous /stats counters, written in batches; valid like ``sessions``."""
        if self._activity is None:
            raise RuntimeError("storage is not open yet (the application was not started)")
        return self._activity

    def attach(self, repo: Repository) -> None:
        """Use this repository from now on."""
        self.repo = repo
        self._sessions = Sessions(repo)
        self._activity = ActivityBuffer(repo)

    def is_admin(self, user_id: int) -> bool:
        """True for the ids in ADMIN_IDS."""
        return user_id in self.settings.admin_ids
