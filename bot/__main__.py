"""``python -m bot`` is the same as the ``migrant-bot`` command."""

from bot.cli import main

raise SystemExit(main())
