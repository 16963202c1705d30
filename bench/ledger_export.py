"""Ledger export benchmark: N entries (default 100,000) on SQLite in a temporary data dir, then
the export as a background job builds it (the path every export over 10,000 rows takes), timed,
with the peak memory of the process that ran it.

    .venv/bin/python bench/ledger_export.py            # 100,000 entries
    .venv/bin/python bench/ledger_export.py --rows 20000

Target (issue 7): 100k rows in ≤ 30 s with peak memory ≤ 200 MB. The export runs in a fresh
child process, so `peak_mb` (its maximum resident set size, Django included) is the export's
alone, not the data generation's. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 30
TARGET_MB = 200


def setup(data_dir: str) -> None:
    os.environ["GUAZHI_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generate(rows: int, cadres: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from guazhi.accounts.models import Role, User
    from guazhi.ledger.models import Category, Entry, EntryFigure, EntryStatus
    from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus, Unit, UnitKind

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    city = Unit.objects.create(name="青川市", kind=UnitKind.CITY)
    home = Unit.objects.create(name="市发展和改革委员会", kind=UnitKind.DEPARTMENT, parent=city)
    towns = [
        Unit.objects.create(name=f"第{i}镇", kind=UnitKind.TOWN, parent=city) for i in range(20)
    ]
    cohort = Cohort.objects.create(
        name="2026年第二批墩苗历练干部",
        year=2026,
        start_date=date(2025, 3, 1),
        end_date=date(2027, 2, 28),
    )
    User.objects.create_user(
        username="bench_admin", password="Bench#2026x", role=Role.PROGRAMME_ADMIN
    )
    secondments = []
    for i in range(cadres):
        cadre = Cadre.objects.create(
            name=f"干部{i:04d}",
            gender="M",
            birth_date=date(1985, 1, 1),
            id_number=f"11010519850101{i:04d}",
            home_unit=home,
        )
        secondments.append(
            Secondment.objects.create(
                cadre=cadre,
                cohort=cohort,
                host_unit=towns[i % len(towns)],
                post="镇党委副书记",
                start_date=date(2025, 3, 1),
                planned_end_date=date(2027, 2, 28),
                status=SecondmentStatus.ACTIVE,
            )
        )
    categories = list(Category.objects.prefetch_related("figure_fields"))
    text = (
        "走访辖区企业，了解用工、融资和物流方面的困难，现场协调解决问题，形成问题清单并跟踪办理。"
        * 2
    )
    start = date(2025, 3, 1)
    batch = 5000
    done = 0
    while done < rows:
        n = min(batch, rows - done)
        entries = []
        for k in range(n):
            category = categories[rng.randrange(len(categories))]
            entries.append(
                Entry(
                    secondment=secondments[rng.randrange(len(secondments))],
                    date=start + timedelta(days=rng.randrange(600)),
                    category=category,
                    place_text="工业园区",
                    title=f"工作纪实第 {done + k} 条",
                    text=text,
                    tags="营商环境 企业服务",
                    status=EntryStatus.CONFIRMED if k % 3 else EntryStatus.PENDING,
                )
            )
        with transaction.atomic():
            created = Entry.objects.bulk_create(entries, batch_size=1000)
            figures = []
            for entry in created:
                fields = list(entry.category.figure_fields.all())
                for field in fields[: rng.randrange(0, 3)]:
                    figures.append(
                        EntryFigure(entry=entry, field=field, value=rng.randrange(1, 500))
                    )
            EntryFigure.objects.bulk_create(figures, batch_size=2000)
        done += n


def export() -> dict[str, float | int]:
    """Run in the child: one background export job over every entry, as the worker runs it."""
    from guazhi.accounts.models import User
    from guazhi.jobs.models import Job
    from guazhi.ledger.exporting import run_export_job

    admin = User.objects.get(username="bench_admin")
    job = Job.objects.create(user=admin, kind="ledger_export", title="导出工作纪实台账", params={})
    began = time.perf_counter()
    run_export_job(job)
    seconds = time.perf_counter() - began
    job.refresh_from_db()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = job.result_path.stat().st_size if job.result_path else 0
    return {
        "rows": job.row_count or 0,
        "export_s": round(seconds, 2),
        "peak_mb": round(peak_kb / 1024, 1),
        "file_mb": round(size / 1024 / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cadres", type=int, default=300)
    parser.add_argument("--child", metavar="DATA_DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup(args.child)
        print(json.dumps(export()))
        return
    with tempfile.TemporaryDirectory(prefix="guazhi-bench-") as data_dir:
        setup(data_dir)
        began = time.perf_counter()
        generate(args.rows, args.cadres)
        print(f"generated {args.rows:,} entries in {time.perf_counter() - began:.1f} s", flush=True)
        child = subprocess.run(
            [sys.executable, __file__, "--child", data_dir],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"export: {result['rows']:,} rows in {result['export_s']} s (target ≤ {TARGET_S} s), "
        f"peak {result['peak_mb']} MB (target ≤ {TARGET_MB} MB), file {result['file_mb']} MB"
    )
    print(json.dumps({k: result[k] for k in ("rows", "export_s", "peak_mb")}))


if __name__ == "__main__":
    main()
