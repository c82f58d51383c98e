"""The application layer between channels and the dialogue engine (see service.py)."""

from bot.app.reload import ReloadResult
from bot.app.service import BotService, Deliver, UserRef, UserUnreachable

__all__ = ["BotService", "Deliver", "ReloadResult", "UserRef", "UserUnreachable"]
