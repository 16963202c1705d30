"""Soak (issue 10 item 8): a bounded run at a steady request rate on the scale dataset under
gunicorn on loopback, with the background worker, mixing reads, ledger writes and an occasional
export; errors, latency percentiles and the workers' memory over time.

    .venv/bin/python bench/soak.py                               # 10 minutes at 50/s, scale 0.1
    .venv/bin/python bench/soak.py --minutes 2 --scale 0.01      # a short proof run
    .venv/bin/python bench/soak.py --data-dir /srv/soak-0.1      # keep / reuse the generated data
    DATABASE_URL=postgres://guazhi@127.0.0.1:PORT/guazhi .venv/bin/python bench/soak.py --db postgres

The data comes from bench/scale_data.py (the same generator as bench/scale.py; `--data-dir`
keeps the SQLite database and reuses it at the same scale). The server is gunicorn with
`--workers` sync workers (default: one per core) and `manage.py db_worker` beside it, as in
production (docs/deploy.md). Requests are sent open-loop: one is started every 1/rate seconds
whatever the previous ones are doing (a pool of threads sends them), so a slow server shows as
latency and lateness, not as a politely lower rate.

The mix, per 100 requests: 86 reads (the four dashboards, ledger lists filtered and deep,
entry pages, a timeline, search: the pages of bench/scale.py), 12 ledger entries written by
the cadre through the entry form (each a new row, audit record and running totals), and about
two exports (the host liaison's last-30-day ledger and the roster, alternating). Every 10 s the
resident memory (RSS) of the gunicorn workers is summed. An error is any answer other than the
expected one (200 for reads and exports, 302 after a saved entry) or a failed connection.
Memory is "flat" when the workers' mean RSS over the last minute is within `--rss-bound-pct`
(default 15 %) of the second minute's (the first minute warms caches; on runs shorter than three
minutes, of the first half's second half).

The run is bounded: requests still waiting in the client pool 30 s after the end are not sent
but counted (`not_sent_behind_schedule`: the server could not sustain the rate). The last line
printed is one JSON object; the exit status is 1 when there were errors, requests not sent, or
the memory was not flat.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402  (bench/scale.py: pages, ids, server start)

SAMPLE_SECONDS = 10
GRACE_SECONDS = 30  # requests still queued this long after the end are dropped and counted
WRITE_SHARE = 0.12
EXPORT_EVERY = 50  # one request in this many is an export
CSRF = "s" * 32


# --- Sessions ---------------------------------------------------------------------------------


def _sessions() -> dict[str, str]:
    """A session per login, past the second factor where it is required (as tests do: a
    confirmed TOTP device marked as used by the session)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from guazhi.accounts.models import User
    from guazhi.accounts.two_factor import required_for

    sessions = {}
    for login, username in scale.LOGINS.items():
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if required_for(user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="soak", defaults={"confirmed": True}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        sessions[login] = client.cookies["sessionid"].value
    return sessions


# --- Requests -----------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def send(port: int, session: str, path: str, data: dict[str, str] | None = None) -> int:
    headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}"}
    body = None
    if data is not None:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF}).encode()
        headers["Referer"] = f"http://127.0.0.1:{port}/"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
    try:
        with OPENER.open(request, timeout=120) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as e:
        e.read()
        return int(e.code)


def _entry_form(category: int, n: int, today: str) -> dict[str, str]:
    return {
        "date": today,
        "category": str(category),
        "title": f"走访园区企业（压力测试 {n}）",
        "text": "走访工业园区企业，了解用工和融资需求，逐户建立问题清单。" * 3,
    }


# --- Memory ---------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces and parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return round(total / 1024, 1)


def _flat(samples: list[tuple[float, float, float]], seconds: float, bound_pct: float) -> dict:
    """Compare the workers' mean RSS over the last minute with the second minute's."""

    def mean(lo: float, hi: float) -> float:
        values = [rss for t, rss, _ in samples if lo <= t < hi]
        return round(sum(values) / len(values), 1) if values else 0.0

    early = mean(60, 120) if seconds >= 180 else mean(seconds / 4, seconds / 2)
    late = mean(seconds - 60, seconds + SAMPLE_SECONDS)
    growth = round((late - early) / early * 100, 1) if early else 0.0
    return {
        "rss_mb_early": early,
        "rss_mb_last_minute": late,
        "rss_growth_pct": growth,
        "memory_flat": early > 0 and growth <= bound_pct,
    }


