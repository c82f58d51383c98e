"""Load ``content/`` into a :class:`ContentTree`, collecting every problem on the way.

Loading never stops at the first problem: an NGO editor fixing a file wants the
whole list in one run. Problems carry ``path:line``. A tree is still returned
when the problems are local (a missing translation falls back to English);
``None`` only when a file everything depends on is unusable.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.models import (
    ContactsFile,
    ContactText,
    DangerCategory,
    DangerFile,
    DangerText,
    IntentText,
    LanguagesFile,
    TopicsFile,
    TopicText,
    Writing,
)
from bot.content.problems import Problem, shown_path
from bot.content.render import NGO_TOPIC
from bot.content.tree import INTENT_IDS, INTENTS_WITH_ANSWER, OUT_OF_SCOPE, ContentTree
from bot.content.yaml_source import YamlDocument, read_yaml

if TYPE_CHECKING:
    from bot.matching.scripts import Scripts

__all__ = ["LoadResult", "load_content"]

M = TypeVar("M", bound=BaseModel)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
SAFETY_LINE = "safety_line"  # <lang>/_danger.yaml key
# A danger signal (its category) or a not_danger idiom (None), and where it stands.
DangerPhrase = tuple[str | None, str, tuple[str, int | None]]


@dataclass
class LoadResult:
    tree: ContentTree | None
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    danger_phrases: list[DangerPhrase] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.tree is not None and not self.problems


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.digest = hashlib.sha256()
        self.files = 0
        self.contact_names: dict[str, dict[str, str]] = {}  # lang -> contact id -> name
        self.topic_ids: set[str] | None = None  # None: topics.yaml unreadable
        self.titles: dict[str, dict[str, str]] = {}  # lang -> topic id -> title
        # Where each danger signal and idiom stands, for the check that no idiom
        # hides a signal (hidden_signal_problems): category (None: an idiom), text,
        # (shown path, line).
        self.danger_phrases: list[DangerPhrase] = []

    def display(self, path: Path) -> str:
        return shown_path(path, self.root)

    def problem(self, path: Path | str, line: int | None, message: str) -> None:
        shown = self.display(path) if isinstance(path, Path) else path
        self.problems.append(Problem.at(shown, line, message))

    def read(self, path: Path) -> YamlDocument | None:
        if not path.is_file():
            return None
        self.files += 1
        self.digest.update(str(path.relative_to(self.root)).encode())
        self.digest.update(path.read_bytes())
        doc, problems = read_yaml(path, self.display(path))
        self.problems.extend(problems)
        if doc is not None and doc.data is None:
            self.problem(path, 1, "the file is empty")
            return None
        return doc

    def read_mapping(self, path: Path, what: str, shape: str,
                     required: bool = True) -> YamlDocument | None:
        """A per-language file of ``key: ...`` entries; a missing file (when
        ``required``) or another shape is a problem at line 1."""
        doc = self.read(path)
        if doc is None:
            if required and not path.is_file():
                self.problem(path, 1, f"missing file: {what}")
            return None
        if not isinstance(doc.data, dict):
            self.problem(path, 1, f"expected {shape}")
            return None
        return doc

    def model(self, model: type[M], doc: YamlDocument, data: Any = None,
              loc: tuple[str | int, ...] = ()) -> M | None:
        """Validate ``data`` (default: the whole document) and report errors at their lines."""
        data = doc.data if data is None else data
        if not isinstance(data, dict):
            self.problem(doc.path, doc.line(loc), "expected 'key: value' lines here")
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                where = (*loc, *err["loc"])
                self.problem(doc.path, doc.line(where), _explain(err, where))
            return None


def _explain(err: Any, where: tuple[str | int, ...]) -> str:
    """Turn a pydantic error into words an editor understands."""
    # Editors count from 1: "examples #1", not "examples.0".
    field_name = ".".join(f"#{p + 1}" if isinstance(p, int) else str(p)
                          for p in where).replace(".#", " #") or "file"
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown field '{where[-1]}' (check the spelling; see docs/content-guide.md)"
    if kind == "missing":
        return f"missing field '{where[-1]}'"
    if kind in ("string_type", "str_type"):
        return f"'{field_name}' must be text (put it in quotes)"
    if kind.startswith("bool"):
        return f"'{field_name}' must be true or false"
    if kind == "date_type" or kind.startswith("date"):
        return f"'{field_name}' must be a date like 2026-01-31"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"'{field_name}': {msg}"


def load_content(root: Path, catalogue: Path | None = None,
                 check_examples: Callable[[str], str] | None = None) -> LoadResult:
    """Load and check the content tree at ``root``.

    ``catalogue`` is the shared topic catalogue whose ids must all exist.
    ``check_examples`` normalises an example so that near-duplicates
    ("Work permit" and "work  permit") count as the same example.
    """
    ld = _Loader(root)
    if not root.is_dir():
        ld.problem(str(root), 1, "content folder not found")
        return LoadResult(None, ld.problems)

    langs_doc = ld.read(root / "languages.yaml")
    topics_doc = ld.read(root / "topics.yaml")
    contacts_doc = ld.read(root / "contacts.yaml")
    for name, doc in (("languages.yaml", langs_doc), ("topics.yaml", topics_doc),
                      ("contacts.yaml", contacts_doc)):
        if doc is None and not (root / name).is_file():
            ld.problem(root / name, 1, "file is missing")
    langs = ld.model(LanguagesFile, langs_doc) if langs_doc else None
    topics_file = ld.model(TopicsFile, topics_doc) if topics_doc else None
    contacts_file = ld.model(ContactsFile, contacts_doc) if contacts_doc else None
    # A broken root file must not hide the language folders' problems: the editor
    # sees everything in one run. What the broken file would have said is unknown
    # (None below), and only the checks that need it are skipped.
    topics: dict[str, Any] | None = None
    if topics_file is not None and topics_doc is not None:
        topics = _check_topics(ld, topics_file, topics_doc)
        if catalogue is not None:
            _check_catalogue(ld, catalogue, topics, topics_doc)
    languages = list(langs.languages) if langs is not None else _language_folders(root)
    writing = _check_writing(ld, langs, langs_doc) \
        if langs is not None and langs_doc is not None else {}
    from bot.matching.scripts import Scripts

    scripts = Scripts(writing)
    areas = list(topics_file.areas) if topics_file is not None else None
    contacts = contacts_file.contacts if contacts_file is not None else None
    danger_file = _load_danger_meta(ld, root, topics, contacts)
    danger = list(danger_file.categories) if danger_file else None
    ld.topic_ids = set(topics) if topics is not None else None

    texts: dict[str, dict[str, TopicText]] = {}
    area_titles: dict[str, dict[str, str]] = {}
    contact_texts: dict[str, dict[str, ContactText]] = {}
    intents: dict[str, dict[str, IntentText]] = {}
    danger_texts: dict[str, dict[str, DangerText]] = {}
    not_danger: dict[str, tuple[str, ...]] = {}
    stories: dict[str, tuple[str, ...]] = {}
    serious: dict[str, tuple[str, ...]] = {}
    lessons: dict[str, tuple[str, ...]] = {}
    real_words: dict[str, tuple[str, ...]] = {}
    danger_examples: dict[str, dict[str, tuple[str, ...]]] = {}
    safety_lines: dict[str, str] = {}
    example_owner: dict[str, tuple[str, Path, int]] = {}

    for lang in languages:
        folder = root / lang
        if not folder.is_dir():
            ld.problem(folder, 1, f"language folder '{lang}/' is missing "
                       f"(it is listed in languages.yaml)")
            continue
        # Contact names first: an answer's length on screen includes them.
        contact_texts[lang] = _load_contact_texts(ld, folder, contacts)
        ld.contact_names[lang] = {k: v.name for k, v in contact_texts[lang].items()}
        texts[lang] = _load_topic_texts(ld, folder, lang, topics, contacts, example_owner,
                                        check_examples)
        area_titles[lang] = _load_areas(ld, folder, areas)
        intents[lang] = _load_intents(ld, folder, lang, contacts, example_owner,
                                      check_examples)
        phrases = _load_danger_texts(ld, folder, lang, danger, contacts, scripts)
        danger_texts[lang] = phrases.replies
        not_danger[lang], stories[lang] = phrases.not_danger, phrases.stories
        serious[lang], lessons[lang] = phrases.serious, phrases.lessons
        real_words[lang] = phrases.real_words
        if phrases.safety_line:
            safety_lines[lang] = phrases.safety_line
        danger_examples[lang] = _load_danger_examples(ld, folder, danger)

    if langs is None or topics is None or areas is None or contacts is None:
        return LoadResult(None, sorted(ld.problems), ld.files)
    tree = ContentTree(
        languages=tuple(langs.languages),
        areas=tuple(areas),
        topics=topics,
        texts=texts,
        area_titles=area_titles,
        contacts=dict(contacts),
        contact_texts=contact_texts,
        intents=intents,
        version=ld.digest.hexdigest()[:12],
        danger_categories=tuple(danger or ()),
        laughter=tuple(danger_file.laughter) if danger_file else (),
        danger_texts=danger_texts,
        not_danger=not_danger,
        stories=stories,
        serious=serious,
        lessons=lessons,
        real_words=real_words,
        danger_examples=danger_examples,
        safety_lines=safety_lines,
        writing=writing,
    )
    return LoadResult(tree, sorted(ld.problems), ld.files, ld.danger_phrases)


def _check_writing(ld: _Loader, langs: LanguagesFile,
                   doc: YamlDocument) -> dict[str, Writing]:
    """``writing`` in languages.yaml: one entry per language, and scripts that agree.
    Returns the entries of the listed languages, in their order."""
    for code in langs.writing:
        if code not in langs.languages:
            ld.problem(doc.path, doc.line(("writing", code)), f"'{code}' under 'writing' is "
                       f"not in 'languages' (add it there, or check the code)")
    where = ("writing",) if "writing" in doc.data else ("languages",)
    for code in langs.languages:
        if code not in langs.writing:
            ld.problem(doc.path, doc.line(where), f"language '{code}' has no entry under "
                       f"'writing': say how it is written (script, letters, spaces; see "
                       f"docs/content-format.md)")
    writing = {code: langs.writing[code] for code in langs.languages if code in langs.writing}
    seen: list[tuple[str, Writing, list[tuple[int, int]]]] = []
    for code, entry in writing.items():
        letters = entry.characters("letters")
        for other, other_entry, other_letters in seen:
            if other_entry.script == entry.script:
                if other_entry.spaces != entry.spaces:
                    ld.problem(doc.path, doc.line(("writing", code, "spaces")),
                               f"'{code}' and '{other}' are both written in {entry.script}, "
                               f"but only one of them with spaces between words")
            elif any(low <= o_high and o_low <= high for low, high in letters
                     for o_low, o_high in other_letters):
                ld.problem(doc.path, doc.line(("writing", code, "letters")),
                           f"letters of '{code}' ({entry.script}) overlap those of '{other}' "
                           f"({other_entry.script}): a letter belongs to one script (languages "
                           f"written in the same script give the same 'script')")
        seen.append((code, entry, letters))
    return writing


def _language_folders(root: Path) -> list[str]:
    """Language folders to check when languages.yaml cannot be read: every folder."""
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")))


def _load_topic_texts(ld: _Loader, folder: Path, lang: str, topics: dict[str, Any] | None,
                      contacts: dict[str, Any] | None,
                      example_owner: dict[str, tuple[str, Path, int]],
                      check_examples: Callable[[str], str] | None) -> dict[str, TopicText]:
    """One language's topic files; with ``topics`` unknown, every file found is checked."""
    texts: dict[str, TopicText] = {}
    docs: dict[str, YamlDocument] = {}
    files = {p.stem: p for p in sorted(folder.glob("*.yaml")) if not p.stem.startswith("_")}
    for topic_id in topics if topics is not None else files:
        path = folder / f"{topic_id}.yaml"
        doc = ld.read(path)
        if doc is None:
            if not path.is_file():
                ld.problem(path, 1, f"missing file: topic '{topic_id}' has no "
                           f"'{lang}' text")
            continue
        text = ld.model(TopicText, doc)
        if text is None:
            continue
        texts[topic_id] = text
        docs[topic_id] = doc
        ld.titles.setdefault(lang, {})[topic_id] = text.title
    # Titles first (answers name other topics by {topic:ID}), then the answers.
    for topic_id, text in texts.items():
        doc = docs[topic_id]
        _check_answer(ld, doc, ("answer",), text.answer, contacts, topic=True, lang=lang,
                      screen=True)
        if text.more is not None:
            _check_answer(ld, doc, ("more",), text.more, contacts, topic=True, lang=lang)
        if topic_id != NGO_TOPIC and contacts is not None:
            # The NGO page itself needs no "ask an NGO first".
            _check_authorities(ld, doc, text, contacts)
        _check_examples(ld, doc, ("examples",), text.examples, topic_id, example_owner,
                        check_examples)
    if topics is not None:
        for stem, path in files.items():
            if stem not in topics:
                ld.problem(path, 1, f"there is no topic '{stem}' in topics.yaml "
                           f"(add it there, or check the file name)")
    return texts


