"""Tracking codes: format, randomness, forgiving input, and typos caught by the check symbol."""
from __future__ import annotations

import math
import random
import re
from collections import Counter

import pytest

from core.tracking import ALPHABET, BODY_LENGTH, find_codes, new_code, normalize

CODE = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


@pytest.fixture
def codes() -> list[str]:
    rng = random.Random(20260817)
    return [new_code(rng) for _ in range(60)]


def without_digits() -> str:
    """A code made of letters only (about one code in five)."""
    rng = random.Random(7)
    return next(c for c in iter(lambda: new_code(rng), None) if not any(ch.isdigit() for ch in c))


def test_alphabet_has_no_look_alikes_and_a_prime_size():
    assert len(set(ALPHABET)) == len(ALPHABET) == 23
    assert not set(ALPHABET) & set("0O1IL2Z5S8B6G")
    assert all(len(ALPHABET) % k for k in range(2, len(ALPHABET)))
    assert BODY_LENGTH * math.log2(len(ALPHABET)) >= 30


def test_new_code_format_and_round_trip():
    code = new_code()  # the default, cryptographic source
    assert CODE.match(code) and normalize(code) == code


def test_many_codes_are_valid_distinct_and_evenly_spread():
    rng = random.Random(1)
    made = [new_code(rng) for _ in range(100_000)]
    assert all(CODE.match(c) for c in made[:1000])
    # 31.7 bits: about 1.5 collisions are expected among 100,000; 20 would be a broken generator.
    assert len(set(made)) >= 100_000 - 20
    first = Counter(c[0] for c in made)
    assert set(first) == set(ALPHABET)
    assert all(abs(n - 100_000 / 23) < 0.1 * 100_000 / 23 for n in first.values())


@pytest.mark.parametrize("typed", ["{}", "{lower}", "{bare}", " {spaced} ", "{lower_bare}", "{dash}", "{wide}"])
def test_normalize_accepts_how_people_type(codes, typed):
    for code in codes:
        variants = {"lower": code.lower(), "bare": code.replace("-", ""), "spaced": " ".join(code.replace("-", "")),
                    "lower_bare": code.replace("-", "").lower(), "dash": code.replace("-", "\u2013"),
                    "wide": "".join(chr(ord(ch) + 0xFEE0) for ch in code)}  # full-width forms
        assert normalize(typed.format(code, **variants)) == code


def test_every_single_wrong_symbol_is_rejected(codes):
    for code in codes:
        symbols = code.replace("-", "")
        for i, right in enumerate(symbols):
            for wrong in ALPHABET.replace(right, ""):
                assert normalize(symbols[:i] + wrong + symbols[i + 1:]) is None


def test_every_swap_of_two_symbols_is_rejected(codes):
    for code in codes:
        symbols = list(code.replace("-", ""))
        for i in range(len(symbols)):
            for j in range(i + 1, len(symbols)):
                if symbols[i] != symbols[j]:
                    swapped = symbols.copy()
                    swapped[i], swapped[j] = swapped[j], swapped[i]
                    assert normalize("".join(swapped)) is None


def test_one_look_alike_is_repaired_by_the_check_symbol():
    rng = random.Random(3)
    code = next(c for c in iter(lambda: new_code(rng), None) if "D" in c and "7" in c)
    assert normalize(code.replace("D", "O", 1)) == code
    assert normalize(code.replace("D", "0", 1)) == code
    assert normalize(code.replace("7", "1", 1).lower()) == code
    assert normalize(code.replace("D", "O", 1).replace("7", "1", 1)) is None  # two guesses: refused


@pytest.mark.parametrize("text", ["", "ACDE-FHJ", "ACDE-FHJKM", "SSSS-SSSS", None, 12345678])
def test_normalize_rejects_non_codes(text):
    assert normalize(text) is None


def test_find_codes_in_a_message(codes):
    a = codes[0]
    b = next(c for c in codes[1:] if any(ch.isdigit() for ch in c))
    text = f"Pak, aduan saya {a} belum ada kabar. Yang kemarin ({b.lower().replace('-', '')}) juga. Sekali lagi: {a}!"
    assert find_codes(text) == [a, b]


def test_find_codes_reads_a_lower_case_code_only_with_a_digit():
    letters_only = without_digits()
    assert find_codes(f"kode {letters_only}") == [letters_only]
    assert find_codes(f"kode {letters_only.lower()}") == []  # could be any word
    assert find_codes(f"kode {letters_only.replace('-', ' ')}") == [letters_only]


def test_find_codes_ignores_near_misses(codes):
    code = codes[0]
    wrong = code[:-1] + ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    assert find_codes(f"x{code} {code}9 {wrong} MENUNTUT menuntut") == []


def test_find_codes_is_not_hidden_by_a_false_start(codes):
    for code in codes:
        assert code in find_codes(f"WXYA {code.replace('-', ' ')}")  # "WXYA ABCD" is tried first
