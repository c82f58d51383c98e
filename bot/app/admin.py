"""Commands for the ids in ADMIN_IDS (private chat only): /stats, /unmatched, /reload.

Each is declared once with ``@command(..., admin=True)``; the service runs it
for an admin in a private chat (bot/app/service.py). Others sending these get
the engine's usual "unknown command" answer, so the commands stay invisible;
they are only in the admins' command menu. Each refused attempt is logged with
the user id and the command name, never the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.content.markup import escape_html, telegram_length
from bot.content.render import MAX_MESSAGE
from bot.dialogue.commands import command
from bot.ops.stats import ACTIVE_DAYS, FEEDBACK_DAYS, WEEK_DAYS, Stats, collect_stats
from bot.storage.base import UNMATCHED_RETENTION

if TYPE_CHECKING:
    from bot.app.service import BotService, UserRef

__all__ = ["fit_message", "fits", "format_stats"]

_MAX_PROBLEMS = 15
_UNMATCHED_PER_LANGUAGE = 10
_UNMATCHED_ONE_LANGUAGE = 40  # /unmatched th: one language gets the whole message
_CUT_NOTE = "…(cut to fit one message)"

@command("reload", "Check the content and put it live", admin=True)
async def _reload(service: BotService, user: UserRef, arg: str) -> str:
    """/reload: validate and swap the content; list the problems when it is refused."""
    result = await service.reload(f"admin {user.id} /reload")
    if result.ok:
        return f"Reloaded: content version <code>{escape_html(result.version)}</code>."
    head = (f"<b>Not reloaded</b>: {len(result.problems)} content problem(s); the bot keeps "
            f"the previous content (version <code>{escape_html(result.version)}</code>).")
    listed = "\n".join(escape_html(p) for p in result.problems[:_MAX_PROBLEMS])
    more = len(result.problems) - _MAX_PROBLEMS
    tail = [f"…and {more} more; run: migrant-bot validate"] if more > 0 else []
    text = "\n".join([head, f"<pre>{listed}</pre>", *tail])
    if fits(text):
        return text
    # Long paths and messages: one problem per block, as many as fit.
    return fit_message([head, *(escape_html(p) for p in result.problems)])


@command("stats", "Users, messages, topics, not understood, feedback", admin=True)
async def _stats(service: BotService, user: UserRef, arg: str) -> str:
    """/stats: users, messages, topics, fallback rate and feedback."""
    await service.activity.flush()  # count what happened up to now
    await service.sessions.flush()  # and every user seen up to now
    stats = await collect_stats(service.sessions.repo,
                                languages=service.brain.content.languages)
    return format_stats(stats)


@command("unmatched", "Messages the bot did not understand", admin=True)
async def _unmatched(service: BotService, user: UserRef, arg: str) -> str:
    """/unmatched [language]: the most frequent messages the bot did not understand."""
    repo = service.sessions.repo
    languages = service.brain.content.languages
    wanted = arg.strip().lower()
    if wanted and wanted not in languages:
        return (f"Unknown language <code>{escape_html(wanted)}</code>; use one of: "
                f"{escape_html(' '.join(languages))}.")
    chosen = (wanted,) if wanted else languages
    limit = _UNMATCHED_ONE_LANGUAGE if wanted else _UNMATCHED_PER_LANGUAGE
    blocks = [f"<b>Not understood</b>, most frequent first (last "
              f"{UNMATCHED_RETENTION.days} days; /unmatched <i>language</i> for more)"]
    found = False
    for lang in chosen:
        rows = await repo.top_unmatched(lang, limit=limit)
        if not rows:
            continue
        found = True
        blocks.append(f"\n<b>{escape_html(lang)}</b>")
        # User text: always escaped, it may contain anything (<, &, fake tags).
        blocks.extend(f"{row.count}× {escape_html(row.text)}" for row in rows)
    if not found:
        blocks.append("Nothing yet" + (f" in {escape_html(wanted)}." if wanted else "."))
    return fit_message(blocks)


def format_stats(stats: Stats) -> str:
    """The /stats message (Telegram HTML, well under the message limit)."""
    blocks = [
        f"<b>Statistics</b> (UTC days, today {stats.today.isoformat()})",
        f"Active users (last {ACTIVE_DAYS} days): <b>{stats.active_users}</b>",
        f"Typed messages: today <b>{stats.messages_today}</b>, last {WEEK_DAYS} days "
        f"<b>{stats.messages_week}</b>",
        f"\n<b>Top topics</b> (answers shown, last {WEEK_DAYS} days)",
    ]
    if stats.top_topics:
        width = max(len(topic) for topic, _ in stats.top_topics)
        # Padded before escaping, so the columns line up as Telegram shows them.
        blocks.append("<pre>" + "\n".join(escape_html(f"{topic:<{width}}  {count:>5}")
                                          for topic, count in stats.top_topics) + "</pre>")
    else:
        blocks.append("none yet")
    blocks.append(f"\n<b>Not understood</b> (fallbacks of typed messages, last {WEEK_DAYS} "
                  f"days) and <b>feedback</b> (last {FEEDBACK_DAYS} days)")
    lines = [f"{'lang':<4}  {'not understood':>18}  {'👍':>5}  {'👎':>5}"]
    for lang in stats.languages:
        rate = lang.fallback_rate
        share = f"{lang.fallbacks}/{lang.messages} " + (f"{rate:4.0%}" if rate is not None
                                                         else "   –")
        lines.append(escape_html(f"{lang.language or '?':<4}  {share:>18}  {lang.up:>5}  "
                             f"{lang.down:>5}"))
    blocks.append("<pre>" + "\n".join(lines) + "</pre>")
    return fit_message(blocks)


def fits(text: str, limit: int = MAX_MESSAGE) -> bool:
    """True when ``text`` is within Telegram's limit (counted in UTF-16 units, as it does)."""
    return telegram_length(text) <= limit


def fit_message(blocks: list[str], limit: int = MAX_MESSAGE) -> str:
    """Join self-contained HTML blocks by newlines, dropping the tail that would not fit.

    Blocks are cut whole, never in the middle, so no tag is left open.
    """
    text = ""
    for index, block in enumerate(blocks):
        candidate = f"{text}\n{block}" if index else block
        room = limit if index == len(blocks) - 1 else limit - len(_CUT_NOTE) - 1
        if not fits(candidate, room):
            return f"{text}\n{_CUT_NOTE}" if text else _CUT_NOTE
        text = candidate
    return text
