"""Hand-off cases (SQLite or PostgreSQL): who is in a case, where its topic is, its state and times.

Ids and times only, never message text (Telegram holds the conversation in the
staff group). The audit table holds no worker id; /forget deletes the case row
and its copy map, so the audit rows that stay lead to nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bot.storage.base import iso

if TYPE_CHECKING:
    from bot.storage.sql import SqlRepository

__all__ = ["AuditEntry", "Case", "CaseStats", "CaseStore", "SqlCaseStore"]

LIVE_STATES = ("waiting", "open")  # consented, not closed; 'closed' ends a case


@dataclass(frozen=True)
class Case:
    """One hand-off case. ``case_id`` is the pseudonym caseworkers see (#000042)."""

    case_id: int
    user_id: int
    language: str
    chat_id: int
    topic_id: int | None
    state: str  # waiting (no caseworker answered yet) | open | closed
    danger: bool
    opened_at: dt.datetime
    worker_at: dt.datetime | None = None
    first_reply_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    closed_by: int | None = None

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES


@dataclass(frozen=True)
class AuditEntry:
    case_id: int
    at: dt.datetime
    event: str  # opened | answered | closed | note | danger | topic_recreated | ...
    caseworker_id: int | None


@dataclass(frozen=True)
class CaseStats:
    """For /metrics and /stats: no ids."""

    live_by_language: dict[str, int]
    waiting: int  # live cases no caseworker has answered yet


class CaseStore(Protocol):
    async def open_case(self, user_id: int, language: str, chat_id: int,
                        at: dt.datetime) -> Case: ...
    async def live_case(self, user_id: int) -> Case | None: ...
    async def case_by_topic(self, chat_id: int, topic_id: int) -> Case | None: ...
    async def get(self, case_id: int) -> Case | None: ...
    async def update(self, case: Case) -> None: ...
    async def delete(self, case_id: int) -> None: ...
    async def audit(self, case_id: int, event: str, at: dt.datetime,
                    caseworker_id: int | None = None) -> None: ...
    async def audit_of(self, case_id: int) -> list[AuditEntry]: ...
    async def add_copy(self, case_id: int, side: str, source_id: int,
                       copy_id: int) -> None: ...
    async def copy_of(self, case_id: int, side: str, source_id: int) -> int | None: ...
    async def live_cases(self) -> list[Case]: ...
    async def cases_of(self, user_id: int) -> list[Case]: ...
    async def stats(self) -> CaseStats: ...


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def _time(value: object) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


_COLUMNS = ("case_id, user_id, language, chat_id, topic_id, state, danger, opened_at, "
            "worker_at, first_reply_at, closed_at, closed_by")


def _case(row: Any) -> Case:
    opened = _time(row[7])
    assert opened is not None
    return Case(int(row[0]), int(row[1]), str(row[2]), int(row[3]),
                None if row[4] is None else int(row[4]), str(row[5]), bool(row[6]), opened,
                _time(row[8]), _time(row[9]), _time(row[10]),
                None if row[11] is None else int(row[11]))


class SqlCaseStore:
    """``CaseStore`` on a repository's SQL primitives (SQLite and PostgreSQL alike)."""

    def __init__(self, repo: SqlRepository) -> None:
        self._repo = repo

    async def open_case(self, user_id: int, language: str, chat_id: int,
                        at: dt.datetime) -> Case:
        """A new waiting case, or the worker's live one (one case at a time)."""
        existing = await self.live_case(user_id)
        if existing is not None:
            return existing
        row = await self._repo._one(
            "INSERT INTO handoff_cases (user_id, language, chat_id, state, opened_at) "
            "VALUES (?, ?, ?, 'waiting', ?) RETURNING case_id",
            (user_id, language, chat_id, _iso(at)))
        assert row is not None
        case = await self.get(int(row[0]))
        assert case is not None
        return case

    async def _case_where(self, where: str, params: tuple[object, ...]) -> Case | None:
        row = await self._repo._one(f"SELECT {_COLUMNS} FROM handoff_cases WHERE {where}",
                                    params)
        return None if row is None else _case(row)

    async def live_case(self, user_id: int) -> Case | None:
        return await self._case_where("user_id = ? AND state != 'closed'", (user_id,))

    async def case_by_topic(self, chat_id: int, topic_id: int) -> Case | None:
        """The case of a topic (the newest, should a closed one share it)."""
        return await self._case_where(
            "chat_id = ? AND topic_id = ? ORDER BY case_id DESC LIMIT 1", (chat_id, topic_id))

    async def get(self, case_id: int) -> Case | None:
        return await self._case_where("case_id = ?", (case_id,))

    async def update(self, case: Case) -> None:
        await self._repo._exec(
            "UPDATE handoff_cases SET topic_id = ?, state = ?, danger = ?, worker_at = ?, "
            "first_reply_at = ?, closed_at = ?, closed_by = ? WHERE case_id = ?",
            (case.topic_id, case.state, int(case.danger), _iso(case.worker_at),
             _iso(case.first_reply_at), _iso(case.closed_at), case.closed_by, case.case_id))

    async def delete(self, case_id: int) -> None:
        """The case and its copy map; the anonymous audit rows stay."""
        async with self._repo._transaction():
            await self._repo._exec("DELETE FROM handoff_copies WHERE case_id = ?", (case_id,))
            await self._repo._exec("DELETE FROM handoff_cases WHERE case_id = ?", (case_id,))

    async def audit(self, case_id: int, event: str, at: dt.datetime,
                    caseworker_id: int | None = None) -> None:
        await self._repo._exec(
            "INSERT INTO handoff_audit (case_id, at, event, caseworker_id) VALUES (?, ?, ?, ?)",
            (case_id, _iso(at), event, caseworker_id))

    async def audit_of(self, case_id: int) -> list[AuditEntry]:
        rows = await self._repo._all(
            "SELECT case_id, at, event, caseworker_id FROM handoff_audit "
            "WHERE case_id = ? ORDER BY id", (case_id,))
        return [AuditEntry(int(r[0]), _time(r[1]) or dt.datetime.now(dt.UTC), str(r[2]),
                           None if r[3] is None else int(r[3])) for r in rows]

    async def add_copy(self, case_id: int, side: str, source_id: int, copy_id: int) -> None:
        await self._repo._exec(
            "INSERT INTO handoff_copies (case_id, side, source_id, copy_id) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (case_id, side, source_id) "
            "DO UPDATE SET copy_id = excluded.copy_id", (case_id, side, source_id, copy_id))

    async def copy_of(self, case_id: int, side: str, source_id: int) -> int | None:
        row = await self._repo._one(
            "SELECT copy_id FROM handoff_copies WHERE case_id = ? AND side = ? "
            "AND source_id = ?", (case_id, side, source_id))
        return None if row is None else int(row[0])

    async def live_cases(self) -> list[Case]:
        rows = await self._repo._all(f"SELECT {_COLUMNS} FROM handoff_cases "
                                     "WHERE state != 'closed' ORDER BY case_id")
        return [_case(r) for r in rows]

    async def cases_of(self, user_id: int) -> list[Case]:
        """Every case of the user, live or closed (for /forget)."""
        rows = await self._repo._all(f"SELECT {_COLUMNS} FROM handoff_cases "
                                     "WHERE user_id = ? ORDER BY case_id", (user_id,))
        return [_case(r) for r in rows]

    async def stats(self) -> CaseStats:
        by_language: dict[str, int] = {}
        waiting = 0
        for case in await self.live_cases():
            by_language[case.language] = by_language.get(case.language, 0) + 1
            waiting += case.state == "waiting"
        return CaseStats(by_language, waiting)
