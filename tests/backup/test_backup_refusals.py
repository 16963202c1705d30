"""`restore` refuses, in Chinese and without touching the site, a damaged or truncated archive,
one sealed with another key, one from another schema, and one whose manifest does not match."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest

from guazhi.backup.archive import FORMAT, VERSION, extract_archive
from guazhi.backup.keys import BackupError
from guazhi.lib.sealed import SealedWriter
from tests.backup.backup_helpers import BACKUP_KEY, SETUP, files, manage, python

SECRET = BACKUP_KEY.encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    data = root / "data"
    prepared = python(data, SETUP)
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    made = manage(data, "backup", "--output-dir", str(root / "backups"))
    assert made.returncode == 0, made.stderr
    return data, next((root / "backups").glob("*.gzbackup"))


def _state(data: Path) -> tuple[bytes, dict[str, str]]:
    db = data / "guazhi.sqlite3"
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    return db.read_bytes(), files(data / "media")


def _refused(data: Path, archive: Path, *args: str, **env: str) -> str:
    before = _state(data)
    done = manage(data, "restore", "--no-input", str(archive), *args, **env)
    assert done.returncode != 0
    assert _state(data) == before, "a refused restore changes nothing"
    return done.stderr


def test_a_flipped_byte_is_refused(site, tmp_path):
    data, archive = site
    damaged = tmp_path / archive.name
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 0x01
    damaged.write_bytes(bytes(content))
    assert "备份文件已损坏或不完整：第" in _refused(data, damaged)


def test_a_truncated_archive_is_refused(site, tmp_path):
    data, archive = site
    short = tmp_path / archive.name
    short.write_bytes(archive.read_bytes()[:-100])
    assert "不完整" in _refused(data, short)


def test_another_key_is_refused(site):
    data, archive = site
    message = _refused(data, archive, GUAZHI_BACKUP_KEY="another-backup-key-" + "z" * 20)
    assert "该备份是用另一个密钥加密的" in message


def test_the_right_key_from_a_file_restores(site, tmp_path):
    data, archive = site
    key_file = tmp_path / "old.key"
    key_file.write_text(BACKUP_KEY)
    done = manage(
        data,
        "restore",
        "--no-input",
        str(archive),
        "--key-file",
        str(key_file),
        GUAZHI_BACKUP_KEY="another-backup-key-" + "z" * 20,
    )
    assert done.returncode == 0, done.stderr


def _resealed(archive: Path, target: Path, tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """Unpack a real archive, change its manifest, seal it again with the same key."""
    staging = tmp_path / "staging"
    staging.mkdir()
    with archive.open("rb") as f:
        manifest = extract_archive(f, secret=SECRET, into=staging)
    change(manifest)
    members = {name: (staging / name).read_bytes() for name in manifest["members"]}
    target.write_bytes(_seal(members, manifest))
    return target


def _seal(members: dict[str, bytes], manifest: dict | None) -> bytes:
    out = io.BytesIO()
    with (
        SealedWriter(out, SECRET) as sealed,
        tarfile.open(fileobj=sealed, mode="w|gz") as tar,
    ):
        for name, body in [
            *members.items(),
            *([] if manifest is None else [("manifest.json", json.dumps(manifest).encode())]),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return out.getvalue()


def test_another_schema_is_refused_naming_the_migrations(site, tmp_path):
    data, archive = site

    def newer_and_older(manifest: dict) -> None:
        manifest["migrations"].append("ledger.9999_from_a_newer_version")
        manifest["migrations"].remove("audit.0003_event_backup_restore_rekey")

    other = _resealed(archive, tmp_path / "other.gzbackup", tmp_path, newer_and_older)
    message = _refused(data, other)
    assert "备份的数据库结构与本版本代码不同，拒绝恢复" in message
    assert "本版本代码有而备份中没有应用的迁移：audit.0003_event_backup_restore_rekey" in message
    assert "备份中有而本版本代码没有的迁移：ledger.9999_from_a_newer_version" in message


def test_a_manifest_mismatch_is_refused(site, tmp_path):
    data, archive = site

    def wrong_hash(manifest: dict) -> None:
        name = next(n for n in manifest["members"] if n.startswith("media/"))
        manifest["members"][name]["sha256"] = "0" * 64

    other = _resealed(archive, tmp_path / "other.gzbackup", tmp_path, wrong_hash)
    assert "的 SHA-256 或大小与清单不符，拒绝恢复" in _refused(data, other)


def _extract(blob: bytes, into: Path) -> dict:
    into.mkdir(exist_ok=True)
    return extract_archive(io.BytesIO(blob), secret=SECRET, into=into)


GOOD = {"format": FORMAT, "version": VERSION, "database": "database/db.sqlite3"}


@pytest.mark.parametrize(
    ("members", "manifest", "message"),
    [
        ({"database/db.sqlite3": b"x"}, None, "备份中没有清单"),
        (
            {"database/db.sqlite3": b"x", "media/extra.txt": b"y"},
            {
                **GOOD,
                "members": {
                    "database/db.sqlite3": {
                        "size": 1,
                        "sha256": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
                    }
                },
            },
            "media/extra.txt 不在清单中",
        ),
        (
            {"database/db.sqlite3": b"x"},
            {
                **GOOD,
                "members": {
                    "database/db.sqlite3": {
                        "size": 1,
                        "sha256": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
                    },
                    "media/a": {"size": 1, "sha256": "0"},
                },
            },
            "清单列出的 media/a 不在备份中",
        ),
        ({"media/../../etc/passwd": b"x"}, GOOD, "不应出现的条目"),
        ({"/etc/passwd": b"x"}, GOOD, "不应出现的条目"),
        ({"elsewhere/file": b"x"}, GOOD, "不应出现的条目"),
    ],
)
def test_a_wrong_or_unsafe_member_is_refused(tmp_path, members, manifest, message):
    with pytest.raises(BackupError, match=message):
        _extract(_seal(members, manifest), tmp_path / "into")
    assert not (tmp_path / "etc").exists()


def test_a_link_member_is_refused(tmp_path):
    out = io.BytesIO()
    with SealedWriter(out, SECRET) as sealed, tarfile.open(fileobj=sealed, mode="w|gz") as tar:
        info = tarfile.TarInfo("media/link")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(BackupError, match="不应出现的条目：media/link"):
        _extract(out.getvalue(), tmp_path / "into")


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    with pytest.raises(BackupError, match="这不是本系统的备份文件"):
        _extract(b"PK\x03\x04 a zip file", tmp_path / "into")


def test_backup_without_a_key_says_what_to_set(site, tmp_path):
    data, _ = site
    done = manage(data, "backup", "--output-dir", str(tmp_path), GUAZHI_BACKUP_KEY="")
    assert done.returncode != 0
    assert "未配置备份密钥：请设置环境变量 GUAZHI_BACKUP_KEY" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_key_file_inside_the_data_directory_is_refused(site, tmp_path):
    data, _ = site
    (data / "backup.key").write_text(BACKUP_KEY)
    done = manage(
        data,
        "backup",
        "--output-dir",
        str(tmp_path),
        GUAZHI_BACKUP_KEY="",
        GUAZHI_BACKUP_KEY_FILE=str(data / "backup.key"),
    )
    assert "位于数据目录" in done.stderr
