"""Reminder content: ``content/reminders.yaml`` (documents, steps, where the button is)
and ``content/<lang>/_reminders.yaml`` (document names, what each step says).

Validated like the rest of the content: every problem is ``path:line: message``
(a missing language text, an unknown topic or contact, a step without its text,
an authority's number without ``{ngo_first}``). A content tree without
``reminders.yaml`` simply offers no reminders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.problems import Problem, shown_path
from bot.content.tree import ContentTree
from bot.content.yaml_source import YamlDocument, read_yaml

__all__ = ["Document", "ReminderTexts", "load_reminder_texts"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CONTACT = re.compile(r"\{(?:phone|contact):([a-z0-9_]+)\}")
_TOPIC = re.compile(r"\{topic:([a-z0-9_]+)\}")
_ALLOWED = re.compile(r"\{(document|date|days|ngo_first|(?:phone|contact|topic):[a-z0-9_]+)\}")
EXPIRED_STEP = 0  # the text sent on the day and after


@dataclass(frozen=True)
class Document:
    id: str
    topic: str
    steps: tuple[int, ...]  # days before the end date, largest first
    repeat_days: int | None = None  # a report that repeats (TM.47 every 90 days)


@dataclass(frozen=True)
class ReminderTexts:
    """Everything reminders say, in every language (empty when not configured)."""

    documents: dict[str, Document] = field(default_factory=dict)
    remind_from: frozenset[str] = frozenset()
    names: dict[str, dict[str, str]] = field(default_factory=dict)   # lang -> doc -> name
    steps: dict[str, dict[int, str]] = field(default_factory=dict)   # lang -> step -> text

    def name(self, lang: str, document: str, default_lang: str = "en") -> str:
        for code in (lang, default_lang):
            found = self.names.get(code, {}).get(document)
            if found:
                return found
        return document

    def step_text(self, lang: str, step: int, default_lang: str = "en") -> str:
        for code in (lang, default_lang):
            found = self.steps.get(code, {}).get(step)
            if found:
                return found
        return ""


def load_reminder_texts(root: Path, tree: ContentTree,
                        steps_override: tuple[int, ...] | None = None,
                        ) -> tuple[ReminderTexts, list[Problem]]:
    """Load and check the reminder files of the content folder ``root``."""
    problems: list[Problem] = []
    meta_path = root / "reminders.yaml"
    if not meta_path.is_file():
        return ReminderTexts(), problems
    meta = _read(meta_path, root, problems)
    if meta is None:
        return ReminderTexts(), problems
    documents = _documents(meta, tree, problems, steps_override)
    remind_from = frozenset(_remind_from(meta, tree, problems))
    all_steps = sorted({s for d in documents.values() for s in d.steps} | {EXPIRED_STEP},
                       reverse=True)
    names: dict[str, dict[str, str]] = {}
    texts: dict[str, dict[int, str]] = {}
    for lang in tree.languages:
        path = root / lang / "_reminders.yaml"
        if not path.is_file():
            problems.append(Problem.at(shown_path(path, root), 1, "missing file: reminder texts "
                                       "in this language (see content/en/_reminders.yaml)"))
            continue
        doc = _read(path, root, problems)
        if doc is None:
            continue
        names[lang] = _names(doc, documents, problems)
        texts[lang] = _step_texts(doc, all_steps, tree, problems)
    # Every path as the content loader shows it (content/km/_reminders.yaml).
    shown = [Problem.at(shown_path(Path(p.path), root), p.line, p.message) for p in problems]
    return ReminderTexts(documents, remind_from, names, texts), shown


def _read(path: Path, root: Path, problems: list[Problem]) -> YamlDocument | None:
    doc, found = read_yaml(path, shown_path(path, root))
    problems.extend(found)
    if doc is not None and not isinstance(doc.data, dict):
        problems.append(Problem.at(doc.path, 1, "expected 'key: value' lines"))
        return None
    return doc


def _steps(value: object) -> tuple[int, ...] | None:
    if not isinstance(value, list) or not value or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 400 for v in value):
        return None
    return tuple(sorted(set(value), reverse=True))


def _documents(meta: YamlDocument, tree: ContentTree, problems: list[Problem],
               override: tuple[int, ...] | None) -> dict[str, Document]:
    default_steps = _steps(meta.data.get("steps"))
    if default_steps is None:
        problems.append(Problem.at(meta.path, meta.line(("steps",)), "'steps' must be a "
                                   "list of days before the end date, e.g. [120, 60, 30, 7]"))
        default_steps = (30, 7, 1)
    if override:
        default_steps = tuple(sorted(set(override), reverse=True))
    out: dict[str, Document] = {}
    entries = meta.data.get("documents")
    if not isinstance(entries, list) or not entries:
        problems.append(Problem.at(meta.path, meta.line(("documents",)),
                                   "'documents' must list at least one document"))
        return out
    for i, entry in enumerate(entries):
        line = meta.line(("documents", i))
        if not isinstance(entry, dict) or not _ID.match(str(entry.get("id", ""))):
            problems.append(Problem.at(meta.path, line, "each document needs an 'id' "
                                       "(lower case letters, digits and _)"))
            continue
        doc_id, topic = str(entry["id"]), str(entry.get("topic", ""))
        if doc_id in out:
            problems.append(Problem.at(meta.path, line, f"document '{doc_id}' is listed twice"))
        if topic not in tree.topics:
            problems.append(Problem.at(meta.path, line, f"document '{doc_id}': topic "
                                       f"'{topic}' does not exist"))
        steps = default_steps
        if "steps" in entry:
            own = _steps(entry["steps"])
            if own is None:
                problems.append(Problem.at(meta.path, line, f"document '{doc_id}': 'steps' "
                                           "must be a list of days"))
            else:
                steps = own
        repeat = entry.get("repeat_days")
        if repeat is not None and (not isinstance(repeat, int) or not 1 <= repeat <= 400):
            problems.append(Problem.at(meta.path, line, f"document '{doc_id}': 'repeat_days' "
                                       "must be a number of days"))
            repeat = None
        out[doc_id] = Document(doc_id, topic, steps, repeat)
    return out


def _remind_from(meta: YamlDocument, tree: ContentTree, problems: list[Problem]) -> list[str]:
    value = meta.data.get("remind_from", [])
    if not isinstance(value, list):
        problems.append(Problem.at(meta.path, meta.line(("remind_from",)),
                                   "'remind_from' must be a list of topic ids"))
        return []
    for i, topic in enumerate(value):
        if topic not in tree.topics:
            problems.append(Problem.at(meta.path, meta.line(("remind_from", i)),
                                       f"topic '{topic}' does not exist"))
    return [str(t) for t in value]


def _names(doc: YamlDocument, documents: dict[str, Document],
           problems: list[Problem]) -> dict[str, str]:
    given = doc.data.get("documents")
    if not isinstance(given, dict):
        problems.append(Problem.at(doc.path, 1, "'documents' must give each document's name"))
        return {}
    for doc_id in documents:
        if not isinstance(given.get(doc_id), str) or not given[doc_id].strip():
            problems.append(Problem.at(doc.path, doc.line(("documents",)),
                                       f"missing the name of document '{doc_id}'"))
    return {k: str(v).strip() for k, v in given.items() if isinstance(v, str)}


def _step_texts(doc: YamlDocument, steps: list[int], tree: ContentTree,
                problems: list[Problem]) -> dict[int, str]:
    given = doc.data.get("steps")
    if not isinstance(given, dict):
        problems.append(Problem.at(doc.path, 1, "'steps' must give the text of each step"))
        return {}
    out: dict[int, str] = {}
    for key, text in given.items():
        line = doc.line(("steps", key))
        try:
            step = int(key)
        except (TypeError, ValueError):
            problems.append(Problem.at(doc.path, line, f"step '{key}' is not a number of days"))
            continue
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem.at(doc.path, line, f"step {step} has no text"))
            continue
        for bad in re.findall(r"\{[^{}]*\}", text):
            if not _ALLOWED.fullmatch(bad):
                problems.append(Problem.at(doc.path, line, f"unknown placeholder {bad} "
                                           "(use {document}, {date}, {days}, {ngo_first}, "
                                           "{phone:ID}, {contact:ID}, {topic:ID})"))
        for contact in _CONTACT.findall(text):
            if contact not in tree.contacts:
                problems.append(Problem.at(doc.path, line, f"unknown contact '{contact}'"))
            elif tree.contacts[contact].authority and "{ngo_first}" not in text:
                problems.append(Problem.at(doc.path, line, f"step {step} sends workers to "
                                           f"{{phone:{contact}}}: add {{ngo_first}} (an NGO "
                                           "can advise first, no name needed)"))
        for topic in _TOPIC.findall(text):
            if topic not in tree.topics:
                problems.append(Problem.at(doc.path, line, f"unknown topic '{topic}'"))
        out[step] = text.strip()
    for step in steps:
        if step not in out:
            when = "on the day and after" if step == 0 else f"{step} days before"
            problems.append(Problem.at(doc.path, doc.line(("steps",)),
                                       f"missing the text of step \"{step}\" ({when})"))
    return out
