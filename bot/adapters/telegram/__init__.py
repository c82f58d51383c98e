"""The Telegram adapter: python-telegram-bot v22 around the dialogue engine.

Modules, one concern each: ``inputs`` (update -> engine input), ``outputs``
(turn -> Telegram calls), ``sessions`` (user state + storage), ``events``
(feedback, unmatched, forget), ``handlers`` (the conversation), ``errors``,
``commands`` (command menus), ``ratelimit`` (Telegram's limits, retries),
``flood`` (one user's limit), ``request`` (the Bot API over aiohttp),
``logs``, ``application`` (building the PTB Application), ``runner``
(start/stop inside a running loop) and ``main`` (wiring for ``migrant-bot run``).
"""
