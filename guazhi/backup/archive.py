"""The archive: a gzip'd tar sealed with the backup key (`guazhi.lib.sealed`), holding the
database copy, every uploaded file, and last `manifest.json`: the SHA-256 and size of every
member, the migration state and what was left out.

Left out on purpose: the originality index (rebuilt from the database on restore, which
`originality_index --rebuild` does; a copy taken while a check runs could be torn), collected
static files (they ship with the code), and the backups themselves.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils import timezone

from guazhi.backup.keys import BackupError
from guazhi.lib.sealed import SealedError, SealedReader, SealedWriter

FORMAT = "guazhi-backup"
VERSION = 1
MANIFEST = "manifest.json"
SUFFIX = ".gzbackup"


class _Hashing:
    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.sha.update(data)
        self.size += len(data)
        return data


@dataclass
class Written:
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _add_file(tar: tarfile.TarFile, path: Path, name: str, written: Written) -> None:
    try:
        f = path.open("rb")
    except FileNotFoundError:
        written.skipped.append(name)  # deleted while the backup ran
        return
    with f:
        stat = os.fstat(f.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        hashing = _Hashing(f)
        tar.addfile(info, hashing)
    written.members[name] = {"size": hashing.size, "sha256": hashing.sha.hexdigest()}


def media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under MEDIA_ROOT (no links), with their archive names."""
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            yield path, "media/" + path.relative_to(media_root).as_posix()


def write_archive(
    out: IO[bytes],
    *,
    secret: bytes,
    database_file: Path,
    database_member: str,
    media_root: Path,
    manifest: dict[str, Any],
) -> Written:
    written = Written()
    with (
        SealedWriter(out, secret, info={"format": FORMAT, "version": VERSION}) as sealed,
        tarfile.open(fileobj=sealed, mode="w|gz", format=tarfile.PAX_FORMAT) as tar,  # type: ignore[call-overload]
    ):
        _add_file(tar, database_file, database_member, written)
        for path, name in media_files(media_root):
            _add_file(tar, path, name, written)
        body = json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "created": timezone.now().isoformat(timespec="seconds"),
                "host": socket.gethostname(),
                "database": database_member,
                "members": written.members,
                "skipped": written.skipped,
                "originality_index": "not included: rebuilt from the database on restore",
                **manifest,
            },
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        ).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mode = 0o600
        tar.addfile(info, io.BytesIO(body))
    return written


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and (name == MANIFEST or (len(path.parts) >= 2 and path.parts[0] in ("database", "media")))
    )


def extract_archive(source: IO[bytes], *, secret: bytes, into: Path) -> dict[str, Any]:
    """Decrypt and unpack into `into` (a fresh staging folder), check every chunk's tag, every
    member against the manifest, and return the manifest. Raises BackupError, in Chinese."""
    reader = SealedReader(source, secret)
    seen: dict[str, dict[str, Any]] = {}
    manifest_bytes = b""
    try:
        with tarfile.open(fileobj=reader, mode="r|gz") as tar:  # type: ignore[call-overload]
            for member in tar:
                if not member.isfile() or not _safe_name(member.name) or member.name in seen:
                    raise BackupError(f"备份中有不应出现的条目：{member.name}，拒绝恢复。")
                data = tar.extractfile(member)
                assert data is not None
                if member.name == MANIFEST:
                    manifest_bytes = data.read()
                    seen[MANIFEST] = {}
                    continue
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                hashing = _Hashing(data)
                with target.open("wb") as f:
                    while chunk := hashing.read(1024 * 1024):
                        f.write(chunk)
                seen[member.name] = {"size": hashing.size, "sha256": hashing.sha.hexdigest()}
        reader.drain()
    except SealedError as e:
        raise BackupError(str(e)) from None
    except (tarfile.TarError, EOFError, OSError) as e:
        raise BackupError(f"备份文件已损坏：无法解包（{e}）。") from None
    if not manifest_bytes:
        raise BackupError("备份中没有清单（manifest.json），拒绝恢复。")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise BackupError("备份中的清单无法解析，拒绝恢复。") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("备份格式或版本不是本系统能恢复的，拒绝恢复。")
    seen.pop(MANIFEST)
    listed = manifest.get("members", {})
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            raise BackupError(f"清单列出的 {name} 不在备份中，拒绝恢复。")
        if name not in listed:
            raise BackupError(f"备份中的 {name} 不在清单中，拒绝恢复。")
        if seen[name] != listed[name]:
            raise BackupError(f"{name} 的 SHA-256 或大小与清单不符，拒绝恢复。")
    if manifest.get("database") not in seen:
        raise BackupError("备份中没有数据库，拒绝恢复。")
    return dict(manifest)
