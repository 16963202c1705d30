"""ID and mobile numbers: validation raises only InvalidValue (a ValueError with a Chinese
sentence) whatever the input, accepts only canonical ASCII numbers, and masking never shows more
than the first three and last four characters."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from guazhi.lib.identity import (
    InvalidValue,
    id_check_char,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Digits of other scripts, full-width digits and letters, spaces of every kind: what a paste
# from a web page or a PDF brings.
tricky_text = st.text(
    alphabet=st.sampled_from(
        "0123456789Xx+-. E\t\n\u3000\u00a0０１２３４５６７８９Ｘ١٢٣٤٥٦٧٨٩٠۱۲۳०१२३৪৫๑๒"
    ),
    max_size=24,
)
any_text = st.one_of(st.text(max_size=40), tricky_text)


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 659999))
    born = draw(st.dates(date(1940, 1, 1), date(2010, 12, 31)))
    serial = draw(st.integers(0, 999))
    first17 = f"{region:06d}{born:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


def _visible_digits(masked: str) -> int:
    return sum(ch != "*" for ch in masked)


@given(any_text)
@example("١١٠١٠٥١٩٨٥٠٤١٢٠٠٩X")  # 110105198504120009X in Arabic-Indic digits: was accepted
@example("1.10105198504E+17")
def test_id_validation_raises_only_invalid_value_in_chinese(raw):
    try:
        value = normalize_id_number(raw)
    except InvalidValue as error:
        assert CHINESE.search(str(error)), str(error)
    else:
        # Whatever was accepted is canonical: 17 ASCII digits and a check character.
        assert re.fullmatch(r"[0-9]{17}[0-9X]", value, re.ASCII), value
        assert value[17] == id_check_char(value[:17])


@given(valid_id_numbers(), st.sampled_from(["", " ", "\u3000", "\t"]), st.booleans())
def test_valid_id_numbers_survive_spaces_full_width_and_case(number, space, full_width):
    typed = number.lower()
    if full_width:
        typed = "".join(chr(ord(ch) + 0xFEE0) for ch in typed)
    typed = space + typed[:6] + space + typed[6:] + space
    assert normalize_id_number(typed) == number


@given(any_text)
@example("13٨١٢٣٤٥٦٧٨")  # Arabic-Indic digits after "13": was accepted
def test_mobile_validation_raises_only_invalid_value_in_chinese(raw):
    try:
        value = normalize_mobile(raw)
    except InvalidValue as error:
        assert CHINESE.search(str(error)), str(error)
    else:
        assert re.fullmatch(r"1[3-9][0-9]{9}", value, re.ASCII), value


@given(st.one_of(valid_id_numbers(), st.text(max_size=30)))
def test_id_mask_shows_at_most_three_and_four(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert _visible_digits(masked) <= 7
    if len(value) == 18:
        assert masked[:3] == value[:3] and masked[-4:] == value[-4:]
        assert masked[3:-4] == "*" * 11
    if len(value) <= 7:  # too short to keep both ends: nothing shown
        assert _visible_digits(masked) == 0


@given(st.one_of(st.from_regex(r"\A1[3-9][0-9]{9}\Z"), st.text(max_size=20)))
def test_mobile_mask_shows_at_most_three_and_four(value):
    masked = mask_mobile(value)
    assert len(masked) == len(value)
    assert _visible_digits(masked) <= 7
    if len(value) == 11:
        assert masked[3:7] == "****"
