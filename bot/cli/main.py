"""The ``migrant-bot`` command line. ``run`` starts Telegram (or the terminal chat)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.brain import Brain
    from bot.evaluate import EvalItem

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="migrant-bot",
        description="Multilingual help bot for migrant workers in Thailand.")
    parser.add_argument("--content", type=Path, help="content folder (default ./content)")
    parser.add_argument("--locales", type=Path, help="locales folder (default ./locales)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="run the Telegram bot (terminal chat if no token is set)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("chat", help="talk to the bot in this terminal")
    p.add_argument("--lang", help="reply language: en th my km lo vi")
    p.set_defaults(func=_cmd_chat)

    p = sub.add_parser("ask", help="print the bot's reply to one message")
    p.add_argument("--lang", help="reply language")
    p.add_argument("text", nargs="+")
    p.set_defaults(func=_cmd_ask)

    p = sub.add_parser("match", help="read messages on stdin, write one JSON result per line")
    p.set_defaults(func=_cmd_match)

    p = sub.add_parser("eval", help="measure matching accuracy on a JSONL file")
    p.add_argument("file", type=Path)
    p.add_argument("--min", type=float, default=None,
                   help="fail (exit 1) if any language or the out-of-scope rate is below "
                        "this fraction, e.g. 0.9")
    p.add_argument("--confusions", type=int, default=60, help="how many confusions to list")
    p.add_argument("--max-hijacked", type=int, default=None,
                   help="danger sets: fail if more look-alikes than this get a danger reply")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("validate", help="check every content file; list all problems")
    p.add_argument("dir", nargs="?", type=Path, help="content folder to check")
    p.add_argument("--catalogue", type=Path, help="topic catalogue whose ids must exist")
    p.set_defaults(func=_cmd_validate)

    _add_adapter_commands(sub)
    return parser


def _add_adapter_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Commands that need storage or Telegram (commands.py imports those lazily)."""
    from bot.cli.commands import add_commands

    add_commands(sub)


def _paths(args: argparse.Namespace) -> tuple[Path, Path]:
    from bot.brain import default_paths

    content, locales = default_paths()
    return args.content or content, args.locales or locales


def _brain(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from bot.brain import ContentError, load_brain

    content, locales = _paths(args)
    try:
        brain = load_brain(content, locales)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"The content cannot be loaded ({len(exc.problems)} problem(s)). "
              f"Fix them and run: migrant-bot validate", file=sys.stderr)
        raise SystemExit(2) from None
    if brain.problems:
        print(f"note: the content has {len(brain.problems)} problem(s); "
              f"run 'migrant-bot validate' to see them", file=sys.stderr)
    return brain


def _lang(brain, lang: str | None) -> str | None:  # type: ignore[no-untyped-def]
    if lang and lang not in brain.content.languages:
        print(f"unknown language '{lang}'; choose one of: "
              f"{' '.join(brain.content.languages)}", file=sys.stderr)
        raise SystemExit(2)
    return lang


def _cmd_run(args: argparse.Namespace) -> int:
    if not os.environ.get("TELEGRAM_BOT_TOKEN"):
        print("No TELEGRAM_BOT_TOKEN is set, so the Telegram bot cannot start.\n"
              "Starting the terminal chat instead. To run on Telegram, get a token from "
              "@BotFather and run:\n  TELEGRAM_BOT_TOKEN=123456:ABC... make run\n",
              file=sys.stderr)
        args.lang = None
        return _cmd_chat(args)
    from bot.adapters.telegram.main import run_from_cli

    return run_from_cli(args)


def _cmd_chat(args: argparse.Namespace) -> int:
    from bot.adapters.terminal import run_chat
    from bot.brain import BrainHolder

    brain = _brain(args)
    content, locales = _paths(args)
    return run_chat(BrainHolder(brain, content, locales), _lang(brain, args.lang))


def _cmd_ask(args: argparse.Namespace) -> int:
    from bot.adapters.terminal import format_reply
    from bot.dialogue.types import TextInput, UserState

    brain = _brain(args)
    turn = brain.engine.handle(UserState(language=_lang(brain, args.lang)),
                               TextInput(" ".join(args.text)))
    for reply in turn.replies:
        text, _ = format_reply(reply, color=sys.stdout.isatty())
        print(text)
    return 0


