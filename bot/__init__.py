"""migrant-bot: a multilingual help bot for migrant workers in Thailand.

The core (``bot.content``, ``bot.matching``, ``bot.dialogue``, ``bot.i18n``)
never imports ``telegram``; adapters (terminal chat, Telegram) drive it.
"""

__version__ = "0.1.0"
