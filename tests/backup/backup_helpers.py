"""Running the commands on a real file SQLite data directory (the pytest database is in
memory), and comparing two databases table by table."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BACKUP_KEY = "backup-key-for-tests-" + "b" * 24
AUDIT_KEY = "audit-key-for-tests-" + "a" * 24

_PRELUDE = """
import os, sys
sys.path.insert(0, "bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
import django
django.setup()
"""


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        GUAZHI_DATA_DIR=str(data_dir),
        GUAZHI_BACKUP_KEY=BACKUP_KEY,
        GUAZHI_AUDIT_KEY=AUDIT_KEY,
        GUAZHI_AUDIT_HEAD_FILE=str(data_dir.parent / "audit-head.log"),
        GUAZHI_FAST_PASSWORD_HASHER="true",
        GUAZHI_ORIGINALITY_DIR=str(data_dir / "originality"),
    )
    env.update(extra)
    return env


def manage(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(data_dir, **extra),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def python(data_dir: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PRELUDE + textwrap.dedent(code), *args],
        cwd=ROOT,
        env=environment(data_dir),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def popen(data_dir: Path, code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-u", "-c", _PRELUDE + textwrap.dedent(code), *args],
        cwd=ROOT,
        env=environment(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from roster_data import Scale, populate
populate(Scale(cadres=400, secondments=400, audit_records=0, host_units=8))
from guazhi.audit.log import record
for i in range(50):
    record(event="login", username=f"user{i}", ip="10.1.1.1")
from pathlib import Path
from django.conf import settings
media = Path(settings.MEDIA_ROOT)
(media / "ledger" / "2026" / "03").mkdir(parents=True)
(media / "ledger" / "2026" / "03" / "走访照片.jpg").write_bytes(bytes(range(256)) * 4000)
(media / "ledger" / "2026" / "03" / "empty.bin").write_bytes(b"")
(media / "writings" ).mkdir()
(media / "writings" / "心得体会.docx").write_bytes(os.urandom(150_000))
"""


def tables(path: Path) -> dict[str, set[tuple]]:
    """Every row of every table (SQLite), as sets of tuples."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {name: set(db.execute(f'SELECT * FROM "{name}"').fetchall()) for name in names}
    finally:
        db.close()


def files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def columns(path: Path, table: str) -> dict[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[1]: row[0] for row in db.execute(f'PRAGMA table_info("{table}")')}
    finally:
        db.close()
