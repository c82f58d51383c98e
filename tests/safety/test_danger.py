"""The danger check: signal syntax, idioms, scripts, and the shipped content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.dialogue.types import TextInput, UserState
from bot.matching.normalize import normalize_key
from bot.safety.danger import DangerDetector, signal_problem
from tests.safety.sets import MEASURING_SETS

DATA = Path(__file__).resolve().parent.parent / "data"


def detector(signals: dict[str, list[str]], idioms: list[str] | None = None) -> DangerDetector:
    return DangerDetector(list(signals), signals, idioms or [])


@pytest.mark.parametrize(("signal", "message", "hit"), [
    ("kill myself", "i want to KILL MYSELF tonight", True),
    ("kill myself", "kill my self", False),               # a different word split
    ("kill myself", "i will kil myself", False),          # 'kil' is short: no typo forgiven
    ("suicide", "thinking about sucide", True),           # one typo in a long word
    ("beat* me", "he beats me every day", True),          # prefix word
    ("beat* me", "the beat of me", False),               # words must follow each other
    ("hit me", "white meat", False),                      # whole words only
    ("locked * in", "they locked all of us in", True),    # gap of up to three words
    ("locked * in", "they locked the big iron gate so we stay in", False),
    ("ฆ่าตัวตาย", "ผมอยาก ฆ่า ตัว ตาย", True),             # spaces ignored in Thai
    ("ฆ่าตัวตาย", "ผมอยากฆาตัวตาย", True),                 # tone mark left out
    ("ฆ่าตัวตาย", "ผมอยากฆ่าเวลา", False),
    ("ไม่อยากอยู่", "ไมอยากอยู่แล้ว", True),                 # Thai tone marks left out
    ("muốn chết", "toi muon chet roi", True),             # Vietnamese typed bare
    ("ထိုးနှက်", "သူက ထိုးနှက်တယ်", True),
])
def test_signal_syntax(signal: str, message: str, hit: bool) -> None:
    found = detector({"danger": [signal]}).detect(message)
    assert (found == ["danger"]) is hit


@pytest.mark.parametrize(("signal", "message", "hit"), [
    # Marks typed that differ make another word: "vợ ơi" (my love) is not "vỡ ối".
    ("vỡ ối", "vợ ơi anh về chưa", False),
    ("vỡ ối", "vo oi anh ve chua", True),        # typed bare: it may be either
    ("vỡ ối", "vỡ ối rồi", True),
    ("vỡ ối", "vỡ ôi rồi", True),                # a mark left out counts for nothing
    ("bị đánh", "bí danh của em là gì", False),  # an alias, not beaten
    ("bị đánh", "tôi bị đánh", True),
    ("bị đánh", "toi bi đanh", True),             # the tone left out, đ typed
    ("bị đánh", "tôi bị danh", True),             # đ typed as d
    ("bi danh", "bí danh của em là gì", True),   # a signal written bare: no marks compared
    ("bắt * tiếp khách", "nợ 40 ngàn bạt, phải tiếp khách", False),  # baht, not forced
    ("khóa cửa", "họ khoá cửa ngoài", True),      # the old place of the tone mark
    ("đánh*", "bị đánh đập", True),               # a word start: only its letters count
    # A word one letter off is a typo only if its tone could be the signal's: in a
    # message typed with marks, "không" (level tone) is "not", not "chồng" (husband).
    ("chồng đánh", "sếp la hét nhưng không đánh ai", False),
    ("chồng đánh", "sep la het nhung khong danh ai", True),  # bare: it may be either
    ("chồng đánh", "chồng đánh tôi", True),
    ("chồng đánh", "chòng đánh tôi", True),       # a typo that keeps the tone
    ("chồng đánh", "chông đánh tôi", True),       # same letters: a tone left out is no tone
])
def test_vietnamese_marks_typed_must_agree(signal: str, message: str, hit: bool) -> None:
    found = detector({"danger": [signal]}).detect(message)
    assert (found == ["danger"]) is hit


def test_a_real_word_is_never_read_as_a_typo_of_a_signal_word() -> None:
    """'taped' is a word of its own: with it listed, 'raped' needs its own letters.
    A prefix signal still reads it, and a signal holding it still matches it."""
    def found(signals: list[str], message: str) -> bool:
        detector = DangerDetector(["violence"], {"violence": signals}, [],
                                  real_words=["taped", "eating"])
        return detector.detect(message) == ["violence"]

    assert not found(["raped"], "i taped up the window")
    assert found(["raped"], "he raped me")
    assert found(["raped"], "he rapped me")                  # a typo that is no listed word
    assert found(["raped", "tape*"], "i taped up the window")  # a prefix still reads it
    assert found(["raped", "taped me"], "he taped me")       # a signal's own word is kept
    both = DangerDetector(["self_harm", "violence"],
                          {"self_harm": ["taped up the window"], "violence": ["raped"]}, [],
                          real_words=["taped"])
    assert both.detect("bought charcoal and taped up the window") == ["self_harm"]
    unlisted = DangerDetector(["violence"], {"violence": ["raped"]}, [])
    assert unlisted.detect("i taped up the window") == ["violence"]  # why the list exists


def test_an_idiom_with_marks_blanks_only_its_own_words() -> None:
    """'chống nắng' (sunscreen) once hid 'phỏng nặng' (a severe burn), one typo away."""
    found = detector({"medical": ["phỏng nặng"]}, ["chống nắng"])
    assert found.detect("bị phỏng nặng ở tay") == ["medical"]
    assert found.detect("kem chống nắng nào tốt") == []


def test_overlapping_idioms_are_all_blanked() -> None:
    """Found in the terminal chat: 'rats eat' blanked first left 'rat poison' of
    "rat poison * rats" standing, and a worker asking where to buy poison for the
    rats got the self-harm reply."""
    text = "where to buy rat poison, rats eat our rice"
    for idioms in (["rats eat", "rat poison * rats"], ["rat poison * rats", "rats eat"]):
        assert detector({"self_harm": ["rat poison"]}, idioms).detect(text) == []
    assert detector({"self_harm": ["rat poison"]}, ["rats eat"]).detect(text) == ["self_harm"]


def test_overlapping_idioms_are_all_blanked_in_scripts_without_spaces() -> None:
    """Each idiom is looked for at every place, so 'ดูมวย' (watching boxing) found
    first does not hide 'มวยตีหัว' inside it."""
    text = "เมื่อคืนดูมวยตีหัวกันสนุก"
    found = detector({"violence": ["ตีหัว"]}, ["ดูมวย", "มวยตีหัว"])
    assert found.detect(text) == []
    assert detector({"violence": ["ตีหัว"]}, ["ดูมวย"]).detect(text) == ["violence"]


def test_an_idiom_blanks_its_own_words_not_those_in_its_gap() -> None:
    """An idiom for a healed bone, 'năm ngoái * gãy xương' (last year ... broke a
    bone), once blanked what stood between its words too: 'năm ngoái chủ đánh gãy
    xương em' (last year the boss beat me and broke my bone) lost 'chủ đánh'."""
    found = detector({"violence": ["chủ đánh"], "medical": ["gãy xương"]},
                     ["năm ngoái * gãy xương"])
    assert found.detect("năm ngoái chủ đánh gãy xương em") == ["violence"]
    assert found.detect("năm ngoái em bị gãy xương") == []
    # The same in a script without spaces; and two idioms from the same place.
    thai = detector({"violence": ["ตบ"]}, ["ไปดู * มวย"])
    assert thai.detect("ไปดูนายจ้างตบมวย") == ["violence"]
    assert thai.detect("ไปดูตบมวย") == ["violence"]
    assert thai.detect("เมื่อคืนไปดูมวยมา") == []
    both = detector({"violence": ["ตบ"]}, ["ฝัน * ตบ", "ฝัน * เลือด"])
    assert both.detect("ฝันว่าเขาตบกันเลือดออก") == []


