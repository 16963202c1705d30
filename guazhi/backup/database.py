"""The database part of a backup: a consistent copy taken while the site is in use, and putting
one back in a single step.

SQLite: the online backup API copies the database in one step from a read transaction (WAL lets
writers go on meanwhile), so the copy is the database as of one instant; restoring copies the
checked file into the live database with the same API, in one write transaction: other
connections see either the old database or the restored one.
PostgreSQL: `pg_dump -Fc` (its own snapshot) and `pg_restore --single-transaction --clean`.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from guazhi.backup.keys import BackupError


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持备份此类数据库：{vendor}（支持 SQLite 和 PostgreSQL）。")
    return vendor


def sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


# --- migration state ---------------------------------------------------------------------------


def code_migrations() -> set[str]:
    """Every migration the code holds (squashed ones counted by their replacement)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.graph.nodes}


def _replaced_by_squashes() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    replaced: set[str] = set()
    for key in loader.replacements:
        replaced |= {f"{a}.{n}" for a, n in loader.replacements[key].replaces}
    return replaced


def schema_difference(applied: list[str]) -> str | None:
    """Why a database with these applied migrations does not fit the code (Chinese), or None."""
    code = code_migrations()
    have = set(applied) - (_replaced_by_squashes() - code)
    missing = sorted(code - have)
    extra = sorted(have - code)
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append(f"本版本代码有而备份中没有应用的迁移：{'、'.join(missing[:10])}")
        if len(missing) > 10:
            parts[-1] += f" 等 {len(missing)} 个"
    if extra:
        parts.append(f"备份中有而本版本代码没有的迁移：{'、'.join(extra[:10])}")
        if len(extra) > 10:
            parts[-1] += f" 等 {len(extra)} 个"
    return "；".join(parts)


def applied_in_sqlite_file(path: Path) -> list[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT app, name FROM django_migrations").fetchall()
    finally:
        db.close()
    return sorted(f"{app}.{name}" for app, name in rows)


def applied_in_live_database() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


# --- SQLite ------------------------------------------------------------------------------------


def sqlite_snapshot(target: Path) -> None:
    source = sqlite_path()
    if not source.exists():
        raise BackupError(f"找不到数据库文件 {source}。")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(target)
    try:
        # pages=-1: one step, one read transaction, one instant; in WAL mode writers go on.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    if result != "ok":
        raise BackupError(f"数据库完整性检查未通过（{result}），未生成备份：请先修复数据库。")


def check_sqlite_file(path: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"备份中的数据库文件无法打开：{e}。") from None
    if result != "ok":
        raise BackupError(f"备份中的数据库完整性检查未通过：{result}。")


def sqlite_restore(staged: Path) -> None:
    """Put the checked copy in place of the live database in one write transaction."""
    live = sqlite_path()
    connection.close()
    if not live.exists():
        live.parent.mkdir(parents=True, exist_ok=True)
        partial = live.with_name(live.name + ".restoring")
        shutil.copyfile(staged, partial)
        os.replace(partial, live)
        return
    src = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    dst = sqlite3.connect(live, timeout=60)
    try:
        src.backup(dst, pages=-1)
    except sqlite3.DatabaseError as e:
        raise BackupError(f"恢复数据库失败（数据库未改动）：{e}。") from None
    finally:
        dst.close()
        src.close()


# --- PostgreSQL --------------------------------------------------------------------------------


def find_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if versions:
        return versions[-1]
    raise BackupError(
        f"找不到 {name}：PostgreSQL 的备份与恢复需要它。请安装与数据库服务器同版本或更新的客户端"
        "（Debian：apt install postgresql-client）。"
    )


def _pg_env() -> dict[str, str]:
    settings_dict: dict[str, Any] = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[-1500:]}")


def pg_snapshot(target: Path) -> None:
    _run([find_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(target)], "pg_dump 导出数据库")


def pg_restore(staged: Path) -> None:
    tool = find_tool("pg_restore")
    connection.close()
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            _pg_env()["PGDATABASE"],
            str(staged),
        ],
        "pg_restore 恢复数据库（数据库未改动）",
    )
