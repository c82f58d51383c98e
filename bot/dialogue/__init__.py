"""The dialogue engine: pure ``(state, input) -> replies`` over the core."""

from bot.dialogue.engine import Engine
from bot.dialogue.types import (
    Button,
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

__all__ = ["Button", "ButtonInput", "CommandInput", "Engine", "Event", "Input",
           "NonTextInput", "Reply", "TextInput", "Turn", "UserState"]
