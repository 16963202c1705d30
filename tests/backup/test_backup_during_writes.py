"""A backup taken on a file SQLite database while another process keeps writing (a unit and its
audit record in one transaction each), then the data directory wiped and restored: every row of
every table and every uploaded file comes back exactly as of one instant of the backup."""

from __future__ import annotations

import shutil
import sqlite3
import time

from tests.backup.backup_helpers import SETUP, columns, files, manage, popen, python, tables

WRITER = """
import sys, time
from pathlib import Path
from django.db import transaction
from guazhi.audit.log import record
from guazhi.roster.models import Unit, UnitKind
stop = Path(sys.argv[1])
n = 0
while not stop.exists():
    with transaction.atomic():
        unit = Unit.objects.create(name=f"写入测试单位{n}", kind=UnitKind.TOWN)
        record(event="create", username="writer", obj=unit)
    n += 1
    print(n, flush=True)
    time.sleep(0.005)
"""

WRITER_TABLES = {"roster_unit", "audit_auditrecord"}


def _wait_for(writer, count: int) -> int:
    while True:
        line = writer.stdout.readline()
        assert line, writer.stderr.read()
        if int(line) >= count:
            return int(line)


def test_backup_while_writing_then_wipe_and_restore(tmp_path):
    data = tmp_path / "data"
    prepared = python(data, SETUP)
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    stop = tmp_path / "stop"
    writer = popen(data, WRITER, str(stop))
    try:
        _wait_for(writer, 30)
        made = manage(data, "backup", "--output-dir", str(tmp_path / "backups"))
        assert made.returncode == 0, made.stderr
        assert "已备份到" in made.stdout
        time.sleep(1)  # more writes after the backup
    finally:
        stop.touch()
        writer.wait(timeout=60)
    archive = next((tmp_path / "backups").glob("guazhi-*.gzbackup"))

    db = data / "guazhi.sqlite3"
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    final_rows = tables(db)
    final_files = files(data / "media")
    assert len(final_files) == 3

    # Wipe: database, its WAL and every uploaded file.
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    shutil.rmtree(data / "media")

    restored = manage(data, "restore", "--no-input", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "已从" in restored.stdout

    rows = tables(db)
    assert set(rows) == set(final_rows)
    for name in set(rows) - WRITER_TABLES:
        assert rows[name] == final_rows[name], name
    # The writer's tables hold exactly the writes committed before the snapshot: a prefix of
    # ids, units and their audit records together (never one without the other).
    col = {name: columns(db, name) for name in WRITER_TABLES}
    unit_id, unit_name = col["roster_unit"]["id"], col["roster_unit"]["name"]
    seq, event, username = (col["audit_auditrecord"][c] for c in ("seq", "event", "username"))

    def written(unit_rows: set[tuple]) -> int:
        return sum(1 for r in unit_rows if str(r[unit_name]).startswith("写入测试单位"))

    audit = {r for r in rows["audit_auditrecord"] if r[event] != "restore"}
    assert 0 < written(rows["roster_unit"]) < written(final_rows["roster_unit"])
    assert written(rows["roster_unit"]) == sum(1 for r in audit if r[username] == "writer")
    max_unit = max(r[unit_id] for r in rows["roster_unit"])
    assert rows["roster_unit"] == {r for r in final_rows["roster_unit"] if r[unit_id] <= max_unit}
    max_seq = max(r[seq] for r in audit)
    assert audit == {r for r in final_rows["audit_auditrecord"] if r[seq] <= max_seq}
    assert files(data / "media") == final_files

    verified = manage(data, "verify_audit")
    assert verified.returncode == 0, verified.stderr
    assert "哈希链连续" in verified.stdout
    # The restore is itself recorded, and the exported head follows it.
    last = python(
        data,
        """
        from guazhi.audit.models import AuditRecord
        print(AuditRecord.objects.order_by("-seq").values_list("event", flat=True).first())
        """,
    )
    assert last.stdout.strip() == "restore"
