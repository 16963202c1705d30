"""The check runs on submission (after commit, in the background task), is stored per version,
and a reviewer's 「重新核对」 runs it again against the ledger as it stands, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from claimcheck_helpers import add_entry
from django.urls import reverse

from guazhi.audit.models import AuditRecord
from guazhi.claimcheck import checking
from guazhi.claimcheck.matching import CONTRADICTED, SUPPORTED, UNSUPPORTED
from guazhi.claimcheck.models import ClaimCheck

pytestmark = pytest.mark.django_db

TEXT = "挂职以来，走访企业120家，成功贷款800万元，全镇地区生产总值增长9.3%。"


def test_submission_runs_the_check(submit, cadre_user, cadre_a):
    secondment = cadre_a.secondments.get()
    add_entry(secondment, on=date(2026, 4, 2), enterprises_visited=120)
    version = submit(cadre_user, TEXT)
    check = ClaimCheck.objects.get(version=version)
    assert check.status == "done"
    assert check.writing_id == version.writing_id
    assert (check.total, check.supported, check.unsupported, check.contradicted) == (3, 1, 2, 0)
    assert check.summary().line == "3 处数字，1 处有台账依据，2 处无依据，0 处与台账不符"
    first = check.finding_list()[0]
    assert first.outcome == SUPPORTED and first.ledger_value == Decimal(120)
    assert version.text[first.claim.start : first.claim.end] == "120家"
    assert check.period_start == secondment.start_date
    assert check.runs == 1


def test_a_failed_enqueue_never_undoes_the_submission(submit, cadre_user, monkeypatch):
    from guazhi.claimcheck import tasks

    def refuse(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(tasks, "check_claims", SimpleNamespace(enqueue=refuse))
    version = submit(cadre_user, TEXT)
    version.writing.refresh_from_db()
    assert version.writing.status == "submitted"
    check = ClaimCheck.objects.get(version=version)
    assert check.status == "failed" and "重新核对" in check.message


def test_recheck_sees_entries_recorded_since_and_is_audited(
    submit, cadre_user, cadre_a, host_liaison, client_for
):
    version = submit(cadre_user, "成功贷款800万元。")
    check = ClaimCheck.objects.get(version=version)
    assert check.finding_list()[0].outcome == UNSUPPORTED
    add_entry(cadre_a.secondments.get(), on=date(2026, 4, 2), loans=300)

    response = client_for(host_liaison).post(
        reverse("claimcheck:version_recheck", args=[version.pk])
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.finding_list()[0].outcome == CONTRADICTED
    assert check.runs == 2
    audit = AuditRecord.objects.filter(object_type="claimcheck.claimcheck").get()
    assert audit.event == "status_change"
    assert audit.username == host_liaison.username
    assert "重新核对" in audit.detail
    assert audit.before["无依据"] == 1


def test_only_reviewers_may_recheck(submit, cadre_user, home_liaison, client_for, other_cadre_user):
    version = submit(cadre_user, "成功贷款800万元。")
    url = reverse("claimcheck:version_recheck", args=[version.pk])
    for user in (cadre_user, home_liaison, other_cadre_user):
        assert client_for(user).post(url).status_code == 404
    assert ClaimCheck.objects.get(version=version).runs == 1
    assert not AuditRecord.objects.filter(object_type="claimcheck.claimcheck").exists()


def test_a_version_submitted_before_the_feature_is_checked_on_first_recheck(
    submit, cadre_user, programme_admin, client_for, monkeypatch
):
    monkeypatch.setattr(checking, "enqueue", lambda version_id: None)
    version = submit(cadre_user, "成功贷款800万元。")
    monkeypatch.undo()
    assert not ClaimCheck.objects.exists()
    client_for(programme_admin).post(reverse("claimcheck:version_recheck", args=[version.pk]))
    assert ClaimCheck.objects.get(version=version).status == "done"
