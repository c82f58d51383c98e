"""Commands for the ids in ADMIN_IDS (private chat only): /reload the content.

Others sending these get the engine's usual "unknown command" answer, so the
commands stay invisible; they are not in the public command menu.
"""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Bot, Message, User

from bot.adapters.telegram.inputs import is_private
from bot.adapters.telegram.services import Services
from bot.brain import ContentError
from bot.dialogue.types import CommandInput

__all__ = ["ADMIN_COMMANDS", "handle_admin_command"]

log = logging.getLogger(__name__)

ADMIN_COMMANDS = frozenset({"reload"})
_MAX_LISTED = 15


async def handle_admin_command(services: Services, bot: Bot, message: Message, user: User,
                               command: CommandInput) -> bool:
    """Run an admin command; False when it is not one (or the user is no admin)."""
    if command.name not in ADMIN_COMMANDS or not is_private(message) \
            or not services.is_admin(user.id):
        return False
    # Loading validates every content file: seconds of CPU, so not on the event loop.
    try:
        brain = await asyncio.to_thread(services.holder.reload)
    except ContentError as exc:
        listed = "\n".join(html.escape(str(p)) for p in exc.problems[:_MAX_LISTED])
        more = len(exc.problems) - _MAX_LISTED
        text = (f"<b>Not reloaded</b>: {len(exc.problems)} content problem(s); the bot "
                f"keeps the previous content.\n<pre>{listed}</pre>"
                + (f"\n…and {more} more" if more > 0 else ""))
        log.warning("admin %d: reload refused, %d problem(s)", user.id, len(exc.problems))
    else:
        text = f"Reloaded: content version <code>{html.escape(brain.version)}</code>."
        log.info("admin %d reloaded the content: version %s", user.id, brain.version)
    await bot.send_message(message.chat_id, text)
    return True
