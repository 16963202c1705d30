"""The attack of issue 10: copy the raw database file (and a backup) and grep it for ID and
mobile numbers. The roster and fieldwork demo (every cadre, household and petitioner) plus a
pending and a rejected roster import are written to a file SQLite database; then neither the
file, its write-ahead log, the sealed backup, nor the database inside the decrypted backup
holds any of their 18-digit ID numbers or 11-digit mobiles. On PostgreSQL, the same of
`pg_dump` output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from django.db import connection

from guazhi.backup.archive import extract_archive
from tests.backup.backup_helpers import BACKUP_KEY, manage, python

SETUP = """
import json
from django.core.management import call_command
from django.db import transaction
call_command("migrate", verbosity=0)
from guazhi.roster import demo_data, import_actions
from guazhi.roster.management.commands.seed_demo import seed
with transaction.atomic():
    seed(demo_data.build_plan(), ledger=False)
from guazhi.contacts.demo_data import seed_contacts
seed_contacts()

from guazhi.accounts.models import Role, User
from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import Cadre, Cohort, RosterImport, Unit
from guazhi.contacts.models import Contact
from tests.roster.xlsx_factory import build_roster_xlsx, demo_rows
admin = User.objects.filter(role=Role.PROGRAMME_ADMIN).first()
cohort = Cohort.objects.order_by("-start_date").first()
home = [Unit.objects.filter(kind="department").order_by("pk").first().name]
host = [Unit.objects.filter(kind="town").order_by("pk").first().name]
good, bad = demo_rows(5, home_units=home, host_units=host), demo_rows(3, start=50)
bad[1]["身份证号"] = bad[0]["身份证号"]
for n, rows in enumerate((good, bad)):
    result = validate_roster(build_roster_xlsx(rows), cohort=cohort)
    import_actions.record_upload(
        actor=admin, ip="", cohort=cohort, file_name=f"名册{n}.xlsx", sha256=str(n) * 64,
        result=result,
    )
statuses = sorted(RosterImport.objects.values_list("status", flat=True))
numbers = [n for c in Cadre.objects.all() for n in (c.id_number, c.mobile)]
numbers += [n for c in Contact.objects.all() for n in (c.id_number, c.phone)]
numbers += [r[k] for r in good + bad for k in ("身份证号", "手机号")]
print(json.dumps({"statuses": statuses, "numbers": [n for n in numbers if n]}))
"""


def _found(data: bytes, numbers: list[str]) -> list[str]:
    return [n for n in numbers if n.encode() in data]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the file SQLite database")
def test_no_id_or_mobile_number_in_the_database_file_or_a_backup(tmp_path):
    data = tmp_path / "data"
    made = python(data, SETUP)
    assert made.returncode == 0, made.stderr[-3000:]
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    assert setup["statuses"] == ["rejected", "validated"]
    numbers = setup["numbers"]
    ids = [n for n in numbers if len(n) == 18]
    assert len(ids) > 150 and len(numbers) - len(ids) > 150  # cadres, contacts, import rows

    # A raw copy, as someone walking off with the data directory would take it.
    copy = tmp_path / "copy"
    shutil.copytree(data, copy, ignore=shutil.ignore_patterns("originality", "static"))
    raw = b"".join(p.read_bytes() for p in copy.rglob("guazhi.sqlite3*"))
    assert b"SQLite format 3" in raw
    assert b"gf1$" in raw  # the tokens are there
    assert _found(raw, numbers) == []
    # The test's own probe works: the masked forms are legitimately in the audit log.
    assert any(n[:3].encode() + b"****" in raw for n in numbers if len(n) == 11)

    backups = tmp_path / "backups"
    backed_up = manage(data, "backup", "--output-dir", str(backups))
    assert backed_up.returncode == 0, backed_up.stderr
    archive = next(backups.glob("guazhi-*.gzbackup"))
    assert _found(archive.read_bytes(), numbers) == []
    inside = tmp_path / "unpacked"
    inside.mkdir()
    with archive.open("rb") as f:
        extract_archive(f, secret=BACKUP_KEY.encode(), into=inside)
    databases = [p for p in inside.rglob("*") if p.is_file() and p.suffix != ".json"]
    inner = b"".join(p.read_bytes() for p in databases)
    assert b"SQLite format 3" in inner and b"gf1$" in inner
    assert _found(inner, numbers) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump: on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_no_id_or_mobile_number_in_pg_dump(cadre_a, cadre_b, contact_a):
    numbers = [cadre_a.id_number, cadre_a.mobile, cadre_b.id_number, cadre_b.mobile]
    numbers += [contact_a.id_number, contact_a.phone]
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    command = ["pg_dump", "--no-owner", "-d", settings["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    dump = subprocess.run(command, env=env, capture_output=True, check=True, timeout=300).stdout
    assert b"gf1$" in dump
    assert _found(dump, numbers) == []
