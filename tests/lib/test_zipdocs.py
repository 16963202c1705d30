"""Batch export of rendered documents as one .zip with progress."""

from __future__ import annotations

import doctest
import io
import zipfile

import docx
import pytest

from guazhi.lib import zipdocs
from guazhi.lib.office import ConversionFailed, OfficeUnavailable
from guazhi.lib.official_docx import OfficialDocument, Paragraph, render_docx
from guazhi.lib.zipdocs import FAILURES_NAME, safe_name, zip_documents


def test_doctests():
    failed, attempted = doctest.testmod(zipdocs)
    assert attempted >= 2 and failed == 0


def test_documents_rendered_one_by_one_with_progress(tmp_path):
    rendered: list[str] = []
    calls: list[tuple[int, int]] = []

    def render(title: str):
        def build() -> bytes:
            rendered.append(title)
            return render_docx(OfficialDocument(title=title, blocks=[Paragraph("正文")]))

        return build

    titles = [f"心得体会{i}" for i in range(150)]
    items = ((f"张三-{t}.docx", render(t)) for t in titles)  # a generator: no len()
    result = zip_documents(
        items, tmp_path / "out.zip", total=150, progress=lambda d, t: calls.append((d, t))
    )
    assert result.path == tmp_path / "out.zip" and result.written == 150 and not result.failures
    assert rendered == titles
    # One call per whole percent that changed (0 % to 100 %), ending at 150/150.
    assert calls[-1] == (150, 150)
    assert len(calls) == 101 and calls == sorted(calls)
    with zipfile.ZipFile(result.path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[0] == "张三-心得体会0.docx"
        info = archive.getinfo(names[0])
        assert info.flag_bits & 0x800  # names stored as UTF-8, so Windows shows them in Chinese
        assert info.compress_type == zipfile.ZIP_STORED  # a .docx is already compressed
        document = docx.Document(io.BytesIO(archive.read(names[-1])))
        assert document.paragraphs[0].text == "心得体会149"
    assert not (tmp_path / "out.zip.part").exists()


def test_names_are_made_safe_and_unique(tmp_path):
    items = [
        ("../../etc/passwd", b"a"),
        ("张三-挂职总结.docx", b"b"),
        ("张三-挂职总结.docx", b"c"),
        ("张三-挂职总结.DOCX", b"d"),
        ("a:b*c?.txt", b"e"),
        ("", b"f"),
    ]
    result = zip_documents(items, tmp_path / "names.zip")
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
    assert names == [
        "_.._etc_passwd",
        "张三-挂职总结.docx",
        "张三-挂职总结 (2).docx",
        "张三-挂职总结 (3).DOCX",
        "a_b_c_.txt",
        "未命名",
    ]
    assert all("/" not in name and "\\" not in name for name in names)


def test_long_names_keep_their_suffix():
    name = safe_name("甲" * 300 + ".docx")
    assert len(name) == 120 and name.endswith(".docx")


def test_documents_that_cannot_be_rendered_are_listed(tmp_path):
    def fails() -> bytes:
        raise ConversionFailed("生成 PDF 文件超时（超过 60 秒），请稍后重试或下载 Word 版本。")

    result = zip_documents(
        [("一.pdf", b"%PDF-1"), ("二.pdf", fails), ("三.pdf", b"%PDF-3")], tmp_path / "x.zip"
    )
    assert result.written == 2
    assert result.failures == [
        ("二.pdf", "生成 PDF 文件超时（超过 60 秒），请稍后重试或下载 Word 版本。")
    ]
    with zipfile.ZipFile(result.path) as archive:
        assert archive.namelist() == ["一.pdf", "三.pdf", FAILURES_NAME]
        assert "二.pdf：生成 PDF 文件超时" in archive.read(FAILURES_NAME).decode()


def test_when_every_document_fails_the_error_is_raised_and_nothing_is_left(tmp_path):
    def unavailable() -> bytes:
        raise OfficeUnavailable("服务器未安装 LibreOffice，无法生成 PDF 文件，请下载 Word 版本。")

    with pytest.raises(OfficeUnavailable):
        zip_documents([("一.pdf", unavailable), ("二.pdf", unavailable)], tmp_path / "y.zip")
    assert list(tmp_path.iterdir()) == []


def test_a_bug_propagates_and_leaves_no_partial_file(tmp_path):
    def broken() -> bytes:
        raise KeyError("body")

    with pytest.raises(KeyError):
        zip_documents([("一.docx", b"x"), ("二.docx", broken)], tmp_path / "z.zip")
    assert list(tmp_path.iterdir()) == []


def test_no_path_gives_a_temporary_file_and_empty_input_reports_the_end():
    calls: list[tuple[int, int]] = []
    result = zip_documents([], progress=lambda d, t: calls.append((d, t)))
    try:
        assert result.path.is_file() and result.written == 0
        assert calls == [(0, 0)]
        with zipfile.ZipFile(result.path) as archive:
            assert archive.namelist() == []
    finally:
        result.path.unlink()
