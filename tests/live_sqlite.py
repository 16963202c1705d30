"""A real server on a file SQLite database, for tests of what happens between concurrent
requests (the test database of pytest-django is in memory, where SQLite's locking differs).

    with sqlite_server(setup_code) as server:
        server.get("/roster/cadres/", session=server.sessions["bench_admin"])

`setup_code` runs in a child process after `migrate`, with Django set up and bench/ on the
path; it may create rows (e.g. with bench/roster_data.populate). Sessions are made for the
users it names in `users`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, os, sys
sys.path.insert(0, "bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
{setup}
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from guazhi.accounts.models import User
from guazhi.accounts.two_factor import required_for
sessions = {{}}
for username in {users!r}:
    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    if required_for(user):  # past the second factor, as tests.conftest.login does
        device = TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    sessions[username] = client.cookies["sessionid"].value
print(json.dumps(sessions))
"""


@dataclass
class Server:
    port: int
    sessions: dict[str, str] = field(default_factory=dict)

    def request(
        self, path: str, *, session: str = "", data: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Cookie": f"sessionid={session}; csrftoken=t" if session else "csrftoken=t"}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": "t" * 32}).encode()
            headers["Cookie"] = headers["Cookie"].replace("csrftoken=t", "csrftoken=" + "t" * 32)
            headers["Referer"] = f"http://127.0.0.1:{self.port}/"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, headers=headers
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=120) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sqlite_server(setup_code: str, *, users: tuple[str, ...] = ()) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="guazhi-live-") as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(GUAZHI_DATA_DIR=data_dir, GUAZHI_FAST_PASSWORD_HASHER="true")
        code = _CHILD.format(setup=textwrap.dedent(setup_code), users=list(users))
        prepared = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert prepared.returncode == 0, prepared.stderr[-3000:]
        sessions = json.loads(prepared.stdout.strip().splitlines()[-1])
        port = _free_port()
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            for _ in range(300):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
            yield Server(port=port, sessions=sessions)
        finally:
            process.terminate()
            process.wait(timeout=20)
