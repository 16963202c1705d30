"""`manage.py restore ARCHIVE [--key-file PATH] [--no-input]` (docs/backup.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guazhi.backup.keys import BackupError, backup_secret
from guazhi.backup.operations import restore_backup


class Command(BaseCommand):
    help = "从备份恢复数据库与上传文件：先完整解密、校验清单和迁移状态，再一次性替换。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="备份文件（.gzbackup）。")
        parser.add_argument(
            "--key-file", help="备份时所用密钥的文件（默认 GUAZHI_BACKUP_KEY / _FILE）。"
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="不询问确认。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            secret = backup_secret(options["key_file"])
        except BackupError as e:
            raise CommandError(str(e)) from None
        if options["interactive"]:
            answer = input(
                f"将用 {archive.name} 替换当前的全部数据和上传文件。请先停止网站和后台任务进程。"
                "输入 yes 继续："
            )
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未作任何改动。")
        try:
            done = restore_backup(archive, secret=secret)
        except BackupError as e:
            raise CommandError(f"未恢复：{e}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {archive.name}（{done.manifest.get('created')}）恢复数据库与 "
                f"{done.files} 个上传文件。"
            )
        )
        if done.chain_problem:
            self.stdout.write(
                self.style.WARNING(f"恢复后的审计日志校验未通过：{done.chain_problem}")
            )
        if not done.index_rebuilt:
            self.stdout.write(
                self.style.WARNING(
                    "查重比对库未能重建：请运行 manage.py originality_index --rebuild。"
                )
            )
        else:
            self.stdout.write("查重比对库已从恢复的数据库重建。")