def test_zawgyi_message_matches_a_unicode_signal() -> None:
    from myanmar.converter import convert

    unicode_text = "သေချင်တယ် ကူညီပါ"
    zawgyi = convert(unicode_text, "unicode", "zawgyi")
    assert zawgyi != unicode_text
    assert detector({"self_harm": ["သေချင်"]}).detect(zawgyi) == ["self_harm"]


def test_idioms_are_blanked_but_real_signals_still_count() -> None:
    d = detector({"violence": ["killing me", "beat* me"]}, ["heat * killing me"])
    assert d.detect("this heat is killing me") == []
    assert d.detect("this heat is killing me and my boss beats me") == ["violence"]
    assert d.detect("he is killing me") == ["violence"]


def test_categories_come_in_content_order() -> None:
    d = DangerDetector(["self_harm", "medical", "violence"],
                       {"violence": ["beat me"], "medical": ["bleeding"]}, [])
    assert d.detect("he beat me, i am bleeding") == ["medical", "violence"]


@pytest.mark.parametrize(("raw", "problem"), [
    ("", "a signal needs at least one word"),
    ("* *", "a signal needs at least one word"),
    ("* kill", "'*' can only stand between two words"),
    ("!!!", "a signal needs letters, not only punctuation"),
    ("want to die", None),
])
def test_signal_problems(raw: str, problem: str | None) -> None:
    assert signal_problem(raw) == problem


# -- the shipped content ---------------------------------------------------------

@pytest.mark.parametrize(("lang", "text", "numbers"), [
    ("en", "i want to kill myself", ["1323"]),
    ("en", "my husband beat me again last night", ["191", "1300"]),
    ("en", "they lock us in the factory and we cannot leave", ["1300"]),
    ("en", "my friend fell from the roof and is not moving", ["1669"]),
    ("en", "a 12 year old boy works night shift in our factory", ["1300"]),
])
def test_danger_gets_numbers_in_the_first_reply(brain: Brain, lang: str, text: str,
                                                numbers: list[str]) -> None:
    turn = brain.engine.handle(UserState(language=lang), TextInput(text))
    first = turn.replies[0].text
    for number in numbers:
        assert number in first
    assert "Did you mean" not in first and "did not understand" not in first
    assert any(e.kind == "danger" for e in turn.events)
    # Nothing the worker typed is kept for a danger message.
    assert all(e.text is None for e in turn.events)


@pytest.mark.parametrize("text", ["this heat is killing me", "my phone died",
                                  "I would kill for a day off", "dead tired after work"])
def test_everyday_idioms_stay_ordinary(brain: Brain, text: str) -> None:
    assert brain.engine.danger.detect(text) == []


