"""A milestone whose planned date has passed and which is not done is overdue, and stands out
(a red badge) in the project list and on the project page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guazhi.projects.models import Milestone, MilestoneStatus, Project


def _set(milestone: Milestone, **values) -> None:  # type: ignore[no-untyped-def]
    Milestone.objects.filter(pk=milestone.pk).update(**values)


@pytest.mark.django_db
def test_overdue_is_planned_date_passed_and_not_done(project_a) -> None:
    today = timezone.localdate()
    m = Milestone(name="环评", planned_date=today - timedelta(days=1))
    assert m.is_overdue()
    assert m.is_overdue(today=today - timedelta(days=1)) is False  # due today: not yet
    m.status = MilestoneStatus.BLOCKED
    assert m.is_overdue()
    m.status = MilestoneStatus.DONE
    assert not m.is_overdue()
    assert not Milestone(name="能评").is_overdue()  # no planned date


@pytest.mark.django_db
def test_overdue_count_and_queryset_agree(project_a) -> None:
    today = timezone.localdate()
    first, second, third = list(project_a.milestones.all())[:3]
    _set(first, planned_date=today - timedelta(days=10))
    _set(second, planned_date=today - timedelta(days=3), status="done", done_date=today)
    _set(third, planned_date=today)
    assert list(Milestone.objects.overdue()) == [first]
    annotated = Project.objects.with_overdue_count().get(pk=project_a.pk)
    assert annotated.overdue_count == 1


@pytest.mark.django_db
def test_overdue_stands_out_in_list_and_detail(project_a, host_liaison, client_for) -> None:
    milestone = project_a.milestones.get(name="环评")
    _set(milestone, planned_date=timezone.localdate() - timedelta(days=5))
    client = client_for(host_liaison)
    listing = client.get(reverse("projects:project_list")).content.decode()
    assert 'data-testid="project-overdue">1 个逾期' in listing
    detail = client.get(project_a.get_absolute_url()).content.decode()
    assert "1 个节点逾期" in detail
    assert "逾期 5 天" in detail


@pytest.mark.django_db
def test_list_filters_projects_with_overdue_milestones(
    project_a, cadre_user, cadre_a, client_for, make_project
) -> None:
    calm = make_project(cadre_a.secondments.get(), cadre_user, name="工业园区扩区项目")
    _set(project_a.milestones.first(), planned_date=timezone.localdate() - timedelta(days=1))
    page = client_for(cadre_user).get(reverse("projects:project_list"), {"overdue": "on"})
    names = [p.name for p in page.context["page"]]
    assert names == [project_a.name]
    assert calm.name not in names