def _check_topics(ld: _Loader, tf: TopicsFile, doc: YamlDocument) -> dict[str, Any]:
    topics: dict[str, Any] = {}
    for i, topic in enumerate(tf.topics):
        if topic.id in topics:
            ld.problem(doc.path, doc.line(("topics", i, "id")), f"duplicate topic id '{topic.id}'")
            continue
        topics[topic.id] = topic
        if topic.area not in tf.areas:
            ld.problem(doc.path, doc.line(("topics", i, "area")),
                       f"unknown area '{topic.area}' (areas: {', '.join(tf.areas)})")
    for i, topic in enumerate(tf.topics):
        for j, rel in enumerate(topic.related):
            if rel not in topics:
                ld.problem(doc.path, doc.line(("topics", i, "related", j)),
                           f"related topic '{rel}' does not exist")
            elif rel == topic.id:
                ld.problem(doc.path, doc.line(("topics", i, "related", j)),
                           "a topic cannot be related to itself")
    for i, area in enumerate(tf.areas):
        if not any(t.area == area for t in tf.topics):
            ld.problem(doc.path, doc.line(("areas", i)), f"area '{area}' has no topics")
    return topics


def _check_catalogue(ld: _Loader, catalogue: Path, topics: dict[str, Any],
                     topics_doc: YamlDocument) -> None:
    doc, problems = read_yaml(catalogue, str(catalogue))
    if doc is None or not isinstance(doc.data, dict):
        ld.problems.extend(problems)
        return
    for area in (doc.data.get("areas") or {}).values():
        for topic_id in area or {}:
            if topic_id not in topics:
                ld.problem(topics_doc.path, 1, f"catalogue topic '{topic_id}' "
                           f"({catalogue.name}) has no topic here")
    for intent in doc.data.get("conversation") or {}:
        if intent not in INTENT_IDS:
            ld.problem(topics_doc.path, 1, f"catalogue intent '{intent}' is not handled")


