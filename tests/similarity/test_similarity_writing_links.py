"""The report as the writing's pages show it: the submitter lands on the check of what they
submitted, each submitted version carries a badge (ratio and verdict colour, or 查重中 with its
progress), and the decision card shows the report's summary beside 退回/通过."""

from __future__ import annotations

import pytest
from django.urls import reverse
from similarity_testdata import prose

from guazhi.similarity import checking
from guazhi.similarity.models import Report
from guazhi.writings import actions as writing_actions

pytestmark = pytest.mark.django_db


def test_submitting_lands_on_the_report_of_the_submitted_version(
    cadre_user, client_for, django_capture_on_commit_callbacks
):
    writing = writing_actions.create_writing(
        actor=cadre_user,
        secondment=cadre_user.cadre.secondments.get(),
        kind="reflection",
        title="到岗三个月的体会",
        blocks=[{"type": "paragraph", "text": prose(40)}],
    )
    writing.refresh_from_db()
    client = client_for(cadre_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("writings:writing_submit", args=[writing.pk]), {"version": writing.version}
        )
    report = Report.objects.get(writing=writing)
    assert response.status_code == 302
    assert response["Location"] == reverse("similarity:version_report", args=[report.version_id])
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == report.get_absolute_url()
    body = page.content.decode()
    assert "已提交（第 1 版），正在查重" in body
    assert "去除引用和常用语后的复制比" in body


def test_badges_show_each_submitted_versions_ratio_and_verdict(
    submit, cadre_user, other_cadre_user, host_liaison, client_for
):
    source = submit(other_cadre_user, prose(41), title="接访工作体会")
    copy = submit(cadre_user, prose(41))
    writing = copy.writing
    writing_actions.return_writing(
        actor=host_liaison, writing=writing, version=writing.version, comment="请用自己的话写"
    )
    clean = submit(cadre_user, prose(42), writing=writing)
    first, second = Report.objects.get(version=copy), Report.objects.get(version=clean)
    assert first.verdict == "red" and second.verdict == "green"

    page = client_for(cadre_user).get(writing.get_absolute_url()).content.decode()
    first_link = reverse("similarity:version_report", args=[copy.pk])
    second_link = reverse("similarity:version_report", args=[clean.pk])
    assert (
        f'href="{first_link}" class="badge fw-normal text-decoration-none text-bg-danger"' in page
    )
    assert (
        f'href="{second_link}" class="badge fw-normal text-decoration-none text-bg-success"' in page
    )
    assert "查重报告 0.0%" in page

    version_page = client_for(cadre_user).get(reverse("writings:version_detail", args=[copy.pk]))
    assert first_link in version_page.content.decode()
    # The source's author sees their own writing's (clean) badge, not the copier's report.
    other_page = client_for(other_cadre_user).get(source.writing.get_absolute_url())
    assert first_link not in other_page.content.decode()


def test_a_running_check_shows_its_progress(submit, cadre_user, client_for, monkeypatch):
    monkeypatch.setattr(checking, "start", lambda report: None)
    version = submit(cadre_user, prose(43))
    Report.objects.filter(version=version).update(status="running", progress=30)
    page = client_for(cadre_user).get(version.writing.get_absolute_url()).content.decode()
    assert "查重中 <span data-report-progress>30</span>%" in page
    report = Report.objects.get(version=version)
    assert reverse("similarity:report_status", args=[report.pk]) in page
    assert "similarity/badge.js" in page


def test_the_decision_card_shows_the_report_summary(
    submit, cadre_user, other_cadre_user, host_liaison, home_liaison, client_for
):
    submit(other_cadre_user, prose(44))
    version = submit(cadre_user, prose(45, 600) + "\n" + prose(44)[:600])
    page = client_for(host_liaison).get(version.writing.get_absolute_url()).content.decode()
    review = page[page.index('id="review"') :]
    summary = review[
        review.index('data-testid="report-summary"') : review.index('data-testid="accept"')
    ]
    report = Report.objects.get(version=version)
    assert "查重结果（第 1 版）" in summary
    assert f"{report.copy_ratio_excluding_common * 100:.1f}%" in summary
    assert "复制比过高" in summary or "需关注" in summary
    assert "个相似片段" in summary
    # The home liaison reads the writing but not its report: no badge, no summary.
    home = client_for(home_liaison).get(version.writing.get_absolute_url()).content.decode()
    assert "report-badge" not in home and "report-summary" not in home
    assert (
        client_for(home_liaison)
        .get(reverse("similarity:version_report", args=[version.pk]))
        .status_code
        == 404
    )


def test_a_version_without_a_report_leads_back_to_the_version(
    cadre_user, cadre_a, make_writing, client_for
):
    draft = make_writing(cadre_a.secondments.get(), cadre_user, status="draft").versions.get()
    assert not draft.is_submission
    response = client_for(cadre_user).get(
        reverse("similarity:version_report", args=[draft.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "只有提交的版本才会查重" in response.content.decode()
