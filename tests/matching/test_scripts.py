"""Knowing a language is data: languages.yaml's ``writing``, compiled by matching.scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.brain import Brain
from bot.content.models import Writing, parse_characters
from bot.matching.langdetect import detect_language
from bot.matching.scripts import Scripts
from bot.safety.danger import DangerDetector

DATA = Path(__file__).resolve().parent.parent / "data"

LATIN = ["A-Z", "a-z", "U+00C0-U+024F"]


def scripts(**languages: dict[str, Any]) -> Scripts:
    return Scripts({code: Writing.model_validate(fields) for code, fields in languages.items()})


def test_the_shipped_content_describes_its_six_languages(brain: Brain) -> None:
    known = Scripts.from_content(brain.content)
    assert list(known.writing) == list(brain.content.languages)
    assert known.toned == {"vi"}
    assert known.shared == {"en", "vi"}  # both Latin: told apart by letters and words
    assert {ord(ch) for ch in known.optional_marks_key} == {*range(0x0E48, 0x0E4C),
                                                              *range(0x0EC8, 0x0ECC)}


def test_module_detection_reads_the_default_content(brain: Brain) -> None:
    texts = [json.loads(line)["text"] for name in ("eval.jsonl", "danger_dev.jsonl")
             for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]
    assert [detect_language(t) for t in texts] == \
        [brain.matcher.detect_language(t) for t in texts]


def test_a_new_language_needs_data_not_code() -> None:
    known = scripts(en={"script": "Latin", "letters": LATIN, "spaces": True},
                    ka={"script": "Georgian", "letters": ["U+10A0-U+10FF"], "spaces": True})
    assert known.detect_language("ჩემი უფროსი არ მიხდის") == "ka"
    assert known.detect_language("my boss does not pay") == "en"  # alone in its script
    assert known.detect_language("ჩემი boss") is None              # no script holds 60%


def test_languages_sharing_a_script_are_told_apart_by_letters_then_words() -> None:
    known = scripts(
        en={"script": "Latin", "letters": LATIN, "spaces": True, "words": "my boss not pay"},
        ms={"script": "Latin", "letters": LATIN, "spaces": True, "words": "saya tak dapat gaji",
            "word_pairs": ["majikan saya"]},
        vi={"script": "Latin", "letters": [*LATIN, "U+1EA0-U+1EF9"], "spaces": True,
            "own_letters": ["ơư"]})
    assert known.shared == {"en", "ms", "vi"}
    assert known.detect_language("saya tak dapat gaji") == "ms"
    assert known.detect_language("my boss not pay") == "en"
    assert known.detect_language("majikan saya boss not") == "ms"   # a pair counts twice
    assert known.detect_language("gaji boss") is None               # a tie names no one
    assert known.detect_language("chủ không trả lương") == "vi"     # ư, ơ: only vi


def test_a_languages_file_without_writing_knows_no_script(tmp_path: Path) -> None:
    path = tmp_path / "languages.yaml"
    path.write_text("languages: [en, th]\n", encoding="utf-8")
    known = Scripts.read(path)
    assert known.detect_language("นายจ้างยึดพาสปอร์ต") is None
    assert known.unspaced.search("นายจ้าง") is None


def test_unspaced_scripts_come_from_the_data() -> None:
    """A danger signal in a script written without spaces ignores spaces; the same
    signal in a script said to have spaces must be whole words."""
    unspaced = scripts(ka={"script": "Georgian", "letters": ["U+10A0-U+10FF"], "spaces": False})
    spaced = scripts(ka={"script": "Georgian", "letters": ["U+10A0-U+10FF"], "spaces": True})
    message = "ისინიმცემენ"  # "ისინი მცემენ" typed without its space
    for known, hit in ((unspaced, ["violence"]), (spaced, [])):
        detector = DangerDetector(["violence"], {"violence": ["მცემენ"]}, [], known)
        assert detector.detect(message) == hit


def test_optional_marks_are_ignored_by_the_danger_check() -> None:
    thai = {"script": "Thai", "letters": ["U+0E00-U+0E7F"], "spaces": False}
    for marks, hit in (([], []), (["U+0E48-U+0E4B"], ["self_harm"])):
        known = scripts(th={**thai, "optional_marks": marks})
        detector = DangerDetector(["self_harm"], {"self_harm": ["ฆ่าตัวตาย"]}, [], known)
        assert detector.detect("ผมอยากฆาตัวตาย") == hit  # the tone mark left out


@pytest.mark.parametrize(("items", "ranges"), [
    (["U+0E00-U+0E7F"], [(0x0E00, 0x0E7F)]),
    (["u+0e48"], [(0x0E48, 0x0E48)]),
    (["a-z"], [(ord("a"), ord("z"))]),
    (["ăâ đ"], [(ord("ă"), ord("ă")), (ord("â"), ord("â")), (ord("đ"), ord("đ"))]),
])
def test_characters_are_written_as_ranges_codes_or_themselves(
        items: list[str], ranges: list[tuple[int, int]]) -> None:
    assert parse_characters(items) == ranges


@pytest.mark.parametrize("item", ["U+0E00-0E7F", "U+XYZ", "U+0E7F-U+0E00", "U+110000"])
def test_bad_characters_are_refused(item: str) -> None:
    with pytest.raises(ValueError, match=item.replace("+", r"\+")):
        parse_characters([item])
