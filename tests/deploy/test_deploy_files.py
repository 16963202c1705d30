"""The shipped deployment files work: the systemd units pass `systemd-analyze verify`, and
deploy/nginx.conf, run by nginx in front of gunicorn with the documented HTTPS settings,
redirects plain HTTP, proxies HTTPS with the scheme the app believes (HSTS and Secure cookies,
no redirect loop), and serves static files itself. Skipped where systemd or nginx is absent."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUNICORN = Path(sys.executable).parent / "gunicorn"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
HOST = "guazhi.example.gov.cn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int) -> None:
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path):
    units = sorted(DEPLOY.glob("guazhi-*.service")) + sorted(DEPLOY.glob("guazhi-*.timer"))
    assert {u.name for u in units} >= {"guazhi-web.service", "guazhi-worker.service"}
    user = "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
    for unit in units:
        text = unit.read_text().replace("/opt/guazhi", str(ROOT))
        text = text.replace("User=guazhi", f"User={user}").replace("Group=guazhi", f"Group={user}")
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *[str(tmp_path / u.name) for u in units]],
        capture_output=True,
        text=True,
        check=False,
    )
    # Only complaints about our units count (the host's own units may have their own).
    ours = [line for line in result.stderr.splitlines() if "guazhi-" in line]
    assert not ours, result.stderr


def _nginx_config(tmp_path: Path, app_port: int, http_port: int, https_port: int) -> Path:
    tls = tmp_path / "tls"
    tls.mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(tls / "guazhi.key"),
            "-out",
            str(tls / "guazhi.crt"),
        ],
        check=True,
        capture_output=True,
    )
    static = tmp_path / "data" / "static"
    (static / "guazhi").mkdir(parents=True)
    (static / "guazhi" / "probe.css").write_text("body{}")
    site = (DEPLOY / "nginx.conf").read_text()
    for old, new in (
        ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/nginx/tls", str(tls)),
        ("/var/lib/guazhi/static/", f"{static}/"),
    ):
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "guazhi.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    temp = "".join(
        f"{kind}_temp_path {tmp_path / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{\naccess_log off;\n{temp}include {tmp_path / 'guazhi.conf'};\n}}\n"
    )
    return main


def _get(port: int, path: str, *, tls: bool, headers: dict[str, str] | None = None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, context=context, timeout=60
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.mark.skipif(NGINX is None or not GUNICORN.exists(), reason="nginx or gunicorn missing")
def test_nginx_in_front_of_gunicorn_with_the_documented_https_settings(tmp_path):
    app, http_port, https_port = _free_port(), _free_port(), _free_port()
    main = _nginx_config(tmp_path, app, http_port, https_port)
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        GUAZHI_DATA_DIR=str(tmp_path / "data"),
        GUAZHI_ALLOWED_HOSTS=HOST,
        GUAZHI_HTTPS="true",
        GUAZHI_TRUSTED_PROXIES="127.0.0.1",
    )
    server = subprocess.Popen(
        [str(GUNICORN), "guazhi.wsgi:application", "--bind", f"127.0.0.1:{app}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proxy = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(app)
        _wait(https_port)
        response, _ = _get(http_port, "/accounts/login/", tls=False)
        assert response.status == 301
        assert response.getheader("Location") == f"https://{HOST}/accounts/login/"

        response, body = _get(https_port, "/accounts/login/", tls=True)
        assert response.status == 200, body[:500]
        assert "登录" in body.decode()
        # The app saw HTTPS through X-Forwarded-Proto: HSTS, and Secure cookies.
        assert "max-age=" in (response.getheader("Strict-Transport-Security") or "")
        assert "Secure" in (response.getheader("Set-Cookie") or "")
        assert response.getheader("Server") == "nginx"  # no version (server_tokens off)

        response, body = _get(https_port, "/static/guazhi/probe.css", tls=True)
        assert response.status == 200 and body == b"body{}"

        # Straight to gunicorn, bypassing the proxy: sent to HTTPS, not served in clear.
        response, _ = _get(app, "/accounts/login/", tls=False)
        assert response.status == 301
        assert response.getheader("Location", "").startswith("https://")
    finally:
        proxy.terminate()
        server.terminate()
        proxy.wait(timeout=30)
        server.wait(timeout=30)
