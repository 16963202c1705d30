"""Making, pruning and restoring backups (the commands `backup` and `restore` call these)."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from guazhi.audit import head
from guazhi.audit.log import record, walk_chain
from guazhi.audit.models import Event
from guazhi.backup import database
from guazhi.backup.archive import SUFFIX, extract_archive, write_archive
from guazhi.backup.keys import BackupError, backup_secret

NAME_PATTERN = re.compile(r"^guazhi-(\d{8}-\d{6})(?:-\d+)?" + re.escape(SUFFIX) + "$")
_MEMBER = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}


@dataclass
class Made:
    path: Path
    size: int
    files: int
    skipped: list[str]


def backup_dir(given: str | Path | None = None) -> Path:
    return Path(given) if given else Path(settings.GUAZHI_BACKUP_DIR)


def _operator() -> str:
    return f"os:{getpass.getuser()}"


def make_backup(*, output_dir: Path, secret: bytes | None = None) -> Made:
    secret = secret or backup_secret()
    kind = database.engine()
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    final = output_dir / f"guazhi-{stamp}{SUFFIX}"
    n = 1
    while final.exists():
        n += 1
        final = output_dir / f"guazhi-{stamp}-{n}{SUFFIX}"
    # Plaintext copy of the database lives only in this private folder, beside the output.
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output_dir) as work:
        snapshot = Path(work) / "database"
        if kind == "sqlite":
            database.sqlite_snapshot(snapshot)
            applied = database.applied_in_sqlite_file(snapshot)
        else:
            applied = database.applied_in_live_database()
            database.pg_snapshot(snapshot)
        partial = final.with_name(final.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                written = write_archive(
                    out,
                    secret=secret,
                    database_file=snapshot,
                    database_member=_MEMBER[kind],
                    media_root=Path(settings.MEDIA_ROOT),
                    manifest={"engine": kind, "migrations": applied},
                )
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    size = final.stat().st_size
    files = sum(1 for name in written.members if name.startswith("media/"))
    with transaction.atomic():
        record(
            event=Event.BACKUP,
            username=_operator(),
            object_type="backup",
            object_repr=final.name,
            detail=f"备份到 {final}（{size} 字节，数据库与 {files} 个上传文件）",
        )
    return Made(final, size, files, written.skipped)


def archives(folder: Path) -> list[tuple[datetime, Path]]:
    """Our archives in `folder`, oldest first, by the time in their names."""
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        match = NAME_PATTERN.match(path.name)
        if match and path.is_file():
            found.append((datetime.strptime(match.group(1), "%Y%m%d-%H%M%S"), path))
    return sorted(found)


def prune(
    folder: Path, *, keep: int | None, keep_days: int | None, now: datetime | None = None
) -> list[Path]:
    """Delete archives that are neither among the newest `keep` nor younger than `keep_days`
    days (with only one option given, only that one protects). The newest always stays."""
    if keep is None and keep_days is None:
        return []
    found = archives(folder)
    now = now or timezone.localtime().replace(tzinfo=None)
    newest = {path for _, path in found[-max(keep or 0, 1) :]}
    deleted = []
    for made, path in found:
        recent = keep_days is not None and now - made < timedelta(days=keep_days)
        if path in newest or recent:
            continue
        path.unlink()
        deleted.append(path)
    return deleted


@dataclass
class Restored:
    manifest: dict[str, Any]
    files: int
    chain_problem: str | None
    index_rebuilt: bool


def restore_backup(archive: Path, *, secret: bytes | None = None) -> Restored:
    secret = secret or backup_secret()
    kind = database.engine()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Staging beside MEDIA_ROOT (and the SQLite file), so the swap is a rename on one disk.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        try:
            with archive.open("rb") as source:
                manifest = extract_archive(source, secret=secret, into=staging)
        except FileNotFoundError:
            raise BackupError(f"找不到备份文件 {archive}。") from None
        if manifest.get("engine") != kind:
            raise BackupError(
                f"该备份来自 {manifest.get('engine')} 数据库，当前使用的是 {kind}，不能直接恢复。"
            )
        difference = database.schema_difference(list(manifest.get("migrations", [])))
        if difference:
            raise BackupError(
                f"备份的数据库结构与本版本代码不同，拒绝恢复。{difference}。"
                "请用生成该备份的版本恢复，再升级。"
            )
        staged_db = staging / manifest["database"]
        if kind == "sqlite":
            database.check_sqlite_file(staged_db)
            if database.schema_difference(database.applied_in_sqlite_file(staged_db)):
                raise BackupError("备份中数据库的迁移记录与清单不符，拒绝恢复。")
        previous = _last_head_quietly()
        _swap(staging, staged_db, kind, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    connection.close()
    files = sum(1 for name in manifest.get("members", {}) if name.startswith("media/"))
    with transaction.atomic():
        record(
            event=Event.RESTORE,
            username=_operator(),
            object_type="backup",
            object_repr=archive.name,
            detail=f"从备份 {archive.name}（{manifest.get('created')}）恢复数据库与 {files} 个上传文件",
        )
    report = walk_chain()
    problem = None
    if report.problem is None:
        note = f"restored {archive.name} ({manifest.get('created')})"
        if previous:
            note += f"; head before restore {previous.get('seq')} {previous.get('hash')}"
        try:
            head.export_head(seq=report.head_seq, hash=report.head_hash, kind="restore", note=note)
        except head.HeadFileError as e:
            problem = f"{e} 请由审计管理员运行 manage.py verify_audit。"
    return Restored(manifest, files, report.problem or problem, _rebuild_index())


def _last_head_quietly() -> dict[str, Any] | None:
    try:
        return head.last_exported()
    except head.HeadFileError:
        return None


def _swap(staging: Path, staged_db: Path, kind: str, media_root: Path) -> None:
    """Media by rename, then the database in one transaction; if the database step fails, the
    old media folder is put back: never a half-restored site."""
    new_media = staging / "media"
    new_media.mkdir(exist_ok=True)
    aside = media_root.with_name(f".{media_root.name}-before-restore")
    shutil.rmtree(aside, ignore_errors=True)
    had_media = media_root.exists()
    if had_media:
        os.replace(media_root, aside)
    os.replace(new_media, media_root)
    try:
        if kind == "sqlite":
            database.sqlite_restore(staged_db)
        else:
            database.pg_restore(staged_db)
    except BaseException:
        shutil.rmtree(media_root, ignore_errors=True)
        if had_media:
            os.replace(aside, media_root)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _rebuild_index() -> bool:
    """The originality index is not in the backup: rebuild it from the restored database."""
    from django.core.management import call_command

    try:
        call_command("originality_index", "--rebuild", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    except Exception:  # noqa: BLE001  (the restore itself succeeded; the command says what to run)
        return False
    return True
