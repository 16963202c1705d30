"""Official prose for the demo programme, read at run time from the shared corpora (the State
Council's government work reports, not protected by copyright: PRC Copyright Law art. 5) and
never copied into the repository. Without the corpora every function returns nothing and the
demo does without.

The reports are split by year between the two demos that use them, so that an honest demo
writing never quotes a report a template essay was made of: the originality demo's template
essays take even years (`for_templates`), the honest writings' quotations odd years
(`for_quotations`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPORTS = Path("gov-work-reports") / "government_work_reports.jsonl"
_SENTENCE = re.compile(r"[^。；！？]*[。；！？]")
# National figures and the report's own frame read oddly in a cadre's writing.
_NATIONAL = (
    "%", "％", "亿", "国务院", "本届政府", "各位代表", "过去一年", "过去五年", "去年", "今年",
    "国际", "外交", "联合国", "东盟", "主权", "领土", "台湾", "香港", "澳门", "国防", "军队",
    "世界", "全球", "《", "上述", "预期目标", "同志", "党中央",
)  # fmt: skip


@dataclass(frozen=True)
class Report:
    year: int
    title: str
    paragraphs: list[str]


def for_templates(year: int) -> bool:
    return year >= 2000 and year % 2 == 0


def for_quotations(year: int) -> bool:
    return year >= 2000 and year % 2 == 1


def reports(
    corpora: Path, *, years: Callable[[int], bool], min_len: int = 80, max_len: int = 400
) -> list[Report]:
    """The reports of the chosen years, in year order, with their paragraphs of a usable
    length; [] without the corpora."""
    path = corpora / REPORTS
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            rec = json.loads(line)
            year = int(rec.get("year") or 0)
            if not years(year):
                continue
            paras = _paragraphs(rec["content"])
            out.append(
                Report(
                    year, rec.get("title", ""), [p for p in paras if min_len <= len(p) <= max_len]
                )
            )
    return sorted(out, key=lambda r: r.year)


def _paragraphs(content: str) -> list[str]:
    """Lines joined where the source broke a sentence (around links and footnotes)."""
    out: list[str] = []
    joining = False
    for line in content.split("\n"):
        line = line.strip()
        if not line:
            continue
        if joining and out:
            out[-1] += line
        else:
            out.append(line)
        joining = not line.endswith(("。", "！", "？", "；", "：", "”"))
    return out


def quotations(corpora: Path, *, max_len: int = 140, min_len: int = 40) -> list[tuple[int, str]]:
    """(year, passage) pairs for honest writings to quote: whole sentences of one paragraph,
    at most `max_len` characters (a plausible quotation), without national figures; each
    passage once, in corpus order."""
    out: list[tuple[int, str]] = []
    seen: set[str] = set()  # sentences: later reports repeat earlier ones word for word
    for report in reports(corpora, years=for_quotations):
        for para in report.paragraphs:
            chunk = ""
            for sentence in _SENTENCE.findall(para):
                sentence = sentence.strip()
                if sentence in seen or len(chunk) + len(sentence) > max_len:
                    _keep(out, report.year, chunk, min_len)
                    chunk = ""
                if sentence not in seen:
                    seen.add(sentence)
                    chunk += sentence
            _keep(out, report.year, chunk, min_len)
    return out


def _keep(out: list[tuple[int, str]], year: int, chunk: str, min_len: int) -> None:
    ok = min_len <= len(chunk) and not chunk.startswith(("（", "一是"))
    if ok and not any(word in chunk for word in _NATIONAL):
        out.append((year, chunk.rstrip("；").rstrip("。") + "。"))
