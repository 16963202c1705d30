"""Roster pages at province scale: latency per page, query counts at two sizes, and the longest
stall of other users' requests while a full roster export runs.

    python bench/roster.py                    # scales 0.1 and 1 (1 = 20k cadres, 25k
                                              # secondments, 200k audit records), SQLite
    python bench/roster.py --scales 0.1       # quick look
    DATABASE_URL=postgres://… python bench/roster.py --db postgres   # an empty database

Each scale runs in a child process with its own data directory (SQLite) or a freshly migrated
database (PostgreSQL): generate (bench/roster_data.py), count queries per page in-process,
serve with gunicorn (2 workers × 4 threads; runserver if gunicorn is missing) on loopback and
time requests over HTTP, then export the whole
roster while a second client keeps viewing pages and writing audit records.

Targets (issue 12): every page p95 ≤ 100 ms on SQLite; no stall over 500 ms during an export;
query counts equal at both scales. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUESTS_PER_PAGE = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- Child: one scale -----------------------------------------------------------------------


def _pages(ids: dict[str, object]) -> dict[str, tuple[str, str]]:
    """name → (login, path)."""
    return {
        "home": ("admin", "/"),
        "cadre_list": ("admin", "/roster/cadres/"),
        "cadre_list_p500": ("admin", "/roster/cadres/?page=500"),
        "cadre_search_initials": ("admin", "/roster/cadres/?q=wj"),
        # The last 4 digits of a cadre's ID number: one match at every scale.
        "cadre_search_id_digits": ("admin", f"/roster/cadres/?q={ids['id_digits']}"),
        "cadre_detail": ("admin", f"/roster/cadres/{ids['cadre']}/"),
        "secondment_list": ("admin", "/roster/secondments/"),
        "secondment_list_p500": ("admin", "/roster/secondments/?page=500"),
        "secondment_list_cohort": ("admin", f"/roster/secondments/?cohort={ids['cohort']}"),
        "cohort_list": ("admin", "/roster/cohorts/"),
        "cohort_detail": ("admin", f"/roster/cohorts/{ids['cohort']}/"),
        "unit_list": ("admin", "/roster/units/"),
        "audit_list": ("audit", "/audit/"),
        "audit_list_event": ("audit", "/audit/?event=export"),
    }


class Http:
    def __init__(self, port: int, session: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.cookie = f"sessionid={session}"

    def get(self, path: str) -> tuple[int, float, int]:
        request = urllib.request.Request(self.base + path, headers={"Cookie": self.cookie})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
            size = len(response.read())
            status = response.status
        return status, (time.perf_counter() - start) * 1000, size


def _session_for(username: str) -> str:
    from django.test import Client

    from guazhi.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def _query_counts(pages: dict[str, tuple[str, str]]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from guazhi.accounts.models import User

    clients = {}
    for login in ("admin", "audit"):
        client = Client()
        client.force_login(User.objects.get(username=f"bench_{login}"))
        clients[login] = client
    counts = {}
    for name, (login, path) in pages.items():
        clients[login].get(path)  # warm (session, caches)
        with CaptureQueriesContext(connection) as queries:
            response = clients[login].get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def _server_command(port: int) -> list[str]:
    """gunicorn as a deployment runs it (2 workers × 4 threads on this 2-core machine), or
    runserver when gunicorn is not installed (then one process builds the export under the
    GIL and the stall figure is the development server's, not the database's)."""
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "guazhi.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "300",
    ]


def _start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        _server_command(port),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("runserver did not start")


def _stall_during_export(http: Http, cadre_id: object) -> dict[str, float]:
    """Export the whole roster; meanwhile another user views pages and writes audit records
    (reveal). Returns the export time and the slowest of the other user's requests."""
    result: dict[str, float] = {}

    def export() -> None:
        _status, ms, size = http.get("/roster/cadres/export.xlsx")
        result["export_s"] = ms / 1000
        result["export_mb"] = size / 1e6

    exporter = threading.Thread(target=export)
    latencies: list[float] = []
    exporter.start()
    time.sleep(0.05)
    while exporter.is_alive():
        latencies.append(http.get("/roster/cadres/")[1])
        latencies.append(http.get(f"/roster/cadres/{cadre_id}/")[1])
    exporter.join()
    result["requests_during_export"] = len(latencies)
    result["max_stall_ms"] = round(max(latencies), 1) if latencies else 0.0
    return result


