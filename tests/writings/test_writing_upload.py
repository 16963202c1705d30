"""Uploading instead of writing: a new writing from a file, a draft's body replaced by a file, and
the Chinese messages for files that give no writing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from writing_files import HEADING_1, PARAGRAPH, TABLE, TITLE, docx_bytes, scanned_pdf_bytes

from guazhi.lib import office
from guazhi.writings.models import EventAction, Writing, WritingSource


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_new_writing_from_a_docx(client_for, cadre_user, cadre_a):
    response = client_for(cadre_user).post(
        reverse("writings:writing_create"),
        {"kind": "reflection", "file": _file("心得.docx", docx_bytes())},
    )
    writing = Writing.objects.get()
    assert response.status_code == 302
    assert writing.title == TITLE
    assert writing.source == WritingSource.DOCX and writing.source_name == "心得.docx"
    assert {"type": "table", "rows": TABLE} in writing.body
    assert HEADING_1 in writing.text and PARAGRAPH in writing.text
    version = writing.versions.get()
    assert version.number == 1 and version.source_name == "心得.docx"
    assert writing.events.get().action == EventAction.UPLOAD


def test_writing_for_a_requirement_takes_its_kind_and_title(client_for, cadre_user, cadre_a):
    from guazhi.writings.plan import ensure_plan

    ensure_plan(cadre_a.secondments.get().cohort)
    requirement = cadre_a.secondments.get().cohort.writing_requirements.get(title="第一季度小结")
    client_for(cadre_user).post(
        reverse("writings:writing_create"), {"requirement": requirement.pk, "kind": "reflection"}
    )
    writing = Writing.objects.get()
    assert (writing.kind, writing.title, writing.requirement) == (
        "quarterly",
        "第一季度小结",
        requirement,
    )
    # A requirement is answered once: it is no longer offered.
    page = client_for(cadre_user).get(reverse("writings:writing_create")).content.decode()
    assert f'value="{requirement.pk}"' not in page


def test_scanned_pdf_gets_a_message_and_no_writing(client_for, cadre_user, cadre_a):
    response = client_for(cadre_user).post(
        reverse("writings:writing_create"),
        {"kind": "reflection", "file": _file("扫描件.pdf", scanned_pdf_bytes())},
    )
    assert response.status_code == 200
    assert "扫描件" in response.context["form"].errors["file"][0]
    assert not Writing.objects.exists()


def test_doc_without_libreoffice_asks_for_docx(
    client_for, cadre_user, cadre_a, monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GUAZHI_SOFFICE", raising=False)
    monkeypatch.setattr(office, "_EXTRA_GLOBS", ())
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "WordDocument".encode("utf-16-le")
    response = client_for(cadre_user).post(
        reverse("writings:writing_create"),
        {"kind": "speech", "file": _file("发言.doc", data + b"\x00" * 512)},
    )
    message = response.context["form"].errors["file"][0]
    assert "LibreOffice" in message and ".docx" in message
    assert not Writing.objects.exists()


def test_upload_replaces_a_drafts_body_and_keeps_the_old_one(
    client_for, make_writing, cadre_a, cadre_user
):
    draft = make_writing(cadre_a.secondments.get(), cadre_user, status="draft")
    old_text = draft.text
    response = client_for(cadre_user).post(
        reverse("writings:writing_upload", args=[draft.pk]),
        {
            "version": draft.version,
            "file": _file("定稿.txt", "定稿\n二、新的内容。".encode("gb18030")),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.text == "二、新的内容。"
    assert draft.source == WritingSource.TXT
    assert [v.text for v in draft.versions.order_by("number")] == [old_text, "二、新的内容。"]


def test_upload_over_a_stale_page_is_refused(client_for, make_writing, cadre_a, cadre_user):
    draft = make_writing(cadre_a.secondments.get(), cadre_user, status="draft")
    client = client_for(cadre_user)
    response = client.post(
        reverse("writings:writing_upload", args=[draft.pk]),
        {"version": draft.version + 5, "file": _file("a.txt", "内容。".encode())},
        follow=True,
    )
    assert "已在其他窗口或设备上修改" in response.content.decode()
    draft.refresh_from_db()
    assert draft.text != "内容。"
