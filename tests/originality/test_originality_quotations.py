"""Attributed quotations of plausible length are excused; copying dressed up as one is not."""

import re

import opencc
import pytest
from originality_testdata import normalizer, real_reports, synthetic

from guazhi.originality import OriginalityIndex
from guazhi.originality.quotes import MAX_QUOTE_CHARS


@pytest.fixture(scope="module")
def reports():
    return real_reports()


@pytest.fixture(scope="module")
def index(reports):
    idx = OriginalityIndex(normalizer=normalizer())
    idx.add_many((str(year), reports[year]) for year in (2014, 2016, 2018))
    return idx


def plain(text: str) -> str:
    """Report text without quotation marks or line breaks (they would end a quotation)."""
    return re.sub(r"[“”\n]", "", text)


def test_short_attributed_quotation_is_excused(index, reports):
    quote = plain(reports[2018][6000:6110])
    assert len(normalizer()(quote)) <= MAX_QUOTE_CHARS
    query = synthetic(3, 800) + "习近平总书记指出：“" + quote + "”" + synthetic(4, 800)
    result = index.check(query)
    assert result.copy_ratio > 0.05
    assert result.copy_ratio_excluding_common < 0.01


@pytest.mark.parametrize(
    "attribution",
    ["正如习近平总书记所说的那样：", "他说，", "《政府工作报告》强调：", "老支书常讲："],
)
def test_speakers_and_document_titles_attribute(index, reports, attribution):
    quote = plain(reports[2016][9000:9100])
    query = synthetic(5, 900) + attribution + "“" + quote + "”。" + synthetic(6, 900)
    result = index.check(query)
    assert result.copy_ratio > 0.04
    assert result.copy_ratio_excluding_common < 0.01


@pytest.mark.parametrize("opening", ["。说：", "\n说：", "他写小说：", "。"])
def test_quotation_marks_without_a_speaker_excuse_nothing(index, reports, opening):
    quote = plain(reports[2016][9000:9100])
    query = synthetic(5, 900) + opening + "“" + quote + "”" + synthetic(6, 900)
    result = index.check(query)
    assert result.copy_ratio > 0.04
    assert result.copy_ratio_excluding_common == pytest.approx(result.copy_ratio, abs=0.005)


def test_long_copied_stretch_dressed_as_a_quotation_is_copying(index, reports):
    # several paragraphs of a report inside one "quotation": the laundering the issue names
    copied = reports[2014][3000:5000].replace("“", "").replace("”", "")
    assert copied.count("\n") >= 3
    query = synthetic(7, 600) + "有关领导在会上说：“" + copied + "”" + synthetic(8, 600)
    result = index.check(query)
    assert result.copy_ratio > 0.55
    assert result.copy_ratio_excluding_common == pytest.approx(result.copy_ratio, abs=0.01)


def test_many_short_quotations_are_excused_only_up_to_a_share(index, reports):
    # the same laundering cut into quotation-sized pieces, each with its own speaker
    source = plain(reports[2014][3000:6000])
    pieces = [source[i : i + 120] for i in range(0, 2400, 120)]
    query = "".join(f"张{i}同志说：“{piece}”。" for i, piece in enumerate(pieces))
    result = index.check(query)
    assert result.copy_ratio > 0.85
    # one fifth of the document at most is excused as quotation
    assert result.copy_ratio_excluding_common > result.copy_ratio - 0.25
    assert result.copy_ratio_excluding_common > 0.6


def test_traditional_script_quotation_is_recognised(index, reports):
    quote = plain(reports[2018][6000:6110])
    honest = synthetic(3, 800) + "习近平总书记指出：“" + quote + "”" + synthetic(4, 800)
    served = opencc.OpenCC("s2tw").convert(honest).replace("“", "「").replace("”", "」")
    assert "習近平總書記指出" in served
    result = index.check(served)
    assert result.copy_ratio > 0.05
    assert result.copy_ratio_excluding_common < 0.01
