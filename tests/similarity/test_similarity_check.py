"""The check on submit: what is compared with what, the three ratios, the index on disk."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from similarity_testdata import TEMPLATE_HEADER, prose, swap_punctuation

from guazhi.originality import OriginalityStore
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
    assert report.engine["documents"] == 0  # compared with an empty index
    assert store.shared().ids == [f"v{version.pk}"]


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
    ids = store.shared().ids
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


def test_the_index_survives_a_restart_and_is_rebuilt(
    submit, cadre_user, other_cadre_user, monkeypatch
):
    a = submit(other_cadre_user, prose(8))
    # A new process: no store loaded yet; it reads the published generation from disk.
    monkeypatch.setattr(store, "_stores", {})
    assert set(OriginalityStore(store.store_dir()).ids) == {f"v{a.pk}"}
    report = Report.objects.get(version=submit(cadre_user, prose(8)))
    assert report.copy_ratio > 0.95
    shutil.rmtree(store.store_dir())
    call_command("originality_index", "--rebuild", verbosity=0)
    expected = {f"v{a.pk}", f"v{report.version_id}"}
    assert set(OriginalityStore(store.store_dir()).ids) == expected
    assert set(store.shared().ids) == expected


def test_a_missing_index_is_rebuilt_from_the_database(submit, cadre_user, other_cadre_user):
    original = submit(other_cadre_user, prose(9))
    shutil.rmtree(store.store_dir())
    report = Report.objects.get(version=submit(cadre_user, prose(9)))
    assert {p["source_id"] for p in report.passages} == {f"v{original.pk}"}


def test_an_index_of_an_older_format_is_rebuilt(submit, cadre_user, other_cadre_user):
    original = submit(other_cadre_user, prose(11))
    meta = store.store_dir() / store.shared().generation / "meta.json"
    meta.write_text(meta.read_text().replace('"format": 2', '"format": 1'))
    report = Report.objects.get(version=submit(cadre_user, prose(11)))
    assert {p["source_id"] for p in report.passages} == {f"v{original.pk}"}
    assert set(store.shared().ids) == {f"v{original.pk}", f"v{report.version_id}"}


OTHER_PROCESS = """
import sys
from guazhi.originality import OriginalityStore
store = OriginalityStore(sys.argv[1])
print(" ".join(sorted(store.ids)))
store.add("r-from-elsewhere", sys.stdin.read())
"""


def test_two_processes_see_each_others_additions(submit, cadre_user, other_cadre_user):
    """The web process and the worker share the index: what one publishes, the other finds
    on its next check, without a restart."""
    first = submit(other_cadre_user, prose(12))
    store.shared().index()  # this process has the generation loaded
    root = Path(__file__).resolve().parents[2]
    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(store.store_dir())],
        input=prose(13),
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
        check=True,
    )
    assert other.stdout.split() == [f"v{first.pk}"]  # it saw this process's addition
    report = Report.objects.get(version=submit(cadre_user, prose(13)))
    assert {p["source_id"] for p in report.passages} == {"r-from-elsewhere"}
    assert report.copy_ratio > 0.95


def test_the_status_command_counts_documents(submit, cadre_user, capsys):
    call_command("originality_index")
    assert "尚未建立" in capsys.readouterr().out
    submit(cadre_user, prose(10))
    call_command("originality_index")
    assert "1 篇文档" in capsys.readouterr().out
