"""Results and their publication: the host score combined with the democratic evaluation (a
fake summary here; the real one's shape is checked too), the cap applied across the period,
the result frozen at publication, and who sees it when."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from guazhi.assessment import actions, evaluation_link, results
from guazhi.assessment.models import Assessment, PeriodStatus
from guazhi.audit.models import AuditRecord
from tests.assessment.assessment_helpers import extra_cadres, make_period, make_scheme, score_all

pytestmark = pytest.mark.django_db


def fake_summary(score: str, ballots: int = 12) -> evaluation_link.Summary:
    shares = {
        "优秀": Decimal("50"),
        "称职": Decimal("50"),
        "基本称职": Decimal(0),
        "不称职": Decimal(0),
    }
    return evaluation_link.Summary(
        Decimal(score),
        (
            evaluation_link.GroupSummary("领导班子", Decimal(40), 5, shares),
            evaluation_link.GroupSummary("干部职工", Decimal(60), ballots - 5, shares),
        ),
    )


@pytest.fixture
def evaluations(monkeypatch):
    """cadre name → evaluation score; cadres not listed have no evaluation result."""
    scores: dict[str, str] = {}

    def summary_for(*, secondment, period):
        score = scores.get(secondment.cadre.name)
        return fake_summary(score) if score else None

    monkeypatch.setattr(evaluation_link, "summary_for", summary_for)
    return scores


@pytest.fixture
def period(cohort, cadre_a, cadre_b):
    scheme = make_scheme(cohort)
    return make_period(scheme, [cadre_a.secondments.get(), cadre_b.secondments.get()])


def _form(period, cadre) -> Assessment:  # type: ignore[no-untyped-def]
    return period.assessments.get(secondment__cadre=cadre)


def test_combined_score_and_rating(period, cadre_a, cadre_b, programme_admin, evaluations):
    evaluations["张建国"] = "80"
    score_all(_form(period, cadre_a), programme_admin, 95)
    score_all(_form(period, cadre_b), programme_admin, 92)
    rows = results.compute(period)
    a, b = rows[_form(period, cadre_a).pk], rows[_form(period, cadre_b).pk]
    assert a.final_score == Decimal("90.50")  # 95 × 70% + 80 × 30%
    assert a.rating == "优秀" and a.rank == 2 and not a.notes
    # No evaluation for 李秀英: the host score alone, said in the note.
    assert b.final_score == Decimal("92.00") and b.rank == 1
    assert "按接收单位评分计算" in b.notes[0]


def test_publication_needs_every_form_scored(period, cadre_a, programme_admin, client_for):
    score_all(_form(period, cadre_a), programme_admin, 90)
    client = client_for(programme_admin)
    response = client.post(
        reverse("assessment:period_publish", args=[period.pk]), {"version": period.version}
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
    page = client.get(period.get_absolute_url()).content.decode()
    assert "还有 1 人未完成接收单位评分" in page


def test_publication_freezes_ranks_ratings_and_the_cap(
    cohort, units, cadre_a, programme_admin, evaluations
):
    scheme = make_scheme(cohort, excellent_cap=20)
    others = extra_cadres(cohort, units["town_a"], units["dept_a"], 9)
    period = make_period(scheme, [cadre_a.secondments.get(), *others])
    forms = {a.secondment.cadre.name: a for a in period.assessments.all()}
    # 10 cadres, at most 2 优秀: 96 stays, 93 and 93 tie for the 2nd place and both drop.
    score_all(forms["张建国"], programme_admin, 96)
    score_all(forms["测试干部1"], programme_admin, 93)
    score_all(forms["测试干部2"], programme_admin, 93)
    for i in range(3, 10):
        score_all(forms[f"测试干部{i}"], programme_admin, 70 + i)
    actions.publish_period(actor=programme_admin, period=period, version=period.version)
    period.refresh_from_db()
    assert period.is_published and period.published_by == programme_admin
    frozen = {a.secondment.cadre.name: a for a in period.assessments.all()}
    assert frozen["张建国"].rating == "优秀" and frozen["张建国"].rank == 1
    assert frozen["测试干部1"].rating == frozen["测试干部2"].rating == "称职"
    assert frozen["测试干部1"].rank == frozen["测试干部2"].rank == 2
    assert "并列第 2 名" in frozen["测试干部1"].result_note
    assert frozen["测试干部9"].rank == 4
    record = AuditRecord.objects.get(object_type="assessment.period", event="status_change")
    assert record.detail == "公布考核结果：优秀 1 人，称职 7 人，基本称职 2 人，不称职 0 人"
    # A later change of the evaluation does not move a published result.
    evaluations["张建国"] = "10"
    row = results.result_for(frozen["张建国"])
    assert row.final_score == Decimal("96.00") and row.rating == "优秀"


def test_evaluation_is_frozen_with_the_result(
    period, cadre_a, cadre_b, programme_admin, evaluations
):
    evaluations["张建国"] = "80"
    score_all(_form(period, cadre_a), programme_admin, 95)
    score_all(_form(period, cadre_b), programme_admin, 92)
    actions.publish_period(actor=programme_admin, period=period, version=period.version)
    evaluations.clear()
    a = _form(period, cadre_a)
    assert a.evaluation_score == Decimal("80.00")
    row = results.result_for(a)
    assert row.evaluation is not None and row.evaluation.groups[0].name == "领导班子"


def _published(period, cadre_a, cadre_b, admin):  # type: ignore[no-untyped-def]
    score_all(_form(period, cadre_a), admin, 91)
    score_all(_form(period, cadre_b), admin, 80)
    actions.publish_period(actor=admin, period=period, version=period.version)


def test_who_sees_the_result_before_and_after_publication(
    client_for, period, cadre_a, cadre_b, programme_admin, host_liaison, home_liaison,
    cadre_user, other_cadre_user,
):  # fmt: skip
    form = _form(period, cadre_a)
    score_all(form, host_liaison, 91)
    before = {
        user: client_for(user).get(form.get_absolute_url()).content.decode()
        for user in (programme_admin, host_liaison, home_liaison, cadre_user)
    }
    assert 'data-testid="rating">优秀' in before[programme_admin]
    assert 'data-testid="rating">优秀' in before[host_liaison]
    assert "优秀" not in before[cadre_user] and "91.00" not in before[cadre_user]
    assert "优秀" not in before[home_liaison] and "91.00" not in before[home_liaison]
    assert "考核结果由组织部公布后在此显示" in before[cadre_user]
    # The appraisal form (with the rating) is not downloadable for them either.
    docx = reverse("assessment:appraisal_docx", args=[form.pk])
    assert client_for(cadre_user).get(docx).status_code == 404
    assert client_for(home_liaison).get(docx).status_code == 404
    # The home liaison's period page has no scores before publication.
    period_page = client_for(home_liaison).get(period.get_absolute_url()).content.decode()
    assert "91.00" not in period_page

    score_all(_form(period, cadre_b), programme_admin, 80)
    actions.publish_period(actor=programme_admin, period=period, version=period.version)
    for user in (cadre_user, home_liaison, host_liaison):
        page = client_for(user).get(form.get_absolute_url()).content.decode()
        assert 'data-testid="rating">优秀' in page
        assert client_for(user).get(docx).status_code == 200
    mine = client_for(cadre_user).get(reverse("assessment:index")).content.decode()
    assert 'data-testid="rating">优秀' in mine
    # Another cadre never sees it; a liaison sees only their own units' cadres in the list.
    assert client_for(other_cadre_user).get(form.get_absolute_url()).status_code == 404
    host_page = client_for(host_liaison).get(period.get_absolute_url()).content.decode()
    assert "张建国" in host_page and "李秀英" not in host_page
    home_page = client_for(home_liaison).get(period.get_absolute_url()).content.decode()
    assert "张建国" in home_page and "91.00" in home_page and "李秀英" not in home_page


def test_admin_sees_a_preview_and_the_explanation_without_evaluation(
    client_for, period, cadre_a, programme_admin
):
    score_all(_form(period, cadre_a), programme_admin, 88)
    page = client_for(programme_admin).get(period.get_absolute_url()).content.decode()
    assert "以下为按当前评分计算的预览" in page
    assert "没有民主测评结果" in page
    assert "按接收单位评分计算" in page


def test_the_real_evaluation_summary_is_read():
    from guazhi.evaluation.results import EvaluationSummary, GroupSummary

    group = GroupSummary(
        name="干部职工",
        weight=Decimal("100.00"),
        ballots=8,
        excellent=Decimal("62.50"),
        competent=Decimal("37.50"),
        basic=Decimal("0.00"),
        incompetent=Decimal("0.00"),
        score=Decimal("92.50"),
    )
    summary = EvaluationSummary(
        round_id=1,
        round_title="2026年度民主测评",
        ballots=8,
        groups=(group,),
        excluded=(),
        excellent=Decimal("62.50"),
        competent=Decimal("37.50"),
        basic=Decimal("0.00"),
        incompetent=Decimal("0.00"),
        score=Decimal("92.50"),
    )
    adapted = evaluation_link.adapt(summary)
    assert adapted is not None
    assert adapted.score == Decimal("92.50") and adapted.ballots == 8
    assert adapted.groups[0].shares["优秀"] == Decimal("62.50")
    assert (
        adapted.lines()[0]
        == "干部职工（8 票，权重 100%）：优秀 62.5%，称职 37.5%，基本称职 0%，不称职 0%"
    )
    assert evaluation_link.Summary.from_json(adapted.as_json()) == adapted
