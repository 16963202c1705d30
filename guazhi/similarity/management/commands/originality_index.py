"""`manage.py originality_index`: show the originality index, or rebuild it from the database
(`--rebuild`: every reference text not removed and every writing's latest submitted version)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guazhi.similarity import store


class Command(BaseCommand):
    help = "查看查重比对库；--rebuild 从数据库重建（参考范文与每篇材料的最新提交版本）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rebuild", action="store_true", help="从数据库重建比对库。")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = store.store_dir()
        if options["rebuild"]:
            started = time.monotonic()
            try:
                count = store.rebuild()
            except store.StoreBusy:
                raise CommandError(f"{store.BUSY_MESSAGE}（{folder}）") from None
            self.stdout.write(
                f"已重建查重比对库：{count} 篇文档，用时 {time.monotonic() - started:.1f} 秒，"
                f"位于 {folder}（{store.shared().generation}）。"
            )
            return
        if not store.index_exists():
            self.stdout.write(f"查重比对库尚未建立（{folder}），首次查重时会自动建立。")
            return
        try:
            ids = store.shared().ids  # a read: no lock, nothing written
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as e:
            raise CommandError(
                f"查重比对库无法读取（{e}），请运行 manage.py originality_index --rebuild 重建。"
            ) from None
        references = sum(1 for i in ids if i.startswith("r"))
        self.stdout.write(
            f"查重比对库位于 {folder}（{store.shared().generation}）：{len(ids)} 篇文档"
            f"（参考范文 {references} 篇，材料 {len(ids) - references} 篇），"
            f"占用 {store.index_size_on_disk() / 1024 / 1024:.1f} MB。"
        )
