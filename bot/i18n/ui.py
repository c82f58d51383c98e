"""Interface strings needed outside a dialogue turn. Phone numbers are {phone:ID}
placeholders filled from content/contacts.yaml (BotService.interface_text)."""

from __future__ import annotations

__all__ = ["ERROR_MESSAGE", "FLOOD_MESSAGE", "N_"]


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


ERROR_MESSAGE = N_("Sorry, something went wrong on my side. Please try again in a minute, "
                   "or tap /menu. In an emergency call {phone:police} (police) or "
                   "{phone:ambulance} (ambulance).")

# Shown once when a user sends more than the flood guard allows (bot/app/flood.py).
FLOOD_MESSAGE = N_("You are sending messages very fast, so I will pause for a moment. "
                   "Please wait a minute, then send your question again. "
                   "In an emergency call {phone:police} (police) or {phone:ambulance} (ambulance).")