# Ordinary sentences near signals added for danger sets' messages: a signal must not
# be wider than the danger it was written for (each of these fired on a first draft).
@pytest.mark.parametrize("text", [
    "I worked 12 hours on the night shift, is OT pay 1.5x?",     # '{age} * night shift'
    "worked 12 hours till 2am, what is the OT rate",              # '{age} * till 2am'
    "10 of us carry bricks every day on the site, is the wage 400?",  # an older signal
    "there's something in my drink lol a fly",
    "the dorm door is always locked at night, is that normal?",
    "I cut myself shaving with a razor, small cut",
    "I can barely breathe in this heat lol",
    "my throat is swelling a bit from a cold, which medicine?",
    "อายุสิบแปด ไปทำงานโรงงานได้ไหม",                             # eighteen, not fourteen
    "เพื่อนจะมาอีกคืนนี้ เลี้ยงอะไรดี",                                # a friend coming again tonight
    "ຂາຍຜັກໃຫ້ຮ້ານທຸກມື້ ໄດ້ເງິນໜ້ອຍ",                                # selling vegetables to a shop
    "ພວກເຮົາກິນລ້ຽງຢູ່ເທິງດາດຟ້າ ມ່ວນຫຼາຍ",                            # a party on the roof
    "ເດັກນ້ອຍຊິໂດດລົງນ້ຳຫຼິ້ນສົງການ",                                 # children jumping in at Songkran
    "ថតរូបឈរលើស្ពានស្អាតណាស់",                                     # a photo on a bridge
    "sếp la hét nhưng không đánh ai",                              # 'không' is no 'chồng'
    "mozzies eating me alive in this dorm",                        # not 'beating me'
    "2 cars crashed at the gate, the drivers shouting at each other",  # real_words
    "be careful, dont walk in front of a truck when they reverse",
    "ເດັກນ້ອຍໂດດໃສ່ລົດກະບະ ໄປຫຼິ້ນ",                                  # children jumping onto a pickup
    "ព្រឹកនេះដើរទៅឲ្យឡានក្រុងហ៊ុនដឹកទៅធ្វើការ",                      # walking to the company bus
    "uống thuốc cho chết vi khuẩn hả bác sĩ",                       # medicine to kill the bacteria
    "ລັອກປະຕູໂຮງງານແລ້ວບໍ່ ກ່ອນກັບບ້ານ",                              # did you lock the factory door?
    "i sold my sisters old bike for 3000 baht",                    # 'they sold my sister'
    "my son has to sleep with him tonight because i work night shift",  # rent named only
    "how much is the rent, can my sister sleep with me in the room",
    "ลูกต้องนอนกับเขาคืนนี้ เพราะแม่เข้ากะดึก",                           # a child with dad tonight
    "con phải ngủ với ông ta vì mẹ đi làm ca đêm",
    "can you force the door open, i lost my key",
    # romanised signals (Thai, Lao, Burmese, Khmer typed in Latin letters), 2026-12
    "nai jang tee pom tham ngan duay jai dee mak",                 # 'tee' is also 'where'
    "pho mao laew tee ban non lap pai laew",                       # drunk at home, asleep
    "ban jom nam nai khao tiwi, nam thuam yai",                    # a house under water
    "ngar di mhar 10 hnit par pyi, sat yone mhar lote kha ma tet bu",  # ten years here
    "yok passport mok phong, thveu visa thmey",                    # bring your passport
    "luk sao 9 khuab chuay mae tham kap khao",                     # a girl helps cook
    "kdao klang nas chong slab",                                   # so hot I could die
    "kon knhom ayu 10 chnam, bong yok tov rean nov sala thmey",    # taken to school
    "kon srey ayu 8 chnam, pdey knhom tver kar nov tuk nesat",     # her father works
    "điện giật nhẹ ở ổ cắm, tê tay tí",                              # a light shock
    "ông chủ cho nghỉ 3 ngày, sướng muốn chết",                     # happy 'to death'
    "con chó bị nhốt trong nhà cả ngày, sủa hoài",                  # a dog, not a worker
    "mấy con chó ngoài chợ đánh nhau chảy máu, ghê quá",             # a dogfight
    "đi tàu ra đảo say sóng muốn chết",                              # seasick 'to death'
    "how do i post my photos on facebook",                         # not sextortion
    "my friend secretly filmed me dancing",
    "con tui 10 tuổi, tui đưa đi làm giấy khai sinh",                # papers, not work
    "ton dek mae tee pom bo i tham kan baan mai set",              # a childhood long over
    "jai hnee mai dai laew, dok bia paeng mak",                    # a debt, not escape
    "nai jang mai hai klap baan songkran pee nee",                 # no leave for Songkran
    "tho tok jak chan taek laew sia jai",                          # a phone off the shelf
    "kin ya phit, mo bok wa bo pen yang",                          # the wrong medicine
    "bận muốn chết, không có thời gian ăn",                          # busy 'to death'
    "con tôi 10 tuổi, tôi phải đứng máy ca đêm nên gửi nó cho bà",   # the parent works
    "con gái 7 tuổi đã biết rửa chén phụ mẹ",                         # a child helps at home
    "khlean bay nas chong slab, tinh avei nham",                   # hungry 'to death'
    "ông chủ giết tôi mất nếu mai đi trễ nữa",                        # an idiom of lateness
    "tháng này gửi tiền về cho mẹ lần cuối trước Tết",               # the last before Tết
    "hồi nhỏ tụi tui hay nhảy sông tắm",                              # swimming as children
    "xem tin thấy cháy chợ, chết mấy chục người",                     # 'chục' is no 'chuộc'
    "ngón tay kẹp vào cửa bầm tím",                                  # a door, not a blow
    "tối qua phim có cảnh sát bắt cướp hay ghê",                      # no story word needed
    "my son is 12, i took him to work with me today, he liked it",  # a day at work
    "my daughter is 10, the broker fee for me was 20000, is that legal",  # her parent's fee
    "điện thoại bị khóa trong máy có hình con",                        # a locked phone
    "con tôi 10 tuổi đi xuống ghe chơi với bạn",                       # playing on a boat
    "cái bình hoa rơi từ tầng 2 xuống bể rồi",                          # a vase
    "em đánh bằng điện thoại nên không có dấu, mọi người thông cảm",  # typing
    "làm hàng rào kẽm gai cho vườn tốn bao nhiêu",                     # a fence
    "cà phê lạnh ngắt rồi",                                           # cold coffee
    "điện thoại sắp chết pin rồi",                                    # a flat battery
    "lốp xe đạp bị xì khí",                                           # a flat tyre
    "như chết đuối vớ được cọc",                                      # a proverb
    "nhốt chó trong chuồng ban đêm vì nó sủa",                         # a dog's cage
    "mua cho con khẩu súng đồ chơi",                                  # a toy gun
    "mẹ em sắp đẻ, bụng đau, ở bệnh viện rồi",                          # in hospital already
    "nhảy cầu vồng trong game",                                       # a rainbow
    "em đánh bằng tiếng Việt không dấu được không",                  # typing
    "tối qua em đánh con đề mà trật rồi",                            # the lottery
    "làm ca đêm về ngủ li bì tới trưa",                              # a deep sleep
    "cơm để từ sáng lạnh ngắt rồi",                                  # cold rice
    "con điện thoại cũ hấp hối rồi, chắc phải mua cái mới",          # an old phone
    "cửa sổ phòng trọ có song sắt nên yên tâm",                      # window bars
    "anh ấy chạy xe ôm đi khách ở chợ",                              # a moto-taxi's fares
    "trên tàu mẹ có kho lạnh chứa cá",                               # a mother ship's hold
    "sống làm nô lệ đồng tiền mệt quá",                              # a slave to money
    "chán sống hay sao mà chạy xe nhanh vậy",                        # a scolding
    "kết liễu con boss cuối rồi, qua màn",                           # a game
    "đẹp ngất xỉu luôn á",                                           # swooning
    "xỉu rồi, cái váy này đẹp quá",                                  # teen code
    "xem clip mà cười không thở nổi",                                # laughing
    "phim này nhiều cảnh bạo lực quá, trẻ con đừng xem",             # a film
    "cán chổi bị gãy rồi, mua cái mới đi",                           # a broom
    "em nắm tóc buộc lại rồi đi làm",                                # hair
    "đá bóng bị bầm tím đầu gối, bôi gì cho nhanh khỏi",             # football
    "bà ngoại em bị động kinh từ nhỏ, có thuốc gì ở Thái không",     # a long illness
    "mắt em cứ co giật mấy hôm nay, có sao không",                   # an eyelid
    "uống cà phê quá liều nên không ngủ được",                       # coffee
    "tháng trước em bị gãy xương tay, giờ tháo bột rồi",             # healed
    "xe bị xì gas máy lạnh, phải đi nạp",                            # air-con gas
    "chị ấy dùng amoniac để lau sàn có sao không",                   # cleaning
    "hôm qua đi xem nhảy cầu ở hồ bơi",                              # diving
    "tỏi cán nát rồi cho vô chảo",                                   # cooking
    "em lỡ đè chết con kiến",                                        # an ant
    "tay em có vết bỏng rộp do dầu chiên, bôi gì",                   # a small burn
    "trời nắng sợ bị sốc nhiệt, uống nhiều nước nhé",                # heat advice
    "bắt cóc bỏ đĩa thôi mà",                                        # a proverb
    "đổ gục trước nụ cười của cô ấy",                                # in love
    "vợt muỗi chích điện mua ở đâu",                                 # a mosquito zapper
    "đi ăn bị quán chém đẹp 500 bạt",                                # overcharged
    "bị tụi nó chém giá quá trời",                                   # overcharged
    "cắt cá bị đứt tay chảy máu tí xíu thôi",                        # a small cut
    "chạy bộ 10 cây số về chân muốn chết",                           # sore legs
    "phim có con ma treo cổ sợ quá",                                 # a ghost film
    "đi ruộng về bị muỗi cắn nát chân",                              # mosquitoes
    "chết đuối trong deadline rồi",                                  # deadlines
    "chồng đi làm về ngủ như chết, gọi không dậy ăn cơm",            # a deep sleep
    "đỉa cắn ở ruộng, gỡ ra rồi",                                    # a leech
    "Thuoc doc diet chuot de trong nha co con nho thi cat o dau",    # 'để trong'
    "con đi phụ bán hàng, đồ nhẹ thôi khong nang nhoc gi",           # 'không nặng'
    "con 16 tuổi phụ quán cuối tuần có vi phạm luật lao động trẻ em không", # the law
    "nghe bài này em ngất ngây luôn",                                # enraptured
    "thấy báo nói chủ đánh công nhân ở Rayong, ghê quá",                  # the news
    "trưa nay đánh nó một giấc tới chiều",                           # a nap
    "đi chơi tối qua bị bạn bè chuốc rượu say quá",                  # a night out
    "nụ cười của cô ấy giết chết em rồi",                            # a smile
    "phim cưỡng hôn của Hàn Quốc hay lắm",                           # a TV drama
    "rút dao ra cắt bánh sinh nhật",                                 # a cake
    "lấy gậy chống cho đỡ mỏi chân",                                 # a walking stick
    "đội bóng ngã gục trước đối thủ",                                # a match lost
    "bị nghẹt mũi k thở được, uống thuốc gì",                        # a blocked nose
    "vĩnh biệt công ty cũ, mai em qua chỗ mới",                      # a new job
    "muốn chết cười với thằng này",                                  # laughing
    "mẹ em đánh con bài tây giỏi lắm",                               # cards
    "tin nói nổ súng ở trung tâm thương mại Bangkok",                # the news
    "không ai đánh người chạy lại",                                  # a proverb
    "đá bóng bị đạp trúng chân, chườm đá là hết",                    # football
    "tối nào cũng nhốt con gà vào chuồng",                           # a hen
    "thằng bé hay nhảy cầu ở sông tắm, bơi giỏi lắm",                # swimming
    "nhổ răng khôn xong chảy máu xíu",                               # a tooth pulled
    "ông nội bị đột quỵ năm ngoái giờ đi lại được",                  # a stroke long ago
    "con bé đòi ngủ với bà nội",                                     # a child
    "mai đi xịt thuốc diệt cỏ ngoài rẫy",                            # weeding
    "tháng này em cần cấp cứu tài chính quá",                        # money
    "mí mắt co giật hoài",                                           # an eyelid
    "em lỡ cắt tay mình bằng dao gọt, băng lại rồi",                 # an accident
    "ném xuống biển cái lưới rách",                                  # a torn net
    "chị ấy bị xỉu vì chưa ăn sáng, nghỉ chút là khỏe",              # no breakfast
    "sếp nói không có đánh đập gì đâu, đừng lo",                     # reassurance
    "thang máy bị kẹt 5 phút rồi kỹ thuật mở ra",                    # a lift
    "paracetamol uống mấy viên, sợ uống quá liều",                   # a dose
    "ông bị ngưng thở khi ngủ, bác sĩ cho máy thở",                  # sleep apnoea
    "mẹ bị đột quỵ cách đây 3 năm, giờ đi lại được",                 # long ago
    "đội mình chơi như muốn tự tử tập thể",                          # a game
    "mua sắm cuối tháng ví chảy máu luôn",                           # a wallet
    "ăn xong muốn chết vì no",                                       # full
    "tối nay bắt cóc tụi nó đi ăn lẩu",                              # an outing
    "nghe tin thưởng Tết suýt ngất vì vui",                          # joy
    "hai đứa cùng phòng đánh nhau giành cái remote",                 # a remote
    "con mèo đi triệt sản về nằm như bị đánh thuốc mê",              # a cat
    "con em 10 tuổi, em làm móng ở tiệm nail",                       # the parent's work
    "con 9 tuổi không được nghỉ hè vì học thêm",                     # summer classes
    "đau bụng dữ dội khi có kinh, uống thuốc gì",                    # period pain
    "con mèo cào chảy máu tay em",                                   # a cat's scratch
    "lỡ đổ nước sôi trúng chân, bôi thuốc rồi",                      # a spill
    "chồng em ngất khi nhìn thấy máu lúc em đẻ",                     # fainting at blood
    "xe máy em bị đâm nhẹ ở bãi gửi xe, không ai bị gì",             # a knocked motorbike
    "bán điện thoại cũ được 3000 bat, tinh mua cái mới",             # baht, then a plan
    "giá bạt tuần này tụt như nhảy cầu",                             # prices
    "thua độ rồi vay thêm, đúng là tự sát tài chính",                # a bet
    "đánh e-mail cho công ty chưa",                                  # an e-mail
    "nợ trả hết mới được về quê ăn Tết, tiết kiệm thôi",             # saving to go home
    "chị bán em cho ổ bánh mì",                                      # buying bread
    "lỡ cắt đứt tay chút xíu khi thái hành",                         # a small cut
    "lâu quá về quê không nhận ra ai",                               # home after years
    "chơi trốn tìm mà ko bị bắt lại lần nào",                        # hide and seek
    "mẹ gọi hỏi sao không đưa thì đăng ký cho",                      # a form
    "đây là tin nhắn cuối trong ngày, mai nói tiếp",                 # good night
    "con 10 tuổi lên tàu về quê với bà",                             # a trip home
])
def test_ordinary_sentences_near_new_signals_stay_ordinary(brain: Brain, text: str) -> None:
    assert brain.engine.find_danger(text).categories == []


