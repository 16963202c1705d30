"""`manage.py rotate_field_key`: re-encrypt every ID and mobile number (and every other
encrypted field) under the current key, GUAZHI_FIELD_KEY(_FILE), opening what the previous key
sealed with GUAZHI_FIELD_KEY_OLD(_FILE) (`development` for the public development key).

In batches, each its own short transaction, so the site keeps working meanwhile (lookups try
both keys) and a stopped run picks up where it stopped when started again. Audited at the start
and the end. On SQLite the file is then VACUUMed: tokens under the old key must not linger in
free pages (docs/security.md 「静态加密」)."""

from __future__ import annotations

import getpass
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from guazhi.audit.log import record
from guazhi.audit.models import Event, Result
from guazhi.lib.encrypted_fields import encrypted_tables, keyring, uses_development_key
from guazhi.lib.field_crypto import FieldCryptoError
from guazhi.lib.field_sealing import count_stale, rotate_table, vacuum_sqlite
from guazhi.lib.keys import KeyConfigError

OBJECT_TYPE = "field_key"


class Command(BaseCommand):
    help = (
        "用当前密钥（GUAZHI_FIELD_KEY / GUAZHI_FIELD_KEY_FILE）重新加密全部身份证号、手机号等"
        "加密字段；旧密钥由 GUAZHI_FIELD_KEY_OLD / GUAZHI_FIELD_KEY_OLD_FILE 提供。可中断后重跑。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-vacuum", action="store_true", help="SQLite：完成后不整理数据库文件。"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ring = keyring()
        except KeyConfigError as e:
            raise CommandError(str(e)) from None
        if uses_development_key():
            self.stdout.write(
                self.style.WARNING(
                    "注意：未设置 GUAZHI_FIELD_KEY 或 GUAZHI_FIELD_KEY_FILE，当前密钥是公开的开发用密钥。"
                )
            )
        tables = encrypted_tables(apps.get_models())
        stale = {t.name: count_stale(connection, t, ring) for t in tables}
        total = sum(stale.values())
        if not total:
            self.stdout.write(f"全部加密字段已使用当前密钥（标识 {ring.current_id}），无需更换。")
            return
        operator = f"os:{getpass.getuser()}"
        summary = "、".join(f"{name} {n} 行" for name, n in stale.items() if n)
        self._audit(operator, f"开始用密钥 {ring.current_id} 重新加密：{summary}")
        done = 0
        try:
            for table in tables:
                if not stale[table.name]:
                    continue

                def progress(last_id: int, rows: int, name: str = table.name) -> None:
                    if options["verbosity"] >= 2:
                        self.stdout.write(
                            f"  {name}：已处理到 id {last_id}，本表重新加密 {rows} 行"
                        )

                rows = rotate_table(connection, table, ring, on_batch=progress)
                done += rows
                self.stdout.write(f"{table.name}：重新加密 {rows} 行。")
        except FieldCryptoError as e:
            self._audit(operator, f"重新加密中断（已完成 {done} 行）：{e}", Result.FAILURE)
            raise CommandError(
                f"已重新加密 {done} 行后停止：{e} 修正密钥配置后重新运行本命令，会从中断处继续。"
            ) from None
        left = sum(count_stale(connection, t, ring) for t in tables)
        self._audit(
            operator, f"重新加密完成：共 {done} 行改用密钥 {ring.current_id}，剩余 {left} 行"
        )
        if not options["no_vacuum"]:
            vacuum_sqlite(connection)
        self.stdout.write(
            self.style.SUCCESS(
                f"已用密钥 {ring.current_id} 重新加密 {done} 行。确认网站运行正常后，"
                "即可删除旧密钥（GUAZHI_FIELD_KEY_OLD / GUAZHI_FIELD_KEY_OLD_FILE）。"
            )
        )

    def _audit(self, operator: str, detail: str, result: str = Result.SUCCESS) -> None:
        # No event of its own yet: a system-wide edit of the encrypted columns.
        with transaction.atomic():
            record(
                event=Event.EDIT,
                username=operator,
                object_type=OBJECT_TYPE,
                object_repr="身份证号、手机号等字段的加密密钥",
                result=result,
                detail=detail,
            )