def _check_answer(ld: _Loader, doc: YamlDocument, loc: tuple[str | int, ...], answer: str,
                  contacts: dict[str, Any] | None, topic: bool, lang: str,
                  screen: bool = False) -> None:
    """Placeholders, HTML and length; contacts None (contacts.yaml unreadable) skips
    the checks that need them. ``screen``: the text is what a worker sees first and
    must fit one phone screen as rendered."""
    from bot.content.markup import html_problems_at
    from bot.content.numbers import grouping_problems
    from bot.content.render import MAX_MESSAGE, SCREEN, estimate_rendered_length, screen_length

    key_line = doc.line(loc)

    def at(offset_line: int) -> int:
        # Point at the answer's own line when it is a '|' block, else at the key.
        return key_line + 1 + offset_line if loc in doc.blocks else key_line

    for match in PLACEHOLDER.finditer(answer):
        name = match.group(1)
        line = at(answer.count("\n", 0, match.start()))
        kind, _, arg = name.partition(":")
        if name != name.strip() or " " in name:
            ld.problem(doc.path, line, f"placeholder {{{name}}} has a space in it: write "
                       f"{{{name.replace(' ', '')}}}")
        elif kind == "reviewed" and not arg:
            if not topic:
                ld.problem(doc.path, line, "{reviewed} only works in topic answers")
        elif kind == "topic" and arg:
            if ld.topic_ids is not None and arg not in ld.topic_ids:
                ld.problem(doc.path, line, f"unknown topic '{arg}' in {{{name}}} "
                           f"(see topics.yaml)")
        elif name == "ngo_first":
            pass
        elif kind in ("contact", "phone") and arg:
            if contacts is None:
                continue  # contacts.yaml unreadable: nothing to check against
            if arg not in contacts:
                ld.problem(doc.path, line, f"unknown contact '{arg}' in {{{name}}} "
                           f"(see contacts.yaml)")
            elif kind == "phone" and not contacts[arg].phone:
                ld.problem(doc.path, line, f"{{{name}}}: contact '{arg}' has no phone number")
        else:
            ld.problem(doc.path, line, f"unknown placeholder {{{name}}} (use {{contact:ID}}, "
                       f"{{phone:ID}}, {{topic:ID}}, {{ngo_first}} or {{reviewed}})")
    blanked = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), answer)
    for offset_line, message in html_problems_at(blanked):
        ld.problem(doc.path, at(offset_line), message)
    for offset_line, message in grouping_problems(blanked, lang):
        ld.problem(doc.path, at(offset_line), message)
    length = estimate_rendered_length(answer, contacts or {})
    if length > MAX_MESSAGE:
        ld.problem(doc.path, key_line, f"answer is {length} characters with numbers filled "
                   f"in; Telegram allows {MAX_MESSAGE}")
    elif screen and contacts is not None:
        shown = screen_length(answer, contacts, ld.contact_names.get(lang, {}),
                              ld.titles.get(lang))
        if shown > SCREEN:
            ld.problem(doc.path, key_line, f"'{loc[-1]}' is {shown} characters as a phone "
                       f"shows it (numbers and names filled in); one screen is about "
                       f"{SCREEN}: keep what to do first and move detail to 'more:'")


