"""The terminal chat: the same engine as Telegram, buttons shown as numbers."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from typing import TextIO

from bot.brain import Brain
from bot.dialogue.types import (
    ButtonInput,
    CommandInput,
    Input,
    Reply,
    TextInput,
    Turn,
    UserState,
)

__all__ = ["format_reply", "parse_line", "run_chat"]

_TAG = re.compile(r"<[^>]+>")
# Words that leave the terminal chat. Only here: on Telegram "quit" or "exit"
# is ordinary text (a worker may be asking about quitting a job).
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit", "q"})


def to_terminal(text: str, color: bool) -> str:
    if color:
        text = re.sub(r"<(b|strong)>", "\033[1m", text)
        text = re.sub(r"</(b|strong)>", "\033[0m", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


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


def run_chat(brain: Brain, lang: str | None, stdin: TextIO | None = None,
             stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    color = stdout.isatty()
    state = UserState(language=lang)
    out = stdout.write
    out("migrant-bot terminal chat. Type a question, a number to press a button, "
        "/help for commands, quit (or /quit) to leave.\n\n")
    turn: Turn = brain.engine.handle(state, CommandInput("start"))
    buttons = _show(turn, out, color)
    state = turn.state
    while True:
        out("> ")
        stdout.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in QUIT_WORDS:
            out("\n")
            return 0
        message = parse_line(line, buttons)
        if message is None:
            continue
        turn = brain.engine.handle(state, message)
        state = turn.state
        new_buttons = _show(turn, out, color)
        if new_buttons or turn.replies:
            buttons = new_buttons


def _show(turn: Turn, write: Callable[[str], int], color: bool) -> list[str]:
    buttons: list[str] = []
    if turn.notice:
        write(f"({turn.notice})\n")
    for reply in turn.replies:
        text, buttons = format_reply(reply, color)
        write(text + "\n\n")
    return buttons
