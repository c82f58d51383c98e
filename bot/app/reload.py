"""Reload the content while the bot runs (POST /reload, SIGHUP), never breaking it.

The new content is validated in a worker thread beside the old brain; on any
problem the old brain keeps answering and the problems are logged and returned.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.brain import ContentError

if TYPE_CHECKING:
    from bot.app.service import BotService

__all__ = ["ReloadResult", "reload_content"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: the version now served, or the problems that stopped it."""

    ok: bool
    version: str
    problems: list[str] = field(default_factory=list)


async def reload_content(service: BotService, source: str) -> ReloadResult:
    """Validate and swap in the content on disk; ``source`` names the trigger in the log."""
    try:
        # Loading validates every file: seconds of CPU, so not on the event loop.
        brain = await asyncio.to_thread(service.holder.reload)
    except ContentError as exc:
        problems = [str(p) for p in exc.problems]
    except Exception as exc:  # e.g. an unreadable folder: still no reason to stop the bot
        log.exception("%s: reload failed", source)
        problems = [f"{type(exc).__name__}: {exc}"]
    else:
        service.metrics.record_reload(brain.version)
        log.info("%s: reloaded: version %s", source, brain.version)
        return ReloadResult(True, brain.version)
    service.metrics.record_reload(None)
    version = service.brain.version
    log.warning("%s: not reloaded, %d problem(s); still serving version %s",
                source, len(problems), version)
    for problem in problems:
        log.warning("%s: %s", source, problem)
    return ReloadResult(False, version, problems)
