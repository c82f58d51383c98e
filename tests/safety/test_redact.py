"""What a worker typed is stripped of what could identify them before it is kept."""

from __future__ import annotations

import pytest

from bot.safety.redact import redact


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("call me on 081-234-5678 please", ["081", "5678"], ["[phone]"]),
    ("my number +66 81 234 5678", ["234"], ["[phone]"]),
    ("โทร ๐๘๑๒๓๔๕๖๗๘ นะ", ["๐๘๑", "0812"], ["[phone]"]),            # Thai digits
    ("ဖုန်း ၀၉၁၂၃၄၅၆၇၈၉", ["၀၉၁", "0912"], ["[phone]"]),               # Burmese digits
    ("passport MA1234567 expired", ["MA1234567"], ["[id]"]),
    ("permit no 1234567890123", ["1234567890123"], []),
    ("email aung.k@gmail.com", ["aung", "gmail"], ["[email]"]),
    ("see https://facebook.com/somebody", ["somebody"], ["[link]"]),
    ("my name is Aung Ko Ko and boss no pay", ["Aung", "Ko Ko"], ["[name]", "boss no pay"]),
    ("I live at 99/12 moo 3 Bang Phli", ["99/12"], ["[address]"]),
    ("ผมชื่อสมชาย นายจ้างไม่จ่ายเงิน", ["สมชาย"], ["[name]", "นายจ้างไม่จ่ายเงิน"]),
    ("ကျွန်တော့်နာမည် အောင်ကို ပါ", ["အောင်ကို"], ["[name]"]),
    ("ខ្ញុំឈ្មោះសុខា", ["សុខា"], ["[name]"]),
    ("ຂ້ອຍຊື່ບຸນມີ", ["ບຸນມີ"], ["[name]"]),
    ("tên tôi là Nguyễn Văn An", ["Nguyễn", "An"], ["[name]"]),
    ("ten toi la Nguyen Van An", ["Nguyen"], ["[name]"]),
])
def test_identifying_details_are_replaced(text: str, gone: list[str], kept: list[str]) -> None:
    out = redact(text)
    for piece in gone:
        assert piece not in out, out
    for piece in kept:
        assert piece in out, out


@pytest.mark.parametrize("text", ["boss pay 300 baht a day, 12 hours",
                                  "worked here 2019-2023, permit ends 31/03",
                                  "ค่าแรง 350 บาท"])
def test_ordinary_numbers_stay_for_editors(text: str) -> None:
    assert redact(text) == " ".join(text.split())
