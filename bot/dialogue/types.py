"""The dialogue engine's inputs and outputs: plain data, no Telegram types."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = [
    "DANGER_OUTCOME",
    "Button",
    "ButtonInput",
    "CommandInput",
    "Event",
    "Input",
    "NonTextInput",
    "Reply",
    "TextInput",
    "Turn",
    "UserState",
]


# The outcome of a typed message the danger check answered (beside the matcher's
# answer / did_you_mean / fallback): counted like them in /stats and metrics.
DANGER_OUTCOME = "danger"


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # a short callback id (Telegram allows 64 bytes)


@dataclass(frozen=True)
class Reply:
    """One message to show. ``edit`` replaces the message whose button was pressed."""

    text: str  # Telegram HTML
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit: bool = False


@dataclass(frozen=True)
class UserState:
    """What the bot remembers about a user: the minimum, on purpose."""

    language: str | None = None    # explicitly chosen; None = not chosen yet
    last_topic: str | None = None  # for Back
    pending: str | None = None     # what the bot asked for, e.g. "remind:work_permit"

    def with_(self, **changes: object) -> UserState:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TextInput:
    text: str


@dataclass(frozen=True)
class CommandInput:
    name: str      # without the slash, lower case
    arg: str = ""  # e.g. the deep-link payload of /start


@dataclass(frozen=True)
class ButtonInput:
    data: str


@dataclass(frozen=True)
class NonTextInput:
    kind: str  # sticker, photo, voice, location, ...


Input = TextInput | CommandInput | ButtonInput | NonTextInput


@dataclass(frozen=True)
class Event:
    """Something an adapter should record or act on (metrics, feedback, forget)."""

    kind: str  # matched | feedback | forget | language_set | topic_shown
    topic: str | None = None
    language: str | None = None
    outcome: str | None = None
    text: str | None = None      # normalised text, only for unmatched reports
    value: int | None = None     # feedback: +1 / -1


@dataclass(frozen=True)
class Turn:
    replies: list[Reply]
    state: UserState
    language: str
    events: list[Event] = field(default_factory=list)
    notice: str | None = None  # a short pop-up (answer to a button press)
