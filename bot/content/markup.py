"""Check text against the HTML subset Telegram's ``parse_mode=HTML`` accepts.

Telegram rejects a whole message for one bad tag, so this runs at validate time
rather than failing when a worker asks.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["ALLOWED_TAGS", "escape_html", "html_problems", "html_problems_at", "strip_tags",
           "telegram_length"]

ALLOWED_TAGS = frozenset({
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre",
    "blockquote", "tg-spoiler", "span", "a", "tg-emoji",
})
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>")


def html_problems(text: str) -> list[str]:
    """Return a message for each construct Telegram would refuse (empty = fine)."""
    return [message for _, message in html_problems_at(text)]


def html_problems_at(text: str) -> list[tuple[int, str]]:
    """Like :func:`html_problems`, with the 0-based line of the text each is on."""
    problems: list[tuple[int, str]] = []
    # Bare '&' (not one of the entities Telegram understands) and bare '<'.
    for match in re.finditer(r"&", text):
        if not _ENTITY.match(text, match.start()):
            snippet = text[match.start():match.start() + 8]
            problems.append((text.count("\n", 0, match.start()),
                             f"bare '&' near '{snippet}': write &amp;"))
            break
    # Blank out tags (keeping offsets) to find a bare '<' or '>'.
    without_tags = _TAG.sub(lambda m: " " * len(m.group(0)), text)
    if "<" in without_tags:
        i = without_tags.index("<")
        problems.append((text.count("\n", 0, i),
                         f"bare '<' near '{without_tags[i:i + 10]}': write &lt;"))
    if ">" in without_tags:
        i = without_tags.index(">")
        problems.append((text.count("\n", 0, i),
                         f"bare '>' near '{without_tags[max(0, i - 6):i + 1]}': write &gt;"))
    checker = _TagChecker()
    try:
        checker.feed(text)
        checker.close()
    except Exception as exc:  # html.parser is lenient; this is belt and braces
        problems.append((0, f"HTML could not be read: {exc}"))
    problems.extend(checker.problems)
    for tag, line in reversed(checker.stack):
        problems.append((line, f"<{tag}> is never closed"))
    return problems


def escape_html(text: str) -> str:
    """Text safe inside Telegram HTML (what a user typed, a file name...): & < > escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def telegram_length(text: str) -> int:
    """The length Telegram's limits count: UTF-16 code units (an emoji is two; Thai,
    Burmese, Khmer and Lao letters are one each)."""
    return len(text.encode("utf-16-le")) // 2


def strip_tags(text: str) -> str:
    """Plain text of reply markup: for the terminal, pop-up notices and length estimates."""
    return html.unescape(_TAG.sub("", text))


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, int]] = []
        self.problems: list[tuple[int, str]] = []

    def _report(self, message: str) -> None:
        self.problems.append((self.getpos()[0] - 1, message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            hint = " (use a new line instead)" if tag == "br" else ""
            self._report(f"Telegram does not allow the tag <{tag}>{hint}")
            return
        if tag == "a" and not dict(attrs).get("href"):
            self._report("<a> needs href=\"...\"")
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self._report('<span> is only allowed as <span class="tg-spoiler">')
        self.stack.append((tag, self.getpos()[0] - 1))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._report(f"<{tag}/> is not allowed in Telegram messages")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            if tag != "br":
                self._report(f"Telegram does not allow the tag </{tag}>")
            return
        if not self.stack or self.stack[-1][0] != tag:
            expected = f" (expected </{self.stack[-1][0]}>)" if self.stack else ""
            self._report(f"</{tag}> closes a tag that is not open{expected}")
            if any(open_tag == tag for open_tag, _ in self.stack):
                while self.stack and self.stack.pop()[0] != tag:
                    pass
            return
        self.stack.pop()
