"""The bot's pure rules: no Telegram, no database."""
from datetime import datetime, timedelta

import pytest

from bot import rules
from core import tracking


def test_description_length_limits_are_inclusive_and_text_is_tidied():
    assert rules.check_description("  Jalan   rusak\n\n\n\nparah sekali  ", 10, 40) == \
        rules.TextCheck("Jalan rusak\n\nparah sekali")
    assert rules.check_description("x" * 15, 15, 20).error is None
    assert rules.check_description("x" * 14, 15, 20).error == "too_short"
    assert rules.check_description("x" * 21, 15, 20).error == "too_long"
    assert rules.check_description(None, 15, 20).error == "too_short"
    assert rules.check_description("x" * 5000, 15, 2000) == rules.TextCheck("x" * 5000, "too_long")


def test_address_needs_enough_to_find_the_place():
    assert rules.check_address("Jl. A").error == "too_short"
    assert rules.check_address("Jl. Merdeka No. 5, Desa Sungai Putri").error is None
    assert rules.check_address("a" * 501).error == "too_long"


def test_bare_code_only_when_the_message_is_just_a_code():
    code = tracking.new_code()
    assert rules.bare_code(code) == code
    assert rules.bare_code(f"  {code.lower()} ") == code
    assert rules.bare_code(code.replace("-", "")) == code
    assert rules.bare_code(f"kode saya {code}") is None
    assert rules.bare_code("Jalan rusak parah") is None
    assert rules.bare_code(None) is None


def test_deep_link_payload_opens_a_code():
    code = tracking.new_code()
    assert rules.deep_link_code([code]) == code
    assert rules.deep_link_code([]) is None
    assert rules.deep_link_code(["hello"]) is None


def _items(n, groups=3):
    return [rules.CategoryItem(i, f"Kategori {i}", f"Grup {i % groups}") for i in range(n)]


def test_categories_are_grouped_only_when_many():
    assert rules.category_groups(_items(8)) is None
    assert rules.category_groups(_items(9)) == ["Grup 0", "Grup 1", "Grup 2"]
    assert rules.category_groups(_items(20, groups=1)) is None  # one group: nothing to choose
    items = _items(9)
    groups = rules.category_groups(items)
    assert [i.id for i in rules.in_group(items, groups, 1)] == [1, 4, 7]
    assert rules.in_group(items, groups, 7) == []
    assert rules.in_group(items, groups, -1) == []


def test_response_window_is_said_as_offices_say_it():
    assert rules.response_window(48, "id") == "2×24 jam"
    assert rules.response_window(24, "id") == "24 jam"
    assert rules.response_window(12, "id") == "12 jam"
    assert rules.response_window(72, "en") == "3×24 hours"
    assert rules.response_window(48, "id", working_days=True) == "2×24 jam kerja"


def test_age_in_the_largest_whole_unit():
    now = datetime(2026, 11, 24, 12, 0)
    assert rules.age(now - timedelta(seconds=30), now, "id") == "baru saja"
    assert rules.age(now - timedelta(minutes=5), now, "id") == "5 menit lalu"
    assert rules.age(now - timedelta(hours=3, minutes=59), now, "id") == "3 jam lalu"
    assert rules.age(now - timedelta(days=2), now, "id") == "2 hari lalu"
    assert rules.age(now - timedelta(days=1), now, "en") == "1 day ago"
    assert rules.age(now + timedelta(minutes=1), now, "en") == "just now"  # clocks of two processes


def test_shorten_cuts_at_a_word_and_marks_it():
    assert rules.shorten("pendek", 10) == "pendek"
    cut = rules.shorten("jalan rusak parah sekali di depan sekolah", 20)
    assert len(cut) <= 20 and cut.endswith("…") and cut == "jalan rusak parah…"
    assert len(rules.shorten("x" * 100, 10)) == 10


def test_fit_blocks_keeps_the_newest_blocks_within_the_limit():
    blocks = [f"baris {i} " + "x" * 90 for i in range(100)]
    text = rules.fit_blocks("KEPALA", blocks, limit=1000)
    assert len(text) <= 1000
    assert text.startswith("KEPALA\n…\n") and text.endswith(blocks[-1])
    assert rules.fit_blocks("K", ["a", "b"], limit=100) == "K\na\nb"


