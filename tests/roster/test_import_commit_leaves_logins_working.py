"""A 5,000-row roster commit on SQLite does not lock people out: logins (which write an audit
record and a session) made while it commits succeed, because the commit does not parse the
workbook inside its write transaction and keeps that transaction short.

The scenario needs a real SQLite file (the test database is in memory, where another thread's
connection does not wait on the lock the way a server's does), so it runs in a child Python
process with its own database file: one thread commits, the main thread logs in meanwhile.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parents[1]
ROOT = TESTS_DIR.parent

SCRIPT = r"""
import json, threading, time
from datetime import date

import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()  # the test client's host is allowed, as under pytest

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from guazhi.accounts.models import Role, User
from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.import_actions import commit_import, record_upload
from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import Cohort, Secondment, Unit, UnitKind
from roster.xlsx_factory import build_roster_xlsx, demo_rows

call_command("migrate", verbosity=0)
city = Unit.objects.create(name="青川市", kind=UnitKind.CITY)
district = Unit.objects.create(name="安平区", kind=UnitKind.DISTRICT, parent=city)
Unit.objects.create(name="柳溪镇", kind=UnitKind.TOWN, parent=district)
Unit.objects.create(name="东关街道", kind=UnitKind.SUBDISTRICT, parent=district)
Unit.objects.create(name="市发展和改革委员会", kind=UnitKind.DEPARTMENT, parent=city)
Unit.objects.create(name="市财政局", kind=UnitKind.DEPARTMENT, parent=city)
cohort = Cohort.objects.create(
    name="2026年第二批", year=2026, start_date=date(2026, 3, 1), end_date=date(2027, 2, 28)
)
admin = User.objects.create_user(
    username="admin_wang", password="Guazhi#2026", role=Role.PROGRAMME_ADMIN,
    must_change_password=False,
)
User.objects.create_user(
    username="auditor", password="Guazhi#2026", role=Role.AUDIT_ADMIN, must_change_password=False
)

data = build_roster_xlsx(demo_rows(5000))
result = validate_roster(data, cohort=cohort)  # phase 1, outside any transaction
assert result.ok, result.report()[:3]
ri = record_upload(
    actor=admin, ip="10.0.0.1", cohort=cohort, file_name="名册.xlsx", sha256="a" * 64,
    result=result,
)

outcome = {}
def commit():
    started = time.monotonic()
    try:
        counts = commit_import(actor=admin, ip="10.0.0.1", roster_import=ri)
        outcome["created"] = counts.secondments_created
    except Exception as e:  # reported to the test
        outcome["commit_error"] = repr(e)
    outcome["commit_seconds"] = time.monotonic() - started
    from django.db import connection
    connection.close()

thread = threading.Thread(target=commit)
logins = []
thread.start()
while thread.is_alive() or not logins:
    started = time.monotonic()
    during = thread.is_alive()
    try:
        response = Client().post(
            reverse("login"), {"username": "auditor", "password": "Guazhi#2026"}
        )
        logins.append({"status": response.status_code, "during": during,
                       "seconds": time.monotonic() - started})
    except Exception as e:
        logins.append({"error": repr(e), "during": during})
thread.join()
outcome["logins"] = logins
outcome["secondments"] = Secondment.objects.filter(cohort=cohort).count()
outcome["login_records"] = AuditRecord.objects.filter(event=Event.LOGIN).count()
print("RESULT " + json.dumps(outcome))
"""


def test_logins_succeed_while_a_5000_row_import_commits(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guazhi.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'guazhi.sqlite3'}",
        "GUAZHI_DATA_DIR": str(tmp_path),
        "GUAZHI_FAST_PASSWORD_HASHER": "true",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS_DIR)]),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stderr[-3000:]
    outcome = json.loads(lines[-1].removeprefix("RESULT "))
    assert "commit_error" not in outcome, outcome["commit_error"]
    assert outcome["created"] == 5000 and outcome["secondments"] == 5000
    logins = outcome["logins"]
    assert all(login.get("status") == 302 for login in logins), logins  # none failed
    assert any(login["during"] for login in logins), logins  # some overlapped the commit
    assert outcome["login_records"] == len(logins)
    # Waiting behind the commit's write lock is short: nowhere near the 20 s busy timeout.
    assert max(login["seconds"] for login in logins) < 10, logins
