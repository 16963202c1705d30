"""Check or rebuild the ledger's running totals (the dashboards read them).

manage.py ledger_tallies --check     # exit status 1 when they differ from the entries
manage.py ledger_tallies --rebuild   # recompute them (after writing entries by hand or SQL)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guazhi.ledger import tallies


class Command(BaseCommand):
    help = "核对或重建工作纪实的统计汇总（首页统计图表读取的累计数）。"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true", help="核对汇总与纪实是否一致")
        group.add_argument("--rebuild", action="store_true", help="按全部纪实重新计算汇总")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            tallies.rebuild()
            self.stdout.write("已按全部工作纪实重新计算统计汇总。")
            return
        problems = tallies.check()
        if problems:
            raise CommandError("统计汇总与工作纪实不一致：" + "；".join(problems))
        self.stdout.write("统计汇总与工作纪实一致。")
