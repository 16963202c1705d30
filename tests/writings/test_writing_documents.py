"""A writing downloaded as Word in the official format and read back (title, author line,
headings, table, fonts, page), its file name, what each reader gets (the author's working copy,
everyone else the last submission), the PDF (or the Chinese message without LibreOffice) and
the audit record of every download."""

from __future__ import annotations

import doctest
import io
from urllib.parse import unquote

import docx
import pytest
from django.urls import reverse
from docx.oxml.ns import qn

from guazhi.audit.models import AuditRecord
from guazhi.lib.office import libreoffice_available
from guazhi.writings import documents
from guazhi.writings.models import WritingVersion

pytestmark = pytest.mark.django_db

BODY = [
    {"type": "heading", "level": 1, "text": "一、深入基层调研"},
    {"type": "paragraph", "text": "组织首轮走访企业 698 家，逐户建立问题清单。"},
    {"type": "heading", "level": 2, "text": "（一）企业走访"},
    {"type": "table", "rows": [["项目", "数量"], ["走访企业", "698 家"], ["协调贷款", "800 万元"]]},
    {"type": "paragraph", "text": "下一步，继续推进项目审批手续。"},
]


@pytest.fixture
def writing(make_writing, cadre_a, cadre_user):
    return make_writing(
        cadre_a.secondments.get(),
        cadre_user,
        title="挂职锻炼第一季度心得体会",
        body=BODY,
        text="\n".join(b.get("text", "") for b in BODY),
    )


def _style_value(style, tag: str, attribute: str) -> str | None:  # type: ignore[no-untyped-def]
    """A run property as Word resolves it (as tests/lib/test_official_docx.py reads it)."""
    while style is not None:
        rpr = style.element.find(qn("w:rPr"))
        element = rpr.find(qn(tag)) if rpr is not None else None
        if element is not None and element.get(qn(attribute)) is not None:
            return element.get(qn(attribute))
        style = style.base_style
    return None


def _font(paragraph) -> tuple[str | None, float]:  # type: ignore[no-untyped-def]
    style = paragraph.style
    return _style_value(style, "w:rFonts", "w:eastAsia"), int(
        _style_value(style, "w:sz", "w:val") or 0
    ) / 2


def _download_name(response) -> str:  # type: ignore[no-untyped-def]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    return unquote(disposition.split("''", 1)[1])


