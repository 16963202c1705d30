"""Texts for the originality tests: deterministic synthetic prose, and the real corpora."""

from __future__ import annotations

import json
import os
import random
from functools import cache
from pathlib import Path

import pytest

from guazhi.originality import Normalizer

CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"

# Characters of ordinary official prose, without the filler particles the normaliser drops.
_CHARS = (
    "国家发展改革经济社会建设人民政府工作推进加强完善实施提高服务管理制度企业农村城市"
    "教育医疗保障就业创新科技产业结构安全生态环境文化法治监督干部群众基层组织领导重点"
    "项目资金市场开放合作区域协调稳定质量效益能力水平体系机制政策措施任务目标全面深化"
)


def synthetic(seed: int, length: int) -> str:
    """Sentence-like text: random characters, a full stop every 15–40, a paragraph now and then."""
    rng = random.Random(seed)
    out: list[str] = []
    while sum(map(len, out)) < length:
        sentence = "".join(rng.choice(_CHARS) for _ in range(rng.randint(15, 40)))
        out.append(sentence + ("。\n" if rng.random() < 0.2 else "。"))
    return "".join(out)[:length]


@cache
def normalizer() -> Normalizer:
    return Normalizer()


def real_reports() -> dict[int, str]:
    """Government work reports by year. Outside CI a checkout without ../shared skips the
    test; on CI (CI=true) shared/ is always beside the clone, so its absence is a failure."""
    path = CORPORA / "gov-work-reports" / "government_work_reports.jsonl"
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared corpora missing on CI: {path}")
        pytest.skip("shared corpora not available")
    reports = {}
    for line in path.open(encoding="utf-8"):
        rec = json.loads(line)
        if rec.get("year"):
            reports[int(rec["year"])] = rec["content"]
    return reports


def covered(passages: list, start: int, end: int) -> float:
    """Fraction of text[start:end] covered by the passages."""
    hit = set()
    for p in passages:
        hit.update(range(max(p.start, start), min(p.end, end)))
    return len(hit) / max(1, end - start)
