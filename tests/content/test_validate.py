"""Every kind of content problem is reported with its path and line, all in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brain import check_content
from bot.cli import main


def problems(root: Path, catalogue: Path | None = None) -> list[str]:
    return [str(p) for p in check_content(root, catalogue).problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_clean_tree_has_no_problems(mini_content: Path) -> None:
    result = check_content(mini_content)
    assert result.problems == []
    assert result.tree is not None
    assert set(result.tree.topics) == {"permit_renew", "wages_unpaid", "hotlines"}


def test_clean_tree_prints_summary_and_exits_0(mini_content: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(mini_content)]) == 0
    out = capsys.readouterr().out
    assert "OK: 3 topics × 2 languages" in out
    assert "examples" in out


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("en/permit_renew.yaml", "title:", "titel:",
     "content/en/permit_renew.yaml:1: unknown field 'titel'"),
    ("en/wages_unpaid.yaml", "answer: |\n  Ask {phone:doe}. Embassy: {phone:embassy}",
     "answer: ''", "content/en/wages_unpaid.yaml:2: 'answer': is empty"),
    ("topics.yaml", "  - id: hotlines", "  - id: permit_renew",
     "content/topics.yaml:15: duplicate topic id 'permit_renew'"),
    ("topics.yaml", "related: [hotlines]", "related: [hotline]",
     "content/topics.yaml:5: related topic 'hotline' does not exist"),
    ("en/hotlines.yaml", "{contact:doe}", "{contact:nobody}",
     "content/en/hotlines.yaml:3: unknown contact 'nobody'"),
    ("en/hotlines.yaml", "{contact:doe}", "{phone_number:doe}",
     "content/en/hotlines.yaml:3: unknown placeholder {phone_number:doe}"),
    ("en/hotlines.yaml", "Numbers:", "<blink>Numbers</blink>:",
     "content/en/hotlines.yaml:3: Telegram does not allow the tag <blink>"),
    ("en/hotlines.yaml", "Numbers:", "<b>Numbers:",
     "content/en/hotlines.yaml:3: <b> is never closed"),
    ("en/hotlines.yaml", "Numbers:", "Numbers & more:",
     "content/en/hotlines.yaml:3: bare '&'"),
    ("en/hotlines.yaml", "Numbers:", "Numbers < 5:",
     "content/en/hotlines.yaml:3: bare '<'"),
    ("en/hotlines.yaml", "  - hotline numbers", "  - salary not paid",
     "content/en/hotlines.yaml:5: example 'salary not paid' is also under 'wages_unpaid'"),
    ("th/_areas.yaml", "help: Help\n", "",
     "content/th/_areas.yaml:1: missing title for area 'help'"),
    ("en/_intents.yaml", "  answer: A help bot.\n", "",
     "content/en/_intents.yaml:10: intent 'about_bot' needs an answer"),
    ("en/_contacts.yaml", "embassy:\n  name: Embassy\n  purpose: passports\n", "",
     "content/en/_contacts.yaml:1: missing contact 'embassy'"),
    ("topics.yaml", "reviewed: 2026-01-31", "reviewed: last week",
     "content/topics.yaml:8: 'topics #1.reviewed' must be a date like 2026-01-31"),
    ("topics.yaml", "area: work\n    related: [hotlines]", "area: wrok\n    related: [hotlines]",
     "content/topics.yaml:4: unknown area 'wrok' (areas: work, help)"),
    ("topics.yaml", "related: [hotlines]", "related: [permit_renew]",
     "content/topics.yaml:5: a topic cannot be related to itself"),
    ("topics.yaml", "areas: [work, help]", "areas: [work, help, family]",
     "content/topics.yaml:1: area 'family' has no topics"),
    ("th/_areas.yaml", "help: Help\n", "help: Help\nfamily: Family\n",
     "content/th/_areas.yaml:3: unknown area 'family'"),
    ("th/_areas.yaml", "help: Help\n", "help: ''\n",
     "content/th/_areas.yaml:2: area 'help' needs a title"),
    ("th/_areas.yaml", "work: Work\nhelp: Help\n", "- Work\n- Help\n",
     "content/th/_areas.yaml:1: expected 'area_id: Title' lines"),
    ("th/_contacts.yaml", "doe:\n", "dole:\n",
     "content/th/_contacts.yaml:1: unknown contact 'dole' (not in contacts.yaml)"),
    ("th/_contacts.yaml", "doe:\n  name: Job office\n", "doe:\n  nam: Job office\n",
     "content/th/_contacts.yaml:2: unknown field 'nam'"),
    ("en/_intents.yaml", "thanks:", "thank_you:",
     "content/en/_intents.yaml:3: unknown intent 'thank_you'"),
    ("en/_intents.yaml", "thanks:\n  examples:", "thanks:\n  answer: You are welcome.\n  examples:",
     "content/en/_intents.yaml:4: intent 'thanks' is answered by the bot itself: remove 'answer'"),
    ("en/_intents.yaml", "  answer: A help bot.", "  answer: Checked {reviewed}.",
     "content/en/_intents.yaml:11: {reviewed} only works in topic answers"),
    ("en/_intents.yaml", "greeting:\n  examples: [hello en, hi en]\n", "",
     "content/en/_intents.yaml:1: missing intent 'greeting'"),
    ("en/hotlines.yaml", "{contact:doe}", "{contact: doe}",
     "content/en/hotlines.yaml:3: placeholder {contact: doe} has a space in it"),
    ("contacts.yaml", 'phone: "02-000-0000"', 'web: "https://embassy.example"',
     "content/en/wages_unpaid.yaml:3: {phone:embassy}: contact 'embassy' has no phone number"),
])
def test_each_problem_kind_has_path_and_line(mini_content: Path, file: str, old: str,
                                             new: str, expected: str) -> None:
    edit(mini_content / file, old, new)
    found = problems(mini_content)
    assert any(p.startswith(expected) for p in found), found


def test_missing_language_file(mini_content: Path) -> None:
    (mini_content / "th" / "hotlines.yaml").unlink()
    assert "content/th/hotlines.yaml:1: missing file: topic 'hotlines' has no 'th' text" \
        in problems(mini_content)


def test_missing_field(mini_content: Path) -> None:
    path = mini_content / "th" / "hotlines.yaml"
    path.write_text("title: สายด่วน\nexamples:\n  - เบอร์สายด่วน\n", encoding="utf-8")
    assert "content/th/hotlines.yaml:1: missing field 'answer'" in problems(mini_content)


def test_broken_yaml_reports_line_not_traceback(mini_content: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = mini_content / "en" / "hotlines.yaml"
    path.write_text("title: Hotlines\nanswer: [unclosed\nexamples:\n  - x\n", encoding="utf-8")
    assert main(["validate", str(mini_content)]) == 1
    out = capsys.readouterr().out
    assert "content/en/hotlines.yaml:" in out and "broken YAML" in out
    assert "Traceback" not in out


def test_answer_too_long_once_filled(mini_content: Path) -> None:
    path = mini_content / "en" / "hotlines.yaml"
    long_answer = "Call {contact:doe}. " * 220
    path.write_text(f"title: Hotlines\nanswer: '{long_answer}'\nexamples:\n  - hotline numbers\n",
                    encoding="utf-8")
    found = problems(mini_content)
    assert any(p.startswith("content/en/hotlines.yaml:2: answer is") and "4096" in p
               for p in found), found


def test_catalogue_id_without_topic(mini_content: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("areas:\n  work:\n    permit_renew: {}\n    permit_apply: {}\n"
                         "conversation:\n  greeting: hi\n", encoding="utf-8")
    found = problems(mini_content, catalogue)
    assert any("catalogue topic 'permit_apply'" in p for p in found), found
    assert not any("permit_renew" in p for p in found)


def test_all_problems_in_one_run(mini_content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(mini_content / "en" / "permit_renew.yaml", "title:", "titel:")
    edit(mini_content / "th" / "hotlines.yaml", "{contact:doe}", "{contact:x}")
    (mini_content / "en" / "wages_unpaid.yaml").unlink()
    assert main(["validate", str(mini_content)]) == 1
    out = capsys.readouterr().out
    assert out.count("content/") >= 3
    assert "problem(s) found" not in out  # the count goes to stderr


@pytest.mark.parametrize("root_file", ["languages.yaml", "topics.yaml", "contacts.yaml"])
def test_a_broken_root_file_does_not_hide_the_language_folders(mini_content: Path,
                                                               root_file: str) -> None:
    edit(mini_content / "en" / "permit_renew.yaml", "title:", "titel:")
    edit(mini_content / "th" / "_intents.yaml", "examples:", "exemples:")
    in_folders = set(problems(mini_content))
    assert len(in_folders) >= 2
    (mini_content / root_file).write_text("languages: [en, th\n", encoding="utf-8")
    result = check_content(mini_content)
    found = {str(p) for p in result.problems}
    assert result.tree is None
    (root_problem,) = found - in_folders
    assert root_problem.startswith(f"content/{root_file}:2: broken YAML")
    # Every problem in the folders is still reported, and none is made up from the
    # broken file's absence (every topic "unknown", every contact "missing"...).
    assert found - {root_problem} == in_folders


def test_without_contacts_yaml_the_answers_are_still_checked(mini_content: Path) -> None:
    (mini_content / "contacts.yaml").unlink()
    edit(mini_content / "th" / "hotlines.yaml", "{contact:doe}", "{contact:doe} <b>")
    found = problems(mini_content)
    assert "content/contacts.yaml:1: file is missing" in found
    assert any(p.startswith("content/th/hotlines.yaml:") and "<b>" in p for p in found), found
    assert len(found) == 2, found


def test_unknown_topic_file(mini_content: Path) -> None:
    (mini_content / "en" / "permit_renw.yaml").write_text("title: x\n", encoding="utf-8")
    assert any(p.startswith("content/en/permit_renw.yaml:1: there is no topic 'permit_renw'")
               for p in problems(mini_content))


def test_shipped_content_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    result = check_content(root / "content")
    assert result.tree is not None
    assert [str(p) for p in result.problems] == []


def test_problem_inside_answer_points_at_its_own_line(mini_content: Path) -> None:
    path = mini_content / "en" / "permit_renew.yaml"
    path.write_text("title: Renew\nanswer: |\n  line one\n  line two<br>\n  call {phone: doe}\n"
                    "examples:\n  - renew work permit\n", encoding="utf-8")
    found = problems(mini_content)
    assert any(p.startswith("content/en/permit_renew.yaml:4: Telegram does not allow the tag <br>")
               for p in found), found
    assert any(p.startswith("content/en/permit_renew.yaml:5: placeholder {phone: doe} has a space")
               for p in found), found


def test_examples_are_numbered_from_one(mini_content: Path) -> None:
    path = mini_content / "en" / "hotlines.yaml"
    path.write_text("title: Hotlines\nanswer: x\nexamples:\n  - 1694\n", encoding="utf-8")
    assert any("'examples #1' must be text" in p for p in problems(mini_content))


# -- danger files, screens, authorities -------------------------------------------

DANGER_META = """\
categories:
  - id: violence
    numbers: [doe]
    related: [hotlines]
