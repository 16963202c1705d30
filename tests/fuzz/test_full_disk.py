"""A full disk: the test database is copied to a file (WAL, as in production), SQLite's
`max_page_count` is lowered to what the file holds after filling its free space, and then a
ledger entry is saved and a roster uploaded. Each gets the Chinese 「磁盘空间不足」 page (507),
nothing half-written, and `PRAGMA integrity_check` is ok afterwards."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse
from roster.xlsx_factory import build_roster_xlsx, demo_rows

from guazhi.errors import disk_full
from guazhi.ledger.models import Entry
from guazhi.roster.models import RosterImport

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's max_page_count"),
]


@contextmanager
def full_file_database(path):
    """The default connection moved to a copy of the in-memory test database in `path`, with
    no room left, for the duration of the block."""
    memory = connection.connection  # keeps the in-memory database alive meanwhile
    original = connection.settings_dict["NAME"]
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages + 64}")
            # Fill what is left, so the next write that needs a page finds none.
            cursor.execute("CREATE TABLE disk_filler (data BLOB)")
            try:
                while True:
                    cursor.execute("INSERT INTO disk_filler VALUES (zeroblob(1000))")
            except Exception as error:  # noqa: BLE001 - the one we want is checked below
                assert disk_full(error), error
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        connection.connection = memory


def _integrity(path) -> str:
    with sqlite3.connect(path) as check:
        return check.execute("PRAGMA integrity_check").fetchone()[0]


def test_a_ledger_entry_on_a_full_disk(client_for, cadre_user, tmp_path):
    client = client_for(cadre_user)
    client.raise_request_exception = False
    from guazhi.ledger.models import Category

    category = Category.objects.get(name="企业帮扶")
    path = tmp_path / "guazhi.sqlite3"
    with full_file_database(path):
        response = client.post(
            reverse("ledger:entry_create"),
            {
                "date": "2026-05-06",
                "category": category.pk,
                "title": "走访园区企业",
                # Longer than a page: the row needs overflow pages the full file cannot give.
                "text": "走访工业园区企业，了解用工和融资需求。" * 200,
            },
        )
        assert Entry.objects.count() == 0
    assert response.status_code == 507, response.context and response.context["form"].errors
    page = response.content.decode()
    assert "磁盘空间不足" in page and "没有保存" in page
    assert _integrity(path) == "ok"
    assert not Entry.objects.exists()


def test_a_roster_import_on_a_full_disk(client_for, programme_admin, cohort, tmp_path):
    client = client_for(programme_admin)
    client.raise_request_exception = False
    path = tmp_path / "guazhi.sqlite3"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with full_file_database(path):
        response = client.post(
            reverse("roster:import_upload"),
            {
                "cohort": cohort.pk,
                "file": SimpleUploadedFile("名册.xlsx", build_roster_xlsx(demo_rows(200))),
            },
        )
        assert RosterImport.objects.count() == 0
    assert response.status_code == 507
    assert "磁盘空间不足" in response.content.decode()
    assert _integrity(path) == "ok"


def test_disk_full_is_told_from_other_errors():
    assert disk_full(sqlite3.OperationalError("database or disk is full"))
    assert disk_full(OSError(28, "No space left on device"))
    wrapped = RuntimeError("export failed")
    wrapped.__cause__ = OSError(28, "No space left on device")
    assert disk_full(wrapped)
    assert not disk_full(sqlite3.OperationalError("database is locked"))
    assert not disk_full(None)
