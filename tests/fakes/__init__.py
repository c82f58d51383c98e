"""Test doubles for the Telegram adapter: a fake Bot API and update builders."""
