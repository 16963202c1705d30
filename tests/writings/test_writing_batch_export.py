"""The batch export of a cohort's writings of one kind: the job run synchronously (the immediate
task backend), the .zip's files and 目录.xlsx, the last submitted version of each writing, the
host liaison's scope, a requirement filter, PDFs (present, or listed as failed) and the audit."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guazhi.audit.models import AuditRecord
from guazhi.jobs.models import Job, JobStatus
from guazhi.lib.office import libreoffice_available
from guazhi.lib.zipdocs import FAILURES_NAME
from guazhi.writings import views_export
from guazhi.writings.models import WritingVersion
from guazhi.writings.plan import ensure_plan

pytestmark = pytest.mark.django_db

URL = reverse("writings:batch_export")


@pytest.fixture
def writings(cohort, cadre_a, cadre_b, cadre_user, other_cadre_user, make_writing):
    """Reflections of both cadres in every state, and a speech that is another kind."""
    a, b = cadre_a.secondments.get(), cadre_b.secondments.get()
    return {
        "a": make_writing(a, cadre_user, title="基层调研心得"),
        "b": make_writing(b, other_cadre_user, title="接访工作体会", status="accepted"),
        "b_draft": make_writing(b, other_cadre_user, title="未提交的草稿", status="draft"),
        "a_returned": make_writing(a, cadre_user, title="退回修改的体会", status="returned"),
        "a_speech": make_writing(a, cadre_user, title="交流发言稿", kind="speech"),
    }


def _run(client, **data):  # type: ignore[no-untyped-def]
    response = client.post(URL, {"kind": "reflection", **data})
    job = Job.objects.filter(kind="writings_export").order_by("-pk").first()
    assert job is not None, response.content.decode()
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    return job


def _zip(client, job) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))


def _index(archive: zipfile.ZipFile) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(archive.read("目录.xlsx"))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_admin_exports_the_submitted_and_accepted_writings_of_one_kind(
    client_for, programme_admin, cohort, writings, media_root
):
    client = client_for(programme_admin)
    job = _run(client, cohort=cohort.pk)
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.row_count == 2 and job.message == "共 2 篇材料"
    assert job.result_name == "2026年第二批墩苗历练干部-心得体会.zip"
    archive = _zip(client, job)
    # Pinyin order of the cadres: 李 (li) before 张 (zhang). No draft, no returned writing, no
    # other kind.
    assert archive.namelist() == [
        "李秀英-接访工作体会-第1版.docx",
        "张建国-基层调研心得-第1版.docx",
        "目录.xlsx",
    ]
    inner = docx.Document(io.BytesIO(archive.read("张建国-基层调研心得-第1版.docx")))
    texts = [p.text for p in inner.paragraphs if p.text]
    assert texts[:3] == ["基层调研心得", "柳溪镇党委副书记（挂职）\u3000张建国", "一、深入基层调研"]
    styles = inner.styles.element.xml
    assert 'w:eastAsia="方正小标宋简体"' in styles and 'w:eastAsia="仿宋_GB2312"' in styles

    header, *rows = _index(archive)
    assert header == [
        "序号",
        "干部",
        "派出单位",
        "挂职单位及职务",
        "材料类型",
        "材料要求",
        "标题",
        "状态",
        "版本",
        "提交日期",
        "文件",
        "说明",
    ]
    assert [row[:9] + row[10:] for row in rows] == [
        [1, "李秀英", "市财政局", "东关街道办事处副主任", "心得体会", None, "接访工作体会"]
        + ["已通过", "第1版", "李秀英-接访工作体会-第1版.docx", None],
        [2, "张建国", "市发展和改革委员会", "柳溪镇党委副书记", "心得体会", None, "基层调研心得"]
        + ["已提交", "第1版", "张建国-基层调研心得-第1版.docx", None],
    ]
    assert rows[1][9].date() == timezone.localdate(writings["a"].submitted_at)


def test_each_writing_is_exported_as_its_last_submitted_version(
    client_for, programme_admin, cohort, cadre_user, writings, media_root
):
    writing = writings["a"]
    for number, title, submission in ((2, "第二次提交", True), (3, "提交后的保存", False)):
        WritingVersion.objects.create(
            writing=writing,
            number=number,
            title=title,
            body=[{"type": "paragraph", "text": f"{title}的正文。"}],
            source="editor",
            is_submission=submission,
            created_by=cadre_user,
        )
    client = client_for(programme_admin)
    archive = _zip(client, _run(client, cohort=cohort.pk))
    name = "张建国-基层调研心得-第2版.docx"
    assert name in archive.namelist()
    texts = [p.text for p in docx.Document(io.BytesIO(archive.read(name))).paragraphs]
    assert "第二次提交" in texts and "第二次提交的正文。" in texts
    assert "提交后的保存的正文。" not in texts


def test_host_liaison_gets_only_the_writings_of_their_unit(
    client_for, host_liaison, cohort, writings, media_root
):
    client = client_for(host_liaison)
    page = client.get(URL).content.decode()
    assert "只导出派驻到本单位的干部的材料" in page
    job = _run(client, cohort=cohort.pk)
    archive = _zip(client, job)
    assert archive.namelist() == ["张建国-基层调研心得-第1版.docx", "目录.xlsx"]
    assert [row[1] for row in _index(archive)[1:]] == ["张建国"]
    assert job.row_count == 1


def test_one_requirement(client_for, programme_admin, cohort, cadre_a, cadre_user, make_writing):
    ensure_plan(cohort)
    quarter = cohort.writing_requirements.filter(kind="quarterly").order_by("due_date").first()
    other = cohort.writing_requirements.filter(kind="quarterly").order_by("due_date").last()
    assert quarter != other
    secondment = cadre_a.secondments.get()
    make_writing(secondment, cadre_user, kind="quarterly", requirement=quarter, title="一季度")
    make_writing(secondment, cadre_user, kind="quarterly", requirement=other, title="二季度")
    client = client_for(programme_admin)
    job = _run(client, cohort=cohort.pk, kind="quarterly", requirement=quarter.pk)
    assert job.title == f"批量导出材料：{cohort.name} {quarter.title}"
    archive = _zip(client, job)
    assert archive.namelist() == ["张建国-一季度-第1版.docx", "目录.xlsx"]
    assert _index(archive)[1][5] == quarter.title


def test_form_refuses_a_mismatched_requirement_and_an_empty_selection(
    client_for, programme_admin, cohort, writings
):
    ensure_plan(cohort)
    quarter = cohort.writing_requirements.filter(kind="quarterly").first()
    client = client_for(programme_admin)
    page = client.get(URL).content.decode()
    # The page's script narrows the requirements to the chosen cohort and kind.
    assert f'data-cohort="{cohort.pk}" data-kind="quarterly"' in page
    assert "writings/batch_export" in page
    response = client.post(
        URL, {"cohort": cohort.pk, "kind": "reflection", "requirement": quarter.pk}
    )
    assert f"“{quarter.title}”是季度小结，与所选材料类型不符。" in response.content.decode()
    response = client.post(URL, {"cohort": cohort.pk, "kind": "term_summary"})
    assert "没有符合条件的已提交或已通过的材料，未导出。" in response.content.decode()
    response = client.post(URL, {})
    assert "请选择批次。" in response.content.decode()
    assert not Job.objects.exists()


def test_pdf_option_without_libreoffice_is_refused_in_the_form(
    client_for, programme_admin, cohort, writings, monkeypatch
):
    monkeypatch.setenv("GUAZHI_SOFFICE", "/nonexistent/soffice")
    response = client_for(programme_admin).post(
        URL, {"cohort": cohort.pk, "kind": "reflection", "with_pdf": "on"}
    )
    assert "服务器未安装 LibreOffice，无法生成 PDF" in response.content.decode()
    assert not Job.objects.exists()


def test_pdfs_that_fail_are_listed_and_the_word_files_still_exported(
    client_for, programme_admin, cohort, writings, monkeypatch, media_root
):
    # LibreOffice disappears between the form and the job (or times out on every file).
    monkeypatch.setattr(views_export.office, "libreoffice_available", lambda: True)
    monkeypatch.setenv("GUAZHI_SOFFICE", "/nonexistent/soffice")
    client = client_for(programme_admin)
    job = _run(client, cohort=cohort.pk, with_pdf="on")
    assert job.status == JobStatus.DONE and job.row_count == 2
    assert job.message == "共 2 篇材料，2 篇的部分文件未能生成（见压缩包内说明）"
    archive = _zip(client, job)
    names = archive.namelist()
    assert [n for n in names if n.endswith(".docx")] == [
        "李秀英-接访工作体会-第1版.docx",
        "张建国-基层调研心得-第1版.docx",
    ]
    assert not [n for n in names if n.endswith(".pdf")]
    failures = archive.read(FAILURES_NAME).decode()
    assert "张建国-基层调研心得-第1版.pdf：服务器未安装 LibreOffice" in failures
    rows = _index(archive)[1:]
    assert (
        rows[1][11]
        == "未能生成 PDF：服务器未安装 LibreOffice，无法生成 PDF 文件，请下载 Word 版本。"
    )


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装")
def test_pdfs_beside_the_word_files(client_for, host_liaison, cohort, writings, media_root):
    client = client_for(host_liaison)
    archive = _zip(client, _run(client, cohort=cohort.pk, with_pdf="on"))
    assert archive.namelist() == [
        "张建国-基层调研心得-第1版.docx",
        "张建国-基层调研心得-第1版.pdf",
        "目录.xlsx",
    ]
    assert archive.read("张建国-基层调研心得-第1版.pdf").startswith(b"%PDF")


def test_progress_is_reported_while_the_zip_is_built(
    client_for, programme_admin, cohort, writings, monkeypatch, media_root
):
    seen: list[tuple[int, str]] = []
    original = Job.set_progress

    def spy(self, progress, message=""):  # type: ignore[no-untyped-def]
        seen.append((progress, message))
        original(self, progress, message)

    monkeypatch.setattr(Job, "set_progress", spy)
    _run(client_for(programme_admin), cohort=cohort.pk)
    # Two documents and the index.
    assert seen == [
        (33, "已生成 1 / 3 个文件"),
        (66, "已生成 2 / 3 个文件"),
        (100, "已生成 3 / 3 个文件"),
    ]


def test_export_and_download_are_audited(client_for, programme_admin, cohort, writings, media_root):
    client = client_for(programme_admin)
    job = _run(client, cohort=cohort.pk)
    export = AuditRecord.objects.get(event="export", object_type="roster.cohort")
    assert export.object_id == str(cohort.pk)
    assert export.username == programme_admin.username
    assert export.detail == f"批量导出材料（Word）：{cohort.name} 心得体会 2 篇"
    assert export.after["writings"] == f"{writings['b'].pk},{writings['a'].pk}"
    assert export.after["count"] == 2 and export.after["formats"] == "docx"
    assert export.after["failed_files"] == 0
    _zip(client, job)
    assert AuditRecord.objects.filter(
        event="export", object_type="jobs.job", detail__contains="心得体会.zip"
    ).exists()


def test_writing_list_links_to_the_export_for_reviewers_only(
    client_for, programme_admin, home_liaison
):
    link = reverse("writings:batch_export")
    admin_page = client_for(programme_admin).get(reverse("writings:writing_list")).content
    assert link in admin_page.decode()
    home_page = client_for(home_liaison).get(reverse("writings:writing_list")).content
    assert link not in home_page.decode()
