"""`manage.py verify_audit`: check the keyed chain from record 1, compare it with the head last
exported, then export the new head. Run it on a schedule (docs/security.md): each run is also
the scheduled head export."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guazhi.audit import head
from guazhi.audit.chain import chain_key_id, uses_development_key
from guazhi.audit.log import walk_chain
from guazhi.lib.keys import KeyConfigError


class Command(BaseCommand):
    help = (
        "校验审计日志哈希链（带密钥），与上次导出的链头比对，并导出新的链头。"
        " / Verify the audit chain and export its head."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._verify()
        except (KeyConfigError, head.HeadFileError) as e:
            raise CommandError(str(e)) from None

    def _verify(self) -> None:
        report = walk_chain()
        problem = report.problem
        if problem is None:
            try:
                exported = head.last_exported()
            except head.HeadFileError as e:
                problem = str(e)
            else:
                if exported is not None:
                    problem = head.compare_with_exported(exported)
        if problem:
            head.report_failure(problem)
            raise CommandError(f"审计日志校验失败：{problem}（此前 {report.checked} 条记录完好）")
        pruned = (
            f"（第 {report.pruned_through} 条及以前已按保存期限清理，从清理记录的锚点起校验）"
            if report.pruned_through
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(f"审计日志完好：共 {report.checked} 条记录，哈希链连续{pruned}。")
        )
        head.export_head(seq=report.head_seq, hash=report.head_hash, kind="verify")
        self.stdout.write(
            f"链头：第 {report.head_seq} 条 {report.head_hash}（密钥标识 {chain_key_id()}）"
        )
        where = head.destinations()
        if where:
            self.stdout.write(f"链头已导出到：{'、'.join(where)}。")
        else:
            self.stdout.write(
                self.style.WARNING(
                    "未配置 GUAZHI_AUDIT_HEAD_FILE 或 GUAZHI_AUDIT_SYSLOG：链头只打印在这里，"
                    "请另行保存，否则无法发现末尾记录被删除或整条链被改写。"
                )
            )
        if uses_development_key():
            self.stdout.write(
                self.style.WARNING(
                    "正在使用公开的开发用审计密钥：生产环境必须设置 GUAZHI_AUDIT_KEY 或 "
                    "GUAZHI_AUDIT_KEY_FILE，然后运行 manage.py audit_rekey。"
                )
            )
