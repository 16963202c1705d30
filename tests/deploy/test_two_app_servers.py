"""Scaling out (docs/deploy.md): two gunicorn app servers on loopback ports share one database
and one data directory. A cadre logs in on one; an entry written through one is read through the
other; a reference essay uploaded through one is found by a check run in the other (whose
originality store was already open: it reloads the published generation).

Runs on a file SQLite database in a temporary data directory, or, when DATABASE_URL names a
PostgreSQL server (the PostgreSQL CI run), in a throw-away database on that server."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "Guazhi#2026two"
ESSAY = (
    "挂职锻炼是组织培养年轻干部的重要方式。到基层以来，我始终把学习放在首位，"
    "深入田间地头和企业车间开展调研，走访园区企业六百九十八家，逐户建立问题清单，"
    "协调解决融资、用工、用地等难题，推动盐穴压缩空气储能项目完成立项审批。"
) * 6

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is a dev dependency")

SETUP = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
import django
django.setup()
from datetime import date
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from guazhi.accounts.models import Role, User
from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus, Unit, UnitKind
from guazhi.writings import actions

city = Unit.objects.create(name="青川市", kind=UnitKind.CITY)
town = Unit.objects.create(name="柳溪镇", kind=UnitKind.TOWN, parent=city)
dept = Unit.objects.create(name="市发展和改革委员会", kind=UnitKind.DEPARTMENT, parent=city)
cohort = Cohort.objects.create(name="2026年第二批", year=2026, start_date=date(2026, 3, 1),
                               end_date=date(2027, 2, 28))
cadre = Cadre.objects.create(name="张建国", gender="M", birth_date=date(1985, 4, 12),
    id_number="110105198504120014", mobile="13812345678", home_unit=dept, original_post="科长",
    rank="四级调研员", ethnicity="汉族", political_status="cpc", education="bachelor")
secondment = Secondment.objects.create(cadre=cadre, cohort=cohort, host_unit=town,
    post="镇党委副书记", duties="营商环境", start_date=date(2026, 3, 1),
    planned_end_date=date(2027, 2, 28), status=SecondmentStatus.ACTIVE)
cadre_user = User.objects.create_user(username="zhangjianguo", password={password!r},
    role=Role.CADRE, cadre=cadre, full_name="张建国", must_change_password=False)
admin = User.objects.create_user(username="admin_wang", password={password!r},
    role=Role.PROGRAMME_ADMIN, full_name="王组织", must_change_password=False)
client = Client()
client.force_login(admin)
device = TOTPDevice.objects.create(user=admin, name="测试验证器", confirmed=True)
session = client.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
drafts = []
for title, text in (("第一季度小结", "本季度主要做了三件事：走访群众、整理档案、参加培训。" * 8),
                    ("挂职心得体会", {essay!r})):
    blocks = [{{"type": "paragraph", "text": text}}]
    w = actions.create_writing(actor=cadre_user, secondment=secondment, kind="reflection",
                               title=title, blocks=blocks)
    drafts.append([w.pk, w.version])
print(json.dumps({{"admin_session": client.cookies["sessionid"].value, "drafts": drafts}}))
"""

