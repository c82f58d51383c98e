"""Interface strings that adapters need outside a dialogue turn."""

from __future__ import annotations

__all__ = ["COMMANDS", "ERROR_MESSAGE", "FLOOD_MESSAGE", "N_"]


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


# The bot's commands and their descriptions (Telegram's command menu).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and choose your language")),
    ("menu", N_("Show the main menu")),
    ("hotlines", N_("Emergency and hotline numbers")),
    ("language", N_("Change language")),
    ("help", N_("How to use this bot")),
    ("about", N_("About this bot")),
    ("privacy", N_("What the bot keeps about you")),
    ("forget", N_("Delete everything the bot keeps about you")),
)

ERROR_MESSAGE = N_("Sorry, something went wrong on my side. Please try again in a minute, "
                   "or tap /menu. In an emergency call 191 (police) or 1669 (ambulance).")

# Shown once when a user sends more than the flood guard allows (adapters/telegram/flood.py).
FLOOD_MESSAGE = N_("You are sending messages very fast, so I will pause for a moment. "
                   "Please wait a minute, then send your question again. "
                   "In an emergency call 191 (police) or 1669 (ambulance).")
