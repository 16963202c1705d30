"""The PostgreSQL path: pg_dump -Fc while a thread keeps writing, wipe, pg_restore in one
transaction, compare every row and file. Runs when the suite runs on PostgreSQL (CI does)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from guazhi.audit.log import record, verify_chain
from guazhi.roster.models import Unit, UnitKind
from tests.backup.backup_helpers import BACKUP_KEY, files

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump / pg_restore path: runs when the suite runs on PostgreSQL (as CI does)",
)


def _plain(value):  # type: ignore[no-untyped-def]
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, (datetime, date, Decimal, memoryview)):
        return str(bytes(value) if isinstance(value, memoryview) else value)
    return value


def _rows() -> dict[str, tuple[list[str], set[tuple]]]:
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            names = [c.name for c in cursor.description]
            found[table] = (names, {tuple(_plain(v) for v in row) for row in cursor.fetchall()})
    return found


@pytest.mark.django_db(transaction=True)
def test_backup_while_writing_then_wipe_and_restore(settings, tmp_path):
    settings.GUAZHI_BACKUP_KEY = BACKUP_KEY
    settings.GUAZHI_AUDIT_HEAD_FILE = ""
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    (settings.MEDIA_ROOT / "ledger").mkdir(parents=True)
    (settings.MEDIA_ROOT / "ledger" / "照片.jpg").write_bytes(bytes(range(256)) * 500)
    for i in range(20):
        record(event="login", username=f"user{i}")

    stop = threading.Event()
    written = []

    def writer() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    unit = Unit.objects.create(
                        name=f"写入测试单位{len(written)}", kind=UnitKind.TOWN
                    )
                    record(event="create", username="writer", obj=unit)
                written.append(unit.pk)
                time.sleep(0.005)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.05)
        call_command("backup", output_dir=str(tmp_path / "backups"), stdout=open("/dev/null", "w"))  # noqa: SIM115
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(timeout=60)
    archive = next((tmp_path / "backups").glob("*.gzbackup"))
    final = _rows()
    final_files = files(settings.MEDIA_ROOT)

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("restore", str(archive), interactive=False, stdout=open("/dev/null", "w"))  # noqa: SIM115

    rows = _rows()
    assert set(rows) == set(final)
    for table in set(rows) - {"roster_unit", "audit_auditrecord"}:
        assert rows[table][1] == final[table][1], table
    unit_names, units = rows["roster_unit"]
    audit_names, audit = rows["audit_auditrecord"]
    uid, uname = unit_names.index("id"), unit_names.index("name")
    seq, event, username = (audit_names.index(c) for c in ("seq", "event", "username"))
    audit = {r for r in audit if r[event] != "restore"}
    ours = sum(1 for r in units if str(r[uname]).startswith("写入测试单位"))
    assert 0 < ours < len(written)
    assert ours == sum(1 for r in audit if r[username] == "writer")
    max_unit = max(r[uid] for r in units)
    assert units == {r for r in final["roster_unit"][1] if r[uid] <= max_unit}
    max_seq = max(r[seq] for r in audit)
    assert audit == {r for r in final["audit_auditrecord"][1] if r[seq] <= max_seq}
    assert files(settings.MEDIA_ROOT) == final_files
    assert verify_chain()[1] is None