# Fired by no signal, but voted child labour by the examples: a Lao danger example
# ("dek ayu 10 pi het viak nai hong ngan...") reads much like ten years of one's own
# work. Everyday examples of years of work stopped it and cost four danger messages
# their number or the danger reply on the dev sets (2026-12), so only the signals
# are held to it here.
@pytest.mark.parametrize("text", [
    "het viak 10 pi nai hong ngan ni laew",                        # ten years of work
])
def test_ordinary_sentences_the_signals_leave_alone(brain: Brain, text: str) -> None:
    assert brain.engine.danger.detect(text) == []


# Danger told with the words of an idiom (not_danger), a story or a lesson word: an
# idiom must not be wider than the everyday talk it was written for. Each of these
# was missed, or only doubted, by a first draft of an idiom or word (2026-12).
@pytest.mark.parametrize(("text", "category"), [
    ("baby fell down the stairs, bleeding a little bit from the nose and vomiting", "medical"),
    ("pregnant and bleeding a little bit, lots of pain in my belly", "medical"),
    ("grandma fell on her bum in the bathroom and cant get up, she is not talking", "medical"),
    ("they sold my sister, she has no ticket home", "trafficking"),
    ("boss beat me because price down", "violence"),
    ("toothache but honestly i want to die every day", "self_harm"),
    ("ไปดูไก่ชน โดนแทงเลือดออกเยอะมาก", "medical"),                  # stabbed at a cockfight
    ("นายหน้าบอกว่าน้องต้องขายตัวใช้หนี้ 50,000", "trafficking"),  # ขายตั๋ว folds to ขายตัว
    ("พี่กุ้งโดนนายจ้างขังไว้ในห้อง ออกไม่ได้", "trafficking"),            # Kung is a name, not shrimp
    ("งูเห่ากัดลูก พ่อตีตายแล้ว รีบมาช่วย", "medical"),                 # a cobra's bite
    ("ปวดฟันมาก แต่ที่อยากตายจริงๆเพราะหนี้", "self_harm"),
    ("ဝက်ခြံမှာ သူဌေးက သတ်မယ်တဲ့", "violence"),                         # a pig farm is a workplace
    ("လစာကို တောင်းရင် သတ်မယ်တဲ့", "violence"),                         # 'if I ask for my wages'
    ("chủ nói sẽ giết tôi vì đòi lương", "violence"),
    ("có bầu mà chảy máu tí, đau bụng lắm", "medical"),
    ("vitamin với thuốc ngủ quá liều rồi", "medical"),
    ("kẹt xe muốn chết, mà thôi về nhà là tao uống thuốc chết luôn", "self_harm"),
    ("Thằng bé phòng bên mới 12 tuổi mà ngày nào cũng phải cạo mủ cao su từ 2 giờ sáng, "
     "chú nó bảo là nghiệp kiếp trước", "child_labour"),              # 'past life' no story word
    ("Hi, can you explain how long spouse visa takes? My husband chokes me every night. "
     "I am just asking about the visa in case I leave", "violence"),  # 'just asking' no lesson
    ("after the exam my teacher raped me in the classroom", "violence"),  # no 'exam * raped'
    ("landlord says if i cant pay rent i have to sleep with him", "violence"),
    ("nhục muốn chết, không muốn sống nữa, tối nay uống thuốc chuột", "self_harm"),
    ("bị điện giật nhẹ thôi mà giờ bạn em bất tỉnh rồi", "medical"),
    ("chúng nó nhốt em trong chuồng chó, cứu em với", "trafficking"),
    ("em khóc như muốn chết, tối nay em uống hết lọ thuốc ngủ", "self_harm"),
    ("hồi nhỏ mẹ đánh em, giờ chồng đánh em mỗi ngày", "violence"),
    ("nó bắt em coi phim sex rồi sờ người em", "violence"),          # no 'coi phim' story
    ("ông chủ quay phim em tắm rồi dọa tung phim đó lên mạng", "violence"),
    ("my boss filmed me in the shower and will post the video if i dont sleep with him",
     "violence"),
    ("con em ngủ li bì tới giờ, gọi không dậy", "medical"),
    ("bé ăn cơm xong người lạnh ngắt, môi tím", "medical"),
    ("cười một lúc rồi không thở được, mặt tím", "medical"),
    ("năm ngoái chủ đánh gãy xương em, năm nay lại đánh", "violence"),
    ("dùng amoniac lau nhà xong chị ấy ngất", "medical"),
    ("bị phỏng rộp do dầu sôi tạt vào mặt, đau lắm", "medical"),
    ("chạy xe ôm đi khách thì bị tụi nó chém", "violence"),
    ("nó dùng cán chổi bị gãy đánh em", "violence"),
    ("cửa sổ có song sắt, tụi em bị nhốt 3 tháng", "trafficking"),
    ("tụi em bị chuyển sang tàu mẹ, 2 năm không được lên bờ", "trafficking"),
    ("em chán sống lắm rồi, không muốn sống nữa", "self_harm"),
    ("bạn em bị máy cắt tay chảy máu tí xíu mà giờ ngất rồi", "medical"),
    ("em đỉa cắn xong bị chảy máu không cầm được, chóng mặt", "medical"),
    ("ngủ như chết gọi ko dậy, thở yếu, môi tím tái", "medical"),
    ("chồng say đánh em bầm tím mông, bầm tím mặt", "violence"),
    ("bé bị xỉu nhẹ vì chưa ăn, giờ co giật", "medical"),
    ("em mua thuốc chuột rồi, tối nay sẽ uống", "self_harm"),
    ("con hàng xóm 12 tuổi phải làm ở lò gạch tới khuya, có bị coi là lao động trẻ em không",
     "child_labour"),
    ("xe tai de trung chan anh ay roi", "medical"),
    ("ban em bi phong nang o xuong", "medical"),
    ("a oi cuu e, no vua dam ban e", "violence"),
    ("cắt phải tay chảy máu ít thôi mà giờ em ngất", "medical"),
    ("em thấy tin nhắn nó nói sẽ giết em", "violence"),
    ("bạn bè chuốc rượu rồi hiếp em", "violence"),
    ("nó rút dao ra đòi đâm em", "violence"),
    ("thằng cai cầm gậy đi tìm đánh tụi em", "violence"),
    ("bé nghẹt mũi rồi giờ tím tái không thở được", "medical"),
    ("em nhảy sông đây, vĩnh biệt", "self_harm"),
    ("con em đang học bơi thì đuối nước, bất tỉnh rồi", "medical"),
    ("tin nhắn nói sẽ giết cả nhà em", "violence"),
    ("uống rượu lậu xong nôn ói, mắt mờ, một người co giật rồi", "medical"),
    ("em uống thuốc diệt cỏ rồi, xịt vườn còn dư", "self_harm"),
    ("ko biet song de lam j nua, e cam soi day roi", "self_harm"),
    ("bạn em bị đạp trúng bụng, giờ nôn ra máu", "medical"),
    ("bạn em nhổ răng xong chảy máu không cầm được, xỉu rồi", "medical"),
    ("bà em đang đột quỵ, méo miệng, nói không được", "medical"),
    ("nó nhảy cầu lần đầu rồi không thấy nổi lên", "medical"),
    ("chủ tàu đánh anh em, hôm qua 1 anh bị ném xuống biển", "violence"),
    ("cầm dao trong phòng, chỉ muốn cắt tay thôi", "self_harm"),
    ("ko con muon song nua, dinh buong tay", "self_harm"),
    ("tụi nó khóa cửa ký túc cả ngày lẫn đêm", "trafficking"),
    ("chủ nói ko có đánh đập gì nhưng hôm qua nó đánh em", "violence"),
    ("bà bị đột quỵ cách đây 10 phút", "medical"),
    ("em sợ nó uống quá liều rồi, gọi không dậy", "medical"),
    ("ông đang ngủ thì ngừng thở, gọi không tỉnh", "medical"),
    ("tụi nó bắt cóc em đi, giờ nhốt trong phòng, không cho đi ăn", "trafficking"),
    ("thằng chủ phòng trọ vô phòng đòi ngủ chung, từ chối là nó đánh", "violence"),
    ("chồng đánh em, phòng bên không ai giúp", "violence"),
    ("chị ấy ngất vì vui rồi giờ không thở", "medical"),
    ("uống rượu pha cồn, giờ kêu ko tỉnh", "medical"),
    ("tụi nó đấm tui gãy răng, dọa đốt phòng trọ", "violence"),
    ("chồng đổ nước sôi lên người em", "violence"),
    ("bạn em lỡ đổ nước sôi lên người, bỏng nặng, da bong hết", "medical"),
    ("ngất khi nhìn máu rồi đập đầu xuống đất, máu chảy nhiều", "medical"),
    ("em đau bụng dữ dội quá, ói mửa, đi không nổi", "medical"),
    ("có bầu 7 tháng mà ra huyết nhiều quá", "medical"),
    ("máy cắt lìa ngón tay bạn em, máu phun", "medical"),
    ("con bé 11 tuổi làm móng cho khách cả ngày", "child_labour"),
    ("em đi xe máy bị đâm, chảy máu đầu nhiều", "medical"),
    ("ông chủ nói giỡn là sẽ nhốt, mà thật sự nhốt tụi em 3 ngày rồi", "trafficking"),
    ("con 12 tuổi muốn phụ mẹ nhưng chủ bắt nó bốc vác cả ngày", "child_labour"),
    ("ban em bat tinh roi", "medical"),
    ("cứu với, nó đang đánh e", "violence"),
    ("nó đánh e-mail dọa giết em", "violence"),
    ("chủ giữ hộ chiếu, cấm về", "trafficking"),
    ("phải làm trả hết mới được về, không trả thì bán em sang chỗ khác", "trafficking"),
    ("máy cắt đứt tay anh ấy", "medical"),
    ("chị ấy cứ khóc bảo sống vậy đủ rồi", "self_harm"),
    ("nó chụp hình lúc em tắm rồi đòi tiền, không đưa thì đăng lên face", "violence"),
    ("làm sao để trốn khỏi chỗ này, cửa chính khóa ngoài", "trafficking"),
    ("thằng bé 12 tuổi bị đưa lên tàu cá 3 tháng", "child_labour"),
    ("sốt cao 3 ngày, giờ nói lảm nhảm, ko nhận ra ai", "medical"),
])
def test_danger_told_with_an_idioms_words_stays_danger(brain: Brain, text: str,
                                                        category: str) -> None:
    # By the signals themselves: an idiom blanks signals, and the examples' vote may
    # catch what an idiom wrongly blanked, hiding the idiom's fault.
    found = brain.engine.find_danger(text)
    assert category in found.categories and found.by_signals


