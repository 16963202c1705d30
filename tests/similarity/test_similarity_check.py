"""The check on submit: what is compared with what, the three ratios, the index on disk."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from similarity_testdata import TEMPLATE_HEADER, prose, swap_punctuation

from guazhi.originality import OriginalityIndex
from guazhi.similarity import store
from guazhi.similarity.models import ReferenceText, Report, Verdict
from guazhi.writings import actions as writing_actions

pytestmark = pytest.mark.django_db


def test_an_honest_writing_is_clean(submit, cadre_user):
    version = submit(cadre_user, prose(1))
    report = Report.objects.get(version=version)
    assert report.status == "done"
    assert report.progress == 100
    assert report.copy_ratio == 0
    assert report.passages == []
    assert report.verdict == Verdict.GREEN
    assert report.chars == len(version.text.replace("\n", ""))
    assert report.engine["params"]["k"] == 8
    assert report.engine["documents"] == 1


def test_a_copy_of_another_cadres_writing_names_it(submit, cadre_user, other_cadre_user):
    original = submit(other_cadre_user, prose(2), title="接访工作体会")
    copy = prose(3, 600) + "\n" + swap_punctuation(prose(2)[:900])
    report = Report.objects.get(version=submit(cadre_user, copy))
    assert report.status == "done"
    assert 0.5 < report.copy_ratio < 0.75
    assert {p["source_id"] for p in report.passages} == {f"v{original.pk}"}
    assert report.max_source_ratio == pytest.approx(report.copy_ratio, abs=0.02)
    assert report.verdict == Verdict.RED


def test_a_template_essay_with_its_header_is_found(submit, cadre_user, programme_admin):
    essay = prose(4)
    reference = ReferenceText.objects.create(
        title="挂职心得范文",
        text=essay,
        chars=len(essay),
        sha256="a" * 64,
        uploaded_by=programme_admin,
    )
    store.rebuild()
    report = Report.objects.get(version=submit(cadre_user, TEMPLATE_HEADER + "\n" + essay))
    assert {p["source_id"] for p in report.passages} == {f"r{reference.pk}"}
    assert report.copy_ratio > 0.9


def test_own_earlier_versions_and_own_writings_are_not_copies(
    submit, cadre_user, host_liaison, django_capture_on_commit_callbacks
):
    text = prose(5)
    first = submit(cadre_user, text)
    writing = first.writing
    writing_actions.return_writing(
        actor=host_liaison, writing=writing, version=writing.version, comment="请补充数据"
    )
    second = submit(cadre_user, text + "\n补充：走访企业六百九十八家。", writing=writing)
    assert Report.objects.get(version=second).copy_ratio == 0
    # The author's other writing reusing the same paragraphs is self-reuse, not copying.
    third = submit(cadre_user, text, title="第一季度小结", kind="quarterly")
    assert Report.objects.get(version=third).copy_ratio == 0
    # Only the latest submission of the first writing is in the index.
    ids = OriginalityIndex.load(store.index_dir() / "index").ids
    assert f"v{first.pk}" not in ids
    assert {f"v{second.pk}", f"v{third.pk}"} <= set(ids)


def test_the_cohort_table_shows_the_latest_submission_only(submit, cadre_user, host_liaison):
    first = submit(cadre_user, prose(6))
    writing = first.writing
    writing_actions.return_writing(
        actor=host_liaison, writing=writing, version=writing.version, comment="请修改"
    )
    second = submit(cadre_user, prose(7), writing=writing)
    assert list(Report.objects.filter(is_current=True).values_list("version", flat=True)) == [
        second.pk
    ]


def test_the_index_survives_a_restart_and_is_rebuilt(submit, cadre_user, other_cadre_user):
    a = submit(other_cadre_user, prose(8))
    folder = store.index_dir() / "index"
    assert set(OriginalityIndex.load(folder).ids) == {f"v{a.pk}"}
    # A new process (an empty in-memory state) reads the saved index: the copy is found.
    report = Report.objects.get(version=submit(cadre_user, prose(8)))
    assert report.copy_ratio > 0.95
    for f in folder.iterdir():
        f.unlink()
    call_command("originality_index", "--rebuild", verbosity=0)
    assert set(OriginalityIndex.load(folder).ids) == {f"v{a.pk}", f"v{report.version_id}"}


def test_a_missing_index_is_rebuilt_from_the_database(submit, cadre_user, other_cadre_user):
    original = submit(other_cadre_user, prose(9))
    for f in (store.index_dir() / "index").iterdir():
        f.unlink()
    report = Report.objects.get(version=submit(cadre_user, prose(9)))
    assert {p["source_id"] for p in report.passages} == {f"v{original.pk}"}


def test_the_status_command_counts_documents(submit, cadre_user, capsys):
    call_command("originality_index")
    assert "尚未建立" in capsys.readouterr().out
    submit(cadre_user, prose(10))
    call_command("originality_index")
    assert "1 篇文档" in capsys.readouterr().out
