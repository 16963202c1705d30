"""Every message a form can show is natural Chinese: no English, none of Django's machine
Chinese. Each form is submitted with the bad input a real user types (nothing, far too much,
a year of 99999, a duplicate name) and every error on the page is read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Names Chinese users say as they are: products and file types.
ALLOWED_WORDS = re.compile(r"Excel|WPS|Word|PDF|\.?(xlsx|xls|et|docx|doc|txt|jpg|png|webp)\b")
# Fragments of Django's own zh-hans catalogue that read as machine translation.
MACHINE_CHINESE = ("确保该", "具有 ", "这个字段", "输入一个", "选择一个有效", "已经存在")
LONG = "很长的名字" * 60  # 300 characters


def _errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for errors in form.errors.values() for e in errors]


def _assert_chinese(messages: list[str]) -> None:
    assert messages, "the bad input was accepted"
    for message in messages:
        # What the user typed may be quoted back (“abc”); the words around it must be Chinese.
        words = ALLOWED_WORDS.sub("", re.sub(r"“[^”]*”", "", message))
        assert not LATIN_WORD.search(words), message
        assert not any(f in message for f in MACHINE_CHINESE), message


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "year": "", "start_date": "", "end_date": ""},
        {"name": LONG, "year": "99999", "start_date": "99999-01-01", "end_date": "1800-01-01"},
        {"name": "一批", "year": "2026", "start_date": "2026-13-45", "end_date": "昨天"},
    ],
    ids=["empty", "too-long-and-implausible", "not-dates"],
)
def test_cohort_form_errors_are_chinese(client_for, programme_admin, data):
    response = client_for(programme_admin).post(reverse("roster:cohort_create"), data)
    assert response.status_code == 200
    _assert_chinese(_errors(response))


def test_duplicate_cohort_name_reads_naturally(client_for, programme_admin, cohort):
    data = {
        "name": cohort.name,
        "year": 2026,
        "start_date": "2026-03-01",
        "end_date": "2027-02-28",
    }
    response = client_for(programme_admin).post(reverse("roster:cohort_create"), data)
    messages = _errors(response)
    _assert_chinese(messages)
    assert "已有相同批次名称的批次" in "".join(messages)


def test_implausible_years_are_refused(client_for, programme_admin):
    data = {"name": "错年份", "year": 1800, "start_date": "1800-03-01", "end_date": "1801-01-01"}
    response = client_for(programme_admin).post(reverse("roster:cohort_create"), data)
    text = "".join(_errors(response))
    assert "2000" in text


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "kind": "", "parent": "", "sort_order": ""},
        {"name": LONG, "kind": "村村", "sort_order": "-1"},
    ],
    ids=["empty", "bad"],
)
def test_unit_form_errors_are_chinese(client_for, programme_admin, data):
    response = client_for(programme_admin).post(reverse("roster:unit_create"), data)
    _assert_chinese(_errors(response))


def test_cadre_form_errors_are_chinese(client_for, programme_admin, cadre_a):
    data = {
        "name": LONG,
        "gender": "X",
        "birth_date": "1985/99/99",
        "id_number": "12345",
        "mobile": "abc",
        "home_unit": "999999",
        "version": cadre_a.version,
    }
    response = client_for(programme_admin).post(
        reverse("roster:cadre_edit", args=[cadre_a.pk]), data
    )
    _assert_chinese(_errors(response))


def test_secondment_form_errors_are_chinese(client_for, programme_admin, cadre_a):
    s = cadre_a.secondments.get()
    data = {"post": LONG, "start_date": "1800-01-01", "planned_end_date": "x"}
    response = client_for(programme_admin).post(
        reverse("roster:secondment_edit", args=[s.pk]), data
    )
    _assert_chinese(_errors(response))


CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_compiled_catalogue_matches_the_source(tmp_path):
    """django.mo is committed (a fresh server needs no gettext); it must be rebuilt from
    django.po whenever that changes (`make messages`)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt (gettext) is missing on CI: .ci/run installs it")
        pytest.skip("msgfmt (gettext) is not installed")
    out = tmp_path / "django.mo"
    subprocess.run([msgfmt, "-o", str(out), str(CATALOGUE / "django.po")], check=True)
    assert out.read_bytes() == (CATALOGUE / "django.mo").read_bytes(), "run `make messages`"


@pytest.mark.parametrize(
    "upload",
    [
        ("名册.xlsx", b""),
        ("名册.exe", b"MZ\x90\x00"),
        ("名册.xlsx", b"not a workbook at all"),
        ("名册.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
    ],
    ids=["empty", "exe", "garbage", "ole"],
)
def test_roster_upload_errors_are_chinese(client_for, programme_admin, cohort, upload):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name, content = upload
    response = client_for(programme_admin).post(
        reverse("roster:import_upload"),
        {"cohort": cohort.pk, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    _assert_chinese(_errors(response))


@pytest.mark.parametrize(
    "data",
    [
        {"date": "", "category": "", "title": "", "text": ""},
        {"date": "2026-02-30", "category": "99999", "title": LONG, "text": "x", "tags": LONG},
    ],
    ids=["empty", "bad"],
)
def test_ledger_entry_form_errors_are_chinese(client_for, cadre_user, data):
    import uuid

    data = {**data, "client_uuid": str(uuid.uuid4()), "version": ""}
    response = client_for(cadre_user).post(reverse("ledger:entry_create"), data)
    assert response.status_code == 200
    _assert_chinese(_errors(response))
