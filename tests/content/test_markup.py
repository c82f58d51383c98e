"""Telegram's HTML subset: what is allowed, and a clear message for each mistake."""

from __future__ import annotations

import pytest

from bot.content.markup import html_problems, html_problems_at, strip_tags


def test_every_allowed_tag_passes() -> None:
    text = ('<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>s</s> '
            '<strike>k</strike> <del>d</del> <code>c</code> <pre>p</pre> '
            '<blockquote>q</blockquote> <tg-spoiler>t</tg-spoiler> '
            '<span class="tg-spoiler">x</span> <a href="https://www.doe.go.th">DOE</a> '
            '&lt;5 &amp; &gt;2')
    assert html_problems(text) == []


@pytest.mark.parametrize(("text", "problem"), [
    ("one<br>two", "Telegram does not allow the tag <br> (use a new line instead)"),
    ("<div>x</div>", "Telegram does not allow the tag <div>"),
    ("<a>no link</a>", '<a> needs href="..."'),
    ('<span class="big">x</span>', '<span> is only allowed as <span class="tg-spoiler">'),
    ("line<hr/>", "<hr/> is not allowed in Telegram messages"),
    ("<b><i>x</b></i>", "</b> closes a tag that is not open (expected </i>)"),
    ("x</b>", "</b> closes a tag that is not open"),
    ("<b>never closed", "<b> is never closed"),
    ("age > 18", "bare '>' near 'age >': write &gt;"),
    ("fees < 5000", "bare '<' near '< 5000': write &lt;"),
    ("Tom & Jerry", "bare '&'"),
])
def test_each_mistake_is_named(text: str, problem: str) -> None:
    found = html_problems(text)
    assert any(p.startswith(problem) for p in found), found


def test_a_problem_is_placed_on_its_own_line() -> None:
    text = "first line\nsecond <b>line\nthird"
    assert html_problems_at(text) == [(1, "<b> is never closed")]


def test_strip_tags_gives_the_plain_text() -> None:
    assert strip_tags('<b>Call</b> <a href="x">1694</a> &amp; 1300 &lt;24h&gt;') == \
        "Call 1694 & 1300 <24h>"
