"""Results: only after the round closes, only for rater groups at the ballot floor, per-group
percentages, weights, the overall score; a closed round stays closed; `summary_for`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from evaluation_helpers import close, codes_of, open_round, vote

from guazhi.evaluation import actions
from guazhi.evaluation.results import round_results, summary_for


def _round(liaison, cadre, groups, **kwargs):  # type: ignore[no-untyped-def]
    return open_round(liaison, [cadre.secondments.get()], groups, **kwargs)


def _cast(round_, group: str, ratings: list[str]) -> None:  # type: ignore[no-untyped-def]
    for code, rating in zip(codes_of(round_, group), ratings, strict=False):
        vote(round_, code, rating)


def test_the_five_ballot_floor(host_liaison, cadre_a) -> None:
    four = _round(host_liaison, cadre_a, (("干部职工", 10, None),))
    _cast(four, "干部职工", ["excellent"] * 4)
    close(four, host_liaison)
    secondment = cadre_a.secondments.get()
    assert round_results(four)[secondment.pk] is None
    assert summary_for(secondment=secondment, period=None) is None

    five = _round(host_liaison, cadre_a, (("干部职工", 10, None),))
    _cast(five, "干部职工", ["excellent"] * 4 + ["competent"])
    close(five, host_liaison)
    summary = summary_for(secondment=secondment, period=None)
    assert summary is not None and summary.round_id == five.pk
    assert summary.ballots == 5
    assert summary.excellent == Decimal("80.00") and summary.competent == Decimal("20.00")
    assert summary.score == Decimal("96.00")  # (4 × 100 + 80) / 5


def test_the_floor_cannot_go_below_the_settings_floor(settings, host_liaison, cadre_a) -> None:
    with pytest.raises(ValidationError, match="不能低于 5 票"):
        _round(host_liaison, cadre_a, (("干部职工", 10, None),), min_ballots=3)
    settings.GUAZHI_EVALUATION_MIN_BALLOTS_FLOOR = 3
    round_ = _round(host_liaison, cadre_a, (("干部职工", 10, None),), min_ballots=3)
    _cast(round_, "干部职工", ["basic"] * 3)
    close(round_, host_liaison)
    assert summary_for(secondment=cadre_a.secondments.get(), period=None).ballots == 3
    # Raising the floor later hides what a lower floor would have shown.
    settings.GUAZHI_EVALUATION_MIN_BALLOTS_FLOOR = 5
    assert summary_for(secondment=cadre_a.secondments.get(), period=None) is None


def test_weights_per_group(host_liaison, cadre_a) -> None:
    round_ = _round(host_liaison, cadre_a, (("领导班子", 5, 60), ("服务对象", 8, 40)))
    _cast(round_, "领导班子", ["excellent"] * 5)
    _cast(round_, "服务对象", ["competent"] * 5)
    close(round_, host_liaison)
    summary = round_results(round_)[cadre_a.secondments.get().pk]
    leaders, served = summary.groups
    assert (leaders.name, leaders.weight, leaders.ballots, leaders.score) == (
        "领导班子",
        Decimal("60.00"),
        5,
        Decimal("100.00"),
    )
    assert served.percentages["称职"] == Decimal("100.00")
    assert summary.score == Decimal("92.00")  # 0.6 × 100 + 0.4 × 80
    assert summary.percentages == {
        "优秀": Decimal("60.00"),
        "称职": Decimal("40.00"),
        "基本称职": Decimal("0.00"),
        "不称职": Decimal("0.00"),
    }


def test_without_weights_ballots_are_pooled(host_liaison, cadre_a) -> None:
    round_ = _round(host_liaison, cadre_a, (("领导班子", 5, None), ("干部职工", 10, None)))
    _cast(round_, "领导班子", ["excellent"] * 5)
    _cast(round_, "干部职工", ["basic"] * 10)
    close(round_, host_liaison)
    summary = round_results(round_)[cadre_a.secondments.get().pk]
    assert [g.weight for g in summary.groups] == [Decimal("33.33"), Decimal("66.67")]
    assert summary.score == Decimal("73.33")  # (5 × 100 + 10 × 60) / 15


def test_a_group_below_the_floor_is_neither_shown_nor_counted(host_liaison, cadre_a) -> None:
    round_ = _round(host_liaison, cadre_a, (("干部职工", 8, 50), ("服务对象", 8, 50)))
    _cast(round_, "干部职工", ["excellent"] * 5)
    _cast(round_, "服务对象", ["incompetent"] * 2)
    close(round_, host_liaison)
    summary = round_results(round_)[cadre_a.secondments.get().pk]
    assert [g.name for g in summary.groups] == ["干部职工"]
    assert summary.excluded == (("服务对象", 2),)
    assert summary.score == Decimal("100.00")
    assert summary.groups[0].weight == Decimal("100.00")


def test_weights_are_all_or_none_and_sum_to_100(host_liaison, cadre_a) -> None:
    with pytest.raises(ValidationError, match="要么每一类都填写"):
        _round(host_liaison, cadre_a, (("领导班子", 5, 60), ("干部职工", 8, None)))
    with pytest.raises(ValidationError, match="之和应为 100%"):
        _round(host_liaison, cadre_a, (("领导班子", 5, 60), ("干部职工", 8, 30)))


def test_results_are_hidden_until_the_round_closes(host_liaison, cadre_a, client_for) -> None:
    round_ = _round(host_liaison, cadre_a, (("干部职工", 8, None),))
    _cast(round_, "干部职工", ["excellent"] * 6)
    secondment = cadre_a.secondments.get()
    assert round_results(round_) == {}
    assert summary_for(secondment=secondment, period=None) is None
    client = client_for(host_liaison)
    response = client.get(reverse("evaluation:round_results", args=[round_.pk]))
    assert response.status_code == 302
    page = client.get(reverse("evaluation:round_detail", args=[round_.pk])).content.decode()
    assert "综合得分" not in page and "优秀" not in page
    close(round_, host_liaison)
    page = client.get(reverse("evaluation:round_results", args=[round_.pk])).content.decode()
    assert "综合得分" in page and "100.00" in page


def test_a_closed_round_stays_closed(host_liaison, cadre_a, client_for) -> None:
    round_ = _round(host_liaison, cadre_a, (("干部职工", 8, None),))
    closed = close(round_, host_liaison)
    with pytest.raises(actions.StaleRound):
        actions.close_round(actor=host_liaison, round_=closed, version=closed.version)
    with pytest.raises(actions.StaleRound):
        actions.add_codes(
            actor=host_liaison,
            round_=closed,
            group=closed.groups.get(),
            count=1,
            version=closed.version,
        )
    client = client_for(host_liaison)
    for name in ("round_close", "round_void", "round_add_codes"):
        assert client.post(reverse(f"evaluation:{name}", args=[round_.pk])).status_code == 404
    closed.refresh_from_db()
    assert closed.is_closed


def test_comments_come_sorted(host_liaison, cadre_a) -> None:
    round_ = _round(host_liaison, cadre_a, (("干部职工", 8, None),))
    for code, comment in zip(
        codes_of(round_), ["乙意见", "甲意见", "", "丙意见", ""], strict=False
    ):
        vote(round_, code, comment=comment)
    close(round_, host_liaison)
    summary = round_results(round_)[cadre_a.secondments.get().pk]
    assert summary.comments == tuple(sorted(["乙意见", "甲意见", "丙意见"]))


def test_summary_for_a_period(host_liaison, cadre_a, cohort) -> None:
    from tests.assessment.assessment_helpers import make_period, make_scheme

    secondment = cadre_a.secondments.get()
    period = make_period(make_scheme(cohort), [secondment])
    round_ = actions.open_round(
        actor=host_liaison,
        title="年度民主测评",
        secondments=[secondment],
        groups=[actions.GroupSpec("干部职工", 6)],
        min_ballots=5,
        period=period,
    )
    other = _round(host_liaison, cadre_a, (("干部职工", 6, None),))
    _cast(round_, "干部职工", ["competent"] * 5)
    _cast(other, "干部职工", ["excellent"] * 5)
    close(round_, host_liaison)
    close(other, host_liaison)
    assert summary_for(secondment=secondment, period=period).score == Decimal("80.00")
    assert summary_for(secondment=secondment, period=None).round_id == other.pk


def test_the_assessment_app_reads_the_summary(host_liaison, cadre_a, cohort) -> None:
    from guazhi.assessment.evaluation_link import summary_for as assessment_summary

    round_ = _round(host_liaison, cadre_a, (("领导班子", 5, 60), ("服务对象", 8, 40)))
    _cast(round_, "领导班子", ["excellent"] * 5)
    _cast(round_, "服务对象", ["competent"] * 5)
    close(round_, host_liaison)
    adapted = assessment_summary(secondment=cadre_a.secondments.get(), period=None)
    assert adapted.score == Decimal("92.00")
    assert [(g.name, g.ballots) for g in adapted.groups] == [("领导班子", 5), ("服务对象", 5)]
    assert adapted.groups[0].shares["优秀"] == Decimal("100.00")