def _cmd_match(args: argparse.Namespace) -> int:
    brain = _brain(args)
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        result = brain.matcher.match(text)
        print(json.dumps({
            "text": text,
            "outcome": result.outcome,
            "topic": result.topic,
            "score": result.score,
            "language": result.language,
            "candidates": [{"id": c.id, "score": c.score, "example": c.example,
                            "lang": c.lang} for c in result.candidates],
        }, ensure_ascii=False), flush=True)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluate import evaluate, print_report, read_eval_file

    if not args.file.is_file():
        print(f"{args.file}: file not found", file=sys.stderr)
        return 2
    brain = _brain(args)
    items, errors = read_eval_file(args.file)
    for error in errors:
        print(error, file=sys.stderr)
    if not items:
        print("no evaluation lines found", file=sys.stderr)
        return 2
    from bot.evaluate_danger import DANGER_KINDS

    if any(item.kind in DANGER_KINDS for item in items):
        return _eval_danger(brain, items, args) or (1 if errors else 0)
    report = evaluate(brain.matcher, items)
    print_report(report, sys.stdout, args.confusions)
    if args.min is None:
        return 1 if errors else 0
    failing = [f"{lang} {report.accuracy(lang):.1%}" for lang in sorted(report.total)
               if report.accuracy(lang) < args.min]
    if report.by_kind_total["out_of_scope"] and report.kind_accuracy("out_of_scope") < args.min:
        failing.append(f"out_of_scope {report.kind_accuracy('out_of_scope'):.1%}")
    if failing:
        print(f"\nFAIL: below {args.min:.0%}: {', '.join(failing)}")
        return 1
    print(f"\nOK: every language and out-of-scope at or above {args.min:.0%}")
    return 1 if errors else 0


def _eval_danger(brain: Brain, items: list[EvalItem], args: argparse.Namespace) -> int:
    from bot.evaluate_danger import evaluate_danger, print_danger_report

    report = evaluate_danger(brain.engine, items)
    print_danger_report(report, sys.stdout, args.confusions)
    failing = []
    if args.min is not None and report.caught_rate() < args.min:
        failing.append(f"fitting number in the first reply {report.caught_rate():.1%} "
                       f"(below {args.min:.0%})")
    if args.max_hijacked is not None and report.hijacked_count() > args.max_hijacked:
        failing.append(f"{report.hijacked_count()} look-alikes hijacked "
                       f"(at most {args.max_hijacked})")
    if failing:
        print("\nFAIL: " + "; ".join(failing))
        return 1
    if args.min is not None or args.max_hijacked is not None:
        print("\nOK: danger set at or above its targets")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from bot.brain import check_content, default_catalogue
    from bot.i18n.check import check_locales

    content_dir = args.dir or args.content or _paths(args)[0]
    catalogue = args.catalogue or default_catalogue(content_dir)
    if args.catalogue and not args.catalogue.is_file():
        print(f"{args.catalogue}: catalogue not found", file=sys.stderr)
        return 2
    result = check_content(content_dir, catalogue)
    problems = list(result.problems)
    # Interface translations: --locales, else the locales/ folder beside the content.
    locales = args.locales or (content_dir.parent / "locales")
    if result.tree is not None and locales.is_dir():
        problems += check_locales(locales, result.tree.languages)
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s) found. Nothing was changed; fix them and run "
              f"'migrant-bot validate' again.", file=sys.stderr)
        return 1
    tree = result.tree
    assert tree is not None
    examples = sum(len(t.examples) for lang in tree.texts.values() for t in lang.values())
    examples += sum(len(i.examples) for lang in tree.intents.values() for i in lang.values())
    signals = sum(len(t.signals) for lang in tree.danger_texts.values() for t in lang.values())
    danger = sum(len(messages) for lang in tree.danger_examples.values()
                 for messages in lang.values())
    note = "" if catalogue else " (catalogue not found: catalogue ids not checked)"
    print(f"OK: {len(tree.topics)} topics × {len(tree.languages)} languages "
          f"({', '.join(tree.languages)}), {examples} examples, {signals} danger signals, "
          f"{danger} danger example messages, {result.files} files, "
          f"version {tree.version}{note}")
    return 0

