"""The pure arithmetic (guazhi.assessment.scoring): its doctests, and the cases that decide
ratings: weights per level, band edges, combining with the evaluation, the cap on 优秀 and ties."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from guazhi.assessment import scoring
from guazhi.assessment.scoring import (
    BASIC,
    COMPETENT,
    EXCELLENT,
    INCOMPETENT,
    Bands,
    Candidate,
    OutlineError,
    combine,
    parse_outline,
    rank_and_rate,
    weight_errors,
    weighted_score,
)


def test_doctests():
    failed, attempted = doctest.testmod(scoring)
    assert attempted > 10
    assert failed == 0


def test_the_engine_imports_no_django():
    source = scoring.__file__
    with open(source, encoding="utf-8") as fh:
        text = fh.read()
    assert "django" not in text


def test_default_outline_is_valid_and_sums_to_100_at_each_level():
    from guazhi.assessment.scheme_actions import DEFAULT_OUTLINE

    tree = parse_outline(DEFAULT_OUTLINE)
    assert [n.name for n in tree] == ["德", "能", "勤", "绩", "廉"]
    assert weight_errors(tree) == []
    assert all(n.children for n in tree)


def test_weights_that_do_not_sum_to_100_are_named_in_chinese():
    tree = parse_outline("德 20\n  品质 60\n  作风 30\n能 70\n  学习 100")
    assert weight_errors(tree) == [
        "一级指标权重合计为 90，应为 100。",
        "“德”的二级指标权重合计为 90，应为 100。",
    ]


def test_decimal_weights_are_allowed():
    tree = parse_outline("德 33.33\n能 33.33\n勤 33.34")
    assert weight_errors(tree) == []


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        ("", "请至少填写一个指标。"),
        ("德 0", "第 1 行：权重应大于 0、不超过 100。"),
        ("德 120", "第 1 行：权重应大于 0、不超过 100。"),
        ("  德 100", "第 1 行：第一个指标不能缩进。"),
        ("德 50\n德 50", "一级指标“德”重复。"),
        ("德 100\n  品质 50\n  品质 50", "“德”下的二级指标“品质”重复。"),
    ],
)
def test_outline_errors(outline, message):
    with pytest.raises(OutlineError) as e:
        parse_outline(outline)
    assert message in e.value.messages


def test_full_width_space_and_bar_are_read():
    tree = parse_outline("德 100\n\u3000政治品质 100 ｜ 理想信念坚定")
    assert tree[0].children[0].name == "政治品质"
    assert tree[0].children[0].note == "理想信念坚定"


def test_weighted_score_needs_every_leaf():
    tree = parse_outline("德 50\n  a 50\n  b 50\n绩 50")
    assert weighted_score(tree, {"德/a": 80, "绩": 90}) is None
    assert weighted_score(tree, {"德/a": 80, "德/b": 100, "绩": 90}) == Decimal("90.00")


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        ("100", EXCELLENT),
        ("90.00", EXCELLENT),
        ("89.99", COMPETENT),
        ("75", COMPETENT),
        ("74.99", BASIC),
        ("60", BASIC),
        ("59.99", INCOMPETENT),
        ("0", INCOMPETENT),
    ],
)
def test_band_edges_belong_to_the_higher_band(score, rating):
    assert Bands().rating(Decimal(score)) == rating


def test_configured_bands():
    bands = Bands(Decimal(95), Decimal(80), Decimal(70))
    assert bands.rating(Decimal(94)) == COMPETENT
    assert bands.rating(Decimal(75)) == BASIC
    assert Bands(Decimal(80), Decimal(85), Decimal(60)).errors()


def test_combine_weights_and_the_host_score_alone():
    both = combine(Decimal("92"), Decimal("85"), host_weight=70, evaluation_weight=30)
    assert both.score == Decimal("89.90") and both.used_evaluation and not both.note
    alone = combine(Decimal("92"), None, host_weight=70, evaluation_weight=30)
    assert alone.score == Decimal("92.00") and not alone.used_evaluation
    assert "按接收单位评分计算" in alone.note
    unweighted = combine(Decimal("92"), Decimal("50"), host_weight=100, evaluation_weight=0)
    assert unweighted.score == Decimal("92.00") and "未计民主测评权重" in unweighted.note


def _outcomes(scores, cap=None):
    return rank_and_rate(
        [Candidate(k, None if s is None else Decimal(s)) for k, s in scores], Bands(), cap
    )


def test_ranking_is_competition_ranking_and_unscored_are_left_out():
    out = _outcomes([("a", 80), ("b", 95), ("c", 80), ("d", 70), ("e", None)])
    assert {k: o.rank for k, o in out.items()} == {"b": 1, "a": 2, "c": 2, "d": 4}
    assert "e" not in out


def test_no_cap_keeps_every_excellent():
    out = _outcomes([("a", 95), ("b", 94), ("c", 93)])
    assert all(o.rating == EXCELLENT for o in out.values())


def test_cap_demotes_those_beyond_it_by_rank_with_a_note():
    # 10 cadres, 20%: at most 2 优秀; four reach the band.
    scores = [("a", 99), ("b", 97), ("c", 95), ("d", 91)] + [(f"x{i}", 80) for i in range(6)]
    out = _outcomes(scores, cap=20)
    assert [out[k].rating for k in "abcd"] == [EXCELLENT, EXCELLENT, COMPETENT, COMPETENT]
    assert out["c"].capped and out["d"].capped and not out["a"].capped
    assert "排名第 3 名" in out["c"].notes[0] and "按称职确定" in out["c"].notes[0]
    assert "至多 2 人" in out["c"].notes[0]
    assert not out["x0"].notes


def test_cap_rounds_down():
    out = _outcomes([("a", 95), ("b", 60), ("c", 60), ("d", 60)], cap=20)  # 4 × 20% = 0.8
    assert out["a"].rating == COMPETENT


def test_ties_at_the_boundary_all_drop_and_are_explained():
    # 10 cadres, 2 places; b and c tie for the 2nd place: admitting both would make 3.
    scores = [("a", 96), ("b", 93), ("c", 93)] + [(f"x{i}", 70) for i in range(7)]
    out = _outcomes(scores, cap=20)
    assert out["a"].rating == EXCELLENT
    assert out["b"].rating == out["c"].rating == COMPETENT
    assert "并列第 2 名" in out["b"].notes[0]
    assert "与另外 1 人" in out["b"].notes[0]
    assert "组织部研究决定" in out["b"].notes[0]


def test_ties_within_the_cap_are_all_kept():
    scores = [("a", 93), ("b", 93)] + [(f"x{i}", 70) for i in range(8)]
    out = _outcomes(scores, cap=20)
    assert out["a"].rating == out["b"].rating == EXCELLENT


def test_the_cap_touches_only_excellent():
    scores = [("a", 95), ("b", 92)] + [(f"x{i}", 50) for i in range(3)]
    out = _outcomes(scores, cap=20)  # 5 × 20% = 1
    assert out["b"].rating == COMPETENT
    assert all(out[f"x{i}"].rating == INCOMPETENT for i in range(3))
