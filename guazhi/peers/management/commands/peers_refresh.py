"""`manage.py peers_refresh`: recompute every secondment's most similar peers (同届经验).
Run it daily (docs/peers.md: systemd timer or cron); the admin can also start it from the page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from guazhi.peers.refresh import refresh


class Command(BaseCommand):
    help = "重新计算每个挂职任职的相似干部（同届经验）；建议每天运行一次。"

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        outcome = refresh(
            progress=(lambda p, m: self.stdout.write(f"{p:3d}% {m}")) if verbose else None
        )
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"已计算 {outcome.secondments} 个挂职任职的相似干部，共 {outcome.links} 条"
                f"（读取 {outcome.read_s:.1f} 秒，比较 {outcome.rank_s:.1f} 秒，"
                f"保存 {outcome.write_s:.1f} 秒）。"
            )
