"""Editing a project or a milestone: Chinese errors for bad input, a stale edit refused, the
progress log linked only to the cadre's own entries, every change audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guazhi.audit.models import AuditRecord
from guazhi.projects import actions
from guazhi.projects.models import Milestone, Project
from guazhi.roster.models import StaleEdit


def _project_form(project, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "name": project.name,
        "investment": str(project.investment),
        "target": project.target,
        "target_date": project.target_date.isoformat() if project.target_date else "",
        "description": project.description,
        "version": project.version,
    }
    return {**data, **overrides}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("investment", "message"),
    [
        ("-5", "总投资不能为负数。"),
        ("五亿", "总投资请填写数字（单位：万元）。"),
        ("1.234", "总投资最多保留两位小数。"),
        ("", "此项为必填项。"),
    ],
)
def test_bad_investment_gets_a_chinese_error(
    project_a, cadre_user, client_for, investment, message
) -> None:
    url = reverse("projects:project_edit", args=[project_a.pk])
    response = client_for(cadre_user).post(url, _project_form(project_a, investment=investment))
    assert response.status_code == 200
    assert message in response.content.decode()
    project_a.refresh_from_db()
    assert project_a.version == 1


@pytest.mark.django_db
def test_edit_saves_changed_fields_and_audits(project_a, cadre_user, client_for) -> None:
    url = reverse("projects:project_edit", args=[project_a.pk])
    response = client_for(cadre_user).post(url, _project_form(project_a, investment="560000"))
    assert response.status_code == 302
    project_a.refresh_from_db()
    assert project_a.version == 2
    record = AuditRecord.objects.filter(object_type="projects.project", event="edit").get()
    assert record.after == {"investment": "560000"}


@pytest.mark.django_db
def test_a_stale_project_edit_is_refused(project_a, cadre_user, client_for) -> None:
    actions.update_project(
        actor=cadre_user, project=project_a, version=1, values={"target": "明年一季度开工"}
    )
    url = reverse("projects:project_edit", args=[project_a.pk])
    response = client_for(cadre_user).post(url, _project_form(project_a, version=1, name="改名"))
    assert "已被他人修改" in response.content.decode()
    assert Project.objects.get(pk=project_a.pk).name == project_a.name


@pytest.mark.django_db
def test_milestone_done_needs_its_date_not_in_the_future(project_a, cadre_user, client_for) -> None:
    milestone = project_a.milestones.first()
    url = reverse("projects:milestone_edit", args=[milestone.pk])
    client = client_for(cadre_user)
    base = {"status": "done", "planned_date": "", "note": "", "version": 1}
    response = client.post(url, {**base, "done_date": ""})
    assert "状态为“已完成”时，请填写实际完成日期。" in response.content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url, {**base, "done_date": tomorrow.isoformat()})
    assert "实际完成日期不能晚于今天。" in response.content.decode()
    response = client.post(url, {**base, "status": "in_progress", "done_date": "2026-05-01"})
    assert "只有“已完成”的节点才填写实际完成日期。" in response.content.decode()
    response = client.post(url, {**base, "done_date": timezone.localdate().isoformat()})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "done"
    assert AuditRecord.objects.filter(object_type="projects.milestone").count() == 1


@pytest.mark.django_db
def test_a_stale_milestone_edit_is_refused(project_a, cadre_user) -> None:
    milestone = project_a.milestones.first()
    actions.update_milestone(
        actor=cadre_user, milestone=milestone, version=1, values={"status": "in_progress"}
    )
    with pytest.raises(StaleEdit):
        actions.update_milestone(
            actor=cadre_user,
            milestone=Milestone.objects.get(pk=milestone.pk),
            version=1,
            values={"status": "blocked"},
        )
    assert Milestone.objects.get(pk=milestone.pk).status == "in_progress"


@pytest.mark.django_db
def test_progress_log_links_only_own_entries(
    project_a, cadre_user, entry_a, entry_b, client_for
) -> None:
    url = reverse("projects:update_add", args=[project_a.pk])
    client = client_for(cadre_user)
    today = timezone.localdate().isoformat()
    response = client.post(url, {"date": today, "text": "用地预审已报省厅", "entry": entry_b.pk})
    assert response.status_code == 302
    assert project_a.updates.count() == 0
    response = client.post(url, {"date": today, "text": "用地预审已报省厅", "entry": entry_a.pk})
    assert project_a.updates.get().entry == entry_a
    page = client.get(project_a.get_absolute_url()).content.decode()
    assert "用地预审已报省厅" in page
    assert entry_a.title in page


@pytest.mark.django_db
def test_the_host_liaison_reads_but_cannot_edit(project_a, host_liaison, client_for) -> None:
    page = client_for(host_liaison).get(project_a.get_absolute_url()).content.decode()
    assert project_a.name in page
    assert 'data-testid="edit"' not in page
    assert "记录进展" not in page


@pytest.mark.django_db
def test_the_cadre_adds_a_milestone_after_the_last(project_a, cadre_user, client_for) -> None:
    url = reverse("projects:milestone_add", args=[project_a.pk])
    client = client_for(cadre_user)
    client.post(url, {"name": "竣工验收", "planned_date": "2027-06-30"})
    last = project_a.milestones.order_by("sort_order").last()
    assert (last.name, last.sort_order, str(last.planned_date)) == ("竣工验收", 8, "2027-06-30")
    response = client.post(url, {"name": "竣工验收"}, follow=True)
    assert "本项目已有“竣工验收”节点。" in response.content.decode()
    response = client.post(url, {"name": ""}, follow=True)
    assert "节点名称：此项为必填项。" in response.content.decode()
    assert project_a.milestones.count() == 8