def _check_authorities(ld: _Loader, doc: YamlDocument, text: TopicText,
                       contacts: dict[str, Any]) -> None:
    """An answer that sends a worker to an authority (1694, police, an embassy) also
    says, in the same part, that an NGO can advise first and no name is needed:
    a worker without papers may fear arrest ({ngo_first} says it in every language)."""
    for key, part in (("answer", text.answer), ("more", text.more)):
        if not part or "{ngo_first}" in part or (key == "more" and "{ngo_first}" in text.answer):
            continue
        found = next((m.group(0) for m in PLACEHOLDER.finditer(part)
                      if _authority(m.group(1), contacts)), None)
        if found is not None:
            ld.problem(doc.path, doc.line((key,)), f"'{key}' sends workers to "
                       f"{found}: add {{ngo_first}} (an NGO can advise first, no "
                       f"name needed) so a worker without papers is not put at risk")


def _authority(placeholder: str, contacts: dict[str, Any]) -> bool:
    kind, _, contact_id = placeholder.partition(":")
    return kind in ("contact", "phone") and contact_id in contacts \
        and contacts[contact_id].authority


def _check_examples(ld: _Loader, doc: YamlDocument, loc: tuple[str | int, ...],
                    examples: list[str], owner: str,
                    seen: dict[str, tuple[str, Path, int]],
                    normalise: Callable[[str], str] | None) -> None:
    local: set[str] = set()
    for i, example in enumerate(examples):
        key = normalise(example) if normalise else example.strip().casefold()
        line = doc.line((*loc, i))
        # Within one topic only an exact repeat is a mistake: a Vietnamese example
        # with and without tone marks is deliberate (both are how people type).
        exact = " ".join(example.casefold().split())
        if exact in local:
            ld.problem(doc.path, line, f"example '{example}' is listed twice")
            continue
        local.add(exact)
        if key in seen and seen[key][0] != owner:
            other, path, other_line = seen[key]
            ld.problem(doc.path, line, f"example '{example}' is also under '{other}' "
                       f"({ld.display(path)}:{other_line}); keep it under one topic")
            continue
        seen.setdefault(key, (owner, doc.path, line))


