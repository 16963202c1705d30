"""The reference corpus: uploads of every accepted kind, the bad inputs with their Chinese
messages, duplicates, search and count, removal; the index follows every change."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from similarity_testdata import prose

from guazhi.audit.models import AuditRecord
from guazhi.similarity import store
from guazhi.similarity.models import ReferenceText, Report

pytestmark = pytest.mark.django_db

UPLOAD = reverse("similarity:reference_upload")


def _docx(title: str, text: str) -> bytes:
    document = Document()
    document.add_heading(title, level=0)
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the after-commit index updates of a request, as outside a test transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def upload(commit):
    def _upload(client, name: str, data: bytes, note: str = ""):
        with commit():
            return client.post(
                UPLOAD, {"file": SimpleUploadedFile(name, data), "source_note": note}
            )

    return _upload


def _index_ids() -> set[str]:
    return set(store.shared().ids)


@pytest.fixture
def admin_client(programme_admin, client_for):
    return client_for(programme_admin)


def test_a_txt_essay_is_added_audited_and_indexed(upload, admin_client, programme_admin):
    response = upload(admin_client, "挂职心得范文.txt", prose(40).encode(), note="某范文网")
    assert response.status_code == 302
    ref = ReferenceText.objects.get()
    assert ref.title == "挂职心得范文"
    assert ref.source_note == "某范文网"
    assert ref.uploaded_by == programme_admin
    assert _index_ids() == {f"r{ref.pk}"}
    record = AuditRecord.objects.get(object_type="similarity.referencetext")
    assert "新增 1 篇" in record.detail


def test_docx_jsonl_and_a_zip_of_them(upload, admin_client):
    lines = "\n".join(
        json.dumps({"title": f"交流发言范文{i}", "text": prose(50 + i)}, ensure_ascii=False)
        for i in range(3)
    )
    archive = _zip(
        {
            "范文/心得体会.docx": _docx("心得体会范文", prose(60)),
            "范文/总结.txt": prose(61).encode("gb18030"),
            "范文/发言.jsonl": lines.encode(),
            "__MACOSX/._总结.txt": b"junk",
        }
    )
    assert upload(admin_client, "范文.zip", archive).status_code == 302
    titles = set(ReferenceText.objects.values_list("title", flat=True))
    assert titles == {"心得体会范文", "总结", "交流发言范文0", "交流发言范文1", "交流发言范文2"}
    assert len(_index_ids()) == 5


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("空.txt", b"", "文件是空的"),
        ("空白.txt", b"   \n  ", "是空的"),
        ("范文.pdf", b"%PDF-1.4 whatever", "不支持"),
        ("程序.exe", b"MZ\x90\x00", "不支持"),
        ("坏.zip", b"PK\x03\x04 this is not a zip", "压缩包已损坏"),
        ("伪装.docx", b"just text pretending", "不是有效的 Word 文档"),
        ("短.txt", "太短了。".encode(), "太短"),
        ("长.txt", (("很长的范文，" * 10 + "\n") * 2000).encode(), "超过一篇范文"),
        ("坏行.jsonl", b'{"title": "a", "text": "x"}\nnot json\n', "第 1 行"),
        ("缺字段.jsonl", '{"title": "只有标题"}'.encode(), "缺少文本字段"),
    ],
)
def test_bad_files_get_a_chinese_message(upload, admin_client, name, data, message):
    response = upload(admin_client, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReferenceText.objects.exists()


def test_zip_bomb_traversal_nesting_and_strangers_are_refused(upload, admin_client):
    bomb = _zip({"炸弹.txt": b"0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    cases = {
        "炸弹.zip": (bomb, "压缩炸弹"),
        "穿越.zip": (_zip({"../../etc/passwd.txt": prose(1).encode()}), "非法路径"),
        "套娃.zip": (_zip({"内层.zip": _zip({"a.txt": prose(2).encode()})}), "不能再套压缩包"),
        "杂项.zip": (_zip({"图片.png": b"\x89PNG...."}), "不是支持的文件类型"),
        "空文件.zip": (_zip({"空.txt": b""}), "是空文件"),
    }
    for name, (data, message) in cases.items():
        response = upload(admin_client, name, data)
        assert message in response.content.decode(), name
    assert not ReferenceText.objects.exists()


def test_duplicates_are_skipped_or_refused(upload, admin_client):
    essay = prose(70)
    assert upload(admin_client, "范文一.txt", essay.encode()).status_code == 302
    # The same text re-wrapped is the same essay: refused when nothing else is new.
    response = upload(admin_client, "范文一副本.txt", essay.replace("。", "。\n").encode())
    assert "没有新增范文" in response.content.decode()
    assert "与参考库中的《范文一》内容相同" in response.content.decode()
    # In a zip, duplicates (of the corpus and of each other) are skipped, the rest added.
    archive = _zip(
        {"a.txt": essay.encode(), "b.txt": prose(71).encode(), "c.txt": prose(71).encode()}
    )
    response = upload(admin_client, "一批.zip", archive)
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "已加入参考范文库 1 篇" in page and "跳过重复 2 篇" in page
    assert ReferenceText.objects.count() == 2


def test_list_search_count_and_removal(
    upload, commit, admin_client, submit, cadre_user, programme_admin
):
    for i, title in enumerate(["乡村振兴心得", "营商环境交流发言", "乡村治理总结"]):
        upload(admin_client, f"{title}.txt", prose(80 + i).encode())
    page = admin_client.get(reverse("similarity:reference_list")).content.decode()
    assert 'data-testid="reference-total">3<' in page
    found = admin_client.get(reverse("similarity:reference_list") + "?q=乡村").content.decode()
    assert "乡村振兴心得" in found and "乡村治理总结" in found and "营商环境" not in found

    ref = ReferenceText.objects.get(title="乡村振兴心得")
    report = Report.objects.get(version=submit(cadre_user, ref.text))
    assert report.copy_ratio > 0.95

    with commit():
        response = admin_client.post(reverse("similarity:reference_delete", args=[ref.pk]))
    assert response.status_code == 302
    ref.refresh_from_db()
    assert ref.removed_at is not None and ref.removed_by == programme_admin
    assert f"r{ref.pk}" not in _index_ids()
    assert AuditRecord.objects.filter(event="delete", object_id=str(ref.pk)).exists()
    # The old report still names it; a new check no longer finds it.
    html = admin_client.get(report.get_absolute_url()).content.decode()
    assert "参考范文《乡村振兴心得》（已移出参考库）" in html
    # ...and the same essay may be uploaded again.
    assert upload(admin_client, "乡村振兴心得.txt", ref.text.encode()).status_code == 302


def test_only_the_admin_uploads(upload, client_for, host_liaison):
    response = upload(client_for(host_liaison), "范文.txt", prose(90).encode())
    assert response.status_code == 404
    assert not ReferenceText.objects.exists()
