"""Attachments: type by content, size cap, GPS stripped, EXIF time kept, thumbnails, and files
served only through the permission-checked view."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from ledger_helpers import category, has_gps, jpeg

from guazhi.ledger.files import UploadRefused, prepare
from guazhi.ledger.models import Attachment, EntryStatus

MB = 1024 * 1024
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _upload(client, entry, *files):
    return client.post(
        reverse("ledger:attachment_add", args=[entry.pk]), {"files": list(files)}, follow=True
    )


def test_a_renamed_program_is_refused():
    with pytest.raises(UploadRefused) as refused:
        prepare(EXE, "现场照片.jpg", max_bytes=10 * MB, keep_gps=False)
    assert "不是可接受的类型" in str(refused.value)


def test_types_are_decided_by_content():
    assert prepare(b"%PDF-1.7\n...", "x.docx", max_bytes=MB, keep_gps=False).kind == "pdf"
    assert prepare(_docx(), "总结", max_bytes=MB, keep_gps=False).kind == "docx"
    bare_zip = io.BytesIO()
    with zipfile.ZipFile(bare_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(UploadRefused):
        prepare(bare_zip.getvalue(), "a.docx", max_bytes=MB, keep_gps=False)


def test_oversize_and_empty_files_are_refused():
    with pytest.raises(UploadRefused, match="超过 1 MB"):
        prepare(b"%PDF-" + b"0" * MB, "大文件.pdf", max_bytes=MB, keep_gps=False)
    with pytest.raises(UploadRefused, match="是空的"):
        prepare(b"", "空.pdf", max_bytes=MB, keep_gps=False)


def test_a_broken_image_is_refused():
    with pytest.raises(UploadRefused, match="已损坏"):
        prepare(b"\xff\xd8\xff\xe0" + b"\x00" * 100, "坏.jpg", max_bytes=MB, keep_gps=False)


def test_gps_is_stripped_and_the_exif_time_kept():
    photo = jpeg(gps=True, taken="2026:05:06 09:14:00")
    assert has_gps(photo)
    prepared = prepare(photo, "照片.jpg", max_bytes=10 * MB, keep_gps=False)
    assert not has_gps(prepared.content)
    assert not prepared.gps_kept
    assert prepared.exif_time == datetime(2026, 5, 6, 9, 14)
    assert prepared.thumbnail is not None and prepared.thumbnail.startswith(b"\xff\xd8")


def test_gps_is_kept_when_the_setting_says_so():
    photo = jpeg(gps=True)
    prepared = prepare(photo, "照片.jpg", max_bytes=10 * MB, keep_gps=True)
    assert has_gps(prepared.content)
    assert prepared.gps_kept
    assert prepared.content == photo


@pytest.mark.django_db
def test_a_photo_upload_is_stored_without_gps_with_thumbnail_and_time(
    entry_a, cadre_user, client_for, media_root
):
    photo = SimpleUploadedFile(
        "IMG_0001.jpg", jpeg(gps=True, taken="2026:05:06 09:14:00"), "image/jpeg"
    )
    response = _upload(client_for(cadre_user), entry_a, photo)
    assert "已上传 1 个附件" in response.text
    attachment = Attachment.objects.get()
    assert attachment.kind == "image"
    assert attachment.original_name == "IMG_0001.jpg"
    with attachment.file.open("rb") as stored:
        assert not has_gps(stored.read())
    assert attachment.thumbnail
    assert timezone.localtime(attachment.exif_time).strftime("%Y-%m-%d %H:%M") == "2026-05-06 09:14"
    assert str(media_root) in attachment.file.path
    assert entry_a.revisions.get().action == "attach"


@pytest.mark.django_db
def test_an_exe_renamed_to_jpg_is_refused_at_upload(entry_a, cadre_user, client_for, media_root):
    exe = SimpleUploadedFile("现场照片.jpg", EXE, "image/jpeg")
    response = _upload(client_for(cadre_user), entry_a, exe)
    assert "文件“现场照片.jpg”的内容不是可接受的类型" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_the_size_cap_is_a_setting(entry_a, cadre_user, client_for, media_root, settings):
    settings.GUAZHI_MAX_ATTACHMENT_MB = 1
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.7" + b"0" * (MB + 10), "application/pdf")
    response = _upload(client_for(cadre_user), entry_a, big)
    assert "超过 1 MB" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_attachment_to_a_confirmed_entry_needs_confirming_again(
    entry_a, cadre_user, client_for, media_root
):
    entry_a.status = EntryStatus.CONFIRMED
    entry_a.save(update_fields=["status"])
    _upload(client_for(cadre_user), entry_a, SimpleUploadedFile("a.pdf", b"%PDF-1.7 x"))
    entry_a.refresh_from_db()
    assert entry_a.status == EntryStatus.PENDING


@pytest.mark.django_db
def test_files_are_served_only_to_who_may_see_the_entry(
    attachment_a, cadre_user, other_cadre_user, home_liaison, system_admin, client_for
):
    url = reverse("ledger:attachment_file", args=[attachment_a.pk])
    response = client_for(home_liaison).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert client_for(other_cadre_user).get(url).status_code == 404
    assert client_for(system_admin).get(url).status_code == 404


@pytest.mark.django_db
def test_removing_an_attachment_deletes_its_files_after_commit(
    attachment_a, cadre_user, client_for, django_capture_on_commit_callbacks
):
    path = Path(attachment_a.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cadre_user).post(reverse("ledger:attachment_delete", args=[attachment_a.pk]))
    assert not Attachment.objects.exists()
    assert not path.exists()
    assert attachment_a.entry.revisions.get().action == "detach"


@pytest.mark.django_db
def test_an_entry_with_a_photo_is_written_in_one_go(cadre_user, client_for, media_root):
    response = client_for(cadre_user).post(
        reverse("ledger:entry_create"),
        {
            "date": "2026-05-06",
            "category": category("防汛救灾").pk,
            "title": "夜间转移危房群众",
            "text": "暴雨夜转移土坯房住户 2 户 5 人。",
            "files": [SimpleUploadedFile("IMG_0002.jpg", jpeg(taken="2026:05:06 23:40:00"))],
        },
        follow=True,
    )
    assert "工作纪实已保存" in response.text
    assert Attachment.objects.get().entry.title == "夜间转移危房群众"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_gps_is_stripped_from_png_and_webp_too(fmt):
    from PIL import Image

    image = Image.new("RGB", (300, 200), (10, 20, 30))
    exif = Image.Exif()
    exif.get_ifd(0x8825)[1] = "N"
    exif.get_ifd(0x8825)[2] = (30.0, 35.0, 12.0)
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    assert has_gps(out.getvalue())
    prepared = prepare(out.getvalue(), f"图.{fmt.lower()}", max_bytes=MB, keep_gps=False)
    assert prepared.kind == "image"
    assert not has_gps(prepared.content)
    assert prepared.thumbnail is not None