"""
DANGER_TEXT = """\
violence:
  answer: |
    <b>Call {contact:doe} now.</b>
  signals:
    - beat me {L}
    - hit me
not_danger:
  - beat the heat
safety_line: "In danger? {phone:doe}"
stories:
  - horror film
"""


def with_danger(root: Path) -> Path:
    (root / "danger.yaml").write_text(DANGER_META, encoding="utf-8")
    for lang in ("en", "th"):
        (root / lang / "_danger.yaml").write_text(DANGER_TEXT.replace("{L}", lang),
                                                  encoding="utf-8")
    return root


def test_danger_files_load_clean(mini_content: Path) -> None:
    result = check_content(with_danger(mini_content))
    assert result.problems == []
    assert result.tree is not None
    assert [c.id for c in result.tree.danger_categories] == ["violence"]


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("en/_danger.yaml", "violence:", "violense:",
     "content/en/_danger.yaml:1: unknown danger category 'violense' (categories: violence"),
    ("en/_danger.yaml", "{contact:doe}", "{contact:nobody}",
     "content/en/_danger.yaml:3: unknown contact 'nobody'"),
    ("en/_danger.yaml", "{contact:doe}", "the office",
     "content/en/_danger.yaml:2: the 'violence' reply must give {contact:doe} or {phone:doe}"),
    ("en/_danger.yaml", "    - hit me", "    - '* hit'",
     "content/en/_danger.yaml:6: signal '* hit': '*' can only stand between two words"),
    ("en/_danger.yaml", "  - beat the heat", "  - '!!'",
     "content/en/_danger.yaml:8: not_danger #1: a signal needs letters"),
    ("en/_danger.yaml", "In danger? {phone:doe}", "In danger? Call someone",
     "content/en/_danger.yaml:9: 'safety_line' must give a number for 'violence': {phone:doe}"),
    ("en/_danger.yaml", "safety_line:", "safety_lines:",
     "content/en/_danger.yaml:9: unknown danger category 'safety_lines'"),
    ("en/_danger.yaml", "stories:", "storys:",
     "content/en/_danger.yaml:10: unknown danger category 'storys' (categories: violence; "
     "see content/danger.yaml; lists: not_danger, stories, serious, lessons, real_words, "
     "safety_line) "
     "- did you mean 'stories'?"),
    ("en/_danger.yaml", "  - horror film", "  - horror film*",
     "content/en/_danger.yaml:11: stories #1: words in this list match exactly: no '*'"),
    ("en/_danger.yaml", "  - horror film", "  - horror film\nlessons:\n  - first aid*",
     "content/en/_danger.yaml:13: lessons #1: words in this list match exactly: no '*'"),
    ("en/_danger.yaml", "  - horror film", "  - horror film\nreal_words:\n  - taped up",
     "content/en/_danger.yaml:13: real_words #1: one word only (no spaces, '*' or {age})"),
    ("en/_danger.yaml", "  - horror film", "  - horror film\nserious:\n  - '!!'",
     "content/en/_danger.yaml:13: serious #1: a word in this list needs letters"),
    ("en/_danger.yaml", "stories:\n  - horror film", "stories: horror film",
     "content/en/_danger.yaml:10: 'stories' must be a list of phrases"),
    ("danger.yaml", "related: [hotlines]", "related: [hotlines]\n    stories_doubt: maybe",
     "content/danger.yaml:5: "),
    ("danger.yaml", "related: [hotlines]", "related: [hotlines]\nlaughter:\n  - haha\n  - ha ha",
     "content/danger.yaml:7: laughter #2: a laugh is one word or one emoji"),
    ("danger.yaml", "numbers: [doe]", "numbers: [nobody]",
     "content/danger.yaml:3: unknown contact 'nobody'"),
    ("danger.yaml", "related: [hotlines]", "related: [hotline]",
     "content/danger.yaml:4: related topic 'hotline' does not exist"),
])
def test_danger_problems_have_path_and_line(mini_content: Path, file: str, old: str, new: str,
                                            expected: str) -> None:
    root = with_danger(mini_content)
    edit(root / file, old, new)
    found = problems(root)
    assert any(p.startswith(expected) for p in found), found


DANGER_EXAMPLES = """\
violence:
  - my boss beats me every night
