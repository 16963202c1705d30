"""Creating a project copies its template's steps into milestones; the template can change
later without touching projects already registered."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord
from guazhi.projects import actions
from guazhi.projects.models import MilestoneStatus, MilestoneTemplate, Project

DEFAULT_STEPS = ["立项", "用地预审", "环评", "能评", "规划许可", "施工许可", "开工"]


@pytest.mark.django_db
def test_default_template_is_seeded() -> None:
    template = MilestoneTemplate.objects.get(is_default=True)
    assert list(template.steps.values_list("name", flat=True)) == DEFAULT_STEPS


@pytest.mark.django_db
def test_the_form_copies_the_chosen_template(cadre_user, client_for) -> None:
    template = MilestoneTemplate.objects.get(is_default=True)
    response = client_for(cadre_user).post(
        reverse("projects:project_create"),
        {
            "name": "盐穴压缩空气储能电站项目",
            "investment": "550000",
            "target": "年底前开工",
            "target_date": "2026-12-31",
            "template": template.pk,
            "description": "总投资 55 亿元。",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.investment == Decimal("550000")
    milestones = list(project.milestones.all())
    assert [m.name for m in milestones] == DEFAULT_STEPS
    assert {m.status for m in milestones} == {MilestoneStatus.NOT_STARTED}
    record = AuditRecord.objects.filter(object_type="projects.project").get()
    assert record.user_id == cadre_user.pk
    assert "立项" in record.after["手续节点"]


@pytest.mark.django_db
def test_no_template_means_no_milestones(cadre_user, cadre_a) -> None:
    project = actions.create_project(
        actor=cadre_user,
        secondment=cadre_a.secondments.get(),
        values={"name": "农村公路提质改造", "investment": Decimal("1200")},
        template=None,
    )
    assert project.milestones.count() == 0


@pytest.mark.django_db
def test_editing_a_template_leaves_existing_projects_alone(project_a, programme_admin) -> None:
    template = project_a.template
    actions.save_template(
        actor=programme_admin,
        template=template,
        name=template.name,
        steps=["立项", "开工"],
        is_default=True,
        version=template.version,
    )
    assert list(template.steps.values_list("name", flat=True)) == ["立项", "开工"]
    assert project_a.milestones.count() == len(DEFAULT_STEPS)


@pytest.mark.django_db
def test_admin_creates_a_template_and_makes_it_the_default(programme_admin, client_for) -> None:
    response = client_for(programme_admin).post(
        reverse("projects:template_create"),
        {"name": "光伏项目", "steps": "备案\n\n接入系统批复\n开工\n备案", "is_default": "on"},
    )
    assert response.status_code == 302
    new = MilestoneTemplate.objects.get(name="光伏项目")
    assert list(new.steps.values_list("name", flat=True)) == ["备案", "接入系统批复", "开工"]
    assert list(MilestoneTemplate.objects.filter(is_default=True)) == [new]


@pytest.mark.django_db
def test_a_template_needs_steps_and_a_unique_name(programme_admin, client_for) -> None:
    client = client_for(programme_admin)
    response = client.post(reverse("projects:template_create"), {"name": "空模板", "steps": " \n "})
    assert "此项为必填项。" in response.content.decode()
    long_step = "很" * 31
    response = client.post(reverse("projects:template_create"), {"name": "长", "steps": long_step})
    assert "节点名称不能超过 30 个字" in response.content.decode()
    taken = MilestoneTemplate.objects.first().name
    response = client.post(reverse("projects:template_create"), {"name": taken, "steps": "立项"})
    assert "已有同名模板，请换一个名称。" in response.content.decode()
