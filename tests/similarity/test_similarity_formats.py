"""The same text gives the same ratio (within one point) whether the cadre uploads it as .txt,
.docx, .pdf or .doc: each file is made in the test (the PDF and the .doc by LibreOffice from the
.docx) and read by the writings' own upload reader."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from docx import Document
from similarity_testdata import TEMPLATE_HEADER, prose

from guazhi.lib import office
from guazhi.lib.extract_text import extract
from guazhi.similarity.models import ReferenceText, Report
from guazhi.writings import actions as writing_actions

pytestmark = pytest.mark.django_db

TITLE = "挂职锻炼心得体会"


def _paragraphs() -> list[str]:
    """A template essay copied in part (with the site's header) between the cadre's own text."""
    own, essay = prose(200, 700), prose(201, 1500)
    text = own + "\n" + TEMPLATE_HEADER + "\n" + essay[:900] + "\n" + prose(202, 300)
    # Paragraphs of 60–120 characters, as a writing has them (and a PDF re-flows them).
    return [line for part in text.split("\n") for line in _split(part) if line]


def _split(text: str) -> list[str]:
    out, current = [], ""
    for sentence in text.split("。"):
        if not sentence:
            continue
        current += sentence + "。"
        if len(current) >= 60:
            out.append(current)
            current = ""
    return [*out, current]


def _docx(paragraphs: list[str]) -> bytes:
    document = Document()
    document.add_heading(TITLE, level=0)
    for p in paragraphs:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _files(paragraphs: list[str], monkeypatch) -> dict[str, bytes]:
    docx = _docx(paragraphs)
    files = {"txt": (TITLE + "\n" + "\n".join(paragraphs)).encode("utf-8"), "docx": docx}
    if office.libreoffice_available():
        files["pdf"] = office.convert(docx, "docx", "pdf", timeout=120)
        monkeypatch.setitem(office._FILTERS, "doc", "doc:MS Word 97")
        files["doc"] = office.convert(docx, "docx", "doc", timeout=120)
        assert files["doc"].startswith(office._OLE_MAGIC)
    return files


def test_the_ratio_does_not_depend_on_the_file_format(
    monkeypatch, cadre_user, programme_admin, django_capture_on_commit_callbacks
):
    essay = prose(201, 1500)
    ReferenceText.objects.create(
        title="心得体会范文",
        text=essay,
        chars=len(essay),
        sha256="c" * 64,
        uploaded_by=programme_admin,
    )
    call_command("originality_index", "--rebuild", verbosity=0)
    ratios = {}
    for fmt, data in _files(_paragraphs(), monkeypatch).items():
        extracted = extract(data, f"心得.{fmt}", max_bytes=10 * 1024 * 1024)
        assert extracted.title == TITLE, fmt
        with django_capture_on_commit_callbacks(execute=True):
            writing = writing_actions.create_writing(
                actor=cadre_user,
                secondment=cadre_user.cadre.secondments.get(),
                kind="reflection",
                title=extracted.title,
                blocks=extracted.blocks,
                source=fmt,
                source_name=f"心得.{fmt}",
            )
            version = writing_actions.submit_writing(
                actor=cadre_user, writing=writing, version=writing.version
            )
        report = Report.objects.get(version=version)
        assert report.status == "done", fmt
        ratios[fmt] = (report.copy_ratio, report.copy_ratio_excluding_common)
    if "pdf" not in ratios:
        pytest.skip("LibreOffice not installed: .pdf and .doc not generated (txt and docx agreed)")
    reference = ratios["txt"]
    assert 0.4 < reference[0] < 0.6, ratios
    for fmt, (total, excluding) in ratios.items():
        assert abs(total - reference[0]) <= 0.01, (fmt, ratios)
        assert abs(excluding - reference[1]) <= 0.01, (fmt, ratios)
