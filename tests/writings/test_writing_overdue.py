"""Requirements per cohort (the default set, the admin's changes) and what is due or overdue:
the cadre's 我的材料 and the admin's overdue table."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord
from guazhi.writings.models import WritingRequirement
from guazhi.writings.overdue import overdue_rows
from guazhi.writings.plan import default_requirements, ensure_plan


def test_default_set_follows_the_cohort_dates(cohort):
    items = default_requirements(cohort)  # 2026-03-01 … 2027-02-28
    titles = [title for _, title, _ in items]
    assert titles.count("挂职总结") == 1
    quarters = [(title, due) for kind, title, due in items if kind == "quarterly"]
    assert quarters == [
        ("第一季度小结", date(2026, 6, 10)),
        ("第二季度小结", date(2026, 9, 10)),
        ("第三季度小结", date(2026, 12, 10)),
        ("第四季度小结", date(2027, 3, 10)),
    ]
    assert ("term_summary", "挂职总结", date(2027, 2, 28)) in items
    assert {kind for kind, _, _ in items} == {"reflection", "speech", "quarterly", "term_summary"}


def test_plan_is_made_once_and_an_emptied_plan_stays_empty(cohort):
    ensure_plan(cohort)
    count = cohort.writing_requirements.count()
    ensure_plan(cohort)
    assert cohort.writing_requirements.count() == count
    cohort.writing_requirements.all().delete()
    ensure_plan(cohort)
    assert not cohort.writing_requirements.exists()


@pytest.fixture
def today():
    return date(
        2026, 7, 1
    )  # the first quarter's summary (due 6-10) and the first reflection are past due


def test_overdue_rows_and_summary(cohort, cadre_a, cadre_b, cadre_user, make_writing, today):
    ensure_plan(cohort)
    first_quarter = cohort.writing_requirements.get(title="第一季度小结")
    rows, summary = overdue_rows(cohort=cohort, today=today)
    # cadre_b is 待报到: owes nothing. cadre_a owes the first reflection and the quarter.
    assert {(r.secondment.cadre.name, r.slot.requirement.title) for r in rows} == {
        ("张建国", "初到岗位心得体会"),
        ("张建国", "第一季度小结"),
    }
    make_writing(cadre_a.secondments.get(), cadre_user, requirement=first_quarter, kind="quarterly")
    rows, summary = overdue_rows(cohort=cohort, today=today, kind="quarterly")
    assert rows == []
    assert [(r.title, met, owed) for r, met, owed in summary] == [("第一季度小结", 1, 1)]


def test_a_draft_past_its_due_date_is_still_overdue(
    cohort, cadre_a, cadre_user, make_writing, today
):
    ensure_plan(cohort)
    first = cohort.writing_requirements.get(title="初到岗位心得体会")
    make_writing(cadre_a.secondments.get(), cadre_user, requirement=first, status="draft")
    rows, _ = overdue_rows(cohort=cohort, today=today, kind="reflection")
    assert [(r.slot.requirement.title, r.slot.state) for r in rows] == [
        ("初到岗位心得体会", "草稿")
    ]


def test_overdue_page_filters_by_kind_and_name(client_for, programme_admin, cohort, cadre_a):
    client = client_for(programme_admin)
    page = client.get(reverse("writings:overdue"), {"cohort": cohort.pk})
    assert page.status_code == 200
    assert page.context["cohort"] == cohort
    quarterly = client.get(
        reverse("writings:overdue"), {"cohort": cohort.pk, "kind": "quarterly", "q": "张"}
    )
    titles = {row.slot.requirement.kind for row in quarterly.context["page"]}
    assert titles <= {"quarterly"}
    nobody = client.get(reverse("writings:overdue"), {"cohort": cohort.pk, "q": "不存在的人"})
    assert nobody.context["total"] == 0


def test_my_writings_page_shows_what_is_due(client_for, cadre_user, cadre_a, cohort):
    html = client_for(cadre_user).get(reverse("writings:mine")).content.decode()
    assert "第一季度小结" in html and "挂职总结" in html
    assert html.count('data-testid="slot"') == cohort.writing_requirements.count()


def test_admin_adds_edits_and_removes_requirements(client_for, programme_admin, cohort):
    client = client_for(programme_admin)
    url = reverse("writings:requirement_list", args=[cohort.pk])
    response = client.post(
        url, {"kind": "reflection", "title": "七一专题心得", "due_date": "2026-07-10", "note": ""}
    )
    assert response.status_code == 302
    added = WritingRequirement.objects.get(title="七一专题心得")
    response = client.post(
        reverse("writings:requirement_edit", args=[added.pk]),
        {
            "version": added.version,
            "kind": "reflection",
            "title": "七一专题心得",
            "due_date": "2026-07-15",
            "note": "",
        },
    )
    added.refresh_from_db()
    assert added.due_date == date(2026, 7, 15)
    client.post(reverse("writings:requirement_delete", args=[added.pk]))
    assert not WritingRequirement.objects.filter(pk=added.pk).exists()
    events = AuditRecord.objects.filter(object_type="writings.writingrequirement")
    assert events.count() == 3


def test_requirement_with_writings_cannot_be_removed(
    client_for, programme_admin, cohort, cadre_a, cadre_user, make_writing
):
    ensure_plan(cohort)
    requirement = cohort.writing_requirements.first()
    make_writing(cadre_a.secondments.get(), cadre_user, requirement=requirement)
    response = client_for(programme_admin).post(
        reverse("writings:requirement_delete", args=[requirement.pk]), follow=True
    )
    assert "不能删除" in response.content.decode()
    assert WritingRequirement.objects.filter(pk=requirement.pk).exists()


def test_requirement_form_errors_are_chinese(client_for, programme_admin, cohort):
    response = client_for(programme_admin).post(
        reverse("writings:requirement_list", args=[cohort.pk]),
        {"kind": "", "title": "", "due_date": "明天"},
    )
    errors = [str(e) for errs in response.context["form"].errors.values() for e in errs]
    assert errors and all("请" in e for e in errors), errors
