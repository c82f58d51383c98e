"""Adapters connect the core (brain, dialogue engine) to the outside: Telegram, storage."""
