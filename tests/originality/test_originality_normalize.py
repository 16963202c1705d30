"""Normalisation: what leaves the comparison stream, and the offset map back to the original."""

import unicodedata

import numpy as np
from originality_testdata import normalizer, synthetic

from guazhi.originality import NormalizeConfig, Normalizer
from guazhi.originality.fold import HOMOGLYPHS, NUMERALS, script_chars


def fold(ch: str) -> str:
    """The plain definition for one character: NFKC, lower case, then the folding data."""
    c = unicodedata.normalize("NFKC", HOMOGLYPHS.get(ch, ch)).lower()[:1]
    c = HOMOGLYPHS.get(c, c)
    c = script_chars().get(c, c)
    return NUMERALS.get(c, c)


def test_offsets_point_at_the_original_characters():
    text = "下面是小编为大家整理的心得体会，供大家参考。\n（一）坚持ＡＢＣ改革，推进１２３项目；\r\n𠀀字"
    norm = normalizer()(text)
    assert norm.offsets.dtype == np.int32
    assert len(norm.codes) == len(norm.offsets)
    assert np.all(np.diff(norm.offsets) > 0)  # strictly increasing
    for code, offset in zip(norm.codes.tolist(), norm.offsets.tolist(), strict=True):
        assert chr(code) == fold(text[offset])


def test_offset_round_trip_on_long_text():
    text = synthetic(1, 5000).replace("。", "，\u3000")
    norm = normalizer()(text)
    rebuilt = "".join(fold(text[i]) for i in norm.offsets.tolist())
    assert rebuilt == norm.text
    assert norm.original_length == len(text)


def test_width_case_punctuation_and_whitespace_fold_away():
    a = normalizer()("推进ＡＩ＋产业，坚持１２３！\n")
    b = normalizer()("推进 ai+产业, 坚持 123 !")
    assert a.text == b.text == "推进ai产业坚持123"


def test_filler_particles_leave_the_stream():
    assert normalizer()("我们的工作取得了明显地进展").text == "我们工作取明显进展"


def test_paid_markers_even_when_broken_across_lines():
    plain = normalizer()("加强基层组织建设").text
    marked = normalizer()("加强##paidbegin##基层组织##paid\nend##建设##pai d e n d##").text
    assert marked == plain


def test_template_site_header_and_footer_are_dropped():
    text = (
        "下面是小编为大家整理的述职报告范文，供大家参考。\n正文内容在此。\n更多精彩范文请关注本站。"
    )
    assert normalizer()(text).text == "正文内容在此"


def test_name_masks_are_dropped_but_latin_words_stay():
    assert normalizer()("张XXX同志和李**同志，××镇").text == "张同志和李同志镇"
    assert "xbox" in normalizer()("玩Xbox游戏").text


def test_configurable_patterns():
    custom = Normalizer(NormalizeConfig(boilerplate=(r"【广告】[^\n]*",), fillers=""))
    assert custom("正文【广告】买一送一\n的结尾").text == "正文的结尾"


def test_empty_and_all_punctuation_texts():
    assert len(normalizer()("")) == 0
    assert len(normalizer()("，。！？  \n")) == 0


def test_traditional_script_and_regional_phrases_fold_to_simplified():
    served = "加強資訊化建設，推進軟體產業發展，購置印表機和滑鼠"
    norm = normalizer()(served)
    assert norm.text == normalizer()("加强信息化建设，推进软件产业发展，购置打印机和鼠标").text
    # a phrase takes the offsets of its first characters: 印表機 (3) -> 打印机 (3),
    # 滑鼠 (2) -> 鼠标 (2); offsets still point into the served text, strictly increasing
    assert np.all(np.diff(norm.offsets) > 0)
    assert served[norm.offsets[-1]] == "鼠"


def test_a_shorter_regional_phrase_keeps_the_first_offsets():
    norm = normalizer()("加大記憶體投入")  # 記憶體 (3) -> 内存 (2)
    assert norm.text == normalizer()("加大内存投入").text
    assert norm.offsets.tolist() == [0, 1, 2, 3, 5, 6]


def test_look_alikes_numerals_and_invisible_characters():
    assert normalizer()("二〇二四年").text == normalizer()("2024年").text == "2024年"
    assert normalizer()("二零二四年").text == normalizer()("二○二四年").text == "2024年"
    assert normalizer()("⻓江⼤桥ロ岸").text == "长江大桥口岸"
    assert normalizer()("脱\u200b贫\u00ad攻\ufeff坚\ufe00").text == "脱贫攻坚"
    assert normalizer()("𝟐𝟎𝟐𝟒ＡＩ①").text == "2024ai1"


def test_overlapping_regional_phrases_the_leftmost_wins():
    # 內建 and 建立 overlap in 內建立: OpenCC's rule, the leftmost (longest) phrase first
    norm = normalizer()("系統內建立即")
    assert norm.text == normalizer()("系统内置立即").text
    assert np.all(np.diff(norm.offsets) > 0)