def child(scale_name: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
    django.setup()
    from django.core.management import call_command

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from roster_data import Scale, populate

    from guazhi.roster.models import Cadre, Cohort

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    sizes = populate(Scale.named(scale_name))
    generate_s = time.perf_counter() - started
    some_cadre = Cadre.objects.order_by("pk")[len(sizes) * 7]
    ids: dict[str, object] = {
        "cadre": some_cadre.pk,
        "cohort": Cohort.objects.order_by("pk").values_list("pk", flat=True).first() or 0,
        "id_digits": some_cadre.id_number[-4:],
    }
    pages = _pages(ids)
    queries = _query_counts(pages)

    sessions = {"admin": _session_for("bench_admin"), "audit": _session_for("bench_audit")}
    port = _free_port()
    server = _start_server(port)
    try:
        clients = {login: Http(port, s) for login, s in sessions.items()}
        latency: dict[str, dict[str, float]] = {}
        for name, (login, path) in pages.items():
            for _ in range(4):  # warm every gunicorn worker (templates, imports)
                clients[login].get(path)
            times = sorted(clients[login].get(path)[1] for _ in range(REQUESTS_PER_PAGE))
            latency[name] = {
                "p50": round(statistics.median(times), 1),
                "p95": round(times[int(len(times) * 0.95) - 1], 1),
            }
        stall = _stall_during_export(clients["admin"], ids["cadre"])
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        json.dumps(
            {
                "scale": scale_name,
                "server": "gunicorn" if "gunicorn" in _server_command(0) else "runserver",
                "sizes": sizes,
                "generate_s": round(generate_s, 1),
                "latency_ms": latency,
                "queries": queries,
                **stall,
            },
            ensure_ascii=False,
        )
    )


# --- Parent ---------------------------------------------------------------------------------


def run_scale(scale: str, db: str) -> dict[str, object]:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="guazhi-bench-") as data_dir:
        env["GUAZHI_DATA_DIR"] = data_dir
        env["GUAZHI_ALLOWED_HOSTS"] = "127.0.0.1,testserver"  # testserver: the query counts
        if db == "sqlite":
            env.pop("DATABASE_URL", None)
        elif not env.get("DATABASE_URL", "").startswith("postgres"):
            raise SystemExit("--db postgres needs DATABASE_URL=postgres://… (an empty database)")
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--child", scale],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"scale {scale} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="0.1,1")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.db == "postgres" and len(args.scales.split(",")) > 1:
        raise SystemExit("with PostgreSQL run one scale per empty database")

    results = [run_scale(s, args.db) for s in args.scales.split(",")]
    names = list(results[0]["latency_ms"])  # type: ignore[call-overload]
    print(f"{'page':28}" + "".join(f"{'scale ' + r['scale']:>28}" for r in results))
    print(f"{'':28}" + "".join(f"{'p50 / p95 ms · queries':>28}" for _ in results))
    for name in names:
        cells = []
        for r in results:
            lat = r["latency_ms"][name]  # type: ignore[index]
            cells.append(f"{lat['p50']:>9} / {lat['p95']:<7} · {r['queries'][name]:>3}")  # type: ignore[index]
        print(f"{name:28}" + "".join(f"{c:>28}" for c in cells))
    for r in results:
        print(
            f"scale {r['scale']}: {r['sizes']}; export {r['export_s']:.1f} s "
            f"({r['export_mb']:.1f} MB); {r['requests_during_export']} other requests during "
            f"it, slowest {r['max_stall_ms']} ms"
        )
    worst_p95 = max(
        lat["p95"]
        for r in results
        for lat in r["latency_ms"].values()  # type: ignore[attr-defined]
    )
    flat = all(r["queries"] == results[0]["queries"] for r in results)
    print(
        json.dumps(
            {
                "db": args.db,
                "server": results[0]["server"],
                "scales": [r["scale"] for r in results],
                "p95_ms": {
                    r["scale"]: {n: v["p95"] for n, v in r["latency_ms"].items()} for r in results
                },  # type: ignore[attr-defined]
                "queries": {r["scale"]: r["queries"] for r in results},
                "queries_flat": flat,
                "worst_p95_ms": worst_p95,
                "export_s": {r["scale"]: r["export_s"] for r in results},
                "max_stall_ms": {r["scale"]: r["max_stall_ms"] for r in results},
                "baseline": "targets: p95 <= 100 ms, stall <= 500 ms, queries flat",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
