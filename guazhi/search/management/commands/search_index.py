from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guazhi.search.indexing import rebuild


class Command(BaseCommand):
    help = "全文检索索引：--rebuild 按工作纪实和交流材料重建全部索引。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="清空并重建全部索引")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rebuild"]:
            raise CommandError("请指定 --rebuild（清空并重建全文检索索引）。")

        def progress(done: int) -> None:
            if done % 100_000 == 0:
                self.stdout.write(f"  已写入 {done:,} 条工作纪实")

        counts = rebuild(progress=progress)
        self.stdout.write(
            f"全文检索索引已重建：工作纪实 {counts['entries']:,} 条，交流材料 {counts['writings']:,} 篇。"
        )
