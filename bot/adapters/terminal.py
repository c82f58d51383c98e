"""The terminal chat: the same application layer as Telegram, buttons shown as numbers.

Every line goes through ``BotService.handle`` with in-memory storage, so the
language choice, /forget, flood limits and the admin commands (the person at
the terminal is its admin: /stats, /unmatched, /reload) behave as on Telegram.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable
from typing import TextIO

from bot.app import BotService, UserRef
from bot.brain import BrainHolder
from bot.content.markup import strip_tags
from bot.dialogue.types import (
    ButtonInput,
    CommandInput,
    Input,
    Reply,
    TextInput,
    Turn,
)

__all__ = ["format_reply", "parse_line", "run_chat"]

# Words that leave the terminal chat. Only here: on Telegram "quit" or "exit"
# is ordinary text (a worker may be asking about quitting a job).
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit", "q"})
TERMINAL_USER = 1  # the one person at the terminal (and its admin)


def to_terminal(text: str, color: bool) -> str:
    """Reply markup as terminal text: bold as ANSI bold when ``color``, tags removed."""
    if color:
        text = re.sub(r"<(b|strong)>", "\033[1m", text)
        text = re.sub(r"</(b|strong)>", "\033[0m", text)
    return strip_tags(text)


def format_reply(reply: Reply, color: bool = False) -> tuple[str, list[str]]:
    """Reply text for a terminal and the callback data of its numbered buttons."""
    lines = [to_terminal(reply.text, color)]
    datas: list[str] = []
    for row in reply.buttons:
        cells = []
        for button in row:
            datas.append(button.data)
            cells.append(f"[{len(datas)}] {button.label}")
        lines.append("   ".join(cells))
    return "\n".join(lines), datas


def parse_line(line: str, buttons: list[str]) -> Input | None:
    """A number presses a button, '/cmd arg' is a command, anything else is text."""
    line = line.strip()
    if not line:
        return None
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        return ButtonInput(buttons[int(line) - 1])
    if line.startswith("/") and len(line) > 1:
        name, _, arg = line[1:].partition(" ")
        return CommandInput(name.split("@")[0].lower(), arg.strip())
    return TextInput(line)


def run_chat(holder: BrainHolder, lang: str | None, stdin: TextIO | None = None,
             stdout: TextIO | None = None) -> int:
    """Talk to the bot until end of input or a quit word; return the exit code."""
    return asyncio.run(_chat(holder, lang, stdin or sys.stdin, stdout or sys.stdout))


async def _chat(holder: BrainHolder, lang: str | None, stdin: TextIO, stdout: TextIO) -> int:
    color = stdout.isatty()
    out = stdout.write
    service = BotService(holder, admin_ids=frozenset({TERMINAL_USER}))
    await service.start()
    user = UserRef(TERMINAL_USER)
    buttons: list[str] = []

    async def deliver(turn: Turn) -> None:
        nonlocal buttons
        shown = _show(turn, out, color)
        if shown or turn.replies:
            buttons = shown

    try:
        out("migrant-bot terminal chat. Type a question, a number to press a button, "
            "/help for commands, quit (or /quit) to leave.\n\n")
        if lang is not None:  # --lang: as if the language had been chosen
            await service.sessions.save(TERMINAL_USER,
                                        (await service.sessions.load(TERMINAL_USER))
                                        .with_(language=lang))
        await service.handle(user, CommandInput("start"), deliver)
        while True:
            out("> ")
            stdout.flush()
            line = stdin.readline()
            if not line or line.strip().lower() in QUIT_WORDS:
                out("\n")
                return 0
            message = parse_line(line, buttons)
            if message is not None:
                await service.handle(user, message, deliver)
    finally:
        await service.stop()


def _show(turn: Turn, write: Callable[[str], int], color: bool) -> list[str]:
    buttons: list[str] = []
    if turn.notice:
        write(f"({turn.notice})\n")
    for reply in turn.replies:
        text, buttons = format_reply(reply, color)
        write(text + "\n\n")
    return buttons
