"""One cadre's form: the self-assessment, the host's scoring with evidence, the home unit's
comments; stale forms, evidence from outside the cadre's ledger, audit records, and nothing
changes once the period is published."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guazhi.assessment import actions
from guazhi.assessment.models import IndicatorScore, PeriodStatus, ScoreSource
from guazhi.audit.models import AuditRecord
from guazhi.roster.models import StaleEdit
from tests.assessment.assessment_helpers import leaf_ids, make_period, make_scheme, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_a(cohort, cadre_a, cadre_b):
    scheme = make_scheme(cohort)
    period = make_period(scheme, [cadre_a.secondments.get(), cadre_b.secondments.get()])
    return period.assessments.get(secondment__cadre=cadre_a)


def test_cadre_writes_a_self_assessment_with_scores(client_for, cadre_user, form_a):
    leaves = leaf_ids(form_a.period.scheme)
    data = {"version": form_a.self_version, "text": "挂职以来走访企业 698 家。"}
    data |= {f"score_{pk}": "90" for pk in leaves}
    response = client_for(cadre_user).post(
        reverse("assessment:assessment_self", args=[form_a.pk]), data
    )
    assert response.status_code == 302
    form_a.refresh_from_db()
    assert form_a.self_text == "挂职以来走访企业 698 家。"
    assert form_a.self_score == Decimal("90.00")
    assert form_a.scores.filter(source=ScoreSource.SELF).count() == len(leaves)
    assert AuditRecord.objects.filter(
        object_type="assessment.assessment", detail="填写个人总结与自评"
    ).exists()


def test_self_assessment_needs_text_and_scores_in_range(client_for, cadre_user, form_a):
    leaf = leaf_ids(form_a.period.scheme)[0]
    response = client_for(cadre_user).post(
        reverse("assessment:assessment_self", args=[form_a.pk]),
        {"version": form_a.self_version, "text": "", f"score_{leaf}": "120"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "请填写此项。" in text
    assert "分数不能大于 100。" in text


def test_host_scores_each_indicator_with_evidence(
    client_for, host_liaison, form_a, cadre_user, make_entry, make_writing
):
    secondment = form_a.secondment
    entry = make_entry(secondment, cadre_user, title="走访园区企业")
    writing = make_writing(secondment, cadre_user, title="挂职心得")
    leaves = leaf_ids(form_a.period.scheme)
    data = {"version": form_a.host_version, "comment": "该同志工作扎实。"}
    data |= {f"score_{pk}": "88" for pk in leaves}
    data[f"entries_{leaves[0]}"] = [str(entry.pk)]
    data[f"writings_{leaves[0]}"] = [str(writing.pk)]
    data[f"note_{leaves[0]}"] = "走访企业成效明显"
    client = client_for(host_liaison)
    page = client.get(reverse("assessment:assessment_score", args=[form_a.pk])).content.decode()
    assert "走访园区企业" in page and "挂职心得" in page  # offered as evidence
    response = client.post(reverse("assessment:assessment_score", args=[form_a.pk]), data)
    assert response.status_code == 302
    form_a.refresh_from_db()
    assert form_a.host_score == Decimal("88.00")
    assert form_a.host_scored_by == host_liaison
    first = IndicatorScore.objects.get(
        assessment=form_a, indicator_id=leaves[0], source=ScoreSource.HOST
    )
    assert list(first.entries.all()) == [entry] and list(first.writings.all()) == [writing]
    assert first.comment == "走访企业成效明显"
    detail = client.get(form_a.get_absolute_url()).content.decode()
    assert "走访园区企业" in detail and entry.get_absolute_url() in detail
    record = AuditRecord.objects.filter(detail="接收单位考核评分").get()
    assert record.after["接收单位评分"] == "88.00"


def test_partial_scoring_saves_without_a_total(host_liaison, form_a):
    leaf = leaf_ids(form_a.period.scheme)[0]
    saved = actions.save_host_scoring(
        actor=host_liaison,
        assessment=form_a,
        version=form_a.host_version,
        comment="",
        items={leaf: actions.HostItem(Decimal(80))},
    )
    assert saved.host_score is None
    assert saved.scores.count() == 1


def test_evidence_from_another_cadre_is_refused(
    host_liaison, form_a, other_cadre_user, cadre_b, make_entry
):
    foreign = make_entry(cadre_b.secondments.get(), other_cadre_user)
    leaf = leaf_ids(form_a.period.scheme)[0]
    with pytest.raises(ValidationError) as e:
        actions.save_host_scoring(
            actor=host_liaison,
            assessment=form_a,
            version=form_a.host_version,
            comment="",
            items={leaf: actions.HostItem(Decimal(80), entry_ids=[foreign.pk])},
        )
    assert "不属于该干部" in str(e.value)


def test_draft_writings_are_not_evidence(host_liaison, form_a, cadre_user, make_writing):
    draft = make_writing(form_a.secondment, cadre_user, status="draft", title="草稿")
    leaf = leaf_ids(form_a.period.scheme)[0]
    with pytest.raises(ValidationError):
        actions.save_host_scoring(
            actor=host_liaison,
            assessment=form_a,
            version=form_a.host_version,
            comment="",
            items={leaf: actions.HostItem(Decimal(80), writing_ids=[draft.pk])},
        )


def test_a_stale_scoring_form_is_refused_and_the_cadre_does_not_make_it_stale(
    client_for, host_liaison, cadre_user, form_a
):
    opened_at = form_a.host_version
    score_all(form_a, host_liaison, 80)
    # The cadre saving a self-assessment meanwhile does not touch the host's version...
    actions.save_self_assessment(
        actor=cadre_user, assessment=form_a, version=form_a.self_version, text="总结", scores={}
    )
    # ...but a second scoring form opened before the first save is stale.
    leaves = leaf_ids(form_a.period.scheme)
    data = {"version": opened_at, "comment": "晚到的评分"} | {f"score_{pk}": "60" for pk in leaves}
    response = client_for(host_liaison).post(
        reverse("assessment:assessment_score", args=[form_a.pk]), data
    )
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    form_a.refresh_from_db()
    assert form_a.host_score == Decimal("80.00")


def test_home_liaison_comments(client_for, home_liaison, form_a):
    response = client_for(home_liaison).post(
        reverse("assessment:assessment_home", args=[form_a.pk]),
        {"version": form_a.home_version, "comment": "同意接收单位意见。"},
    )
    assert response.status_code == 302
    form_a.refresh_from_db()
    assert form_a.home_comment == "同意接收单位意见。"
    assert form_a.home_commented_by == home_liaison
    with pytest.raises(StaleEdit):
        actions.save_home_comment(actor=home_liaison, assessment=form_a, version=1, comment="x")


def test_only_the_right_people_act(
    host_liaison, home_liaison, cadre_user, other_cadre_user, form_a
):
    with pytest.raises(actions.AssessmentPermissionError):
        actions.save_self_assessment(
            actor=other_cadre_user, assessment=form_a, version=1, text="x", scores={}
        )
    with pytest.raises(actions.AssessmentPermissionError):
        actions.save_host_scoring(
            actor=home_liaison, assessment=form_a, version=1, comment="", items={}
        )
    with pytest.raises(actions.AssessmentPermissionError):
        actions.save_home_comment(actor=host_liaison, assessment=form_a, version=1, comment="x")


def test_nothing_changes_after_publication(host_liaison, cadre_user, form_a):
    form_a.period.status = PeriodStatus.PUBLISHED
    form_a.period.save()
    with pytest.raises(ValidationError) as e:
        actions.save_self_assessment(
            actor=cadre_user, assessment=form_a, version=1, text="改", scores={}
        )
    assert "已公布" in str(e.value)
    assert not form_a.may_score(host_liaison)


def test_grades_scale_maps_steps_to_points(client_for, host_liaison, form_a):
    scheme = form_a.period.scheme
    scheme.scale = "grades"
    scheme.save()
    leaves = leaf_ids(scheme)
    client = client_for(host_liaison)
    page = client.get(reverse("assessment:assessment_score", args=[form_a.pk])).content.decode()
    assert "较好（85 分）" in page
    data = {"version": form_a.host_version, "comment": ""} | {f"score_{pk}": "85" for pk in leaves}
    client.post(reverse("assessment:assessment_score", args=[form_a.pk]), data)
    form_a.refresh_from_db()
    assert form_a.host_score == Decimal("85.00")