def test_word_download_reads_back_in_the_official_format(client_for, host_liaison, writing):
    response = client_for(host_liaison).get(reverse("writings:writing_docx", args=[writing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Cache-Control"] == "no-store"
    assert _download_name(response) == "张建国-挂职锻炼第一季度心得体会-第1版.docx"

    document = docx.Document(io.BytesIO(response.content))
    paragraphs = {p.text: p for p in document.paragraphs if p.text}
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "挂职锻炼第一季度心得体会"
    # The author line: the post held in the host unit (柳溪镇 + 镇党委副书记), then the name.
    assert texts[1] == "柳溪镇党委副书记（挂职）\u3000张建国"
    assert _font(paragraphs[texts[0]]) == ("方正小标宋简体", 22)
    assert _font(paragraphs["一、深入基层调研"]) == ("黑体", 16)
    assert paragraphs["一、深入基层调研"].style.name == "Heading 1"
    assert _font(paragraphs["（一）企业走访"]) == ("楷体_GB2312", 16)
    assert paragraphs["（一）企业走访"].style.name == "Heading 2"
    assert _font(paragraphs["组织首轮走访企业 698 家，逐户建立问题清单。"]) == ("仿宋_GB2312", 16)
    # The table keeps its rows and cells; the header row repeats across pages.
    (table,) = document.tables
    assert [[c.text for c in row.cells] for row in table.rows] == BODY[3]["rows"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # The 成文日期 is the submission's date, in Arabic numerals (GB/T 9704-2012).
    version = writing.versions.get()
    made = documents.timezone.localdate(version.created_at)
    assert texts[-1] == f"{made.year}年{made.month}月{made.day}日"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert document.core_properties.author == "张建国"


def test_word_download_is_audited(client_for, host_liaison, writing):
    client_for(host_liaison).get(reverse("writings:writing_docx", args=[writing.pk]))
    audit = AuditRecord.objects.get(event="export", object_type="writings.writing")
    assert audit.object_id == str(writing.pk)
    assert audit.username == host_liaison.username
    assert audit.detail == "下载材料（Word）：张建国《挂职锻炼第一季度心得体会》第1版"
    assert audit.after["writing"] == writing.pk
    assert audit.after["version"] == 1 and audit.after["format"] == "docx"
    assert audit.after["bytes"] > 0


def test_readers_get_the_last_submission_while_the_author_gets_the_working_copy(
    client_for, cadre_user, host_liaison, writing
):
    # Returned and being revised: the working copy has moved on from the submitted version.
    writing.status = "returned"
    writing.title = "挂职锻炼第一季度心得体会（修改稿）"
    writing.body = [*BODY, {"type": "paragraph", "text": "补充：下一季度的工作打算。"}]
    writing.save()

    reader = client_for(host_liaison).get(reverse("writings:writing_docx", args=[writing.pk]))
    assert _download_name(reader) == "张建国-挂职锻炼第一季度心得体会-第1版.docx"
    reader_text = [p.text for p in docx.Document(io.BytesIO(reader.content)).paragraphs]
    assert "补充：下一季度的工作打算。" not in reader_text

    author = client_for(cadre_user).get(reverse("writings:writing_docx", args=[writing.pk]))
    # Unsaved edits match no version: the file says it is a draft.
    assert _download_name(author) == "张建国-挂职锻炼第一季度心得体会（修改稿）-草稿.docx"
    author_text = [p.text for p in docx.Document(io.BytesIO(author.content)).paragraphs]
    assert "补充：下一季度的工作打算。" in author_text

    WritingVersion.objects.create(
        writing=writing,
        number=2,
        title=writing.title,
        body=writing.body,
        source="editor",
        created_by=cadre_user,
    )
    saved = client_for(cadre_user).get(reverse("writings:writing_docx", args=[writing.pk]))
    assert _download_name(saved) == "张建国-挂职锻炼第一季度心得体会（修改稿）-第2版.docx"


def test_an_old_version_downloads_as_itself(client_for, cadre_user, programme_admin, writing):
    second = WritingVersion.objects.create(
        writing=writing,
        number=2,
        title="第二稿",
        body=[{"type": "paragraph", "text": "第二稿正文。"}],
        source="editor",
        is_submission=True,
        created_by=cadre_user,
    )
    first = writing.versions.get(number=1)
    response = client_for(programme_admin).get(reverse("writings:version_docx", args=[first.pk]))
    assert _download_name(response) == "张建国-挂职锻炼第一季度心得体会-第1版.docx"
    text = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert "一、深入基层调研" in text and "第二稿正文。" not in text
    response = client_for(programme_admin).get(reverse("writings:version_docx", args=[second.pk]))
    assert _download_name(response) == "张建国-第二稿-第2版.docx"


def test_pages_offer_the_downloads(client_for, host_liaison, writing):
    client = client_for(host_liaison)
    page = client.get(reverse("writings:writing_detail", args=[writing.pk])).content.decode()
    assert reverse("writings:writing_docx", args=[writing.pk]) in page
    assert "下载 Word（公文格式）" in page and "下载 PDF" in page
    version = writing.versions.get()
    page = client.get(reverse("writings:version_detail", args=[version.pk])).content.decode()
    assert reverse("writings:version_docx", args=[version.pk]) in page
    assert reverse("writings:version_pdf", args=[version.pk]) in page


@pytest.mark.parametrize("target", ["writing", "version"])
def test_pdf_without_libreoffice_says_so_on_the_page(
    client_for, host_liaison, writing, monkeypatch, target
):
    monkeypatch.setenv("GUAZHI_SOFFICE", "/nonexistent/soffice")
    pk = writing.pk if target == "writing" else writing.versions.get().pk
    page = f"writings:{target}_detail" if target == "writing" else "writings:version_detail"
    response = client_for(host_liaison).get(
        reverse(f"writings:{target}_pdf", args=[pk]), follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse(page, args=[pk]), 302)]
    assert "服务器未安装 LibreOffice，无法生成 PDF 文件，请下载 Word 版本。" in (
        response.content.decode()
    )
    # Nothing was handed out, so nothing is recorded as exported.
    assert not AuditRecord.objects.filter(event="export").exists()


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装")
def test_pdf_with_libreoffice(client_for, programme_admin, writing):
    response = client_for(programme_admin).get(reverse("writings:writing_pdf", args=[writing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert _download_name(response) == "张建国-挂职锻炼第一季度心得体会-第1版.pdf"
    assert AuditRecord.objects.filter(
        event="export", detail="下载材料（PDF）：张建国《挂职锻炼第一季度心得体会》第1版"
    ).exists()


def test_post_line_doctests() -> None:
    assert doctest.testmod(documents).failed == 0


def test_file_names_are_safe(make_writing, cadre_a, cadre_user):
    writing = make_writing(cadre_a.secondments.get(), cadre_user, title="总结/终稿:第一季度")
    name = documents.file_name(documents.version_text(writing.versions.get()), "docx")
    assert name == "张建国-总结_终稿_第一季度-第1版.docx"
