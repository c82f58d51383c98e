"""The dialogue engine: ``(state, input) -> Turn``. Pure: no I/O, no Telegram.

Every adapter (terminal chat, Telegram, tests) drives this one function, so a
conversation behaves the same everywhere and is tested as a transcript.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from typing import Generic, TypeVar, cast

from bot.content.markup import escape_html
from bot.content.render import render_answer
from bot.content.tree import INTENTS, ContentTree
from bot.dialogue import callbacks, commands
from bot.dialogue.commands import command
from bot.dialogue.keyboards import Keyboards
from bot.dialogue.types import (
    DANGER_OUTCOME,
    ButtonInput,
    CommandInput,
    Event,
    Input,
    NonTextInput,
    Reply,
    TextInput,
    Turn,
    UserState,
)
from bot.i18n.catalogs import Catalogs
from bot.i18n.languages import negotiate
from bot.i18n.ui import N_
from bot.matching.matcher import Matcher, MatchResult
from bot.matching.normalize import NormalizedText, has_tone_marks, normalize
from bot.matching.scripts import Scripts
from bot.reminders.dates import DateProblem, format_date, parse_date
from bot.reminders.schedule import BANGKOK
from bot.reminders.texts import ReminderTexts
from bot.safety.danger import DangerDetector
from bot.safety.examples import DangerExamples
from bot.safety.redact import redact
from bot.safety.stories import StoryDoubt

__all__ = ["DangerFinding", "Engine", "danger_detector"]

_SPOKEN = frozenset({"voice", "audio", "video_note"})
_MAX_TEXT = 1000  # longer messages are cut before matching (a pasted contract, say)

_REMIND = "remind:"  # UserState.pending while the bot waits for a document's end date


@dataclass(frozen=True)
class DangerFinding:
    """What the danger check found in one message (``Engine.find_danger``)."""

    categories: list[str]          # the danger reply's categories; empty: none
    by_signals: bool = False       # found by the signals (else by the examples' vote)
    doubted: bool = False          # the signals fired, but the examples doubt them
    ordinary: MatchResult | None = None  # the message's match, when it was made


# The signature every engine command handler has (see dialogue/commands.py).
CommandHandler = Callable[["Engine", UserState, CommandInput, str], Turn]
R = TypeVar("R", Reply, Reply | None)  # what Engine._cached keeps
B = TypeVar("B")  # what a _BuiltOnce holds


class _BuiltOnce(Generic[B]):
    """A part built on first use, once, even when ``warm_up`` is building it in a
    worker thread while the first message needs it."""

    def __init__(self, build: Callable[[], B]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self.value: B | None = None

    def get(self) -> B:
        value = self.value
        if value is None:
            with self._lock:
                value = self.value
                if value is None:
                    value = self.value = self._build()
        return value


class Engine:
    def __init__(self, content: ContentTree, matcher: Matcher, catalogs: Catalogs,
                 reminders: ReminderTexts | None = None,
                 reminder_hours: tuple[int, int] = (8, 20),
                 danger: DangerDetector | None = None) -> None:
        """``danger``: the content's ``danger_detector``, when the caller has it built
        (``load_brain`` keeps one in its start-up cache); else built here."""
        self.content = content
        self.matcher = matcher
        self.catalogs = catalogs
        self.reminders = reminders or ReminderTexts()
        self.reminder_hours = reminder_hours  # REMINDER_SEND_HOURS, as the worker is told
        self.danger = danger or danger_detector(content, matcher.index.scripts)
        self.stories = _story_doubt(content, matcher.index.scripts)
        # The second check, by whole example messages: it votes when the signals miss.
        # Built on first use or by ``warm_up`` (about 0.2 s and 6 MB for the shipped
        # content), so the bot can start answering before it is ready.
        self._danger_examples = _BuiltOnce(lambda: DangerExamples(
            content.danger_examples, matcher.index.scripts,
            flagged=lambda text: bool(self.danger.detect(text))))
        # Per language written in another script, its signals typed in Latin letters:
        # they tell a romanised message's language where the words cannot (romanised
        # Burmese reads as Vietnamese to the word lists). Built by ``warm_up`` or on
        # first use (about 0.4 s and 5 MB): a worker in danger must not wait for it.
        self._romanised = _BuiltOnce(lambda: romanised_detectors(content, matcher.index.scripts))
        # Replies and keyboards that depend only on the content, the language and
        # content ids (never on a message or a user), each built once: an engine is
        # built with its content and swapped whole on reload, so none goes stale.
        self._replies: dict[tuple[str | bool, ...], Reply | None] = {}
        self._keyboards: dict[str, Keyboards] = {}

    @property
    def danger_examples(self) -> DangerExamples:
        """The danger examples' check, built once (thread-safe: ``warm_up`` may be
        building it in a worker thread when the first message needs it)."""
        return self._danger_examples.get()

    @danger_examples.setter
    def danger_examples(self, examples: DangerExamples) -> None:
        self._danger_examples.value = examples

    def warm_up(self) -> None:
        """Build what is otherwise built on first use (call it in a worker thread)."""
        self._danger_examples.get()
        self._romanised.get()

    def romanised_language(self, norm: NormalizedText) -> str | None:
        """The language written in another script whose Latin-letter signals a
        message sets off, first in the content's order; None if none does
        ("boss ka nga ko yite nay tal" is Burmese, not the Vietnamese its words
        suggest)."""
        return next((lang for lang, detector in self._romanised.get().items()
                     if detector.detect_normalized(norm)), None)

    # -- entry point -------------------------------------------------------------
    def handle(self, state: UserState, message: Input,
               client_language: str | None = None, today: dt.date | None = None) -> Turn:
        """Answer one input. ``client_language`` is Telegram's ``language_code``;
        ``today`` (Bangkok) is given by the caller, so the engine reads no clock."""
        today = today or dt.datetime.now(BANGKOK).date()
        if isinstance(message, TextInput):
            found = None
            if state.pending and state.pending.startswith(_REMIND):
                found = self.find_danger(message.text)  # danger first, always
                turn = None if found.categories else self._on_remind_date(
                    state, state.pending[len(_REMIND):], message.text, client_language, today)
                if turn is not None:
                    return turn
                state = state.with_(pending=None)  # not a date: an ordinary message
            return self._on_text(state, message.text, client_language, found)
        if isinstance(message, ButtonInput):
            action = callbacks.decode(message.data)
            # A button remembers the language it was shown in.
            lang = self.reply_language(state, action.lang if action else None,
                                       client_language)
            return self._on_button(state, action, lang, today)
        lang = self.reply_language(state, None, client_language)
        if isinstance(message, CommandInput):
            return self._on_command(state, message, lang)
        if isinstance(message, NonTextInput):
            _ = self._gettext(lang)
            if message.kind in _SPOKEN:
                # Many workers who read little speak instead: never silence, and a way
                # to a person who can listen.
                text = _("I cannot listen to voice messages, sorry. Tap a topic below, "
                         "or tap 🙋 Talk to a person.")
            else:
                text = _("I can only read text messages. Please type your question in "
                         "words, or choose a topic below.")
            return Turn([Reply(text, self._kb(lang).main_menu())], state, lang)
        raise TypeError(f"unknown input {message!r}")

    def reply_language(self, state: UserState, message_language: str | None,
                       client_language: str | None) -> str:
        """Explicit choice, else the message's language, else the client's, else default."""
        langs = self.content.languages
        if state.language is not None and state.language in langs:
            return state.language
        if message_language is not None and message_language in langs:
            return message_language
        return negotiate(client_language, langs) or self.content.default_language

    def _weak_guess(self, norm: NormalizedText, language: str | None) -> bool:
        """Whether the language the words suggest may be another typed in Latin
        letters: none found, or one with tone marks (Vietnamese) typed without any."""
        scripts = self.matcher.index.scripts
        return language is None or (language in scripts.toned
                                    and not has_tone_marks(norm.toned[0]))

    # -- text ------------------------------------------------------------------
    def find_danger(self, text: str, norm: NormalizedText | None = None) -> DangerFinding:
        """Danger first: the signals (content, see safety/danger.py), which the
        examples may doubt ("Man U lost again, I want to die haha"), and where the
        signals see nothing, the examples' vote (safety/examples.py). Every place
        that asks "is this worker in danger?" asks here."""
        text = text[:_MAX_TEXT]
        norm = norm or normalize(text)
        categories = self.danger.detect_normalized(norm)
        # A worker who writes that it is no joke is believed, story, laugh or not.
        doubted = bool(categories) and not self.stories.insists(norm) and (
            self.stories.tells(text, norm, categories)
            or self.danger_examples.doubts(text, norm))
        if categories and not doubted:
            return DangerFinding(categories, by_signals=True)
        result = self.matcher.match_normalized(text, norm)
        voted = None if doubted else self.danger_examples.vote(text, result, norm)
        return DangerFinding([voted] if voted else [], doubted=doubted, ordinary=result)

    def _on_text(self, state: UserState, text: str, client_language: str | None,
                 found: DangerFinding | None = None) -> Turn:
        """``found``: ``find_danger(text)``, when the caller asked it already."""
        text = text[:_MAX_TEXT]
        norm = normalize(text)  # once, for the danger check and matching
        # A worker in danger gets the numbers in the first reply, never "did you mean".
        found = found or self.find_danger(text, norm)
        # The signals' finding comes without a match: danger is often told inside an
        # everyday question ("my boss hits me; how do I change employer?").
        result = found.ordinary or self.matcher.match_normalized(text, norm)
        if found.categories:
            # The numbers first, the question one tap away. Found by the examples'
            # vote (no signal), the message's language is the one its match says.
            language = self.matcher.detect_language(text) if found.by_signals \
                else result.language
            if found.by_signals and state.language is None and self._weak_guess(norm, language):
                language = self.romanised_language(norm) or language
            lang = self.reply_language(state, language, client_language)
            topic = result.topic if result.outcome == "answer" and not result.intent else None
            return self._danger(state, found.categories, lang, topic)
        lang = self.reply_language(state, result.language, client_language)
        event = Event("matched", topic=result.topic, language=result.language or lang,
                      outcome=result.outcome,
                      # Messages about danger are never kept, doubted ones included.
                      text=_unmatched_text(text) if result.outcome == "fallback"
                      and not found.doubted else None)
        turn = self._reply_to_match(state, result, lang)
        replies = turn.replies
        if found.doubted and result.outcome == "answer" and replies:
            # Doubted, not dismissed: the danger numbers under the answer.
            first = replies[0]
            replies = [dc_replace(first, text=self._with_safety_line(first.text, lang)),
                       *replies[1:]]
        return Turn(replies, turn.state, lang, [event, *turn.events], turn.notice)

    def _reply_to_match(self, state: UserState, result: MatchResult, lang: str) -> Turn:
        _ = self._gettext(lang)
        kb = self._kb(lang)
        if result.outcome == "answer" and result.topic:
            if result.intent:
                return self._intent(state, result.topic, lang)
            return self._topic(state, result.topic, lang)
        if result.outcome == "did_you_mean":
            text = self._unsure_text(lang, _("I am not sure I understood. Did you mean:"))
            ids = [c.id for c in result.candidates]
            return Turn([Reply(text, kb.suggestions(ids))], state, lang)
        return Turn([self._cached(("fallback", lang), lambda: self._fallback(lang))],
                    state, lang)

    def _fallback(self, lang: str) -> Reply:
        _ = self._gettext(lang)
        text = _("Sorry, I did not understand. Try a few simple words, like "
                 "\"work permit\" or \"salary not paid\", or choose a topic below.")
        return Reply(self._with_safety_line(text, lang), self._kb(lang).main_menu())

    def _unsure_text(self, lang: str, text: str) -> str:
        """``_with_safety_line`` of ``text``, a fixed sentence, rendered once per language."""
        return self._cached(("unsure", lang, text),
                            lambda: Reply(self._with_safety_line(text, lang))).text

    def _with_safety_line(self, text: str, lang: str) -> str:
        """Wherever the bot is unsure what a message means, the danger numbers follow:
        a worker in danger whose words the check missed still sees one that fits."""
        line = self.content.safety_line(lang)
        if not line:
            return text
        return (text.rstrip() + "\n\n"
                + render_answer(self.content, lang, line, self.catalogs.get(lang)))

    def _intent(self, state: UserState, intent: str, lang: str) -> Turn:
        """What an intent does is declared in ``INTENTS`` (content/tree.py)."""
        behaviour = INTENTS.get(intent, "answer")
        reply = self._cached(("intent", intent, lang),
                             lambda: getattr(self, f"_intent_{behaviour}")(intent, lang))
        return Turn([reply], state, lang)

    def _intent_greet(self, intent: str, lang: str) -> Reply:
        return Reply(self._greeting(lang) + "\n\n" + self._menu_prompt(lang),
                     self._kb(lang).main_menu())

    def _intent_thank(self, intent: str, lang: str) -> Reply:
        _ = self._gettext(lang)
        return Reply(_("You are welcome! Is there anything else I can help with?"),
                     self._kb(lang).main_menu())

    def _intent_languages(self, intent: str, lang: str) -> Reply:
        _ = self._gettext(lang)
        return Reply(_("Choose your language:"), self._kb(lang).languages())

    def _intent_answer(self, intent: str, lang: str) -> Reply:
        answer = self.content.intent_answer(lang, intent)
        if answer is None:
            return Reply(self._menu_prompt(lang), self._kb(lang).main_menu())
        return Reply(render_answer(self.content, lang, answer, self.catalogs.get(lang)),
                     self._kb(lang).main_menu())

    # -- danger ----------------------------------------------------------------
    def _danger(self, state: UserState, categories: list[str], lang: str,
                asked: str | None = None) -> Turn:
        """The numbers that fit, in the text itself, then buttons to the topics that
        help, and to the topic the message asked about (``asked``), if any."""
        reply = self._cached(("danger", lang, asked or "", *categories),
                             lambda: self._danger_reply(categories, lang, asked))
        events = [Event("matched", topic=categories[0], language=lang, outcome=DANGER_OUTCOME),
                  *(Event("danger", topic=c, language=lang) for c in categories)]
        return Turn([reply], state, lang, events)

    def _danger_reply(self, categories: list[str], lang: str, asked: str | None) -> Reply:
        tr = self.catalogs.get(lang)
        parts: list[str] = []
        related: list[str] = []
        for category in categories:
            answer = self.content.danger_answer(lang, category)
            if answer:
                parts.append(render_answer(self.content, lang, answer, tr).strip())
            meta = next(c for c in self.content.danger_categories if c.id == category)
            related += [t for t in meta.related if t not in related]
        if asked is not None and asked not in related:
            related = [*related[:3], asked]
        return Reply("\n\n".join(parts), self._kb(lang).danger(related))

    # -- topics ----------------------------------------------------------------
    def _topic(self, state: UserState, topic_id: str, lang: str, more: bool = False) -> Turn:
        """A topic's answer, or with ``more`` the detail behind its More button."""
        # Only ids of the content are kept: a button's data may hold any text.
        reply = None if topic_id not in self.content.topics else self._cached(
            ("topic", topic_id, lang, more), lambda: self._topic_reply(topic_id, lang, more))
        if reply is None:
            return self._stale(state, lang)
        if more:
            return Turn([reply], state, lang)
        events = [Event("topic_shown", topic=topic_id, language=lang)]
        return Turn([reply], state.with_(last_topic=topic_id), lang, events)

    def _topic_reply(self, topic_id: str, lang: str, more: bool) -> Reply | None:
        meta = self.content.topics.get(topic_id)
        text = self.content.topic_text(lang, topic_id)
        part = None if text is None else text.more if more else text.answer
        if meta is None or text is None or part is None:
            return None
        body = render_answer(self.content, lang, part, self.catalogs.get(lang), meta.reviewed)
        title = f"<b>{escape_html(text.title)}</b>\n\n"
        if not more and body.lstrip().startswith("<b>"):
            title = ""  # the answer opens with its own heading
        related = meta.related
        if topic_id == "emergency":
            # The emergency numbers list the urgent topics first (topics.yaml 'urgent').
            related = [t for t in dict.fromkeys([*self.content.urgent_topics(), *related])
                       if t != topic_id]
        buttons = self._kb(lang).answer(topic_id, meta.area, related,
                                        more=not more and text.more is not None,
                                        remind=topic_id in self.reminders.remind_from)
        return Reply(title + body, buttons)

    # -- commands --------------------------------------------------------------
    def _on_command(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        spec = commands.lookup(message.name)
        if spec is None or spec.app:  # admin and storage commands are the app layer's
            _ = self._gettext(lang)
            text = _("I do not know that command. Here is the menu:")
            return Turn([Reply(text, self._kb(lang).main_menu())], state, lang)
        handler: CommandHandler = spec.handler
        return handler(self, state, message, lang)

    @command("start", N_("Start and choose your language"))
    def _start(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        _ = self._gettext(lang)
        kb = self._kb(lang)
        payload = message.arg.strip()
        if payload in self.content.topics:  # deep link t.me/bot?start=<topic>
            return self._topic(state, payload, lang)
        if payload == "remind" and self.reminders.documents:  # t.me/bot?start=remind
            return self._pick_document(state, lang)
        if state.language is None:
            text = self._greeting(lang) + "\n\n" + _("Choose your language:")
            return Turn([Reply(text, kb.languages())], state, lang)
        text = self._greeting(lang) + "\n\n" + self._menu_prompt(lang)
        return Turn([Reply(text, kb.main_menu())], state, lang)

    @command("menu", N_("Show the main menu"))
    def _menu(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        return Turn([Reply(self._menu_prompt(lang), self._kb(lang).main_menu())], state, lang)

    @command("hotlines", N_("Emergency and hotline numbers"))
    def _hotlines(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        if "hotlines" in self.content.topics:
            return self._topic(state, "hotlines", lang)
        return self._emergency(state, lang)

    # -- talk to a person ---------------------------------------------------------
    # With a staff group set up, the application layer answers these first
    # (bot/app/handoff/): consent, then a caseworker. Without one, the hotlines.
    @command("human", N_("Talk to a person"))
    def _human(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        return self._intent(state, "talk_to_human", lang)

    @command("end", N_("End the conversation with a caseworker"), listed=False)
    def _end(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        _ = self._gettext(lang)
        text = _("You are not talking with a caseworker now. Here is the menu:")
        return Turn([Reply(text, self._kb(lang).main_menu())], state, lang)

    @command("language", N_("Change language"))
    def _language(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        _ = self._gettext(lang)
        return Turn([Reply(_("Choose your language:"), self._kb(lang).languages())],
                    state, lang)

    @command("help", N_("How to use this bot"))
    def _help(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        _ = self._gettext(lang)
        listed = " ".join(f"/{c.name}" for c in commands.public_commands()
                          if c.listed and c.name not in ("start", "help"))
        text = _("<b>How to use this bot</b>\n"
                 "• Type your question in your own words, in any language, "
                 "for example \"my boss keeps my passport\".\n"
                 "• Or tap the buttons to browse topics.\n"
                 "• Tap 🆘 for emergency numbers.\n\n"
                 "Commands: {commands}").replace("{commands}", listed)
        return Turn([Reply(text, self._kb(lang).main_menu())], state, lang)

    @command("about", N_("About this bot"))
    def _about(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        return self._intent(state, "about_bot", lang)

    @command("privacy", N_("What the bot keeps about you"))
    def _privacy_command(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        return Turn([Reply(self._privacy(lang), self._kb(lang).main_menu())], state, lang)

    @command("forget", N_("Delete everything the bot keeps about you"))
    def _forget(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        # The engine only asks; the application layer deletes (bot/app/service.py).
        _ = self._gettext(lang)
        text = _("Done. I have deleted everything I kept about you: your language, "
                 "your last topic and your reminders. Send /start to begin again.")
        fresh = UserState()
        return Turn([Reply(text)], fresh, self.reply_language(fresh, None, None),
                    [Event("forget")])

    # -- expiry reminders: set one (storing it is the application layer's) --------
    @command("remind", N_("Remind me before a document ends"))
    def _remind(self, state: UserState, message: CommandInput, lang: str) -> Turn:
        if message.arg.strip() in self.reminders.documents:
            today = dt.datetime.now(BANGKOK).date()
            return self._ask_date(state, message.arg.strip(), lang, today)
        return self._pick_document(state, lang)

    def _pick_document(self, state: UserState, lang: str) -> Turn:
        _ = self._gettext(lang)
        kb = self._kb(lang)
        if not self.reminders.documents:
            text = _("Reminders are not available here yet. Here is the menu:")
            return Turn([Reply(text, kb.main_menu())], state, lang)
        text = _("⏰ I can remind you before a document ends, so there is time to renew it. "
                 "Which document?")
        names = {d: self.reminders.name(lang, d, self.content.default_language)
                 for d in self.reminders.documents}
        return Turn([Reply(text, kb.documents(names))], state.with_(pending=None), lang)

    def _ask_date(self, state: UserState, document: str, lang: str, today: dt.date) -> Turn:
        _ = self._gettext(lang)
        text = _("When does your {document} end? Type the date, for example {example}.")
        text = text.replace("{document}", escape_html(self._document(lang, document)))
        text = text.replace("{example}", _date_example(today))
        return Turn([Reply(text, self._kb(lang).cancel())],
                    state.with_(pending=_REMIND + document), lang)

    def _on_remind_date(self, state: UserState, document: str, text: str,
                        client_language: str | None, today: dt.date) -> Turn | None:
        """The worker's answer to "when does it end?"; None when it is not a date at
        all (a question instead): then it is answered as any message."""
        if document not in self.reminders.documents:  # (the caller checked for danger)
            return None
        lang = self.reply_language(state, self.matcher.detect_language(text), client_language)
        _ = self._gettext(lang)
        kb = self._kb(lang)
        found = parse_date(text, today)
        name = escape_html(self._document(lang, document))
        example = _date_example(today)
        if isinstance(found, DateProblem):
            if found.reason in ("empty", "unreadable") and not any(c.isdigit() for c in text):
                return None
            messages = {
                "impossible": _("That date does not exist. Please check the day and the "
                                "month, and type it like {example}."),
                "past": _("That date has already passed. If your {document} has already "
                          "ended, see the button below. For a reminder, type the next end "
                          "date, like {example}."),
                "too_far": _("That date is more than 20 years away. Please check the year, "
                             "and type it like {example}."),
            }
            message = messages.get(found.reason) or _(
                "I could not read a date. Please type the day, the month and the year, "
                "like {example}.")
            message = message.replace("{document}", name).replace("{example}", example)
            buttons = kb.expired() if found.reason == "past" else kb.cancel()
            return Turn([Reply(message, buttons)], state, lang)
        text = _("Your {document} ends on {date}. Is that right?")
        text = text.replace("{document}", name).replace("{date}",
                                                         format_date(found, lang))
        return Turn([Reply(text, kb.confirm_reminder(document, found.strftime("%Y%m%d")))],
                    state, lang)

    def _confirm_reminder(self, state: UserState, document: str, day: str, lang: str,
                          today: dt.date) -> Turn:
        _ = self._gettext(lang)
        try:
            ends = dt.datetime.strptime(day, "%Y%m%d").date()
        except ValueError:
            return self._stale(state, lang)
        if document not in self.reminders.documents:
            return self._stale(state, lang)
        if ends < today:  # confirmed too late (an old message): ask again
            return self._ask_date(state, document, lang, today)
        meta = self.reminders.documents[document]
        days = ", ".join(str(d) for d in meta.steps)
        text = _("Done. I will remind you {days} days before your {document} ends on "
                 "{date}, between {start} and {end}. See /reminders to change or delete it.")
        start, end = self.reminder_hours
        text = (text.replace("{days}", days)
                .replace("{start}", f"{start}:00").replace("{end}", f"{end}:00")
                .replace("{document}", escape_html(self._document(lang, document)))
                .replace("{date}", format_date(ends, lang)))
        event = Event("reminder_set", topic=document, language=lang,
                      value=int(ends.strftime("%Y%m%d")))
        return Turn([Reply(text, self._kb(lang).after_reminder())],
                    state.with_(pending=None), lang, [event])

    def _document(self, lang: str, document: str) -> str:
        return self.reminders.name(lang, document, self.content.default_language)

    # -- buttons ---------------------------------------------------------------
    def _on_button(self, state: UserState, action: callbacks.Action | None,
                   lang: str, today: dt.date) -> Turn:
        kb = self._kb(lang)
        _ = self._gettext(lang)
        if action is None:
            return self._stale(state, lang)
        if action.kind == "menu":
            return Turn([Reply(self._menu_prompt(lang), kb.main_menu(), edit=True)], state, lang)
        if action.kind == "area":
            if action.arg not in self.content.areas:
                return self._stale(state, lang)
            title = f"<b>{escape_html(self.content.area_title(lang, action.arg))}</b>\n" + \
                _("Choose a topic:")
            return Turn([Reply(title, kb.area(action.arg), edit=True)], state, lang)
        if action.kind == "topic":
            return self._topic(state, action.arg, lang)
        if action.kind == "remind":
            if action.arg in self.reminders.documents:
                return self._ask_date(state, action.arg, lang, today)
            return self._pick_document(state, lang)
        if action.kind == "remind_confirm":
            return self._confirm_reminder(state, action.arg, action.extra, lang, today)
        if action.kind == "more":
            return self._topic(state, action.arg, lang, more=True)
        if action.kind == "emergency":
            return self._emergency(state, lang)
        if action.kind == "human":
            return self._intent(state, "talk_to_human", lang)
        if action.kind == "languages":
            return Turn([Reply(_("Choose your language:"), kb.languages(), edit=True)],
                        state, lang)
        if action.kind == "set_language":
            if action.arg not in self.content.languages:
                return self._stale(state, lang)
            new_state = state.with_(language=action.arg)
            new_lang = action.arg
            _ = self._gettext(new_lang)
            # TRANSLATORS: say the name of YOUR language here, e.g. "ภาษาไทย".
            text = _("Language set to English.") + "\n\n" + self._menu_prompt(new_lang)
            return Turn([Reply(text, self._kb(new_lang).main_menu(), edit=True)], new_state,
                        new_lang, [Event("language_set", language=new_lang)])
        if action.kind == "feedback":
            if action.arg not in self.content.topics or action.extra not in ("u", "d"):
                return self._stale(state, lang)
            value = 1 if action.extra == "u" else -1
            notice = _("Thank you for your feedback!")
            return Turn([], state, lang, [Event("feedback", topic=action.arg, language=lang,
                                                value=value)], notice)
        return self._stale(state, lang)

    # -- shared pieces ---------------------------------------------------------
    def _emergency(self, state: UserState, lang: str) -> Turn:
        for topic_id in ("emergency", "hotlines"):
            if topic_id in self.content.topics:
                return self._topic(state, topic_id, lang)
        return Turn([Reply(self._menu_prompt(lang), self._kb(lang).main_menu())], state, lang)

    def _stale(self, state: UserState, lang: str) -> Turn:
        _ = self._gettext(lang)
        text = _("Sorry, that button is no longer available. Here is the menu:")
        return Turn([Reply(text, self._kb(lang).main_menu())], state, lang)

    def _greeting(self, lang: str) -> str:
        _ = self._gettext(lang)
        return _("Hello! I am a help bot for migrant workers in Thailand. I can answer "
                 "questions about work permits, registration, wages, complaints, health "
                 "and safety, in your language. I am not a lawyer or a government office.")

    def _menu_prompt(self, lang: str) -> str:
        _ = self._gettext(lang)
        return _("What do you need help with? Choose a topic, or type your question.")

    def _privacy(self, lang: str) -> str:
        _ = self._gettext(lang)
        return self._privacy_main(lang) + "\n\n" + _(
            "<b>If you talk to a person</b>\n"
            "• Only after you agree, the messages you send until the conversation ends "
            "are passed to the caseworkers in Telegram; the bot itself does not keep "
            "them.\n"
            "• The bot keeps a case number linked to you, your language and when the "
            "case was opened, answered and closed, until you send /forget. Then the case "
            "and the caseworkers' copy of the conversation are deleted; only a record "
            "that case number was opened and closed, not linked to you, remains.")

    def _privacy_main(self, lang: str) -> str:
        _ = self._gettext(lang)
        text = _("<b>What this bot keeps about you</b>\n"
                 "• Your chosen language and the last topic you opened, so the menu works. "
                 "Kept until you send /forget.\n"
                 "• The date you first and last used the bot.\n"
                 "• Your 👍/👎 votes are counted per topic and day, without your name or id.\n"
                 "• Questions the bot could not understand are kept without your name or id "
                 "for at most 90 days, so that helpers can add answers. Before they are kept, "
                 "phone and document numbers, names, addresses, e-mail addresses and links "
                 "in them are removed.\n"
                 "• Messages about danger are never kept.\n"
                 "The bot keeps no other messages, and never your name, username or phone "
                 "number.\n\n"
                 "Send /forget to delete everything about you now.")
        if self.reminders.documents:
            # One more bullet, after the others (before "The bot keeps no other ...").
            head, sep, tail = text.rpartition("\n\n")
            bullet = _("• Reminders you set: only the kind of document and the date it ends, "
                       "until you delete them (/reminders) or send /forget.")
            bullets, newline, closing = head.rpartition("\n")
            head = f"{bullets}\n{bullet}\n{closing}" if newline else f"{head}\n{bullet}"
            text = f"{head}{sep}{tail}" if sep else f"{text}\n{bullet}"
        return text

    def _gettext(self, lang: str) -> Callable[[str], str]:
        return self.catalogs.get(lang).gettext

    def _kb(self, lang: str) -> Keyboards:
        kb = self._keyboards.get(lang)
        if kb is None:
            kb = self._keyboards[lang] = Keyboards(self.content, lang, self._gettext(lang))
        return kb

    def _cached(self, key: tuple[str | bool, ...], build: Callable[[], R]) -> R:
        """The reply ``build`` makes, built once per ``key``: for replies that depend
        only on the content, the language and content ids in ``key``."""
        if key in self._replies:
            return cast(R, self._replies[key])
        reply = build()
        self._replies[key] = reply
        return reply


def _date_example(today: dt.date) -> str:
    """An example end date a year from now, written the way workers write dates."""
    return f"31/03/{today.year + 1}"


def _unmatched_text(text: str) -> str:
    """What content editors see of an unmatched message: short, and with what could
    identify a worker (numbers, names, addresses, e-mail, links) replaced first."""
    return redact(text[:_MAX_TEXT])[:200]


def _every_language(lists: dict[str, tuple[str, ...]]) -> list[str]:
    """One list of a content list kept per language (lang -> phrases)."""
    return [phrase for phrases in lists.values() for phrase in phrases]


def danger_detector(content: ContentTree, scripts: Scripts) -> DangerDetector:
    """One detector over every language's signals: workers mix languages and scripts."""
    signals: dict[str, list[str]] = {}
    for texts in content.danger_texts.values():
        for category, text in texts.items():
            signals.setdefault(category, []).extend(text.signals)
    return _detector(content, scripts, signals)


def romanised_detectors(content: ContentTree, scripts: Scripts) -> dict[str, DangerDetector]:
    """Per language with a script of its own, a detector of its signals typed in
    Latin letters (romanised Burmese, Khmer, Lao, Thai), with every language's idioms
    and real words, as the detector that decides. Languages sharing a script (here
    English and Vietnamese, in Latin letters) are what the words already tell."""
    found: dict[str, DangerDetector] = {}
    for lang in content.languages:
        signals = {cid: [s for s in text.signals if s.isascii()]
                   for cid, text in content.danger_texts.get(lang, {}).items()}
        if lang not in scripts.shared and any(signals.values()):
            found[lang] = _detector(content, scripts, signals)
    return found


def _detector(content: ContentTree, scripts: Scripts,
              signals: dict[str, list[str]]) -> DangerDetector:
    """A detector of these signals, with every language's idioms and real words.
    ``scripts``: this content's languages.yaml (a reload that changes it counts)."""
    return DangerDetector([c.id for c in content.danger_categories], signals,
                          _every_language(content.not_danger), scripts,
                          real_words=_every_language(content.real_words))


def _story_doubt(content: ContentTree, scripts: Scripts) -> StoryDoubt:
    """Story words of every language: a Lao worker may write of a Thai film."""
    categories = content.danger_categories
    return StoryDoubt(_every_language(content.stories),
                      [c.id for c in categories if c.stories_doubt], scripts,
                      content.laughter, _every_language(content.serious),
                      _every_language(content.lessons),
                      [c.id for c in categories if c.lessons_doubt])

