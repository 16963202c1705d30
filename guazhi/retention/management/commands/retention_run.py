"""`manage.py retention_run`: prune audit records past GUAZHI_AUDIT_RETENTION_DAYS and anonymise
the personal data of secondments ended more than GUAZHI_ANONYMISE_AFTER_DAYS ago. django-tasks
has no scheduler: run it daily from a systemd timer or cron (docs/retention.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guazhi.audit.retention import PruneRefused, prune_audit
from guazhi.lib.keys import KeyConfigError
from guazhi.retention.anonymise import anonymise_ended


class Command(BaseCommand):
    help = (
        "按保存期限清理审计日志，并匿名化挂职结束已久的干部个人信息（每天运行一次）。"
        " / Prune audit records past retention and anonymise ended secondments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", default="retention_run", help="记入审计日志的操作者名称。")
        parser.add_argument("--skip-audit", action="store_true", help="不清理审计日志。")
        parser.add_argument("--skip-anonymise", action="store_true", help="不做匿名化。")

    def handle(self, *args: Any, **options: Any) -> None:
        operator = options["by"]
        failed = None
        if not options["skip_anonymise"]:
            # Anonymise first: its audit records are then inside the retention period anyway.
            done = anonymise_ended(operator=operator)
            self.stdout.write(
                self.style.SUCCESS(
                    f"匿名化：{done.cadres} 名干部、{done.contacts} 个包联对象"
                    f"（挂职结束于 {done.ended_before:%Y-%m-%d} 之前）。"
                )
            )
        if not options["skip_audit"]:
            try:
                pruned = prune_audit(operator=operator)
            except (PruneRefused, KeyConfigError) as e:
                failed = str(e)
            else:
                if pruned is None:
                    self.stdout.write("审计日志：没有超过保存期限的记录。")
                else:
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"审计日志：清理 {pruned.removed} 条（第 {pruned.through_seq} 条及以前，"
                            f"早于 {pruned.cutoff:%Y-%m-%d}），锚点哈希 {pruned.through_hash}。"
                        )
                    )
                    if pruned.export_problem:
                        self.stdout.write(self.style.WARNING(pruned.export_problem))
        if failed:
            raise CommandError(failed)