# Burmese, Khmer, Lao and Thai typed in Latin letters, spelt as workers spell them
# (each spelling its own signal). Written for the romanised signals, not from a set.
@pytest.mark.parametrize(("text", "category"), [
    ("chet nae let chaung pyat thwar tal, thway a myar kyi kya nay", "medical"),
    ("ain shin ka kyan nae nga ko yike tal, help", "violence"),
    ("kon knhom pous kham chheung, eilov hoem hz", "medical"),
    ("pdey knhom sraveong vay kbal khnom chheam hot pen muk", "violence"),
    ("mu nio khat nai kheuang jak, luead bor yud ley", "medical"),
    ("nai jang te khoi tuk van yu kor sang", "violence"),
    ("phuean fai dud tai nai rong ngan mai hai jai", "medical"),
    ("pua khu wa ja kha tha chan ni pai", "violence"),
    ("pom hnee mai dai kao fao pratu tang kuen", "trafficking"),
    ("boss ka kya naw ko thaw khat htar tal, phone ma shi", "trafficking"),
    ("phua khoy mao lao tee khoy tuk khuen", "violence"),
    ("nai jang bo dai wao lin, wa ja kha khoy tha ma sai ik", "violence"),  # not joking
    ("chủ nói sẽ giết tui nếu trễ hạn trả nợ, nó cầm dao", "violence"),  # not 'nếu trễ'
    ("gửi tiền về cho mẹ lần cuối trước tết, con không muốn sống nữa", "self_harm"),
    ("bị chồng đánh kẹp cổ bầm tím hết người", "violence"),
    ("ong đốt sưng mặt, không khó thở nhưng giờ xỉu rồi", "medical"),
    ("chủ nợ bắt em bán thân trả nợ vì thua bài", "trafficking"),
    ("thằng bạn phòng ngáy quá, nhưng tối qua nó bóp cổ tôi thật, tôi sợ lắm", "violence"),
    ("sếp bóp cổ lương, rồi còn bóp cổ em luôn", "violence"),
    ("tụi em như bị nhốt, chủ khóa cửa không cho ra ngoài, giữ hộ chiếu", "trafficking"),
    ("con 12 tuổi phải phụ chủ quán rửa chén quét nhà tới khuya", "child_labour"),
    ("trại có hàng rào kẽm gai, tụi em bị nhốt không cho ra", "trafficking"),
    ("con sốt cao ngủ li bì cả ngày, gọi không dậy", "medical"),
    ("ống gas xì khí, bạn em ngất rồi", "medical"),
    ("con em chết đuối ở hồ bơi, cứu với", "medical"),
    # 'cho' (let) typed bare is 'chó' (dog): a dog idiom once blanked these
    ("không cho tụi em ra, bị nhốt 3 tháng", "trafficking"),
    ("bị chủ nhốt cho tới sáng mới thả, không có nước uống", "trafficking"),
    ("chồng nắm tóc em đập vào tường", "violence"),
    ("bỏ thuốc chuột vào ly nước rồi uống", "self_harm"),
])
def test_danger_typed_in_latin_letters_is_found_by_signals(brain: Brain, text: str,
                                                          category: str) -> None:
    found = brain.engine.find_danger(text)
    assert category in found.categories and found.by_signals


