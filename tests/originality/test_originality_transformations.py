"""Each way template-site copies are disguised, on real government work reports."""

import random
import re

import pytest
from originality_testdata import covered, normalizer, real_reports, synthetic

from guazhi.originality import OriginalityIndex

SYNONYMS = {"加强": "强化", "推进": "推动", "提高": "提升", "完善": "健全", "坚持": "始终坚持"}


@pytest.fixture(scope="module")
def reports():
    return real_reports()


@pytest.fixture(scope="module")
def index(reports):
    idx = OriginalityIndex(normalizer=normalizer())
    idx.add_many((str(year), reports[year]) for year in (1995, 2005, 2014, 2016, 2018, 2024))
    return idx


def swap_punctuation(text, rng):
    table = {"，": ",", "。": ".", "；": ";", "：": ":", "、": ","}
    return "".join(table.get(c, c) if rng.random() < 0.7 else c for c in text)


def rebreak(text, rng):
    flat = text.replace("\n", "")
    return "\n".join(flat[i : i + 30] for i in range(0, len(flat), 30))


def paid_markers(text, rng):
    return "##paidbegin##".join(text[i : i + 200] for i in range(0, len(text), 200))


def mask_names(text, rng):
    return "".join(text[i : i + 60] + "XXX" for i in range(0, len(text), 63))


def reorder(text, rng):
    sentences = re.findall(r"[^。；\n]+[。；]?\n*", text)
    rng.shuffle(sentences)
    return "".join(sentences)


def fillers(text, rng):
    return "".join(text[i : i + 12] + rng.choice("的了地") for i in range(0, len(text), 12))


def synonyms(text, rng):
    return re.sub("|".join(SYNONYMS), lambda m: SYNONYMS[m.group()], text)


@pytest.mark.parametrize(
    "transform",
    [swap_punctuation, rebreak, paid_markers, mask_names, reorder, fillers, synonyms],
)
def test_transformed_copy_is_found(index, reports, transform):
    rng = random.Random(transform.__name__)
    source = reports[2016]
    copied = transform(source[8000:9500], rng)
    own_a, own_b = synthetic(1, 600), synthetic(2, 600)
    query = own_a + "\n" + copied + "\n" + own_b
    result = index.check(query)
    start, end = len(own_a) + 1, len(own_a) + 1 + len(copied)
    assert covered(result.passages, start, end) > 0.93
    assert covered(result.passages, 0, start - 1) < 0.03
    assert covered(result.passages, end + 1, len(query)) < 0.03
    main = {p.source_id for p in result.passages if p.end - p.start > 50}
    assert main == {"2016"}
    assert result.copy_ratio == pytest.approx(len(copied) / len(query), abs=0.05)


def test_template_site_header_is_not_counted(index, reports):
    header = "下面是小编为大家整理的2025年度挂职干部个人工作总结范文，供大家参考。\n"
    footer = "\n更多精彩范文请关注本站。"
    body = reports[2014][3000:5000]
    query = header + body + footer
    result = index.check(query)
    assert covered(result.passages, 0, len(header)) == 0
    assert covered(result.passages, len(header), len(header) + len(body)) > 0.97
    assert covered(result.passages, len(query) - len(footer) + 1, len(query)) == 0


def test_stock_phrases_shared_by_many_documents_are_common():
    stock = "高举中国特色社会主义伟大旗帜全面贯彻新时代中国特色社会主义思想"
    idx = OriginalityIndex(normalizer=normalizer())
    idx.add_many((f"d{i}", synthetic(i, 800) + stock + synthetic(i + 50, 800)) for i in range(10))
    query = synthetic(100, 1000) + stock + synthetic(101, 1000)
    result = idx.check(query)
    assert result.passages and all(p.common for p in result.passages)
    assert result.copy_ratio > 0.01
    assert result.copy_ratio_excluding_common == 0


def test_unrelated_report_of_another_decade_stays_under_the_floor(index, reports):
    result = index.check(reports[1981])
    assert result.copy_ratio_excluding_common < 0.02
