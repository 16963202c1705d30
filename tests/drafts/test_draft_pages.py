"""The cadre generates a draft, reads it with its citations, and starts their term summary from
it; nobody else sees the draft; the writing refuses submission while prompts remain."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord
from guazhi.drafts.models import SummaryDraft
from guazhi.ledger.models import Category, EntryFigure, FigureField
from guazhi.writings.models import Writing, WritingVersion
from guazhi.writings.plan import ensure_plan


@pytest.fixture
def records_a(cadre_user, secondment_a, make_entry, make_project, make_problem):
    category = Category.objects.get(name="企业帮扶")
    visits = FigureField.objects.get(category=category, key="enterprises_visited")
    loans = FigureField.objects.get(category=category, key="loans")
    first = make_entry(secondment_a, cadre_user, date=date(2026, 4, 8), status="confirmed")
    second = make_entry(
        secondment_a, cadre_user, date=date(2026, 6, 3), title="协调银行为企业解决贷款"
    )
    EntryFigure.objects.create(entry=first, field=visits, value=Decimal(120))
    EntryFigure.objects.create(entry=second, field=visits, value=Decimal(3))
    EntryFigure.objects.create(entry=second, field=loans, value=Decimal(800))
    project = make_project(secondment_a, cadre_user)
    problem = make_problem(secondment_a, cadre_user)
    return {"entries": [first, second], "project": project, "problem": problem}


def _generate(client) -> SummaryDraft:  # type: ignore[no-untyped-def]
    response = client.post(reverse("drafts:generate"))
    assert response.status_code == 302
    return SummaryDraft.objects.latest("pk")


@pytest.mark.django_db
def test_cadre_generates_and_reads_draft_with_citations(
    client_for, cadre_user, records_a, entry_b, project_b
):
    client = client_for(cadre_user)
    assert reverse("drafts:mine") in client.get(reverse("writings:mine")).content.decode()
    page = client.get(reverse("drafts:mine"))
    assert "生成初稿" in page.content.decode()
    draft = _generate(client)
    assert AuditRecord.objects.filter(
        object_type="drafts.summarydraft", object_id=str(draft.pk), event="create"
    ).exists()
    html = client.get(draft.get_absolute_url()).content.decode()
    for title in ("一、履职情况", "二、主要成效", "三、收获感悟", "四、不足与打算"):
        assert title in html
    assert "走访企业123家" in html and "协调贷款800万元" in html
    assert "总投资55亿元" in html
    links = set(re.findall(r'href="(/[^"]+)" data-testid="citation"', html))
    for entry in records_a["entries"]:
        assert reverse("ledger:entry_detail", args=[entry.pk]) in links
    assert reverse("projects:project_detail", args=[records_a["project"].pk]) in links
    assert reverse("contacts:problem_detail", args=[records_a["problem"].pk]) in links
    # Only the cadre's own records are cited, and each citation opens for them.
    assert reverse("ledger:entry_detail", args=[entry_b.pk]) not in links
    assert reverse("projects:project_detail", args=[project_b.pk]) not in links
    for url in links:
        assert client.get(url).status_code == 200, url
    # Back on 生成挂职总结初稿, the latest draft opens.
    assert client.get(reverse("drafts:mine"))["Location"] == draft.get_absolute_url()


@pytest.mark.django_db
def test_sources_belong_to_the_secondment(cadre_user, secondment_a, records_a, entry_b):
    from guazhi.contacts.models import Problem
    from guazhi.drafts.actions import generate_draft
    from guazhi.ledger.models import Entry
    from guazhi.projects.models import Project

    draft = generate_draft(actor=cadre_user, secondment=secondment_a).draft
    models = {"entry": Entry, "project": Project, "problem": Problem}
    for sentence in draft.facts():
        assert sentence.sources, sentence.text
        for src in sentence.sources:
            if src.kind == "secondment":
                assert src.id == secondment_a.pk
            else:
                assert models[src.kind].objects.get(pk=src.id).secondment_id == secondment_a.pk


@pytest.mark.django_db
def test_nobody_else_opens_the_draft(
    client_for, cadre_user, other_cadre_user, host_liaison, home_liaison, programme_admin
):
    draft = _generate(client_for(cadre_user))
    for user in (other_cadre_user, host_liaison, home_liaison, programme_admin):
        client = client_for(user)
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.post(reverse("drafts:write", args=[draft.pk])).status_code == 404
    assert client_for(host_liaison).post(reverse("drafts:generate")).status_code == 404


@pytest.mark.django_db
def test_start_writing_creates_the_term_summary_then_replaces_after_confirmation(
    client_for, cadre_user, secondment_a, records_a, cohort
):
    ensure_plan(cohort)
    client = client_for(cadre_user)
    draft = _generate(client)
    response = client.post(reverse("drafts:write", args=[draft.pk]))
    writing = Writing.objects.get(secondment=secondment_a, kind="term_summary")
    assert response["Location"] == reverse("writings:writing_edit", args=[writing.pk])
    assert writing.requirement is not None and writing.requirement.kind == "term_summary"
    assert writing.body[0] == {"type": "heading", "level": 1, "text": "一、履职情况"}
    assert "走访企业123家" in writing.text and "【请在此写下" in writing.text
    assert "依据" not in writing.text and "entry" not in writing.text  # no citation markup

    # The cadre writes something; a second 用此初稿 asks before replacing it.
    writing.text, writing.body = "我的总结", [{"type": "paragraph", "text": "我的总结"}]
    writing.version += 1
    writing.save()
    page = client.post(reverse("drafts:write", args=[draft.pk]))
    assert page.status_code == 200 and "替换正文并开始写作" in page.content.decode()
    writing.refresh_from_db()
    assert writing.text == "我的总结"
    client.post(reverse("drafts:write", args=[draft.pk]), {"version": writing.version})
    writing.refresh_from_db()
    assert "一、履职情况" in writing.text
    assert WritingVersion.objects.filter(writing=writing).exists()  # the old body is kept
    # A stale confirmation (another tab saved meanwhile) replaces nothing.
    stale = writing.version - 1
    response = client.post(reverse("drafts:write", args=[draft.pk]), {"version": stale})
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()


@pytest.mark.django_db
def test_submission_refused_while_prompts_remain(client_for, cadre_user, secondment_a, cohort):
    from guazhi.drafts.actions import generate_draft, start_writing
    from guazhi.writings import actions as writing_actions

    ensure_plan(cohort)
    draft = generate_draft(actor=cadre_user, secondment=secondment_a)
    writing = start_writing(actor=cadre_user, draft=draft)
    client = client_for(cadre_user)
    response = client.post(
        reverse("writings:writing_submit", args=[writing.pk]),
        {"version": writing.version},
        follow=True,
    )
    assert "提示没有改写" in response.content.decode()
    writing.refresh_from_db()
    assert writing.status == "draft"
    blocks = [
        b if "【请" not in b.get("text", "") else {**b, "text": "挂职期间学会了和群众算细账。"}
        for b in writing.body
    ]
    writing = writing_actions.save_writing(
        actor=cadre_user,
        writing=writing,
        version=writing.version,
        title=writing.title,
        blocks=blocks,
    )
    writing_actions.submit_writing(actor=cadre_user, writing=writing, version=writing.version)
    writing.refresh_from_db()
    assert writing.status == "submitted"
