"""A democratic evaluation round of 500 raters voting within 10 minutes, compressed: all 500
ballots submitted over loopback HTTP by concurrent clients, each doing what a phone does (open
the ballot address, enter the code, submit a rating for every cadre).

    python bench/evaluation.py                  # 500 raters, 3 cadres, 25 clients, SQLite,
                                                # ballots started evenly over 60 s (10× faster
                                                # than 500 in 10 minutes)
    python bench/evaluation.py --over 0         # all at once: the saturation figure
    DATABASE_URL=postgres://… python bench/evaluation.py --db postgres   # an empty database

The round runs in a child process with its own data directory (SQLite) or a freshly migrated
database (PostgreSQL), served by gunicorn (2 workers × 4 threads; runserver if gunicorn is
missing). Targets (issue 9): zero errors, every code used once, p95 of the ballot submit well
under a second; the whole round far inside 10 minutes (the baseline: 500 ballots in 600 s is
0.83 ballots a second). The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEN_MINUTES = 600.0
GROUPS = (("领导班子", 0.04), ("干部职工", 0.76), ("服务对象", 0.20))
RATINGS = ("excellent", "competent", "competent", "basic", "excellent", "incompetent")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * p) - 1)], 1) if ordered else 0.0


# --- Child: one round ---------------------------------------------------------------------------


def _populate(raters: int, cadres: int) -> tuple[str, list[int], list[str]]:
    """Units, a cohort, `cadres` cadres posted to one town, and an open round with `raters`
    codes over three rater groups. Returns (round key, secondment ids, plain codes)."""
    from datetime import date

    from guazhi.accounts.models import Role, User
    from guazhi.evaluation import actions, codes
    from guazhi.evaluation.models import Code
    from guazhi.roster.models import Cadre, Cohort, Secondment, Unit, UnitKind

    town = Unit.objects.create(name="柳溪镇", kind=UnitKind.TOWN)
    dept = Unit.objects.create(name="市发展和改革委员会", kind=UnitKind.DEPARTMENT)
    cohort = Cohort.objects.create(
        name="2026年第二批", year=2026, start_date=date(2026, 3, 1), end_date=date(2027, 2, 28)
    )
    secondments = []
    for i in range(cadres):
        id_number = f"11010519850101{i:04d}"[:18]  # not validated here: only unique
        cadre = Cadre.objects.create(
            name=f"测评对象{i + 1}",
            gender="M",
            birth_date=date(1985, (i % 12) + 1, (i % 28) + 1),
            id_number=id_number,
            home_unit=dept,
        )
        secondments.append(
            Secondment.objects.create(
                cadre=cadre,
                cohort=cohort,
                host_unit=town,
                post="镇党委副书记",
                start_date=date(2026, 3, 1),
                planned_end_date=date(2027, 2, 28),
                status="active",
            )
        )
    admin = User.objects.create_user(
        username="bench_admin", role=Role.PROGRAMME_ADMIN, must_change_password=False
    )
    sizes = [max(1, round(raters * share)) for _, share in GROUPS]
    sizes[1] += raters - sum(sizes)
    round_ = actions.open_round(
        actor=admin,
        title="2026年度挂职干部民主测评",
        secondments=secondments,
        groups=[
            actions.GroupSpec(name, size) for (name, _), size in zip(GROUPS, sizes, strict=True)
        ],
        min_ballots=5,
    )
    plain = [
        codes.code_for(n) for n in Code.objects.filter(round=round_).values_list("nonce", flat=True)
    ]
    return round_.key, [s.pk for s in secondments], plain


def _server_command(port: int) -> list[str]:
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    return [
        sys.executable, "-m", "gunicorn", "guazhi.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--threads", "4", "--timeout", "120",
    ]  # fmt: skip


def _start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        _server_command(port), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


class Rater:
    """One phone: its own cookies (the CSRF token), three requests per ballot."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _token(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, float]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._token()}).encode()
        request = urllib.request.Request(self.base + path, data=body)
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:  # noqa: S310 (loopback)
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as e:
            text, status = e.read().decode(), e.code
        return status, text, (time.perf_counter() - start) * 1000


def _vote(base: str, key: str, code: str, secondments: list[int], n: int) -> dict[str, object]:
    rater = Rater(base)
    path = f"/vote/{key}/"
    status, _, open_ms = rater.request(path)
    if status != 200:
        return {"error": f"open {status}"}
    status, text, enter_ms = rater.request(path, {"code": code})
    if status != 200 or "submit-ballot" not in text:
        return {"error": f"code {status}"}
    data = {"code": code}
    for i, pk in enumerate(secondments):
        data[f"rating_{pk}"] = RATINGS[(n + i) % len(RATINGS)]
        data[f"comment_{pk}"] = "工作扎实，作风务实。" if n % 7 == 0 else ""
    status, text, submit_ms = rater.request(path + "submit/", data)
    if status != 200 or "ballot-done" not in text:
        return {"error": f"submit {status}"}
    return {"open_ms": open_ms, "enter_ms": enter_ms, "submit_ms": submit_ms}


