"""The Telegram adapter: python-telegram-bot v22 around the dialogue engine.

Modules, one concern each: ``inputs`` (update -> engine input), ``outputs``
(turn -> Telegram calls), ``sessions`` (user state + storage), ``events``
(feedback, unmatched, forget), ``handlers`` (the conversation), ``errors``,
``commands`` (command menus), ``ratelimit``, ``logs``, ``application``
(building the PTB Application), ``runner`` (start/stop inside a running loop)
and ``main`` (wiring for ``migrant-bot run``).
"""
