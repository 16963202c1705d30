"""A background export on a file SQLite database (WAL) finishes while other connections write,
and their writes do not wait for it. It used to fail with "database is locked": the export kept
a read open between chunks and then wrote its progress, which SQLite refuses once someone else
has written since that read began. (The test database of pytest-django is in memory, where
SQLite's locking differs, hence a child process on a file.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import json, sys, threading, time
    sys.path.insert(0, "bench")
    import ledger_export as bench
    bench.setup(sys.argv[1])
    bench.generate(1500, 20)
    from django.db import connection, transaction
    from guazhi.accounts.models import User
    from guazhi.audit.log import record
    from guazhi.jobs.models import Job
    from guazhi.ledger import exporting

    exporting.CHUNK = 50  # 30 chunks, 30 progress writes
    admin = User.objects.get(username="bench_admin")
    job = Job.objects.create(user=admin, kind="ledger_export", title="导出", params={})
    failure = []

    def run():
        try:
            exporting.run_export_job(job)
        except Exception as e:
            failure.append(repr(e))
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    writes, worst = 0, 0.0
    while worker.is_alive():
        began = time.perf_counter()
        with transaction.atomic():
            record(event="login", user=admin, ip="127.0.0.1")
        worst = max(worst, time.perf_counter() - began)
        writes += 1
        time.sleep(0.01)
    worker.join()
    job.refresh_from_db()
    print(json.dumps({"status": job.status, "rows": job.row_count, "failure": failure,
                      "writes": writes, "worst_write_s": worst}))
    """
)


def test_an_export_job_finishes_while_others_write(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["failure"] == [] and result["status"] == "done", result
    assert result["rows"] == 1500
    assert result["writes"] >= 3, result
    assert result["worst_write_s"] < 2, result
