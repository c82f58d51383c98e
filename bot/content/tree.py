"""The loaded, validated content: an immutable snapshot the rest of the core reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content.models import (
    Contact,
    ContactText,
    DangerCategory,
    DangerText,
    IntentText,
    TopicMeta,
    TopicText,
    Writing,
)

__all__ = ["INTENTS", "INTENT_IDS", "OUT_OF_SCOPE", "ContentTree"]

# Conversation intents and what each does, declared once: content gives their
# example phrases in every language, and for "answer" intents the answer too.
#   greet      the greeting and the menu        thank      "you are welcome" and the menu
#   languages  the language picker              answer     the intent's answer from content
INTENTS: dict[str, str] = {
    "greeting": "greet",
    "thanks": "thank",
    "change_language": "languages",
    "talk_to_human": "answer",
    "about_bot": "answer",
}
INTENT_IDS: tuple[str, ...] = tuple(INTENTS)
INTENTS_WITH_ANSWER = frozenset(i for i, does in INTENTS.items() if does == "answer")
# Optional: messages workers send that the bot must NOT answer (football scores,
# phone shopping...). Matching one of these examples best means "fallback".
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class ContentTree:
    """Everything in ``content/``, keyed for lookups. Built once, then swapped whole."""

    languages: tuple[str, ...]
    areas: tuple[str, ...]
    topics: dict[str, TopicMeta]
    texts: dict[str, dict[str, TopicText]]          # lang -> topic id -> text
    area_titles: dict[str, dict[str, str]]          # lang -> area id -> title
    contacts: dict[str, Contact]
    contact_texts: dict[str, dict[str, ContactText]]  # lang -> contact id -> text
    intents: dict[str, dict[str, IntentText]]       # lang -> intent id -> text
    version: str
    # Danger first (content/danger.yaml and <lang>/_danger.yaml); empty when absent.
    danger_categories: tuple[DangerCategory, ...] = ()
    danger_texts: dict[str, dict[str, DangerText]] = field(default_factory=dict)
    not_danger: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # lang -> words that show a message tells of a film, a game, a match (``stories``).
    stories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # lang -> words that say a message is no joke ("not joking"): never doubted (``serious``).
    serious: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # lang -> words that show a message tells of a class, a training, a history lesson.
    lessons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # lang -> real words a letter away from a signal's word, never read as its typo.
    real_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    laughter: tuple[str, ...] = ()  # danger.yaml: "555", "haha", 😂 (every language's)
    safety_lines: dict[str, str] = field(default_factory=dict)  # lang -> danger numbers line
    # <lang>/_danger_examples.yaml: lang -> category id or "not_danger" -> messages.
    danger_examples: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # How each language is written (languages.yaml), in the order of ``languages``.
    writing: dict[str, Writing] = field(default_factory=dict)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def topic_text(self, lang: str, topic_id: str) -> TopicText | None:
        """The topic in ``lang``, falling back to the default language."""
        text = self.texts.get(lang, {}).get(topic_id)
        if text is None:
            text = self.texts.get(self.default_language, {}).get(topic_id)
        return text

    def topic_title(self, lang: str, topic_id: str) -> str:
        text = self.topic_text(lang, topic_id)
        return text.title if text else topic_id

    def area_title(self, lang: str, area: str) -> str:
        for code in (lang, self.default_language):
            title = self.area_titles.get(code, {}).get(area)
            if title:
                return title
        return area.replace("_", " ")

    def topics_in_area(self, area: str) -> list[str]:
        return [t.id for t in self.topics.values() if t.area == area]

    def intent_answer(self, lang: str, intent: str) -> str | None:
        for code in (lang, self.default_language):
            text = self.intents.get(code, {}).get(intent)
            if text and text.answer:
                return text.answer
        return None

    def danger_answer(self, lang: str, category: str) -> str | None:
        for code in (lang, self.default_language):
            text = self.danger_texts.get(code, {}).get(category)
            if text:
                return text.answer
        return None

    def safety_line(self, lang: str) -> str | None:
        """The one line of danger numbers shown wherever the bot is unsure."""
        return self.safety_lines.get(lang) or self.safety_lines.get(self.default_language)

    def urgent_topics(self) -> list[str]:
        """Topics flagged ``urgent``: listed first where the emergency numbers are shown."""
        return [t.id for t in self.topics.values() if t.urgent]

    def contact_text(self, lang: str, contact_id: str) -> ContactText | None:
        for code in (lang, self.default_language):
            text = self.contact_texts.get(code, {}).get(contact_id)
            if text:
                return text
        return None