def _load_areas(ld: _Loader, folder: Path, areas: list[str] | None) -> dict[str, str]:
    """Area titles; with ``areas`` unknown (topics.yaml unreadable) only the titles."""
    path = folder / "_areas.yaml"
    doc = ld.read_mapping(path, "the menu area titles", "'area_id: Title' lines")
    if doc is None:
        return {}
    titles: dict[str, str] = {}
    for key, value in doc.data.items():
        if areas is not None and key not in areas:
            ld.problem(path, doc.line((key,)), f"unknown area '{key}'")
        elif not isinstance(value, str) or not value.strip():
            ld.problem(path, doc.line((key,)), f"area '{key}' needs a title")
        else:
            titles[key] = value.strip()
    for area in areas or ():
        if area not in doc.data:
            ld.problem(path, 1, f"missing title for area '{area}'")
    return titles


def _load_contact_texts(ld: _Loader, folder: Path,
                        contacts: dict[str, Any] | None) -> dict[str, ContactText]:
    """Contact names; with ``contacts`` unknown, each entry's own fields only."""
    path = folder / "_contacts.yaml"
    doc = ld.read_mapping(path, "contact names in this language", "one entry per contact id")
    if doc is None:
        return {}
    out: dict[str, ContactText] = {}
    for key, value in doc.data.items():
        if contacts is not None and key not in contacts:
            ld.problem(path, doc.line((key,)), f"unknown contact '{key}' (not in contacts.yaml)")
            continue
        text = ld.model(ContactText, doc, value, (key,))
        if text:
            out[key] = text
    for key in contacts or ():
        if key not in doc.data:
            ld.problem(path, 1, f"missing contact '{key}'")
    return out