def test_every_language_has_every_category(brain: Brain) -> None:
    ids = {c.id for c in brain.content.danger_categories}
    assert ids == {"self_harm", "medical", "violence", "trafficking", "child_labour"}
    for lang in brain.content.languages:
        assert set(brain.content.danger_texts[lang]) == ids, lang


@pytest.mark.parametrize("name", ["danger_dev.jsonl", "danger_dev2.jsonl", "danger_dev3.jsonl",
                                  "danger_dev4.jsonl", "danger_dev5.jsonl", "danger_dev6.jsonl",
                                  "danger_dev7.jsonl", "danger_dev8.jsonl"])
def test_dev_set_is_caught(brain: Brain, name: str) -> None:
    """The sets the signals are tuned on: a regression guard, not the measurement
    (that is the blind set, run by `make eval`)."""
    from bot.evaluate import read_eval_file
    from bot.evaluate_danger import evaluate_danger

    items, errors = read_eval_file(DATA / name)
    assert not errors
    report = evaluate_danger(brain.engine, items)
    assert report.caught_rate() >= 0.95
    # The danger check's own reply, not only the safety line under "did you mean".
    assert report.danger_reply_rate() >= 0.9
    assert report.hijacked_count() == 0


@pytest.mark.parametrize("name", MEASURING_SETS)
def test_danger_sets_are_not_copied_into_content(brain: Brain, name: str) -> None:
    """The blind set stays blind, and danger_dev7 keeps measuring how the danger
    examples generalise: no message of either is a signal or an example of any kind.
    (danger_dev to danger_dev6 are the danger examples' source, so not listed.)"""
    content = {normalize_key(s) for texts in brain.content.danger_texts.values()
               for text in texts.values() for s in text.signals}
    content |= {normalize_key(e) for lang in brain.content.texts.values()
                for text in lang.values() for e in text.examples}
    content |= {normalize_key(e) for owners in brain.content.danger_examples.values()
                for examples in owners.values() for e in examples}
    assert len(content) > 7000  # the danger examples are part of it
    copied = [row["text"] for row in map(json.loads, (DATA / name).read_text(
        encoding="utf-8").splitlines()) if normalize_key(row["text"]) in content]
    assert copied == []