# --- Run --------------------------------------------------------------------------------------------


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(len(ordered) * p) - 1)], 1)


def run(args: argparse.Namespace) -> dict[str, object]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from scale_data import populate

    from guazhi.ledger.models import Category

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    if args.data_dir and scale._generated_before():
        sizes: dict[str, object] = scale._sizes_on_file()
    else:
        sizes = populate(float(args.scale))
    generate_s = round(time.perf_counter() - began, 1)
    print(f"data ready in {generate_s} s: {sizes}", file=sys.stderr, flush=True)
    pages = scale._pages(scale._ids())
    category = Category.objects.get(name="企业帮扶").pk
    sessions = _sessions()
    today = timezone.localdate()
    exports = [
        ("host", f"/ledger/export/?date_from={today - timedelta(days=30):%Y-%m-%d}"),
        ("admin", "/roster/cadres/export.xlsx"),
    ]
    connection.close()

    port = scale._free_port()
    server, server_name = scale._start_server(port, args.workers)
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--interval", "2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lock = threading.Lock()
    latencies: dict[str, list[float]] = {"read": [], "write": [], "export": []}
    by_page: dict[str, list[float]] = {}
    waits: list[float] = []
    errors: dict[str, int] = {}
    skipped: dict[str, int] = {}
    deadline = math.inf
    samples: list[tuple[float, float, float]] = []
    seconds = args.minutes * 60
    stop = threading.Event()

    def one(
        kind: str, name: str, due: float, login: str, path: str, data: dict | None, expect: set
    ) -> None:
        waited = time.monotonic() - due  # queued in the client pool: the server is behind
        if time.monotonic() > deadline + GRACE_SECONDS:
            with lock:  # bounded run: what the server could not take by then is not sent
                skipped[kind] = skipped.get(kind, 0) + 1
            return
        start = time.perf_counter()
        try:
            status = send(port, sessions[login], path, data)
        except OSError as e:
            status = 0
            detail = type(e).__name__
        else:
            detail = str(status)
        ms = (time.perf_counter() - start) * 1000
        with lock:
            latencies[kind].append(ms)
            by_page.setdefault(name, []).append(ms)
            waits.append(waited * 1000)
            if status not in expect:
                key = f"{kind} {path.split('?')[0]} → {detail}"
                errors[key] = errors.get(key, 0) + 1

    def sample(t0: float) -> None:
        while not stop.wait(SAMPLE_SECONDS):
            workers = _children(server.pid)
            samples.append((time.monotonic() - t0, _rss_mb(workers), _rss_mb([worker.pid])))

    try:
        for login, path in pages.values():  # warm every page once
            send(port, sessions[login], path)
        rng = random.Random(args.seed)
        names = list(pages)
        pool = ThreadPoolExecutor(max_workers=args.threads)
        t0 = time.monotonic()
        deadline = t0 + seconds
        sampler = threading.Thread(target=sample, args=(t0,), daemon=True)
        sampler.start()
        total = int(seconds * args.rate)
        writes = 0
        for n in range(total):
            due = t0 + n / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if n % EXPORT_EVERY == EXPORT_EVERY - 1:
                k = (n // EXPORT_EVERY) % len(exports)
                login, path = exports[k]
                name = ("export_ledger", "export_roster")[k]
                pool.submit(one, "export", name, due, login, path, None, {200, 302})
            elif rng.random() < WRITE_SHARE:
                writes += 1
                form = _entry_form(category, writes, f"{today:%Y-%m-%d}")
                pool.submit(one, "write", "entry_create", due, "cadre", "/ledger/new/", form, {302})
            else:
                name = rng.choice(names)
                login, path = pages[name]
                pool.submit(one, "read", name, due, login, path, None, {200})
        pool.shutdown(wait=True)
        elapsed = time.monotonic() - t0
        stop.set()
        sampler.join(timeout=SAMPLE_SECONDS + 5)
    finally:
        stop.set()
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)

    every = [ms for values in latencies.values() for ms in values]
    by_kind = {
        kind: {
            "count": len(values),
            "p50_ms": _percentile(values, 0.50),
            "p95_ms": _percentile(values, 0.95),
            "p99_ms": _percentile(values, 0.99),
        }
        for kind, values in latencies.items()
    }
    return {
        "scale": float(args.scale),
        "db": connection.vendor,
        "server": server_name,
        "minutes": args.minutes,
        "target_rps": args.rate,
        "achieved_rps": round(len(every) / elapsed, 1),
        "requests": len(every),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        # Time a request waited in the client pool before it could be sent: above zero when
        # the server answers slower than the rate asks (open loop).
        "queued_p95_ms": _percentile(waits, 0.95),
        "late_over_1s": sum(w > 1000 for w in waits),
        "not_sent_behind_schedule": sum(skipped.values()),
        "p50_ms": _percentile(every, 0.50),
        "p95_ms": _percentile(every, 0.95),
        "p99_ms": _percentile(every, 0.99),
        "by_kind": by_kind,
        "p95_ms_by_page": {name: _percentile(v, 0.95) for name, v in sorted(by_page.items())},
        "rss_samples_mb": [rss for _, rss, _ in samples],
        "worker_rss_samples_mb": [w for _, _, w in samples],
        **_flat(samples, elapsed, args.rss_bound_pct),
        "sizes": sizes,
        "generate_s": generate_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=50, help="requests per second")
    parser.add_argument("--scale", default="0.1", help="scale of bench/scale_data.py")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--data-dir", help="keep the generated SQLite data here and reuse it")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=64, help="client threads")
    parser.add_argument("--rss-bound-pct", type=float, default=15)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="guazhi-soak-") as scratch:
        os.environ["GUAZHI_DATA_DIR"] = args.data_dir or scratch
        os.environ["GUAZHI_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
        os.environ.setdefault("GUAZHI_FAST_PASSWORD_HASHER", "true")  # no logins by password
        if args.db == "sqlite":
            os.environ.pop("DATABASE_URL", None)
        elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            raise SystemExit("--db postgres needs DATABASE_URL=postgres://…")
        if args.data_dir:
            Path(args.data_dir).mkdir(parents=True, exist_ok=True)
        scale._setup()
        result = run(args)

    kinds = result["by_kind"]
    print(
        f"{result['db']}, {result['server']}, scale {result['scale']}: "
        f"{result['requests']} requests in {result['minutes']} min "
        f"({result['achieved_rps']}/s of {result['target_rps']}/s), {result['errors']} errors, "
        f"{result['late_over_1s']} sent over 1 s late, "
        f"{result['not_sent_behind_schedule']} not sent (server too far behind)"
    )
    for kind, k in kinds.items():  # type: ignore[union-attr]
        print(
            f"  {kind:7} {k['count']:>6}  p50 {k['p50_ms']:>7} ms  p95 {k['p95_ms']:>7} ms  "
            f"p99 {k['p99_ms']:>7} ms"
        )
    print(
        f"  all     p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms"
    )
    print(
        f"  gunicorn workers' RSS (MB, every {SAMPLE_SECONDS} s): {result['rss_samples_mb']}; "
        f"early {result['rss_mb_early']} → last minute {result['rss_mb_last_minute']} "
        f"({result['rss_growth_pct']:+} %): {'flat' if result['memory_flat'] else 'GROWING'}"
    )
    for key, count in result["error_kinds"].items():  # type: ignore[union-attr]
        print(f"  error: {key} × {count}")
    print(json.dumps(result, ensure_ascii=False))
    kept_up = result["not_sent_behind_schedule"] == 0
    sys.exit(0 if result["errors"] == 0 and result["memory_flat"] and kept_up else 1)


if __name__ == "__main__":
    main()