def test_split_blocks_never_exceeds_telegrams_limit():
    blocks = ["x" * 1500 for _ in range(7)]
    messages = rules.split_blocks(blocks)
    assert all(len(m) <= rules.MAX_TEXT for m in messages)
    assert "".join(messages).count("x") == 1500 * 7
    assert rules.split_blocks(["y" * 5000]) == ["y" * 4096]


def test_redelivery_is_a_repeated_id_within_the_window():
    now = datetime(2026, 11, 24, 12, 0)
    recent = now - timedelta(minutes=3)
    assert rules.is_redelivery(10, 10, recent, now)
    assert rules.is_redelivery(9, 10, recent, now)
    assert not rules.is_redelivery(11, 10, recent, now)
    # After a long silence Telegram may restart ids at random: a lower id is then new.
    assert not rules.is_redelivery(5, 10, now - timedelta(days=8), now)
    assert not rules.is_redelivery(5, 10, None, now)


def test_webhook_settings():
    assert rules.valid_secret_token("abc_DEF-123")
    assert not rules.valid_secret_token("")
    assert not rules.valid_secret_token("has space")
    assert not rules.valid_secret_token("x" * 257)
    assert rules.parse_listen("127.0.0.1:8443") == ("127.0.0.1", 8443)
    assert rules.parse_listen(":8080") == ("0.0.0.0", 8080)
    assert rules.parse_listen("0.0.0.0") == ("0.0.0.0", 8443)
    assert rules.parse_listen("[::1]:9000") == ("::1", 9000)
    with pytest.raises(ValueError):
        rules.parse_listen("host:port")


def test_callback_data_limit_counts_bytes():
    assert rules.callback_data_fits("cat:12345")
    assert rules.callback_data_fits("x" * 64)
    assert not rules.callback_data_fits("é" * 33)  # 66 bytes
    assert not rules.callback_data_fits("")


def test_every_keyboard_fits_telegrams_callback_limit():
    from types import SimpleNamespace

    from bot import keyboards

    big = [SimpleNamespace(id=10**15 + i, tracking_code="K7RX-4AMT") for i in range(5)]
    markups = [keyboards.main_menu("id"), keyboards.summary("en", "f" * 32), keyboards.edit_menu("id"),
               keyboards.my_list("id", big, 10**6, 10**6 + 1), keyboards.status_view("en", 10**15),
               keyboards.privacy("id", True, False), keyboards.photos("en", 5), keyboards.languages(),
               keyboards.categories([rules.CategoryItem(10**12, "Nama " * 30, "G")])]
    data = [b.callback_data for m in markups for row in m.inline_keyboard for b in row]
    assert data and all(rules.callback_data_fits(d) for d in data)
    with pytest.raises(ValueError):
        keyboards.button("x", "cat:" + "9" * 61)


@pytest.mark.parametrize("text", [
    "\u200b" * 20,                      # zero-width spaces
    "\u200b\u200c\u200d\u2060\ufeff" * 5,  # every zero-width kind, joiners included
    "\u202e" * 10 + "rusak",            # bidi overrides around a short word
    "\u3000" * 30,                      # ideographic spaces
    "\u3164" * 20,                      # Hangul filler (a "letter" that draws nothing)
    "\u2800" * 20,                      # braille blank
    "a" + "\u0301" * 40,                # one letter under a pile of accents
    "\x00\x01\x07\x1b" * 6,             # control codes
    "  \t \n \n\n  ",                   # white space of every ASCII kind
])
def test_invisible_characters_do_not_count_towards_a_minimum(text):
    check = rules.check_length(text, 15, 2000)
    assert check.error == "too_short"
    assert rules.visible_length(check.text) < 15


def test_visible_text_keeps_its_letters_and_loses_what_hides():
    check = rules.check_length("Jalan\u200b rusak \u202edi depan\u00a0\u00a0SD\x07", 15, 2000)
    assert check.error is None and check.text == "Jalan rusak di depan\u00a0\u00a0SD"
    assert rules.visible_length("ｊａｌａｎ　ｒｕｓａｋ") == len("jalan rusak")  # full-width forms, NFKC
    assert rules.check_length("👨\u200d👩\u200d👧 banjir setinggi lutut", 15, 2000).error is None