def _load_danger_meta(ld: _Loader, root: Path, topics: dict[str, Any] | None,
                      contacts: dict[str, Any] | None) -> DangerFile | None:
    """``danger.yaml``: the danger categories, the numbers each reply must give, the
    topics it offers, and the laughter that shows a joke. Optional (a content tree
    without it checks no danger)."""
    from bot.safety.stories import laugh_problem

    path = root / "danger.yaml"
    doc = ld.read(path)
    if doc is None:
        return None
    parsed = ld.model(DangerFile, doc)
    if parsed is None:
        return None
    seen: set[str] = set()
    for i, category in enumerate(parsed.categories):
        if category.id in seen:
            ld.problem(path, doc.line(("categories", i, "id")),
                       f"danger category '{category.id}' is listed twice")
        seen.add(category.id)
        for j, number in enumerate(category.numbers):
            if contacts is not None and number not in contacts:
                ld.problem(path, doc.line(("categories", i, "numbers", j)),
                           f"unknown contact '{number}' (see contacts.yaml)")
            elif contacts is not None and not contacts[number].phone:
                ld.problem(path, doc.line(("categories", i, "numbers", j)),
                           f"contact '{number}' has no phone number to give")
        for j, topic_id in enumerate(category.related):
            if topics is not None and topic_id not in topics:
                ld.problem(path, doc.line(("categories", i, "related", j)),
                           f"related topic '{topic_id}' does not exist")
    for i, laugh in enumerate(parsed.laughter):
        problem = laugh_problem(laugh)
        if problem:
            ld.problem(path, doc.line(("laughter", i)), f"laughter #{i + 1}: {problem}")
    return parsed


def hidden_signal_problems(result: LoadResult) -> list[Problem]:
    """Signals whose own words a not_danger idiom blanks out, so they never fire
    ("chống nắng", sunscreen, is within one typo of "phỏng nặng", a severe burn):
    each named with the idiom that hides it. A signal is tried on its own words,
    with nothing in its gaps ('*'), its word starts whole ('beat*': "beat") and a
    child's age for {age}. Run by validate and before a reload goes live, not at
    start-up (it builds the danger detector once more, about half a second; a
    signal that fails is tried once more alone, to tell a hidden signal from one
    that forgives a typo and so is not its own words' match)."""
    from bot.matching.scripts import Scripts
    from bot.safety.danger import DangerDetector

    if result.tree is None:
        return []
    scripts = Scripts(result.tree.writing)
    idioms = [(text, where) for cid, text, where in result.danger_phrases if cid is None]
    signals = [(cid, text, where) for cid, text, where in result.danger_phrases
               if cid is not None]
    if not idioms or not signals:
        return []
    by_category: dict[str, list[str]] = {}
    for cid, text, _ in signals:
        by_category.setdefault(cid, []).append(text)
    everything = DangerDetector(sorted(by_category), by_category,
                                [text for text, _ in idioms], scripts)
    problems = []
    for cid, text, (path, line) in signals:
        words = _own_words(text)
        # Not blanked, or not its own match anyway (a typo-forgiving word, say).
        if cid in everything.detect(words) \
                or not DangerDetector([cid], {cid: [text]}, [], scripts).detect(words):
            continue
        for idiom, (idiom_path, idiom_line) in idioms:  # rare: which idiom hides it
            if not DangerDetector([cid], {cid: [text]}, [idiom], scripts).detect(words):
                fires = "can never fire" if words == text else \
                    f"does not fire on its own words ('{words}')"
                problems.append(Problem.at(path, line, f"signal '{text}' {fires}: "
                                           f"the not_danger idiom '{idiom}' ({idiom_path}:"
                                           f"{idiom_line}) blanks its words; make the idiom "
                                           "longer or remove it"))
                break
    return problems


def _own_words(signal: str) -> str:
    """The shortest message a signal matches: its words, nothing in its gaps, each
    word start whole, and a child's age (12) for {age}."""
    from bot.safety.danger import AGE

    words = [w.rstrip("*") if w != AGE else "12" for w in signal.split() if w != "*"]
    return " ".join(w for w in words if w)


def _no_danger_meta(ld: _Loader, path: Path) -> None:
    """A language's danger file without categories to check it against: a problem of
    its own only when danger.yaml is missing (a broken one is reported once, there)."""
    if not (ld.root / "danger.yaml").exists():
        ld.problem(path, 1, "there is no content/danger.yaml to say the danger categories")


@dataclass
class _DangerLanguage:
    """What one language's ``_danger.yaml`` holds, checked."""

    replies: dict[str, DangerText] = field(default_factory=dict)
    not_danger: tuple[str, ...] = ()
    stories: tuple[str, ...] = ()
    serious: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ()
    real_words: tuple[str, ...] = ()
    safety_line: str | None = None


# Lists of phrases in _danger.yaml besides the categories, and what they are for.
_PHRASE_LISTS = {"not_danger": "everyday idioms whose words never count as danger",
                 "stories": "words that show a message tells of a film, a game, a match",
                 "serious": "words that say a message is no joke ('not joking', 'it is real')",
                 "lessons": "words that show a message tells of a class, a training, a lesson",
                 "real_words": "real words a letter away from a signal's word, never read as "
                               "its typo ('taped' is not 'raped')"}


