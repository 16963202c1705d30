"""LibreOffice conversions: unavailable, garbage, timeout, and real .doc / .wps / .docx files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest

from guazhi.lib import office
from guazhi.lib.office import ConversionFailed, OfficeUnavailable

needs_office = pytest.mark.skipif(
    not office.libreoffice_available(),
    reason="LibreOffice 未安装（make install-office）：跳过真实转换测试",
)
TEXT = "挂职干部心得体会：深入基层，服务群众。"


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_heading("一、基本情况", 1)
    document.add_paragraph(TEXT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


@pytest.fixture
def no_office(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GUAZHI_SOFFICE", raising=False)
    monkeypatch.setattr(office, "_EXTRA_GLOBS", ())


@pytest.fixture(scope="module")
def word97(tmp_path_factory) -> bytes:
    """A real Word 97 .doc, written by LibreOffice itself (no binary fixture in the repository)."""
    if not office.libreoffice_available():
        pytest.skip("LibreOffice 未安装")
    work = tmp_path_factory.mktemp("word97")
    (work / "sample.docx").write_bytes(_docx_bytes())
    subprocess.run(
        [
            office.find_soffice() or "soffice",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(work),
            str(work / "sample.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(work)},
    )
    return (work / "sample.doc").read_bytes()


def test_unavailable_when_soffice_is_not_found(no_office):
    assert office.find_soffice() is None
    assert not office.libreoffice_available()
    with pytest.raises(OfficeUnavailable) as raised:
        office.convert(b"\xd0\xcf\x11\xe0", ".doc", "docx")
    assert str(raised.value) == (
        "服务器未安装 LibreOffice，无法转换 .doc 文件，请另存为 .docx 后上传。"
    )
    with pytest.raises(OfficeUnavailable, match="无法生成 PDF"):
        office.convert(_docx_bytes(), "docx", "pdf")


def test_configured_path_that_does_not_exist_is_not_replaced_by_a_search(monkeypatch, tmp_path):
    monkeypatch.setenv("GUAZHI_SOFFICE", str(tmp_path / "missing" / "soffice"))
    assert not office.libreoffice_available()
    assert office.libreoffice_available(soffice=str(tmp_path / "missing" / "soffice")) is False


def test_configured_path_is_used(monkeypatch, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GUAZHI_SOFFICE", str(fake))
    assert office.find_soffice() == str(fake)


def test_unknown_target_or_input_is_a_programming_error():
    with pytest.raises(ValueError):
        office.convert(b"x", "doc", "odt")
    with pytest.raises(ValueError):
        office.convert(b"x", "exe", "pdf")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage " * 100,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00junk" * 500,  # OLE without a Word stream
    ],
)
def test_garbage_is_refused_without_running_libreoffice(tmp_path, data):
    # A soffice that would "succeed" proves the refusal happens before it runs.
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    with pytest.raises(ConversionFailed) as raised:
        office.convert(data, ".doc", "docx", soffice=str(fake))
    assert ".doc 文件" in str(raised.value)


def test_timeout_kills_the_whole_process_group(tmp_path):
    # soffice is a shell script that starts soffice.bin; the child must die with it.
    pid_file = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pid_file}\nwait\n")
    fake.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(ConversionFailed) as raised:
        office.convert(b"PK\x03\x04 stub", "docx", "pdf", timeout=1, soffice=str(fake))
    assert time.monotonic() - started < 10
    assert "超时（超过 1 秒）" in str(raised.value)
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        # A killed child not yet reaped by init still answers kill(0); read its state.
        stat = Path(f"/proc/{child}/stat")
        if stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z":
            break
        time.sleep(0.1)
    else:
        pytest.fail("the child of soffice outlived the timeout")


def test_soffice_that_writes_nothing_is_a_failed_conversion(tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\nexit 0\n")
    fake.chmod(0o755)
    with pytest.raises(ConversionFailed, match="文件可能已损坏"):
        office.convert(b"PK\x03\x04 stub", "docx", "docx", soffice=str(fake))


@needs_office
def test_docx_to_pdf_keeps_the_text(tmp_path):
    pdf = office.convert(_docx_bytes(), ".docx", "pdf")
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        (tmp_path / "out.pdf").write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True
        ).stdout
        assert TEXT in text


@needs_office
def test_word97_doc_to_docx(word97):
    assert _paragraphs(office.convert(word97, "doc", "docx")) == ["一、基本情况", TEXT]


@needs_office
def test_kingsoft_wps_in_word97_format_to_docx(word97):
    assert _paragraphs(office.convert(word97, ".WPS", "docx")) == ["一、基本情况", TEXT]


@needs_office
def test_truncated_doc_fails(word97):
    with pytest.raises(ConversionFailed, match="文件可能已损坏"):
        office.convert(word97[:3000], "doc", "docx")


@needs_office
def test_damaged_docx_fails():
    with pytest.raises(ConversionFailed):
        office.convert(b"PK\x03\x04" + b"\x00" * 300, "docx", "pdf")


@needs_office
def test_concurrent_conversions_do_not_collide(word97):
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: office.convert(word97, "doc", "docx"), range(3)))
    assert all(_paragraphs(result) == ["一、基本情况", TEXT] for result in results)
