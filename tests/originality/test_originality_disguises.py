"""Disguises a template site applies character by character: traditional script (OpenCC, with
its Taiwan phrase conversion), invisible characters, full-width and mathematical digits,
numerals written in hanzi, look-alike punctuation, compatibility ideographs, radicals and
katakana. Each copy must be found like a plain one, its passages on the original characters."""

import random
import unicodedata

import opencc
import pytest
from originality_testdata import covered, normalizer, real_reports, synthetic

from guazhi.originality import OriginalityIndex

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]
RADICALS = dict(
    zip(
        "一人大工日月水山心长门车见马风飞龙民西贝页鱼黄青",
        "⼀⼈⼤⼯⽇⽉⽔⼭⼼⻓⻔⻋⻅⻢⻛⻜⻰⺠⻄⻉⻚⻥⻩⻘",
        strict=True,
    )
)
KATAKANA = {"口": "ロ", "工": "エ", "力": "カ", "二": "ニ", "八": "ハ", "一": "ー"}
PUNCTUATION = {"，": "\u201a", "。": "\uff61", "、": "\uff64", "；": "\ufe14", "：": "\ufe13"}
HANZI_DIGITS = "〇一二三四五六七八九"
COMPAT = {
    unicodedata.normalize("NFKC", chr(cp)): chr(cp)
    for cp in range(0xF900, 0xFB00)
    if len(unicodedata.normalize("NFKC", chr(cp))) == 1
    and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}


def converted(config):
    def convert(text, rng):
        return opencc.OpenCC(config).convert(text)

    convert.__name__ = config
    return convert


def invisible(text, rng):
    return "".join(c + (rng.choice(INVISIBLE) if rng.random() < 0.3 else "") for c in text)


def variation_selectors(text, rng):
    return "".join(c + ("\ufe00" if rng.random() < 0.2 else "") for c in text)


def full_width(text, rng):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def math_digits(text, rng):
    return "".join(chr(0x1D7CE + int(c)) if c.isascii() and c.isdigit() else c for c in text)


def hanzi_numerals(text, rng):
    # 2016年 -> 二〇一六年 or 二零一六年
    zero = rng.choice("〇零")
    digits = HANZI_DIGITS.replace("〇", zero)
    return "".join(digits[int(c)] if c.isascii() and c.isdigit() else c for c in text)


def punctuation(text, rng):
    return "".join(PUNCTUATION.get(c, c) for c in text)


def compat_ideographs(text, rng):
    return "".join(COMPAT.get(c, c) for c in text)


def radicals(text, rng):
    return "".join(RADICALS.get(c, c) for c in text)


def katakana(text, rng):
    return "".join(KATAKANA.get(c, c) for c in text)


DISGUISES = [
    converted("s2t"),
    converted("s2tw"),
    converted("s2hk"),
    converted("s2twp"),
    invisible,
    variation_selectors,
    full_width,
    math_digits,
    hanzi_numerals,
    punctuation,
    compat_ideographs,
    radicals,
    katakana,
]


@pytest.fixture(scope="module")
def reports():
    return real_reports()


@pytest.fixture(scope="module")
def index(reports):
    idx = OriginalityIndex(normalizer=normalizer())
    idx.add_many((str(year), reports[year]) for year in (1995, 2005, 2014, 2016, 2018, 2024))
    return idx


@pytest.mark.parametrize("disguise", DISGUISES, ids=lambda f: f.__name__)
def test_the_comparison_stream_does_not_change(reports, disguise):
    # the strongest statement: every gram of the copy is a gram of the source
    original = reports[2016][:20000]
    disguised = disguise(original, random.Random(disguise.__name__))
    assert disguised != original
    norm = normalizer()(disguised)
    assert norm.text == normalizer()(original).text
    assert all(b > a for a, b in zip(norm.offsets, norm.offsets[1:], strict=False))


@pytest.mark.parametrize("disguise", DISGUISES, ids=lambda f: f.__name__)
def test_disguised_copy_is_found(index, reports, disguise):
    rng = random.Random(disguise.__name__)
    original = reports[2016][8000:9500]
    copied = disguise(original, rng)
    assert copied != original
    own_a, own_b = synthetic(1, 600), synthetic(2, 600)
    query = own_a + "\n" + copied + "\n" + own_b
    result = index.check(query)
    start, end = len(own_a) + 1, len(own_a) + 1 + len(copied)
    assert covered(result.passages, start, end) > 0.95
    assert covered(result.passages, 0, start - 1) < 0.03
    assert covered(result.passages, end + 1, len(query)) < 0.03
    assert {p.source_id for p in result.passages if p.end - p.start > 50} == {"2016"}
    visible = sum(1 for c in copied if not c.isspace() and unicodedata.category(c) != "Cf")
    visible -= copied.count("\ufe00")
    total = visible + len(own_a) + len(own_b) - (own_a + own_b).count("\n")
    assert result.chars == total  # invisible characters are not counted
    assert result.copy_ratio == pytest.approx(visible / total, abs=0.04)


def test_phrase_level_conversion_is_reported_on_the_original_text(index, reports):
    original = reports[2016][8000:9500]
    served = opencc.OpenCC("s2twp").convert(original)
    assert len(served) != len(original)  # regional vocabulary changed word lengths
    result = index.check(served)
    [passage] = [p for p in result.passages if p.end - p.start > 50]
    assert passage.start <= 5 and passage.end >= len(served) - 5
    assert abs(passage.source_start - 8000) <= 10 and abs(passage.source_end - 9500) <= 30