def _load_danger_texts(ld: _Loader, folder: Path, lang: str,
                       categories: list[DangerCategory] | None,
                       contacts: dict[str, Any] | None, scripts: Scripts
                       ) -> _DangerLanguage:
    """``<lang>/_danger.yaml``: per category the first reply and its signals, the
    everyday idioms (``not_danger``) that must never count as danger, the
    ``stories`` words (a film, a game, a match) that make some categories' signals
    doubted, and the ``safety_line`` shown whenever the bot is unsure what a
    message means."""
    from bot.safety.danger import signal_problem
    from bot.safety.stories import story_word_problem

    # Idioms are written like signals; real words are single words; the other lists
    # are exact words.
    checks: dict[str, Callable[[str, Scripts], str | None]] = {
        "not_danger": signal_problem, "real_words": _one_word_problem}

    path = folder / "_danger.yaml"
    doc = ld.read_mapping(path, "danger signals and replies in this language",
                          "one entry per danger category, 'not_danger', 'stories', "
                          "'serious', 'lessons', 'real_words' and 'safety_line'",
                          required=categories is not None)
    found = _DangerLanguage()
    if doc is None:
        return found
    if categories is None:
        _no_danger_meta(ld, path)
        return found
    known = {c.id: c for c in categories}
    phrases: dict[str, list[str]] = {name: [] for name in _PHRASE_LISTS}
    shown = ld.display(path)  # once: thousands of phrases note where they stand
    for key, value in doc.data.items():
        if key == SAFETY_LINE:
            found.safety_line = _check_safety_line(ld, doc, value, categories, contacts, lang)
            continue
        if key in _PHRASE_LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                ld.problem(path, doc.line((key,)), f"'{key}' must be a list of phrases "
                           f"({_PHRASE_LISTS[key]})")
                continue
            for i, phrase in enumerate(value):
                problem = checks.get(key, story_word_problem)(phrase, scripts)
                if problem:
                    ld.problem(path, doc.line((key, i)), f"{key} #{i + 1}: {problem}")
                else:
                    phrases[key].append(phrase)
                    if key == "not_danger":
                        ld.danger_phrases.append((None, phrase, (shown, doc.line((key, i)))))
            continue
        if key not in known:
            # A misspelt list ('lesons:') reads as a category: name the lists too.
            names = [*known, *_PHRASE_LISTS, SAFETY_LINE]
            close = difflib.get_close_matches(str(key), names, n=1)
            ld.problem(path, doc.line((key,)), f"unknown danger category '{key}' "
                       f"(categories: {', '.join(known)}; see content/danger.yaml; "
                       f"lists: {', '.join(_PHRASE_LISTS)}, {SAFETY_LINE})"
                       + (f" - did you mean '{close[0]}'?" if close else ""))
            continue
        text = ld.model(DangerText, doc, value, (key,))
        if text is None:
            continue
        found.replies[key] = text
        _check_answer(ld, doc, (key, "answer"), text.answer, contacts, topic=False,
                      lang=lang, screen=True)
        for number in known[key].numbers:
            if f"{{contact:{number}}}" not in text.answer and \
                    f"{{phone:{number}}}" not in text.answer:
                ld.problem(path, doc.line((key, "answer")),
                           f"the '{key}' reply must give {{contact:{number}}} or "
                           f"{{phone:{number}}} (content/danger.yaml asks for it)")
        for i, signal in enumerate(text.signals):
            problem = signal_problem(signal, scripts)
            if problem:
                ld.problem(path, doc.line((key, "signals", i)), f"signal '{signal}': {problem}")
            else:
                ld.danger_phrases.append((key, signal, (shown, doc.line((key, "signals", i)))))
    for category in categories:
        if category.id not in doc.data:
            ld.problem(path, 1, f"missing danger category '{category.id}'")
    if SAFETY_LINE not in doc.data:
        ld.problem(path, 1, f"missing '{SAFETY_LINE}': the one line of danger numbers "
                   "shown under every reply where the bot is unsure what was meant")
    found.not_danger, found.stories = tuple(phrases["not_danger"]), tuple(phrases["stories"])
    found.serious, found.lessons = tuple(phrases["serious"]), tuple(phrases["lessons"])
    found.real_words = tuple(phrases["real_words"])
    return found


def _one_word_problem(word: str, scripts: Scripts) -> str | None:
    """A ``real_words`` entry: one exact word (as story words are exact words)."""
    from bot.safety.stories import story_word_problem

    if len(word.split()) != 1:
        return "one word only (no spaces, '*' or {age})"
    return story_word_problem(word, scripts)