def child(raters: int, cadres: int, clients: int, over: float) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    key, secondments, plain = _populate(raters, cadres)
    generate_s = time.perf_counter() - started

    port = _free_port()
    server = _start_server(port)
    base = f"http://127.0.0.1:{port}"
    results: list[dict[str, object]] = []
    lock = threading.Lock()
    queue = list(enumerate(plain))
    try:
        Rater(base).request(f"/vote/{key}/")  # warm both workers' imports and templates
        Rater(base).request(f"/vote/{key}/")

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    n, code = queue.pop()
                # Open loop at the given pace: ballot n starts at its time, however slow the
                # ones before it were (raters do not wait for each other).
                delay = round_started + n * over / raters - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                outcome = _vote(base, key, code, secondments, n)
                with lock:
                    results.append(outcome)

        queue.reverse()  # pop() hands out ballot 0 first
        round_started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - round_started
        again = Rater(base)
        again.request(f"/vote/{key}/")
        reuse_status = again.request(f"/vote/{key}/", {"code": plain[0]})[0]
    finally:
        server.terminate()
        server.wait(timeout=20)

    from guazhi.evaluation.models import Code, Vote

    errors = [r["error"] for r in results if "error" in r]
    submit = [float(r["submit_ms"]) for r in results if "submit_ms" in r]  # type: ignore[arg-type]
    enter = [float(r["enter_ms"]) for r in results if "enter_ms" in r]  # type: ignore[arg-type]
    print(
        json.dumps(
            {
                "server": "gunicorn" if "gunicorn" in _server_command(0) else "runserver",
                "database": os.environ.get("DATABASE_URL", "sqlite").split(":")[0],
                "raters": raters,
                "cadres": cadres,
                "clients": clients,
                "paced_over_s": over,
                "generate_s": round(generate_s, 2),
                "round_s": round(elapsed, 1),
                "ballots_per_s": round(len(submit) / elapsed, 1),
                "baseline": f"{raters} ballots in {TEN_MINUTES:.0f} s = {raters / TEN_MINUTES:.2f}/s",
                "submit_ms": {
                    "p50": round(statistics.median(submit), 1) if submit else 0.0,
                    "p95": _percentile(submit, 0.95),
                    "max": round(max(submit), 1) if submit else 0.0,
                },
                "code_entry_ms": {
                    "p50": round(statistics.median(enter), 1) if enter else 0.0,
                    "p95": _percentile(enter, 0.95),
                },
                "errors": len(errors),
                "error_kinds": sorted(set(errors)),
                "votes": Vote.objects.count(),
                "codes_used": Code.objects.filter(used=True).count(),
                "reused_code_status": reuse_status,
            },
            ensure_ascii=False,
        )
    )


# --- Parent ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raters", type=int, default=500)
    parser.add_argument("--cadres", type=int, default=3)
    parser.add_argument("--clients", type=int, default=25)
    parser.add_argument(
        "--over",
        type=float,
        default=60.0,
        help="spread the ballots' start over this many seconds (60: the 10 minutes compressed "
        "10×; 0: all at once, as fast as the clients go)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.raters, args.cadres, args.clients, args.over)
        return
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="guazhi-bench-") as data_dir:
        env["GUAZHI_DATA_DIR"] = data_dir
        # Every client comes from 127.0.0.1; no client types a wrong code, but keep the
        # per-address limit out of the way of the figures all the same.
        env.setdefault("GUAZHI_EVALUATION_FAILURES_PER_ADDRESS", "100000")
        if args.db == "sqlite":
            env.pop("DATABASE_URL", None)
        elif not env.get("DATABASE_URL", "").startswith("postgres"):
            raise SystemExit("--db postgres needs DATABASE_URL=postgres://… (an empty database)")
        command = [
            sys.executable, __file__, "--child", "--raters", str(args.raters),
            "--cadres", str(args.cadres), "--clients", str(args.clients), "--over", str(args.over),
        ]  # fmt: skip
        out = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )  # noqa: S603
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(out.returncode)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"{figures['raters']} raters × {figures['cadres']} cadres, {figures['clients']} clients, "
        f"paced over {figures['paced_over_s']} s, "
        f"{figures['server']} on {figures['database']}: the round took {figures['round_s']} s "
        f"({figures['ballots_per_s']} ballots/s; baseline {figures['baseline']})"
    )
    print(
        f"ballot submit p50 {figures['submit_ms']['p50']} ms, p95 {figures['submit_ms']['p95']} ms, "
        f"max {figures['submit_ms']['max']} ms; errors {figures['errors']}; "
        f"votes {figures['votes']}, codes used {figures['codes_used']}; "
        f"a used code again: HTTP {figures['reused_code_status']}"
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
