"""The ledger, timeline and dashboards at province scale (issue 7 item 8): latency over HTTP,
query counts, a 100k-row export and a bounded load phase, on SQLite or PostgreSQL.

    .venv/bin/python bench/scale.py --scale 0.01              # SQLite, a minute or two
    .venv/bin/python bench/scale.py --scale 0.1               # SQLite, 500k entries
    DATABASE_URL=postgres://guazhi@127.0.0.1:PORT/guazhi \\
        .venv/bin/python bench/scale.py --db postgres --scale 0.01   # an EMPTY database

Scale 1 is 20,000 cadres, 200 host units, 5,000,000 ledger entries with figures, 50,000
milestones, 500,000 writings (a third shared) and the search index over entries and shared
writings (bench/scale_data.py); 0.1 a tenth. Search pages are named `search_…`. The parent runs one child per scale
(`--scale 0.01,0.1`), each with its own data directory (SQLite) or the database of DATABASE_URL
(PostgreSQL: one scale per empty database). The child generates, counts queries per page
in-process (Django's test Client and CaptureQueriesContext), starts gunicorn (`--workers`, 2 by
default; `manage.py runserver` if gunicorn is not installed — the output says which) on a free
loopback port, times each page over HTTP, exports ~100,000 rows as the background job does (in a
fresh process: time and peak RSS, as bench/ledger_export.py measures), then runs the load phase:
50 threads (users) with urllib cycling through the pages for `--load-seconds` (at most 120).

`--data-dir DIR` keeps the generated SQLite database in DIR and reuses it on the next run (scale 1
takes half an hour to generate on a shared machine); with PostgreSQL it reuses what DATABASE_URL
already holds from an earlier run. The reused run reports `generate_s` 0.

A throw-away PostgreSQL as .ci/run starts one (as root, run as the postgres user):

    PG=$(mktemp -d /tmp/guazhi-pg.XXXX); chown postgres: $PG; BIN=/usr/lib/postgresql/15/bin
    runuser -u postgres -- $BIN/initdb -D $PG/data -U guazhi -A trust -E UTF8 --locale=C.UTF-8
    runuser -u postgres -- $BIN/pg_ctl -D $PG/data -l $PG/log -w start -o "-k $PG -p 55432 \\
        -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \\
        -c full_page_writes=off -c max_connections=100"
    $BIN/createdb -h 127.0.0.1 -p 55432 -U guazhi guazhi
    # … bench …; then: runuser -u postgres -- $BIN/pg_ctl -D $PG/data -m immediate stop

Targets (issue 7): p95 ≤ 300 ms for every page at full scale on both databases; dashboards at
most 2× slower from 0.1 to 1; query counts equal at every scale; export of 100k rows ≤ 30 s and
≤ 200 MB; load ≥ 50 requests/s with zero errors. The last line printed is one JSON object
(with several scales: `p95_ms`, `queries`… keyed by scale).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REQUESTS_PER_PAGE = 30
LOAD_USERS = 50
MAX_LOAD_SECONDS = 120
EXPORT_ROWS = 100_000
DASHBOARDS = ("home_admin", "home_host", "home_home", "home_cadre")
LOGINS = {
    "admin": "bench_admin",
    "host": "bench_host",
    "home": "bench_home",
    "cadre": "bench_cadre",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
    import django

    django.setup()


# --- Pages ----------------------------------------------------------------------------------


def _ids() -> dict[str, object]:
    """What the page addresses need: the filter, its last page, the cadre's secondment and
    one of its entries, and the date from which about EXPORT_ROWS entries remain."""
    from datetime import timedelta

    from django.utils import timezone

    from guazhi.accounts.models import User
    from guazhi.ledger.models import Category, Entry
    from guazhi.roster.models import Secondment

    cadre = User.objects.get(username="bench_cadre")
    secondment = Secondment.objects.filter(cadre_id=cadre.cadre_id).order_by("pk").first()
    assert secondment is not None
    entry = Entry.objects.filter(secondment=secondment).order_by("-date", "-pk").first()
    assert entry is not None
    category = Category.objects.get(name="企业帮扶")
    since = timezone.localdate() - timedelta(days=365)
    filters = f"category={category.pk}&status=confirmed&date_from={since:%Y-%m-%d}"
    matching = Entry.objects.filter(category=category, status="confirmed", date__gte=since).count()
    last_page = max(1, math.ceil(matching / 20))
    total = Entry.objects.count()
    export_from = None
    if total > EXPORT_ROWS:
        export_from = (
            Entry.objects.order_by("-date").values_list("date", flat=True)[EXPORT_ROWS - 1]
        ).isoformat()
    return {
        **_search_ids(secondment.cohort_id),
        "secondment": secondment.pk,
        "entry": entry.pk,
        "filters": filters,
        "filtered_rows": matching,
        "page_1000": min(1000, last_page),
        "export_from": export_from,
    }


def _pages(ids: dict[str, object]) -> dict[str, tuple[str, str]]:
    """name → (login, path)."""
    return {
        "ledger_list": ("admin", "/ledger/"),
        "ledger_filtered": ("admin", f"/ledger/?{ids['filters']}"),
        "ledger_filtered_p1000": ("admin", f"/ledger/?{ids['filters']}&page={ids['page_1000']}"),
        "timeline": ("admin", f"/stats/secondments/{ids['secondment']}/timeline/"),
        "home_admin": ("admin", "/"),
        "home_host": ("host", "/"),
        "home_home": ("home", "/"),
        "home_cadre": ("cadre", "/"),
        "entry_detail": ("admin", f"/ledger/{ids['entry']}/"),
        **_search_pages(ids),
    }


# Search (issue 8): a common two-character word, a four-character phrase, a rare term (planted
# by scale_data in every 1,000th writing), with and without filters, as the admin (everything),
# a host liaison (one county) and a cadre (own ledger and the cohort's shared writings).
SEARCH_COMMON = "企业"
SEARCH_PHRASE = "营商环境"


def _search_ids(cohort: int) -> dict[str, object]:
    from urllib.parse import quote

    from scale_data import RARE_TERM

    from guazhi.ledger.models import Category

    return {
        "search_category": Category.objects.get(name="企业帮扶").pk,
        "search_cohort": cohort,
        "q_common": quote(SEARCH_COMMON),
        "q_phrase": quote(SEARCH_PHRASE),
        "q_rare": quote(RARE_TERM),
    }


def _search_pages(ids: dict[str, object]) -> dict[str, tuple[str, str]]:
    common, phrase, rare = ids["q_common"], ids["q_phrase"], ids["q_rare"]
    filters = f"category={ids['search_category']}&cohort={ids['search_cohort']}"
    return {
        "search_common": ("admin", f"/search/?q={common}"),
        "search_common_p10": ("admin", f"/search/?q={common}&page=10"),
        "search_phrase": ("admin", f"/search/?q={phrase}"),
        "search_rare": ("admin", f"/search/?q={rare}"),
        "search_common_filtered": ("admin", f"/search/?q={common}&{filters}"),
        "search_writings_kind": ("admin", f"/search/?q={common}&source=writing&kind=speech"),
        "search_host": ("host", f"/search/?q={common}"),
        "search_cadre": ("cadre", f"/search/?q={phrase}"),
    }


def _clients() -> dict[str, object]:
    """A logged-in test client per login, past the second factor where it is required (as
    the tests do: a confirmed TOTP device recorded in the session)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from guazhi.accounts.models import User
    from guazhi.accounts.two_factor import required_for

    clients = {}
    for login, username in LOGINS.items():
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if required_for(user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="bench", defaults={"confirmed": True}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        clients[login] = client
    return clients


def _query_counts(pages: dict[str, tuple[str, str]]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = _clients()
    counts = {}
    for name, (login, path) in pages.items():
        clients[login].get(path)  # type: ignore[attr-defined]  # warm (session, caches)
        with CaptureQueriesContext(connection) as queries:
            response = clients[login].get(path)  # type: ignore[attr-defined]
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = len(queries)
    return counts


def _sessions() -> dict[str, str]:
    return {login: c.cookies["sessionid"].value for login, c in _clients().items()}  # type: ignore[attr-defined]


# --- HTTP -----------------------------------------------------------------------------------


class Http:
    def __init__(self, port: int, session: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.headers = {"Cookie": f"sessionid={session}"}

    def get(self, path: str) -> tuple[int, float]:
        request = urllib.request.Request(self.base + path, headers=self.headers)
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # loopback
                response.read()
                status = response.status
        except urllib.error.HTTPError as e:
            status = e.code
        return status, (time.perf_counter() - start) * 1000


def _start_server(port: int, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    gunicorn = BIN / "gunicorn"
    if gunicorn.exists() or shutil.which("gunicorn"):
        command = [
            str(gunicorn if gunicorn.exists() else shutil.which("gunicorn")),
            "guazhi.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--backlog",
            "256",
        ]
        server_name = f"gunicorn ({workers} sync workers)"
    else:
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        server_name = "runserver (gunicorn not installed)"
    server = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, server_name
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def _latency(
    clients: dict[str, Http], pages: dict[str, tuple[str, str]]
) -> dict[str, dict[str, float]]:
    latency = {}
    for name, (login, path) in pages.items():
        for _ in range(2):
            status, _ms = clients[login].get(path)  # warm every worker
            assert status == 200, (name, path, status)
        times = sorted(clients[login].get(path)[1] for _ in range(REQUESTS_PER_PAGE))
        latency[name] = {
            "p50": round(statistics.median(times), 1),
            "p95": round(times[math.ceil(len(times) * 0.95) - 1], 1),
        }
    return latency


def _load(
    clients: dict[str, Http], pages: dict[str, tuple[str, str]], seconds: float
) -> dict[str, float | int]:
    """LOAD_USERS threads, each going round the pages (from a different starting point) until
    the time is up; an error is a status other than 200 or a failed connection."""
    names = list(pages)
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    done = {"ok": 0, "errors": 0}
    times: list[float] = []

    def user(n: int) -> None:
        i = n
        while time.monotonic() < deadline:
            login, path = pages[names[i % len(names)]]
            i += 1
            try:
                status, ms = clients[login].get(path)
            except OSError:
                status, ms = 0, 0.0
            with lock:
                if status == 200:
                    done["ok"] += 1
                    times.append(ms)
                else:
                    done["errors"] += 1

    began = time.monotonic()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(LOAD_USERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 90)
    elapsed = time.monotonic() - began
    times.sort()
    return {
        "load_s": round(elapsed, 1),
        "load_requests": done["ok"] + done["errors"],
        "load_rps": round(done["ok"] / elapsed, 1),
        "load_errors": done["errors"],
        "load_p95_ms": round(times[math.ceil(len(times) * 0.95) - 1], 1) if times else 0.0,
    }


# --- Export (a fresh process, as the background worker runs it) ------------------------------


def export_child(export_from: str) -> None:
    _setup()
    from guazhi.accounts.models import User
    from guazhi.jobs.models import Job
    from guazhi.ledger.exporting import run_export_job

    admin = User.objects.get(username="bench_admin")
    filters = {"date_from": export_from} if export_from != "-" else {}
    job = Job.objects.create(
        user=admin,
        kind="ledger_export",
        title="导出工作纪实台账",
        params={"filters": filters},
    )
    began = time.perf_counter()
    run_export_job(job)
    seconds = time.perf_counter() - began
    job.refresh_from_db()
    print(
        json.dumps(
            {
                "export_rows": job.row_count or 0,
                "export_s": round(seconds, 2),
                "export_peak_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                ),
            }
        )
    )


def _export(export_from: str | None) -> dict[str, float | int]:
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--export-child", export_from or "-"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Child: one scale -----------------------------------------------------------------------


def _generated_before() -> bool:
    from guazhi.accounts.models import User

    return User.objects.filter(username="bench_cadre").exists()


def _sizes_on_file() -> dict[str, object]:
    from guazhi.ledger.models import Entry, EntryFigure
    from guazhi.projects.models import Milestone
    from guazhi.roster.models import Cadre, Secondment

    return {
        "cadres": Cadre.objects.count(),
        "secondments": Secondment.objects.count(),
        "entries": Entry.objects.count(),
        "figures": EntryFigure.objects.count(),
        "milestones": Milestone.objects.count(),
        "reused": True,
    }


def child(scale: str, workers: int, load_seconds: float) -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection
    from scale_data import populate

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    if os.environ.get("BENCH_REUSE") and _generated_before():
        sizes = _sizes_on_file()  # the data of an earlier run at this scale (--data-dir)
    else:
        sizes = populate(float(scale))
    generate_s = time.perf_counter() - began
    print(f"scale {scale}: generated in {generate_s:.1f} s: {sizes}", file=sys.stderr, flush=True)
    ids = _ids()
    pages = _pages(ids)
    queries = _query_counts(pages)
    sessions = _sessions()
    connection.close()  # the server and the export child use the database from here on

    port = _free_port()
    server, server_name = _start_server(port, workers)
    try:
        clients = {login: Http(port, s) for login, s in sessions.items()}
        latency = _latency(clients, pages)
        print(f"scale {scale}: latency {latency}", file=sys.stderr, flush=True)
        export = _export(ids["export_from"])  # type: ignore[arg-type]
        print(f"scale {scale}: export {export}", file=sys.stderr, flush=True)
        load = _load(clients, pages, load_seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {
                "scale": scale,
                "sizes": sizes,
                "generate_s": round(generate_s, 1),
                "server": server_name,
                "filtered_rows": ids["filtered_rows"],
                "page_1000": ids["page_1000"],
                "latency_ms": latency,
                "queries": queries,
                **export,
                **load,
            },
            ensure_ascii=False,
        )
    )


# --- Parent ---------------------------------------------------------------------------------


def run_scale(
    scale: str, db: str, workers: int, load_seconds: float, keep: str | None = None
) -> dict[str, object]:
    env = dict(os.environ)
    if keep:
        env["BENCH_REUSE"] = "1"
    with tempfile.TemporaryDirectory(prefix="guazhi-scale-") as data_dir:
        env["GUAZHI_DATA_DIR"] = keep if keep and db == "sqlite" else data_dir
        env["GUAZHI_ALLOWED_HOSTS"] = "127.0.0.1,testserver"  # testserver: the query counts
        if db == "sqlite":
            env.pop("DATABASE_URL", None)
        elif not env.get("DATABASE_URL", "").startswith("postgres"):
            raise SystemExit("--db postgres needs DATABASE_URL=postgres://… (an empty database)")
        command = [sys.executable, __file__, "--child", scale]
        command += ["--workers", str(workers), "--load-seconds", str(load_seconds)]
        out = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
        )
    if out.returncode != 0:
        sys.stderr.write(out.stdout)
        raise SystemExit(f"scale {scale} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summary(db: str, r: dict[str, object]) -> dict[str, object]:
    return {
        "db": db,
        "scale": float(r["scale"]),  # type: ignore[arg-type]
        "p95_ms": {n: v["p95"] for n, v in r["latency_ms"].items()},  # type: ignore[attr-defined]
        "queries": r["queries"],
        "export_rows": r["export_rows"],
        "export_s": r["export_s"],
        "export_peak_mb": r["export_peak_mb"],
        "load_rps": r["load_rps"],
        "load_errors": r["load_errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="0.1", help="0.01, 0.1 or 1; several: 0.01,0.1")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2–4)")
    parser.add_argument("--load-seconds", type=float, default=MAX_LOAD_SECONDS)
    parser.add_argument(
        "--data-dir",
        help="keep the generated data here (SQLite) and reuse it on the next run at the same "
        "scale; with PostgreSQL, reuse what DATABASE_URL already holds from an earlier run",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    load_seconds = max(1.0, min(MAX_LOAD_SECONDS, args.load_seconds))
    workers = max(1, min(4, args.workers))
    if args.export_child:
        export_child(args.export_child)
        return
    if args.child:
        child(args.child, workers, load_seconds)
        return
    scales = args.scale.split(",")
    if args.db == "postgres" and len(scales) > 1:
        raise SystemExit("with PostgreSQL run one scale per empty database")

    if args.data_dir and len(scales) > 1:
        raise SystemExit("--data-dir holds one scale")
    results = [run_scale(s, args.db, workers, load_seconds, args.data_dir) for s in scales]
    print(f"{args.db}, {results[0]['server']}")
    print(f"{'page':24}" + "".join(f"{'scale ' + str(r['scale']):>26}" for r in results))
    print(f"{'':24}" + "".join(f"{'p50 / p95 ms · queries':>26}" for _ in results))
    for name in results[0]["latency_ms"]:  # type: ignore[attr-defined]
        cells = []
        for r in results:
            lat = r["latency_ms"][name]  # type: ignore[index]
            mark = "!" if lat["p95"] > 300 else " "
            cells.append(f"{lat['p50']:>8} / {lat['p95']:<7}{mark}· {r['queries'][name]:>3}")  # type: ignore[index]
        print(f"{name:24}" + "".join(f"{c:>26}" for c in cells))
    for r in results:
        print(
            f"scale {r['scale']}: {r['sizes']}; generated in {r['generate_s']} s; "
            f"filtered list {r['filtered_rows']} rows (deep page {r['page_1000']}); "
            f"export {r['export_rows']} rows in {r['export_s']} s, peak {r['export_peak_mb']} MB; "
            f"load {r['load_requests']} requests in {r['load_s']} s = {r['load_rps']}/s, "
            f"{r['load_errors']} errors, p95 {r['load_p95_ms']} ms"
        )
    if len(results) > 1:
        a, b = results[-2], results[-1]
        growth = {
            n: round(b["latency_ms"][n]["p50"] / max(0.1, a["latency_ms"][n]["p50"]), 2)  # type: ignore[index]
            for n in DASHBOARDS
        }
        flat = all(r["queries"] == results[0]["queries"] for r in results)
        print(f"dashboards p50 growth {a['scale']} → {b['scale']}: {growth}; queries flat: {flat}")
    if len(results) == 1:
        print(json.dumps(_summary(args.db, results[0]), ensure_ascii=False))
    else:
        summaries = [_summary(args.db, r) for r in results]
        merged = {"db": args.db, "scale": [s["scale"] for s in summaries]}
        for key in summaries[0]:
            if key not in merged:
                merged[key] = {str(s["scale"]): s[key] for s in summaries}
        print(json.dumps(merged, ensure_ascii=False))


if __name__ == "__main__":
    main()
