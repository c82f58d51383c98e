"""Expiry reminders."""

__all__: list[str] = []
