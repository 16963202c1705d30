"""`manage.py backup [--output-dir DIR] [--keep N] [--keep-days D]` (docs/backup.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guazhi.backup.keys import BackupError
from guazhi.backup.operations import backup_dir, make_backup, prune


class Command(BaseCommand):
    help = (
        "在网站运行时备份数据库与上传文件（加密、带 SHA-256 清单和迁移状态），"
        "可按数量或天数清理旧备份。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output-dir", help="备份目录（默认 GUAZHI_BACKUP_DIR）。")
        parser.add_argument("--keep", type=int, help="至少保留最新的 N 份备份，其余删除。")
        parser.add_argument("--keep-days", type=int, help="保留 D 天之内的备份，更早的删除。")

    def handle(self, *args: Any, **options: Any) -> None:
        for option in ("keep", "keep_days"):
            if options[option] is not None and options[option] < 1:
                raise CommandError(f"--{option.replace('_', '-')} 至少为 1。")
        folder = backup_dir(options["output_dir"])
        try:
            made = make_backup(output_dir=folder)
        except BackupError as e:
            raise CommandError(f"备份失败：{e}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {made.path}（{made.size / 1024 / 1024:.1f} MB，"
                f"数据库与 {made.files} 个上传文件）。"
            )
        )
        if made.skipped:
            self.stdout.write(f"备份期间被删除而未收入的文件：{'、'.join(made.skipped[:20])}")
        for path in prune(folder, keep=options["keep"], keep_days=options["keep_days"]):
            self.stdout.write(f"已删除旧备份 {Path(path).name}")
