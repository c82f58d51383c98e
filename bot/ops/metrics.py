"""Prometheus metrics for one running bot, in a registry of its own.

A registry per ``Metrics`` object (not the global default) keeps tests and
several bots in one process from counting into each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.dialogue.types import Event

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter("migrantbot_updates_total", "Updates handled", ["kind"],
                               registry=r)
        self.replies = Counter("migrantbot_replies_total",
                               "Replies to free text by outcome, topic and language",
                               ["outcome", "topic", "language"], registry=r)
        self.fallbacks = Counter("migrantbot_fallbacks_total",
                                 "Messages not understood, by detected language", ["language"],
                                 registry=r)
        self.topics = Counter("migrantbot_topics_shown_total", "Answers shown",
                              ["topic", "language"], registry=r)
        self.feedback = Counter("migrantbot_feedback_total", "Feedback votes",
                                ["topic", "language", "vote"], registry=r)
        self.latency = Histogram("migrantbot_handler_seconds",
                                 "Time to handle one update (engine and storage)",
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5),
                                 registry=r)
        self.errors = Counter("migrantbot_errors_total", "Errors by exception type", ["type"],
                              registry=r)
        self.content_version = Gauge("migrantbot_content_info",
                                     "The content version being served (value is always 1)",
                                     ["version"], registry=r)
        self.reloads = Counter("migrantbot_reloads_total", "Content reloads by result",
                               ["result"], registry=r)
        self.flood = Counter("migrantbot_flood_limited_total",
                             "Updates not handled because a user sent too many too fast, "
                             "by what was done (notice: told once; drop: ignored)",
                             ["action"], registry=r)
        self.intake = Counter("migrantbot_intake_total",
                              "Updates through the durable inbox, by what happened: stored, "
                              "duplicate (delivered again, not handled twice), resumed "
                              "(handled after a restart), skipped (could not be read)",
                              ["event"], registry=r)
        self.storage_errors = Counter("migrantbot_storage_errors_total",
                                      "Storage operations that failed (the reply was still "
                                      "sent), by operation", ["operation"], registry=r)
        self.sends_given_up = Counter("migrantbot_sends_given_up_total",
                                      "Bot API calls given up after retrying for the "
                                      "configured time, by method", ["method"], registry=r)
        self.reminders = Counter("migrantbot_reminders_total",
                                 "Expiry reminders by event: set, deleted, sent, failed "
                                 "(tried again later), paused (the user blocked the bot)",
                                 ["event"], registry=r)
        self.reminders_pending = Gauge("migrantbot_reminders_pending",
                                       "Reminder steps due and not sent yet (outside the "
                                       "send hours they wait for the morning)", registry=r)
        self._version: str | None = None
        # The counter of each label set counted per update, looked up once: labels()
        # checks and locks on every call. Only for counters whose labels are never
        # removed; as many as the registry itself keeps.
        self._children: dict[tuple[Counter, tuple[str, ...]], Counter] = {}
        self._init_handoff()

    # -- talk to a person (bot/app/handoff/) ---------------------------------------
    def _init_handoff(self) -> None:
        r = self.registry
        self.handoff_cases = Counter("migrantbot_handoff_cases_total",
                                     "Hand-off cases opened, by the worker's language",
                                     ["language"], registry=r)
        self.handoff_open = Gauge("migrantbot_handoff_open_cases",
                                  "Hand-off cases not closed, by language", ["language"],
                                  registry=r)
        self.handoff_waiting = Gauge("migrantbot_handoff_waiting_cases",
                                     "Open cases no caseworker has answered yet", registry=r)
        self.handoff_first_reply_seconds = Histogram(
            "migrantbot_handoff_first_reply_seconds",
            "Time from a case's opening to a caseworker's first answer",
            buckets=(60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 72 * 3600),
            registry=r)
        self.handoff_relays = Counter("migrantbot_handoff_relayed_total",
                                       "Messages copied between workers and caseworkers",
                                       ["direction"], registry=r)
        self.handoff_danger_total = Counter("migrantbot_handoff_danger_total",
                                            "Danger messages sent inside a case", registry=r)
        self._handoff_languages: set[str] = set()

    def handoff_opened(self, language: str) -> None:
        self.handoff_cases.labels(language=language).inc()

    def handoff_first_reply(self, seconds: float) -> None:
        self.handoff_first_reply_seconds.observe(max(seconds, 0.0))

    def handoff_relayed(self, direction: str) -> None:
        self.handoff_relays.labels(direction=direction).inc()

    def handoff_danger(self) -> None:
        self.handoff_danger_total.inc()

    def handoff_gauges(self, open_by_language: dict[str, int], waiting: int) -> None:
        for language in self._handoff_languages | set(open_by_language):
            self.handoff_open.labels(language=language).set(open_by_language.get(language, 0))
        self._handoff_languages |= set(open_by_language)
        self.handoff_waiting.set(waiting)

    def set_content_version(self, version: str) -> None:
        if self._version is not None:
            self.content_version.remove(self._version)
        self.content_version.labels(version=version).set(1)
        self._version = version

    def record_update(self, kind: str, seconds: float, events: Iterable[Event]) -> None:
        """Count one handled update and what the engine said about it."""
        self._child(self.updates, kind).inc()
        self.latency.observe(seconds)
        for event in events:
            if event.kind == "matched":
                language = event.language or "unknown"
                self._child(self.replies, event.outcome or "unknown", event.topic or "none",
                            language).inc()
                if event.outcome == "fallback":
                    self._child(self.fallbacks, language).inc()
            elif event.kind == "topic_shown":
                self._child(self.topics, event.topic or "none",
                            event.language or "unknown").inc()
            elif event.kind == "feedback":
                self.feedback.labels(topic=event.topic or "none",
                                     language=event.language or "unknown",
                                     vote="up" if (event.value or 0) > 0 else "down").inc()

    def _child(self, metric: Counter, *values: str) -> Counter:
        key = (metric, values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    def record_reload(self, version: str | None) -> None:
        """Count a content reload: the new version, or None when it was refused."""
        self.reloads.labels(result="ok" if version else "failed").inc()
        if version:
            self.set_content_version(version)

    def record_flood(self, action: str) -> None:
        self.flood.labels(action=action).inc()

    def record_intake(self, event: str, count: int = 1) -> None:
        if count:
            self.intake.labels(event=event).inc(count)

    def record_storage_error(self, operation: str) -> None:
        self.storage_errors.labels(operation=operation).inc()

    def record_send_given_up(self, method: str) -> None:
        self.sends_given_up.labels(method=method).inc()

    def record_reminder(self, event: str) -> None:
        self.reminders.labels(event=event).inc()

    def record_error(self, error: BaseException) -> None:
        self.errors.labels(type=type(error).__name__).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
