from __future__ import annotations

import pytest

from bot.matching.langdetect import detect_language


@pytest.mark.parametrize(("text", "lang"), [
    ("my boss keeps my passport", "en"),
    ("นายจ้างยึดพาสปอร์ต", "th"),
    ("ဘော်စ်က ပတ်စ်ပို့ ယူထားတယ်", "my"),
    ("ថៅកែយកលិខិតឆ្លងដែន", "km"),
    ("ນາຍຈ້າງຍຶດພາສປອດ", "lo"),
    ("chủ giữ hộ chiếu của tôi", "vi"),
    ("chu giu ho chieu cua toi", "vi"),
    # Loanwords are no evidence; "the nao" (thế nào) settles it.
    ("gia han work permit the nao", "vi"),
    ("can i change boss", "en"),
    ("minimum wage bangkok per day?", "en"),  # "day" is English, not "dây"
    ("นายจ้างไม่จ่าย OT", "th"),  # mixed script: mostly Thai
    ("12345 !!!", None),
])
def test_detects_language_from_script_and_words(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang
