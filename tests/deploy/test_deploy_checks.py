"""`make deploy-check`: each production check fails on its own bad setting with a Chinese
message, and the documented production settings (deploy/guazhi.env.example with generated keys)
pass `manage.py check --deploy --fail-level WARNING` as a whole."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from guazhi.deploy_checks import DEVELOPMENT_SECRET_KEY, production_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "guazhi.env.example"


@pytest.fixture
def production(settings, tmp_path):
    """Settings as the documented production environment makes them."""
    key_file = tmp_path / "backup.key"
    key_file.write_text(secrets.token_urlsafe(48))
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.GUAZHI_BACKUP_KEY = ""
    settings.GUAZHI_BACKUP_KEY_FILE = str(key_file)
    settings.ALLOWED_HOSTS = ["guazhi.example.gov.cn"]
    settings.GUAZHI_TWO_FACTOR_REQUIRED = True
    settings.GUAZHI_AUDIT_RETENTION_DAYS = 365
    settings.GUAZHI_HTTPS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.GUAZHI_TRUSTED_PROXIES = ["127.0.0.1"]
    return settings


def _ids() -> list[str]:
    return [m.id for m in production_settings(None)]


def test_production_settings_pass(production):
    assert production_settings(None) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"DEBUG": True}, "guazhi.deploy.E001"),
        ({"SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "guazhi.deploy.E002"),
        ({"SECRET_KEY": "short-but-secret"}, "guazhi.deploy.E002"),
        ({"GUAZHI_BACKUP_KEY_FILE": ""}, "guazhi.deploy.E003"),
        ({"GUAZHI_BACKUP_KEY": "too-short"}, "guazhi.deploy.E003"),
        ({"ALLOWED_HOSTS": ["127.0.0.1", "localhost"]}, "guazhi.deploy.E004"),
        ({"ALLOWED_HOSTS": ["*"]}, "guazhi.deploy.E004"),
        ({"ALLOWED_HOSTS": []}, "guazhi.deploy.E004"),
        ({"AXES_ENABLED": False}, "guazhi.deploy.E005"),
        ({"GUAZHI_TWO_FACTOR_REQUIRED": False}, "guazhi.deploy.E006"),
        ({"GUAZHI_AUDIT_RETENTION_DAYS": 183}, "guazhi.deploy.E007"),
        ({"GUAZHI_HTTPS": False}, "guazhi.deploy.E008"),
        ({"SESSION_COOKIE_SECURE": False}, "guazhi.deploy.E009"),
        ({"GUAZHI_TRUSTED_PROXIES": []}, "guazhi.deploy.W001"),
    ],
)
def test_each_check_fails_on_its_setting(production, change, expected):
    for name, value in change.items():
        setattr(production, name, value)
    messages = production_settings(None)
    assert [m.id for m in messages] == [expected]
    assert re.search(r"[\u4e00-\u9fff]{4}", messages[0].msg)


def test_missing_lockout_middleware_and_settings_read_with_getattr(production):
    production.MIDDLEWARE = [m for m in production.MIDDLEWARE if not m.startswith("axes.")]
    del production.GUAZHI_TWO_FACTOR_REQUIRED
    del production.GUAZHI_AUDIT_RETENTION_DAYS
    assert _ids() == ["guazhi.deploy.E005", "guazhi.deploy.E006", "guazhi.deploy.E007"]


# --- the documented environment file, through manage.py ----------------------------------------


def documented_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """deploy/guazhi.env.example filled in as docs/deploy.md says (generated keys), with its
    system paths moved under `tmp_path`."""
    keys = tmp_path / "etc" / "keys"
    keys.mkdir(parents=True)
    for name in ("audit", "backup", "field"):
        (keys / f"{name}.key").write_text(secrets.token_urlsafe(48) + "\n")
    # Nothing of the test run leaks in: not our settings, nor the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE (set when tests/browser/conftest.py is imported), which
    # check --deploy rightly reports as async.E001.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GUAZHI_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            value = value.replace("/etc/guazhi/keys", str(keys))
            for system in ("/var/lib", "/var/log", "/srv"):
                value = value.replace(system, str(tmp_path / system.strip("/")))
            env[name] = value
    env["GUAZHI_SECRET_KEY"] = secrets.token_urlsafe(50)
    env.update(overrides)
    return env


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_documented_production_settings_pass_check_deploy(tmp_path):
    result = _check(documented_environment(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no issues" in result.stdout


def test_the_example_as_shipped_fails_with_chinese_reasons(tmp_path):
    env = documented_environment(tmp_path, GUAZHI_SECRET_KEY="", GUAZHI_DEBUG="true")
    env.pop("GUAZHI_AUDIT_KEY_FILE")
    result = _check(env)
    assert result.returncode == 1
    for expected in (
        "guazhi.deploy.E001",
        "guazhi.deploy.E002",
        "guazhi.audit.E001",
        "调试模式已打开",
    ):
        assert expected in result.stderr, result.stderr[-3000:]