not_danger:
  - our team got beaten 3-0
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("violence:", "violense:",
     "content/en/_danger_examples.yaml:1: unknown danger category 'violense' (categories: "
     "violence, or 'not_danger'"),
    ("  - my boss beats me every night", "  - ''",
     "content/en/_danger_examples.yaml:2: 'violence' #1 must be a message"),
    ("  - our team got beaten 3-0", "  - My boss  beats me every night",
     "content/en/_danger_examples.yaml:4: 'not_danger' #1 is also listed under 'violence'"),
    ("violence:\n  - my boss beats me every night", "violence: my boss beats me",
     "content/en/_danger_examples.yaml:1: 'violence' must be a list of messages"),
])
def test_danger_example_problems_have_path_and_line(mini_content: Path, old: str, new: str,
                                                    expected: str) -> None:
    root = with_danger(mini_content)
    path = root / "en" / "_danger_examples.yaml"
    path.write_text(DANGER_EXAMPLES, encoding="utf-8")
    assert problems(root) == []  # the file is optional, and this one is clean
    edit(path, old, new)
    found = problems(root)
    assert any(p.startswith(expected) for p in found), found


def test_danger_examples_are_read_per_language(mini_content: Path) -> None:
    root = with_danger(mini_content)
    (root / "en" / "_danger_examples.yaml").write_text(DANGER_EXAMPLES, encoding="utf-8")
    result = check_content(root)
    assert result.tree is not None
    assert result.tree.danger_examples["en"] == {
        "violence": ("my boss beats me every night",),
        "not_danger": ("our team got beaten 3-0",)}
    assert result.tree.danger_examples["th"] == {}  # no file: no examples, no problem


