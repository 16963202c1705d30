"""Scoping: the period (entries outside it never count), the secondment (another cadre's
entries never count), and the evidence a viewer may open (others are only counted)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from claimcheck_helpers import add_entry
from django.urls import reverse
from django.utils import timezone

from guazhi.claimcheck.matching import SUPPORTED, UNSUPPORTED, Finding, check_text
from guazhi.claimcheck.models import ClaimCheck
from guazhi.claimcheck.period import writing_period
from guazhi.writings.models import Writing, WritingRequirement, WritingVersion

pytestmark = pytest.mark.django_db


def test_entries_outside_the_period_do_not_count(cadre_a):
    secondment = cadre_a.secondments.get()
    add_entry(secondment, on=date(2026, 3, 31), loans=500)
    inside = add_entry(secondment, on=date(2026, 4, 1), loans=300)
    add_entry(secondment, on=date(2026, 7, 1), loans=500)
    [finding] = check_text(
        "协调贷款300万元。", secondment=secondment, start=date(2026, 4, 1), end=date(2026, 6, 30)
    )
    assert finding.outcome == SUPPORTED
    assert finding.ledger_value == Decimal(300)
    assert finding.entry_ids == (inside.pk,)


def test_another_cadres_entries_never_count(cadre_a, cadre_b):
    add_entry(cadre_b.secondments.get(), enterprises_visited=698)
    [finding] = check_text(
        "走访企业698家。",
        secondment=cadre_a.secondments.get(),
        start=date(2026, 3, 1),
        end=date(2026, 12, 31),
    )
    assert finding.outcome == UNSUPPORTED
    assert finding.entry_ids == ()


def _version(secondment, user, kind: str, submitted: date, requirement=None) -> WritingVersion:
    writing = Writing.objects.create(
        secondment=secondment,
        kind=kind,
        title="材料",
        status="submitted",
        requirement=requirement,
        created_by=user,
    )
    return WritingVersion.objects.create(
        writing=writing,
        number=1,
        title="材料",
        text="",
        source="editor",
        is_submission=True,
        created_by=user,
        created_at=timezone.make_aware(datetime.combine(submitted, datetime.min.time())),
    )


def test_periods_by_kind(cadre_a, cadre_user, cohort):
    secondment = cadre_a.secondments.get()  # from 2026-03-01
    reflection = _version(secondment, cadre_user, "reflection", date(2026, 8, 20))
    assert writing_period(reflection) == (date(2026, 3, 1), date(2026, 8, 20))
    term = _version(secondment, cadre_user, "term_summary", date(2027, 2, 27))
    assert writing_period(term) == (date(2026, 3, 1), date(2027, 2, 27))
    # A quarterly summary: the last term quarter ended by the due date (the second one here),
    # even when submitted later.
    second = WritingRequirement.objects.create(
        cohort=cohort, kind="quarterly", title="第二季度小结", due_date=date(2026, 9, 10)
    )
    quarterly = _version(secondment, cadre_user, "quarterly", date(2026, 9, 20), second)
    assert writing_period(quarterly) == (date(2026, 6, 1), date(2026, 8, 31))
    # Without a requirement, by the submission date; before a quarter ended, the term so far.
    loose = _version(secondment, cadre_user, "quarterly", date(2026, 12, 5))
    assert writing_period(loose) == (date(2026, 9, 1), date(2026, 11, 30))
    early = _version(secondment, cadre_user, "quarterly", date(2026, 5, 1))
    assert writing_period(early) == (date(2026, 3, 1), date(2026, 5, 1))


def _stored_check(version: WritingVersion, findings: list[Finding]) -> ClaimCheck:
    return ClaimCheck.objects.create(
        version=version,
        writing=version.writing,
        status="done",
        findings=[f.to_dict() for f in findings],
        total=len(findings),
        supported=len(findings),
        period_start=date(2026, 3, 1),
        period_end=date(2026, 12, 31),
    )


def test_a_reviewer_sees_only_evidence_they_may_see(
    submit, cadre_user, cadre_a, cadre_b, host_liaison, client_for, monkeypatch
):
    from guazhi.claimcheck import checking

    monkeypatch.setattr(checking, "enqueue", lambda version_id: None)
    version = submit(cadre_user, "走访企业30家。")
    own = add_entry(cadre_a.secondments.get(), enterprises_visited=20)
    # Evidence from a secondment the liaison does not see (a stored check that names it, as a
    # check made before a transfer would): it is counted, never linked or named.
    foreign = add_entry(cadre_b.secondments.get(), enterprises_visited=10)
    [finding] = check_text(
        version.text,
        secondment=cadre_a.secondments.get(),
        start=date(2026, 3, 1),
        end=date(2026, 12, 31),
    )
    finding = Finding(
        claim=finding.claim,
        outcome=SUPPORTED,
        ledger_value=Decimal(30),
        measure="走访企业（家）",
        entry_ids=(own.pk, foreign.pk),
        ledger_unit="家",
    )
    _stored_check(version, [finding])
    page = client_for(host_liaison).get(reverse("claimcheck:version_check", args=[version.pk]))
    html = page.content.decode()
    assert reverse("ledger:entry_detail", args=[own.pk]) in html
    assert reverse("ledger:entry_detail", args=[foreign.pk]) not in html
    assert "另有 1 条记录不在您的查看范围内" in html
    assert "台账记录为 30 家" in html
