"""The appraisal form read back from the .docx (name, rating, ledger figures, evaluation,
signature and seal blocks), its PDF (or the Chinese message without LibreOffice), the batch
.zip through a background job, and the results workbook's merged headers."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guazhi.assessment import actions, evaluation_link
from guazhi.audit.models import AuditRecord
from guazhi.jobs.models import Job, JobStatus
from guazhi.ledger.models import EntryFigure, FigureField
from guazhi.lib.office import libreoffice_available
from tests.assessment.assessment_helpers import make_period, make_scheme, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(
    cohort, cadre_a, cadre_b, cadre_user, host_liaison, programme_admin, make_entry, monkeypatch
):
    scheme = make_scheme(cohort)
    period = make_period(scheme, [cadre_a.secondments.get(), cadre_b.secondments.get()])
    form_a = period.assessments.get(secondment__cadre=cadre_a)
    entry = make_entry(cadre_a.secondments.get(), cadre_user)
    field = FigureField.objects.filter(category=entry.category).order_by("sort_order").first()
    EntryFigure.objects.create(entry=entry, field=field, value=Decimal(698))
    actions.save_self_assessment(
        actor=cadre_user,
        assessment=form_a,
        version=form_a.self_version,
        text="挂职以来，我牵头组织首轮企业走访。",
        scores={},
    )
    score_all(form_a, host_liaison, 93)
    score_all(period.assessments.get(secondment__cadre=cadre_b), programme_admin, 80)
    summary = evaluation_link.Summary(
        Decimal("88.00"),
        (evaluation_link.GroupSummary("干部职工", None, 9, {"优秀": Decimal("66.67")}),),
    )
    monkeypatch.setattr(
        evaluation_link,
        "summary_for",
        lambda *, secondment, period: summary if secondment.cadre_id == cadre_a.pk else None,
    )
    actions.publish_period(actor=programme_admin, period=period, version=period.version)
    form_a.refresh_from_db()
    return {"period": period, "form": form_a, "field": field}


def _text(document) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_appraisal_form_reads_back(client_for, cadre_user, published):
    form = published["form"]
    response = client_for(cadre_user).get(reverse("assessment:appraisal_docx", args=[form.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = _text(document)
    assert document.paragraphs[0].text == "挂职干部年度考核登记表"
    for expected in (
        "张建国",
        "镇党委副书记",
        "营商环境、企业服务",
        "填写工作纪实 1 条",
        f"{published['field'].label} 698{published['field'].unit}",
        "挂职以来，我牵头组织首轮企业走访。",
        "工作扎实，群众认可。",
        "接收单位考核评分 93 分",
        "干部职工（9 票）",
        "民主测评得分 88.00 分",
        "优秀",
        "综合得分 91.5 分",
        "（单位盖章）",
        "年　　月　　日",
        "本人签名",
        "组织部门意见",
    ):
        assert expected in text, expected
    # East Asian fonts are named for Word (w:eastAsia), not only the Latin ones.
    xml = document.element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml
    assert AuditRecord.objects.filter(event="export", detail__contains="Word").exists()


def test_pdf_without_libreoffice_says_so(client_for, programme_admin, published, monkeypatch):
    monkeypatch.setenv("GUAZHI_SOFFICE", "/nonexistent/soffice")
    client = client_for(programme_admin)
    form = published["form"]
    response = client.get(reverse("assessment:appraisal_pdf", args=[form.pk]), follow=True)
    assert (
        "服务器未安装 LibreOffice，无法生成 PDF 文件，请下载 Word 版本。"
        in response.content.decode()
    )


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
def test_pdf_with_libreoffice(client_for, programme_admin, published):
    response = client_for(programme_admin).get(
        reverse("assessment:appraisal_pdf", args=[published["form"].pk])
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_batch_export_builds_a_zip_with_progress(
    client_for, programme_admin, published, media_root
):
    period = published["period"]
    client = client_for(programme_admin)
    response = client.post(reverse("assessment:period_forms", args=[period.pk]), {"format": "docx"})
    job = Job.objects.get(kind="assessment_forms")
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100 and job.row_count == 2
    assert job.message == "共 2 份"
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert names == ["张建国-挂职干部年度考核登记表.docx", "李秀英-挂职干部年度考核登记表.docx"]
    inner = docx.Document(io.BytesIO(archive.read(names[0])))
    assert "张建国" in _text(inner)
    assert AuditRecord.objects.filter(detail="批量导出鉴定表（Word）2 份").exists()


def test_results_workbook_has_merged_two_level_headers(client_for, programme_admin, published):
    period = published["period"]
    response = client_for(programme_admin).get(
        reverse("assessment:period_workbook", args=[period.pk])
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    # Title across the sheet; single headers span both header rows; groups span their columns.
    assert "A2:A3" in merged and "B2:B3" in merged
    assert ws["F2"].value == "接收单位评分（权重 70%）"
    assert "F2:K2" in merged  # 德 能 勤 绩 廉 合计
    assert [ws.cell(row=3, column=c).value for c in range(6, 12)] == [
        "德",
        "能",
        "勤",
        "绩",
        "廉",
        "合计",
    ]
    assert ws["L2"].value == "民主测评（权重 30%）" and "L2:M2" in merged
    assert [ws["L3"].value, ws["M3"].value] == ["票数", "得分"]
    assert ws["N2"].value == "综合得分" and "N2:N3" in merged
    rows = {ws.cell(row=r, column=2).value: r for r in range(4, ws.max_row + 1)}
    a = rows["张建国"]
    assert ws.cell(row=a, column=11).value == 93
    assert ws.cell(row=a, column=13).value == 88
    assert ws.cell(row=a, column=14).value == 91.5
    assert ws.cell(row=a, column=15).value == "优秀"
    assert ws.cell(row=a, column=16).value == 1