def test_missing_safety_line_is_named(mini_content: Path) -> None:
    root = with_danger(mini_content)
    edit(root / "th/_danger.yaml", 'safety_line: "In danger? {phone:doe}"\n', "")
    assert any(p.startswith("content/th/_danger.yaml:1: missing 'safety_line'")
               for p in problems(root))


def test_missing_danger_file_of_a_language(mini_content: Path) -> None:
    root = with_danger(mini_content)
    (root / "th" / "_danger.yaml").unlink()
    assert "content/th/_danger.yaml:1: missing file: danger signals and replies in this " \
           "language" in problems(root)


def test_an_idiom_that_hides_a_signal_is_named(mini_content: Path) -> None:
    """Found in the shipped content: 'chống nắng' (sunscreen) is one typo from 'phỏng
    nặng' (a severe burn), so that signal could never fire."""
    root = with_danger(mini_content)
    assert problems(root) == []
    edit(root / "en" / "_danger.yaml", "  - beat the heat", "  - hit me")
    assert "content/en/_danger.yaml:6: signal 'hit me' can never fire: the not_danger " \
           "idiom 'hit me' (content/en/_danger.yaml:8) blanks its words; make the idiom " \
           "longer or remove it" in problems(root)


@pytest.mark.parametrize(("signal", "words"), [
    ("hit * me", "hit me"),          # nothing in the gap
    ("hit* me", "hit me"),           # the word start whole
    ("{age} hit me", "12 hit me"),   # a child's age
])
def test_an_idiom_that_hides_a_signal_with_gaps_is_named(mini_content: Path, signal: str,
                                                          words: str) -> None:
    """Found on dev19: Khmer 'អាយុ 15 * បាញ់ថ្នាំ' (aged 15 ... spraying pesticide) was
    blanked by the adult-age idiom 'អាយុ 15' wherever it stood."""
    root = with_danger(mini_content)
    edit(root / "en" / "_danger.yaml", "  - beat the heat", "  - hit me")
    edit(root / "en" / "_danger.yaml", "    - hit me", f"    - '{signal}'")
    assert f"content/en/_danger.yaml:6: signal '{signal}' does not fire on its own words " \
           f"('{words}'): the not_danger idiom 'hit me' (content/en/_danger.yaml:8) blanks " \
           "its words; make the idiom longer or remove it" in problems(root)


