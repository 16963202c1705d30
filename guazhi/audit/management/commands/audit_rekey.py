"""`manage.py audit_rekey [--old-key-file PATH]`: recompute the audit chain under the configured
key, once after upgrading from the unkeyed chain and after every key rotation."""

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guazhi.audit.chain import chain_key_id, uses_development_key
from guazhi.audit.rekey import RekeyRefused, rekey_chain
from guazhi.lib.keys import KeyConfigError, load_secret


class Command(BaseCommand):
    help = (
        "用当前审计密钥（GUAZHI_AUDIT_KEY / GUAZHI_AUDIT_KEY_FILE）重新计算审计链："
        "升级后从旧版 SHA-256 链迁移一次，或更换密钥时使用（--old-key-file 指定旧密钥）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--old-key-file",
            help="更换密钥时，旧审计密钥所在的文件（写入旧链时用的密钥）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        old_secret = None
        if options["old_key_file"]:
            try:
                old_secret = load_secret(
                    value="",
                    file=Path(options["old_key_file"]),
                    env_name="",
                    file_env_name="--old-key-file",
                )
            except KeyConfigError as e:
                raise CommandError(str(e)) from None
        if uses_development_key():
            self.stdout.write(
                self.style.WARNING(
                    "注意：未设置 GUAZHI_AUDIT_KEY 或 GUAZHI_AUDIT_KEY_FILE，使用的是公开的开发用密钥。"
                )
            )
        try:
            done = rekey_chain(old_secret=old_secret, operator=f"os:{getpass.getuser()}")
        except RekeyRefused as e:
            raise CommandError(f"未更换密钥：{e}") from None
        if done is None:
            self.stdout.write(f"审计链已经使用当前密钥（标识 {chain_key_id()}），无需更换。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链已改用密钥 {chain_key_id()}：重新计算了 {done.records} 条记录，"
                f"并追加了一条“审计链更换密钥”记录。原链头：第 {done.old_head_seq} 条 "
                f"{done.old_head_hash}。"
            )
        )
        if done.export_problem:
            self.stdout.write(
                self.style.WARNING(f"{done.export_problem} 请修复后运行 verify_audit。")
            )