def test_blind_set_has_the_required_shape() -> None:
    rows = [json.loads(line) for line in (DATA / "danger.jsonl").read_text(
        encoding="utf-8").splitlines()]
    for lang in ("en", "th", "my", "km", "lo", "vi"):
        mine = [r for r in rows if r["lang"] == lang]
        assert sum(r["kind"] == "danger" for r in mine) >= 15, lang
        assert sum(r["kind"] == "lookalike" for r in mine) >= 5, lang


@pytest.mark.parametrize(("signal", "message", "hit"), [
    ("{age} * work*", "my nephew 12 works in the factory", True),
    ("{age} * work*", "a boy maybe 9yo working at night", True),
    ("{age} * work*", "i am 25 and work in a factory", False),     # an adult
    ("{age} * work*", "i work 12 hours a day", False),              # the number after work
    ("{age} * work*", "worked 3 years, 15 days leave", False),
    ("ลูก * {age} * ทำงาน", "ลูกสาวอายุ 13 ต้องไปทำงานโรงงาน", True),
    ("ลูก * {age} * ทำงาน", "ลูกสาวอายุ 23 ต้องไปทำงานโรงงาน", False),
    ("ลูก * {age} * ทำงาน", "ลูกสาวอายุ ๑๒ ต้องไปทำงาน", True),           # Thai digits
    # An age range: the spaces go in unspaced scripts, but 12-13 must not read 1213.
    ("{age} * ตัดอ้อย", "เห็นเด็กเขมร 12-13 ถือมีดตัดอ้อยทั้งวัน", True),
    ("{age} * ตัดอ้อย", "เห็นเด็กเขมร 12 13 ถือมีดตัดอ้อยทั้งวัน", True),
    ("{age} * ตัดอ้อย", "คนงาน 1213 คน ตัดอ้อย", False),
])
def test_child_age_in_signals(signal: str, message: str, hit: bool) -> None:
    assert (detector({"child_labour": [signal]}).detect(message) == ["child_labour"]) is hit


def test_unknown_placeholder_in_a_signal() -> None:
    assert signal_problem("{child} * work") == \
        "unknown '{child}': the only placeholder in signals is {age} (a child's age)"