def test_a_signal_with_gaps_that_idioms_leave_alone_is_no_problem(mini_content: Path) -> None:
    root = with_danger(mini_content)
    edit(root / "en" / "_danger.yaml", "    - hit me", "    - 'beat * heat'")
    assert [p for p in problems(root) if "fire" in p] == []


def test_a_broken_danger_file_is_reported_once(mini_content: Path) -> None:
    """Not once more per language file ("there is no danger.yaml"): it is there."""
    root = with_danger(mini_content)
    edit(root / "danger.yaml", "    related: [hotlines]", "    related: [hotlines]\n"
         "    stories_doubt: sometimes")
    found = problems(root)
    assert [p for p in found if "danger" in p] == [
        "content/danger.yaml:5: 'categories #1.stories_doubt' must be true or false"]
    (root / "danger.yaml").unlink()
    assert "content/en/_danger.yaml:1: there is no content/danger.yaml to say the danger " \
           "categories" in problems(root)


def test_answer_longer_than_a_screen_points_to_more(mini_content: Path) -> None:
    edit(mini_content / "en/hotlines.yaml", "Numbers: {contact:doe}",
         "Numbers: {contact:doe} " + "word " * 200)
    assert any(p.startswith("content/en/hotlines.yaml:2: 'answer' is 1") and "'more:'" in p
               for p in problems(mini_content))
    # The same text behind 'more' is fine.
    text = (mini_content / "en/hotlines.yaml").read_text(encoding="utf-8")
    text = text.replace("Numbers: {contact:doe} ", "Numbers: {contact:doe}\nmore: |\n  ")
    (mini_content / "en/hotlines.yaml").write_text(text, encoding="utf-8")
    assert problems(mini_content) == []


