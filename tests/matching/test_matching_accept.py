"""Accepting a match creates the key project (with its milestones) or the problem-list item
for a cadre on post there, marks the need 已对接 and audits it all; declining needs a reason;
stale forms and the wrong people are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from guazhi.audit.models import AuditRecord
from guazhi.contacts.models import Problem
from guazhi.matching import actions
from guazhi.matching.actions import MatchingPermissionError
from guazhi.matching.models import Match, MatchStatus, Need, NeedStatus
from guazhi.projects.models import MilestoneTemplate, Project
from guazhi.roster.models import StaleEdit
from tests.conftest import login
from tests.matching.matching_helpers import make_need, make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def funding_match(units, host_liaison, home_liaison, cadre_a):
    need = make_need(
        host_liaison,
        units["village_a"],
        kind="funding",
        title="石桥村集体经济光伏项目缺少启动资金",
        description="村集体计划建设屋顶分布式光伏电站，尚缺资金约 80 万元。",
        amount=Decimal("80"),
    )
    resource = make_resource(
        home_liaison,
        units["dept_a"],
        kind="funding",
        title="村级集体经济发展扶持资金",
        description="支持村集体发展光伏等增收项目，每村最高 100 万元。",
    )
    return actions.propose_match(actor=home_liaison, need=need, resource=resource, score=0.9)


def test_accepting_a_funding_match_creates_the_cadres_project(
    funding_match, host_liaison, cadre_a, cadre_user
) -> None:
    template = MilestoneTemplate.objects.filter(is_default=True).first()
    secondment = cadre_a.secondments.get()
    client = login(host_liaison)
    page = client.get(f"/matching/matches/{funding_match.pk}/accept/")
    assert page.status_code == 200 and "张建国" in page.content.decode()
    response = client.post(
        f"/matching/matches/{funding_match.pk}/accept/",
        {
            "version": funding_match.version,
            "secondment": secondment.pk,
            "name": "石桥村屋顶光伏电站",
            "investment": "150",
            "target": "年内并网",
            "target_date": "",
        },
    )
    assert response.status_code == 302
    match = Match.objects.get(pk=funding_match.pk)
    assert match.status == MatchStatus.ACCEPTED and match.decided_by == host_liaison
    project = Project.objects.get(pk=match.project_id)
    assert project.secondment == secondment and project.name == "石桥村屋顶光伏电站"
    assert project.investment == Decimal("150") and project.created_by == host_liaison
    assert "项目资源对接" in project.description
    if template is not None:
        assert project.milestones.count() == template.steps.count() > 0
    assert project.updates.get().text.startswith("经项目资源对接")
    assert project.is_editable_by(cadre_user)  # the cadre pushes it from now on
    assert Need.objects.get(pk=match.need_id).status == NeedStatus.MATCHED
    details = set(
        AuditRecord.objects.filter(detail__startswith="项目资源对接达成").values_list(
            "object_type", flat=True
        )
    )
    assert {"matching.match", "projects.project", "projects.projectupdate"} <= details
    trail = client.get(match.get_absolute_url()).content.decode()
    assert "石桥村屋顶光伏电站" in trail and "经项目资源对接" in trail


def test_accepting_a_market_match_creates_a_problem_list_item(
    units, host_liaison, home_liaison, cadre_a
) -> None:
    need = make_need(host_liaison, units["town_a"])
    resource = make_resource(home_liaison, units["dept_a"])
    match = actions.propose_match(actor=host_liaison, need=need, resource=resource)
    actions.accept_match(
        actor=home_liaison,  # the other side accepts: fine either way
        match=match,
        version=match.version,
        secondment=cadre_a.secondments.get(),
        values={"owner": "市商务局市场体系建设科", "action_taken": "组织产销对接会"},
    )
    match.refresh_from_db()
    problem = Problem.objects.get(pk=match.problem_id)
    assert problem.status == "in_progress" and problem.owner == "市商务局市场体系建设科"
    assert problem.secondment.cadre == cadre_a and problem.created_by == home_liaison
    assert problem.deadline > problem.found_date
    assert AuditRecord.objects.filter(object_type="contacts.problem", detail__contains="对接达成")


def test_a_stale_form_is_refused_and_nothing_is_created(
    funding_match, host_liaison, cadre_a
) -> None:
    with pytest.raises(StaleEdit):
        actions.accept_match(
            actor=host_liaison,
            match=funding_match,
            version=funding_match.version + 1,
            secondment=cadre_a.secondments.get(),
            values={},
        )
    assert not Project.objects.exists()
    assert Match.objects.get(pk=funding_match.pk).status == MatchStatus.PROPOSED


def test_only_a_cadre_on_post_in_the_needs_area_can_push_it(
    funding_match, programme_admin, cadre_b
) -> None:
    # 李秀英 is posted to 东关街道 (and still 待报到): not the village's area.
    with pytest.raises(ValidationError) as e:
        actions.accept_match(
            actor=programme_admin,
            match=funding_match,
            version=funding_match.version,
            secondment=cadre_b.secondments.get(),
            values={},
        )
    assert "在岗" in str(e.value)
    assert not Project.objects.exists()


def test_a_cadre_cannot_accept_and_an_accepted_match_cannot_be_declined(
    funding_match, cadre_user, host_liaison, cadre_a
) -> None:
    with pytest.raises(MatchingPermissionError):
        actions.accept_match(
            actor=cadre_user,
            match=funding_match,
            version=funding_match.version,
            secondment=cadre_a.secondments.get(),
            values={},
        )
    actions.accept_match(
        actor=host_liaison,
        match=funding_match,
        version=funding_match.version,
        secondment=cadre_a.secondments.get(),
        values={},
    )
    funding_match.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.decline_match(
            actor=host_liaison, match=funding_match, version=funding_match.version, reason="不需要"
        )


def test_declining_needs_a_reason_in_chinese_and_is_audited(funding_match, host_liaison) -> None:
    client = login(host_liaison)
    url = f"/matching/matches/{funding_match.pk}/decline/"
    response = client.post(url, {"version": funding_match.version, "reason": ""}, follow=True)
    assert "请填写婉拒原因" in response.content.decode()
    client.post(url, {"version": funding_match.version, "reason": "已由省级资金解决"})
    match = Match.objects.get(pk=funding_match.pk)
    assert match.status == MatchStatus.DECLINED and match.decline_reason == "已由省级资金解决"
    assert AuditRecord.objects.filter(object_type="matching.match", detail="婉拒项目资源对接")


def test_proposing_from_the_suggestions_records_score_and_reasons(
    units, host_liaison, home_liaison
) -> None:
    need = make_need(host_liaison, units["town_a"])
    resource = make_resource(home_liaison, units["dept_a"])
    client = login(host_liaison)
    page = client.get(need.get_absolute_url()).content.decode()
    assert resource.title in page and "<mark>茶叶</mark>" in page and "同类" in page
    response = client.post(
        f"/matching/needs/{need.pk}/propose/", {"other": resource.pk, "note": "请商务局支持"}
    )
    match = Match.objects.get()
    assert response.status_code == 302 and response["Location"] == match.get_absolute_url()
    assert match.score > 0.3 and "茶叶" in match.reasons["words"] and match.reasons["same_kind"]
    again = client.post(f"/matching/needs/{need.pk}/propose/", {"other": resource.pk}, follow=True)
    assert Match.objects.count() == 1
    assert "已经发起过对接" in again.content.decode() or "对接" in again.content.decode()
