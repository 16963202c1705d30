"""Every file parser behind an upload answers a page, never a 500, whatever the bytes: random
bytes under every accepted extension, and truncated, bit-flipped and overwritten copies of real
files (a roster, a ledger workbook, a .docx, a .zip of essays). The command-line readers of the
claims and originality engines raise only their InputError."""

from __future__ import annotations

import io
import re
import zipfile

import hostile
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from roster.xlsx_factory import build_roster_xlsx, demo_rows

from guazhi.claims import __main__ as claims_cli
from guazhi.originality import __main__ as originality_cli


def _post(client, target: str, name: str, data: bytes, cohort_pk: int):
    file = SimpleUploadedFile(name, data)
    if target == "roster":
        return client.post(reverse("roster:import_upload"), {"cohort": cohort_pk, "file": file})
    if target == "ledger":
        return client.post(reverse("ledger:import_upload"), {"file": file})
    if target == "writing":
        return client.post(reverse("writings:writing_create"), {"kind": "reflection", "file": file})
    return client.post(reverse("similarity:reference_upload"), {"file": file})


# Which extensions each upload accepts (and one it does not).
TARGETS = {
    "roster": (".xlsx", ".xls", ".et", ".csv"),
    "ledger": (".xlsx", ".xls", ".csv"),
    "writing": (".docx", ".doc", ".wps", ".pdf", ".txt", ".rtf"),
    "reference": (".txt", ".docx", ".jsonl", ".zip", ".exe"),
}
MAGICS = [
    b"",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"%PDF-1.4\n",
    b"{\\rtf1",
    b"\xef\xbb\xbf",
]


@pytest.fixture
def clients(client_for, programme_admin, cadre_user, cohort):
    admin = client_for(programme_admin)
    return {"roster": admin, "ledger": admin, "writing": client_for(cadre_user), "reference": admin}


@st.composite
def uploads(draw: st.DrawFn) -> tuple[str, str, bytes]:
    target = draw(st.sampled_from(sorted(TARGETS)))
    suffix = draw(st.sampled_from(TARGETS[target]))
    data = draw(st.sampled_from(MAGICS)) + draw(st.binary(max_size=2048))
    return target, f"文件{suffix}", data


@given(uploads())
def test_random_bytes_never_give_a_server_error(clients, cohort, upload):
    target, name, data = upload
    # The test client raises any exception a view lets through; a 500 page would show here too.
    response = _post(clients[target], target, name, data, cohort.pk)
    assert response.status_code in (200, 302), response.status_code


def _essays_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("范文一.txt", "挂职锻炼是组织培养干部的重要方式。" * 20)
        archive.writestr("范文二.docx", hostile.real_docx())
        archive.writestr(
            "范文.jsonl", '{"title": "范文三", "text": "' + "深入基层调研。" * 30 + '"}\n'
        )
    return out.getvalue()


def _ledger_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "干部姓名", "接收单位", "类别", "标题", "工作内容", "地点", "标签"])
    ws.append(
        [
            "2026-05-06",
            "张建国",
            "柳溪镇",
            "企业帮扶",
            "走访园区企业",
            "走访企业 12 家。",
            "石桥村",
            "",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REAL_FILES = {
    "roster": ("名册.xlsx", lambda: build_roster_xlsx(demo_rows(3))),
    "ledger": ("纪实.xlsx", _ledger_xlsx),
    "writing": ("心得.docx", hostile.real_docx),
    "reference": ("范文.zip", _essays_zip),
}


@pytest.mark.parametrize("target", sorted(REAL_FILES))
@pytest.mark.parametrize("seed", [1, 2])
def test_damaged_real_files_never_give_a_server_error(clients, cohort, target, seed):
    name, build = REAL_FILES[target]
    original = build()
    assert _post(clients[target], target, name, original, cohort.pk).status_code in (200, 302)
    for damaged in hostile.mutations(original, seed):
        response = _post(clients[target], target, name, damaged, cohort.pk)
        assert response.status_code in (200, 302), response.status_code


# --- the engines' command-line readers ---------------------------------------------------------


@pytest.mark.parametrize("reader", [claims_cli.read_document, originality_cli.read_document])
@given(
    suffix=st.sampled_from([".txt", ".docx", ".md"]),
    data=st.one_of(
        st.binary(max_size=2048),
        st.sampled_from(hostile.mutations(hostile.real_docx(1), 3)),
    ),
)
def test_cli_readers_raise_only_input_error(tmp_path, reader, suffix, data):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    try:
        text = reader(path)
    except reader.__globals__["InputError"] as error:
        assert str(error)
    else:
        assert isinstance(text, str) and text.strip()


@pytest.mark.parametrize("reader", [claims_cli.read_document, originality_cli.read_document])
@pytest.mark.parametrize("attack", ["billion-laughs-utf-8", "external-entity-utf-16-past-4k"])
def test_cli_readers_do_not_expand_entities(tmp_path, reader, attack):
    path = tmp_path / "attack.docx"
    path.write_bytes(hostile.docx_with_xml_attack(*hostile.xml_variants()[attack]))
    try:
        text = reader(path)
    except reader.__globals__["InputError"]:
        return
    assert "lollol" not in text and "root:" not in text


@pytest.mark.parametrize("reader", [claims_cli.read_document, originality_cli.read_document])
def test_cli_readers_refuse_a_zip_bomb_quickly(tmp_path, reader):
    import time

    path = tmp_path / "bomb.docx"
    path.write_bytes(hostile.flat_bomb(hostile.real_docx(1), "word/document.xml", megabytes=300))
    start = time.perf_counter()
    with pytest.raises(reader.__globals__["InputError"], match="压缩炸弹"):
        reader(path)
    assert time.perf_counter() - start < 5


# --- ledger attachments (photos, PDFs, .docx) ------------------------------------------------


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, format="JPEG")
    return out.getvalue()


ATTACHMENTS = [_jpeg(), hostile.real_docx(1), b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"]


@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.sampled_from([m for a in ATTACHMENTS for m in hostile.mutations(a, 5)]),
    ),
    name=st.sampled_from(["照片.jpg", "材料.pdf", "说明.docx", "x"]),
)
def test_attachment_preparation_refuses_only_in_chinese(data, name):
    from guazhi.ledger.files import UploadRefused, prepare

    try:
        prepare(data, name, max_bytes=10 * 2**20, keep_gps=False)
    except UploadRefused as error:
        assert re.search(r"[\u4e00-\u9fff]", str(error))


def test_a_decompression_bomb_photo_is_refused():
    from PIL import Image

    from guazhi.ledger.files import UploadRefused, prepare

    out = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, format="PNG")  # 900 megapixels, ~100 KB
    with pytest.raises(UploadRefused, match="像素过大|已损坏"):
        prepare(out.getvalue(), "照片.png", max_bytes=10 * 2**20, keep_gps=False)