def test_authority_without_ngo_first_is_a_problem(mini_content: Path) -> None:
    edit(mini_content / "contacts.yaml", "    check: false\n", "    check: false\n"
         "    authority: true\n")
    found = problems(mini_content)
    assert "content/en/permit_renew.yaml:2: 'answer' sends workers to {contact:doe}: add " \
           "{ngo_first} (an NGO can advise first, no name needed) so a worker without papers " \
           "is not put at risk" in found
    edit(mini_content / "en/permit_renew.yaml", "Call {contact:doe}.", "Call {contact:doe}. "
         "{ngo_first}")
    assert not any(p.startswith("content/en/permit_renew.yaml") for p in problems(mini_content))


def test_unknown_topic_placeholder(mini_content: Path) -> None:
    edit(mini_content / "en/hotlines.yaml", "Numbers:", "See {topic:nowhere}. Numbers:")
    assert any(p.startswith("content/en/hotlines.yaml:3: unknown topic 'nowhere'")
               for p in problems(mini_content))


# languages.yaml: how each language is written (see docs/content-format.md).
@pytest.mark.parametrize(("old", "new", "expected"), [
    ("letters: [U+0E00-U+0E7F]", "letters: [U+0E00-0E7F]",
     "content/languages.yaml:9: 'writing.th.letters': 'U+0E00-0E7F' is not a character or "
     "range: write it like U+0E48 or U+0E00-U+0E7F"),
    ("letters: [U+0E00-U+0E7F]", "letters: [U+0E7F-U+0E00]",
     "content/languages.yaml:9: 'writing.th.letters': 'U+0E7F-U+0E00' is not a range"),
    ("letters: [U+0E00-U+0E7F]", "letters: [U+0E00-U+0E7F, a-c]",
     "content/languages.yaml:9: letters of 'th' (Thai) overlap those of 'en' (Latin)"),
    ("script: Thai", "script: Latin",
     "content/languages.yaml:10: 'th' and 'en' are both written in Latin, but only one"),
    ("    spaces: true\n", "    spaces: true\n    word_pairs: [thai lan, bao]\n",
     "content/languages.yaml:7: 'writing.en.word_pairs': 'bao' must be two words"),
    ("    spaces: true\n", "    spaces: true\n    spelling: british\n",
     "content/languages.yaml:7: unknown field 'spelling'"),
    ("  th:\n", "  xx:\n    script: X\n    letters: [U+10A0-U+10FF]\n    spaces: true\n  th:\n",
     "content/languages.yaml:7: 'xx' under 'writing' is not in 'languages'"),
    ("  en:\n    script: Latin\n    letters: [A-Z, a-z]\n    spaces: true\n", "",
     "content/languages.yaml:2: language 'en' has no entry under 'writing'"),
])
def test_writing_problems_have_path_and_line(mini_content: Path, old: str, new: str,
                                             expected: str) -> None:
    edit(mini_content / "languages.yaml", old, new)
    found = problems(mini_content)
    assert any(p.startswith(expected) for p in found), found


def test_a_languages_file_without_writing_still_loads(mini_content: Path) -> None:
    """The older form, codes only: the tree loads; each language is a problem to fix."""
    (mini_content / "languages.yaml").write_text("languages: [en, th]\n", encoding="utf-8")
    result = check_content(mini_content)
    assert result.tree is not None and result.tree.writing == {}
    assert [str(p) for p in result.problems] == [
        f"content/languages.yaml:1: language '{code}' has no entry under 'writing': say how "
        f"it is written (script, letters, spaces; see docs/content-format.md)"
        for code in ("en", "th")]


def test_the_tree_keeps_writing_in_language_order(mini_content: Path) -> None:
    tree = check_content(mini_content).tree
    assert tree is not None
    assert list(tree.writing) == ["en", "th"]
    assert tree.writing["th"].spaces is False
    assert tree.writing["th"].characters("optional_marks") == [(0x0E48, 0x0E4B)]