REPORT = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
import django
django.setup()
from guazhi.similarity.models import Report
print(json.dumps([[r.version.writing_id, r.status, r.copy_ratio, [p.get("source_id") for p in r.passages or []]]
                  for r in Report.objects.order_by("pk")]))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _database() -> Iterator[str | None]:
    """None (SQLite in the data directory) or the URL of a throw-away PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    import psycopg

    name = f"guazhi_two_{uuid.uuid4().hex[:8]}"
    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _python(code: str, env: dict[str, str]) -> object:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class Browser:
    """Cookies of one user, sent to either server."""

    def __init__(self, session: str = "") -> None:
        self.cookies = {"sessionid": session} if session else {}

    def request(self, port: int, path: str, data: dict | None = None, files: dict | None = None):
        if data is not None or files is not None:
            self.cookies.setdefault("csrftoken", "c" * 32)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None or files is not None:
            token = self.cookies["csrftoken"]
            fields = {**(data or {}), "csrfmiddlewaretoken": token}
            headers["Referer"] = f"http://127.0.0.1:{port}/"
            if files:
                boundary = uuid.uuid4().hex
                body = _multipart(boundary, fields, files)
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=body, headers=headers
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=120) as response:
                status, content, got = response.status, response.read(), response.headers
        except urllib.error.HTTPError as e:
            status, content, got = e.code, e.read(), e.headers
        for cookie in got.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, content.decode("utf-8", "replace"), got.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _multipart(boundary: str, fields: dict, files: dict) -> bytes:
    out = b""
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for name, (filename, content) in files.items():
        out += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    return out + f"--{boundary}--\r\n".encode()


@contextmanager
def _servers(env: dict[str, str], count: int = 2) -> Iterator[list[int]]:
    ports = [_free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(  # noqa: S603
            [
                str(GUNICORN),
                "guazhi.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port in ports:
            for _ in range(600):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_two_app_servers_share_the_database_and_the_data_directory():
    began = time.monotonic()
    data_dir = tempfile.mkdtemp(prefix="guazhi-two-")
    try:
        with _database() as database_url:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env.update(
                GUAZHI_DATA_DIR=data_dir,
                GUAZHI_FAST_PASSWORD_HASHER="true",
                # Checks run in the web process that asked (no db_worker here): what one process
                # publishes to the shared originality store, the other must read.
                GUAZHI_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
            )
            if database_url:
                env["DATABASE_URL"] = database_url
            prepared = _python(SETUP.format(password=PASSWORD, essay=ESSAY), env)
            (first_draft, first_version), (copied_draft, copied_version) = prepared["drafts"]
            with _servers(env) as (a, b):
                cadre = Browser()
                cadre.request(a, "/accounts/login/")  # the CSRF cookie
                status, _, location = cadre.request(
                    a, "/accounts/login/", {"username": "zhangjianguo", "password": PASSWORD}
                )
                assert status == 302 and "login" not in location, (status, location)

                # An entry written through A is read through B.
                status, page, _ = cadre.request(b, "/ledger/new/")
                assert status == 200, page[:500]
                category = re.search(r'<option value="(\d+)"[^>]*>企业帮扶', page)
                assert category, "no 企业帮扶 category on the form"
                status, _, location = cadre.request(
                    a,
                    "/ledger/new/",
                    {
                        "date": "2026-05-06",
                        "category": category.group(1),
                        "title": "两台服务器走访园区企业",
                        "text": "走访工业园区企业 12 家，了解用工和融资需求。",
                    },
                )
                assert status == 302, status
                entry = re.search(r"/ledger/(\d+)/", location)
                assert entry, location
                status, page, _ = cadre.request(b, f"/ledger/{entry.group(1)}/")
                assert status == 200 and "两台服务器走访园区企业" in page
                status, page, _ = cadre.request(b, "/ledger/")
                assert "两台服务器走访园区企业" in page

                # B checks a first writing: its store is open (and there is no reference yet).
                status, _, _ = cadre.request(
                    b, f"/writings/{first_draft}/submit/", {"version": first_version}
                )
                assert status == 302
                # The admin adds a reference essay through A; A publishes it to the store.
                admin = Browser(prepared["admin_session"])
                status, page, _ = admin.request(
                    a,
                    "/similarity/corpus/upload/",
                    {"source_note": "某范文网"},
                    {"file": ("挂职心得范文.txt", ESSAY.encode())},
                )
                assert status == 302, page[:2000]
                # A copy of it submitted through B is found in B's check.
                status, _, _ = cadre.request(
                    b, f"/writings/{copied_draft}/submit/", {"version": copied_version}
                )
                assert status == 302
            reports = {row[0]: row for row in _python(REPORT, env)}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    _, status, ratio, sources = reports[copied_draft]
    assert status == "done" and ratio > 0.9, reports
    assert any(str(s).startswith("r") for s in sources), sources
    assert reports[first_draft][1] == "done"
    assert time.monotonic() - began < 120