def _load_danger_examples(ld: _Loader, folder: Path,
                          categories: list[DangerCategory] | None
                          ) -> dict[str, tuple[str, ...]]:
    """``<lang>/_danger_examples.yaml`` (optional): per danger category, whole messages
    from workers in danger, and under ``not_danger`` everyday messages that only look
    like danger. The second danger check compares every message with them."""
    from bot.matching.normalize import normalize_key
    from bot.safety.examples import NOT_DANGER

    path = folder / "_danger_examples.yaml"
    doc = ld.read_mapping(path, "danger example messages in this language",
                          f"one list of messages per danger category, and '{NOT_DANGER}'",
                          required=False)
    if doc is None:
        return {}
    if categories is None:
        _no_danger_meta(ld, path)
        return {}
    known = [c.id for c in categories]
    out: dict[str, tuple[str, ...]] = {}
    first_seen: dict[str, str] = {}  # normalised message -> the key it is under
    for key, value in doc.data.items():
        if key != NOT_DANGER and key not in known:
            ld.problem(path, doc.line((key,)), f"unknown danger category '{key}' "
                       f"(categories: {', '.join(known)}, or '{NOT_DANGER}' for everyday "
                       "messages that only look like danger; see content/danger.yaml)")
            continue
        if not isinstance(value, list):
            ld.problem(path, doc.line((key,)), f"'{key}' must be a list of messages, "
                       "one per line starting with '- '")
            continue
        kept: list[str] = []
        for i, message in enumerate(value):
            where = doc.line((key, i))
            if not isinstance(message, str) or not message.strip():
                ld.problem(path, where, f"'{key}' #{i + 1} must be a message "
                           "(text, in quotes if it holds ':' or '#')")
                continue
            other = first_seen.setdefault(normalize_key(message), key)
            if other != key:
                ld.problem(path, where, f"'{key}' #{i + 1} is also listed under '{other}': "
                           "one message, one place")
                continue
            kept.append(message)
        out[key] = tuple(kept)
    return out


def _check_safety_line(ld: _Loader, doc: YamlDocument, value: object,
                       categories: list[DangerCategory], contacts: dict[str, Any] | None,
                       lang: str) -> str | None:
    """The line under "did you mean" and "not understood": a worker in danger whose
    words the danger check missed still sees a fitting number, so it must give one
    number of every danger category."""
    line = doc.line((SAFETY_LINE,))
    if not isinstance(value, str) or not value.strip():
        ld.problem(doc.path, line, f"'{SAFETY_LINE}' must be one line of text")
        return None
    if "\n" in value.strip():
        ld.problem(doc.path, line, f"'{SAFETY_LINE}' must be a single line")
    _check_answer(ld, doc, (SAFETY_LINE,), value, contacts, topic=False, lang=lang)
    for category in categories:
        if not any(f"{{phone:{n}}}" in value or f"{{contact:{n}}}" in value
                   for n in category.numbers):
            wanted = " or ".join(f"{{phone:{n}}}" for n in category.numbers)
            ld.problem(doc.path, line, f"'{SAFETY_LINE}' must give a number for "
                       f"'{category.id}': {wanted}")
    return value.strip()


def _load_intents(ld: _Loader, folder: Path, lang: str, contacts: dict[str, Any] | None,
                  seen: dict[str, tuple[str, Path, int]],
                  normalise: Callable[[str], str] | None) -> dict[str, IntentText]:
    path = folder / "_intents.yaml"
    doc = ld.read_mapping(path, "conversation intents", "one entry per intent")
    if doc is None:
        return {}
    out: dict[str, IntentText] = {}
    for key, value in doc.data.items():
        if key not in INTENT_IDS and key != OUT_OF_SCOPE:
            ld.problem(path, doc.line((key,)), f"unknown intent '{key}' "
                       f"(intents: {', '.join((*INTENT_IDS, OUT_OF_SCOPE))})")
            continue
        text = ld.model(IntentText, doc, value, (key,))
        if text is None:
            continue
        out[key] = text
        if key in INTENTS_WITH_ANSWER:
            if text.answer is None:
                ld.problem(path, doc.line((key,)), f"intent '{key}' needs an answer")
            else:
                _check_answer(ld, doc, (key, "answer"), text.answer, contacts, topic=False,
                              lang=lang)
        elif text.answer is not None:
            ld.problem(path, doc.line((key, "answer")),
                       f"intent '{key}' is answered by the bot itself: remove 'answer'")
        _check_examples(ld, doc, (key, "examples"), text.examples, key, seen, normalise)
    for key in INTENT_IDS:
        if key not in doc.data:
            ld.problem(path, 1, f"missing intent '{key}'")
    return out
