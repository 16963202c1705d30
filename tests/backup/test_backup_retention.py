"""`backup --keep N --keep-days D` prunes old archives in the backup directory, and only ours."""

from __future__ import annotations

from datetime import datetime

from guazhi.backup.operations import prune

NOW = datetime(2026, 11, 30, 3, 0, 0)


def _archives(folder, days):  # type: ignore[no-untyped-def]
    made = []
    for day in days:
        path = folder / f"guazhi-202611{day:02d}-030000.gzbackup"
        path.write_bytes(b"x")
        made.append(path)
    (folder / "notes.txt").write_text("not ours")
    (folder / "guazhi-20261101-030000.gzbackup.partial").write_bytes(b"x")
    return made


def _left(folder) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.name for p in folder.iterdir())


def test_keep_the_newest_n(tmp_path):
    _archives(tmp_path, [1, 10, 20, 28, 29, 30])
    deleted = prune(tmp_path, keep=3, keep_days=None, now=NOW)
    assert sorted(p.name[7:15] for p in deleted) == ["20261101", "20261110", "20261120"]
    assert _left(tmp_path) == [
        "guazhi-20261101-030000.gzbackup.partial",
        "guazhi-20261128-030000.gzbackup",
        "guazhi-20261129-030000.gzbackup",
        "guazhi-20261130-030000.gzbackup",
        "notes.txt",
    ]


def test_keep_days(tmp_path):
    _archives(tmp_path, [1, 10, 20, 28, 29, 30])
    prune(tmp_path, keep=None, keep_days=7, now=NOW)
    assert [n for n in _left(tmp_path) if n.endswith(".gzbackup")] == [
        "guazhi-20261128-030000.gzbackup",
        "guazhi-20261129-030000.gzbackup",
        "guazhi-20261130-030000.gzbackup",
    ]


def test_either_rule_protects_and_the_newest_always_stays(tmp_path):
    _archives(tmp_path, [1, 10, 20])
    prune(tmp_path, keep=1, keep_days=15, now=NOW)
    assert [n for n in _left(tmp_path) if n.endswith(".gzbackup")] == [
        "guazhi-20261120-030000.gzbackup"
    ]
    prune(tmp_path, keep=None, keep_days=1, now=NOW)
    assert [n for n in _left(tmp_path) if n.endswith(".gzbackup")] == [
        "guazhi-20261120-030000.gzbackup"
    ]


def test_no_option_prunes_nothing(tmp_path):
    _archives(tmp_path, [1, 2])
    assert prune(tmp_path, keep=None, keep_days=None, now=NOW) == []


def test_the_command_prunes_after_a_backup(tmp_path):
    from tests.backup.backup_helpers import manage, python

    data = tmp_path / "data"
    assert (
        python(
            data,
            "from django.core.management import call_command; call_command('migrate', verbosity=0)",
        ).returncode
        == 0
    )
    folder = tmp_path / "backups"
    folder.mkdir()
    _archives(folder, [1, 2])
    done = manage(data, "backup", "--output-dir", str(folder), "--keep", "2")
    assert done.returncode == 0, done.stderr
    assert "已删除旧备份 guazhi-20261101-030000.gzbackup" in done.stdout
    assert len([n for n in _left(folder) if n.endswith(".gzbackup")]) == 2
