"""Deterministic prose for the similarity tests: sentence-like text from a fixed character set,
different for every seed, so that only deliberate copies are shared between two texts."""

from __future__ import annotations

import random

_CHARS = (
    "国家发展改革经济社会建设人民政府工作推进加强完善实施提高服务管理制度企业农村城市"
    "教育医疗保障就业创新科技产业结构安全生态环境文化法治监督干部群众基层组织领导重点"
    "项目资金市场开放合作区域协调稳定质量效益能力水平体系机制政策措施任务目标全面深化"
)

TEMPLATE_HEADER = "下面是小编为大家整理的挂职锻炼心得体会范文，供大家参考。"


def prose(seed: int, length: int = 1200) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    while sum(map(len, out)) < length:
        sentence = "".join(rng.choice(_CHARS) for _ in range(rng.randint(15, 40)))
        out.append(sentence + ("。\n" if rng.random() < 0.2 else "。"))
    return "".join(out)[:length].rstrip("\n") + "。"


def swap_punctuation(text: str) -> str:
    """The template sites' cheapest disguise: half-width punctuation and changed stops."""
    return text.replace("。", ". ").replace("，", ",")
