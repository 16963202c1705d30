"""The arithmetic of an assessment, with no Django: indicator trees and their weights, weighted
scores, rating bands, combining the host's score with the democratic evaluation, ranking, and
the cap on the share of 优秀.

An indicator tree is written and read as an outline, one indicator a line, a sub-indicator
indented (two spaces, a tab or a full-width space), the weight after the name, the scoring
guide (评分要点) after a bar:

    >>> tree = parse_outline('''
    ... 德 40
    ...   政治品质 60 | 理想信念坚定
    ...   职业道德 40
    ... 绩 60
    ... ''')
    >>> [(n.name, n.weight, [c.name for c in n.children]) for n in tree]
    [('德', Decimal('40'), ['政治品质', '职业道德']), ('绩', Decimal('60'), [])]
    >>> weight_errors(tree)
    []

Scores are given for the leaves (an indicator with no sub-indicators is its own leaf), 0–100
each; the weighted score walks up the tree:

    >>> weighted_score(tree, {"德/政治品质": Decimal(90), "德/职业道德": Decimal(80), "绩": 70})
    Decimal('76.40')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = [
    "EXCELLENT",
    "COMPETENT",
    "BASIC",
    "INCOMPETENT",
    "RATINGS",
    "GRADE_STEPS",
    "Bands",
    "Candidate",
    "Combined",
    "Node",
    "OutlineError",
    "Outcome",
    "combine",
    "format_outline",
    "leaves",
    "parse_outline",
    "rank_and_rate",
    "round2",
    "weight_errors",
    "weighted_score",
]

EXCELLENT, COMPETENT, BASIC, INCOMPETENT = "优秀", "称职", "基本称职", "不称职"
RATINGS = (EXCELLENT, COMPETENT, BASIC, INCOMPETENT)
# The five-step scale some departments score on, and the points each step counts for.
GRADE_STEPS: tuple[tuple[str, Decimal], ...] = (
    ("好", Decimal(95)),
    ("较好", Decimal(85)),
    ("一般", Decimal(72)),
    ("较差", Decimal(60)),
    ("差", Decimal(45)),
)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MAX_DEPTH = 2


def round2(value: Decimal | int | float) -> Decimal:
    """Half up to the cent, as people round scores by hand.

    >>> round2(Decimal("84.125")), round2(Decimal("84.124"))
    (Decimal('84.13'), Decimal('84.12'))
    """
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    """100 → "100", 12.50 → "12.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Indicator trees -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One indicator. `key` identifies it among the tree's leaves: the path of names ("德/政治品质")
    for a parsed outline, the primary key for stored indicators."""

    name: str
    weight: Decimal
    note: str = ""
    children: tuple[Node, ...] = ()
    key: object = None

    @property
    def ident(self) -> object:
        return self.key if self.key is not None else self.name


class OutlineError(ValueError):
    """The outline cannot be read; `messages` are Chinese sentences naming the line."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = list(messages)


_LINE = re.compile(r"^(?P<name>.*?)\s+(?P<weight>\d+(?:\.\d{1,2})?)\s*[%％]?\s*$")


def parse_outline(text: str) -> list[Node]:
    """Read an outline (see the module's docstring). Leaves are keyed by their path of names.

    >>> parse_outline("德 100\\n    学习 100\\n      细节 100")
    Traceback (most recent call last):
    ...
    guazhi.assessment.scoring.OutlineError: 第 3 行：指标最多分两级。
    >>> parse_outline("德\\n绩 100 | 要点")
    Traceback (most recent call last):
    ...
    guazhi.assessment.scoring.OutlineError: 第 1 行：请在指标名称后写权重，如“德 20”。
    """
    errors: list[str] = []
    top: list[tuple[str, Decimal, str, list[tuple[str, Decimal, str]]]] = []
    indents: list[int] = []
    for number, raw in enumerate(text.replace("\u3000", "  ").replace("\t", "  ").splitlines(), 1):
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        body, _bar, note = raw.strip().partition("|")
        if not _bar:
            body, _bar, note = body.partition("｜")
        match = _LINE.match(body.strip())
        if match is None or not match["name"].strip():
            errors.append(f"第 {number} 行：请在指标名称后写权重，如“德 20”。")
            continue
        name, note = match["name"].strip(), note.strip()
        try:
            weight = Decimal(match["weight"])
        except InvalidOperation:  # pragma: no cover - the pattern admits numbers only
            errors.append(f"第 {number} 行：权重应为数字。")
            continue
        if len(name) > 50:
            errors.append(f"第 {number} 行：指标名称最长 50 个字。")
            continue
        if weight <= 0 or weight > HUNDRED:
            errors.append(f"第 {number} 行：权重应大于 0、不超过 100。")
            continue
        if not top or indent == 0:
            if indent and not top:
                errors.append(f"第 {number} 行：第一个指标不能缩进。")
                continue
            top.append((name, weight, note, []))
            indents = [0]
            continue
        if len(indents) == 1 or indent == indents[1]:
            if len(indents) == 1:
                indents.append(indent)
            top[-1][3].append((name, weight, note))
        else:
            errors.append(f"第 {number} 行：指标最多分两级。")
    if not top and not errors:
        errors.append("请至少填写一个指标。")
    names = [t[0] for t in top]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"一级指标“{name}”重复。")
    for name, _w, _n, children in top:
        child_names = [c[0] for c in children]
        for dup in sorted({n for n in child_names if child_names.count(n) > 1}):
            errors.append(f"“{name}”下的二级指标“{dup}”重复。")
    if errors:
        raise OutlineError(errors)
    return [
        Node(
            name,
            weight,
            note,
            tuple(Node(c, w, n, key=f"{name}/{c}") for c, w, n in children),
            key=None if children else name,
        )
        for name, weight, note, children in top
    ]


def format_outline(nodes: Iterable[Node]) -> str:
    """The outline `parse_outline` reads back.

    >>> print(format_outline(parse_outline("德 40\\n  品质 100 | 坚定\\n绩 60")))
    德 40
      品质 100 | 坚定
    绩 60
    """
    lines = []
    for node in nodes:
        lines.append(_outline_line(node, ""))
        lines.extend(_outline_line(child, "  ") for child in node.children)
    return "\n".join(lines)


def _outline_line(node: Node, indent: str) -> str:
    line = f"{indent}{node.name} {_fmt(node.weight)}"
    return f"{line} | {node.note}" if node.note else line


def weight_errors(nodes: Sequence[Node]) -> list[str]:
    """Each level's weights must add up to 100: a Chinese sentence for each that does not.

    >>> weight_errors(parse_outline("德 30\\n  品质 50\\n  作风 40\\n绩 60"))
    ['一级指标权重合计为 90，应为 100。', '“德”的二级指标权重合计为 90，应为 100。']
    """
    errors = []
    total = sum((n.weight for n in nodes), Decimal(0))
    if total != HUNDRED:
        errors.append(f"一级指标权重合计为 {_fmt(total)}，应为 100。")
    for node in nodes:
        if node.children:
            sub = sum((c.weight for c in node.children), Decimal(0))
            if sub != HUNDRED:
                errors.append(f"“{node.name}”的二级指标权重合计为 {_fmt(sub)}，应为 100。")
    return errors


def leaves(nodes: Iterable[Node]) -> list[tuple[Node | None, Node]]:
    """(parent or None, leaf) for every indicator that is scored, in outline order."""
    out: list[tuple[Node | None, Node]] = []
    for node in nodes:
        if node.children:
            out.extend((node, child) for child in node.children)
        else:
            out.append((None, node))
    return out


def branch_scores(nodes: Sequence[Node], scores: Mapping[Any, Decimal | int]) -> dict[str, Decimal]:
    """The score of each first-level indicator (0–100, weighted over its sub-indicators), for
    those whose leaves are all scored: the columns of the results workbook.

    >>> tree = parse_outline("德 50\\n  品质 50\\n  作风 50\\n绩 50")
    >>> branch_scores(tree, {"德/品质": 90, "德/作风": 80})
    {'德': Decimal('85.00')}
    """
    out = {}
    for node in nodes:
        value = _node_score(node, scores)
        if value is not None:
            out[node.name] = round2(value)
    return out


def _node_score(node: Node, scores: Mapping[Any, Decimal | int]) -> Decimal | None:
    if not node.children:
        value = scores.get(node.ident)
        return None if value is None else Decimal(value)
    total = Decimal(0)
    for child in node.children:
        value = _node_score(child, scores)
        if value is None:
            return None
        total += value * child.weight / HUNDRED
    return total


def weighted_score(nodes: Sequence[Node], scores: Mapping[Any, Decimal | int]) -> Decimal | None:
    """The weighted score 0–100 (to the cent), or None while any leaf is unscored."""
    total = Decimal(0)
    for node in nodes:
        value = _node_score(node, scores)
        if value is None:
            return None
        total += value * node.weight / HUNDRED
    return round2(total)


# --- Bands and the combined score ----------------------------------------------------------------


@dataclass(frozen=True)
class Bands:
    """The lowest score of each rating; below `basic` is 不称职.

    >>> b = Bands()
    >>> [b.rating(Decimal(s)) for s in ("90", "89.99", "75", "60", "59.99")]
    ['优秀', '称职', '称职', '基本称职', '不称职']
    """

    excellent: Decimal = Decimal(90)
    competent: Decimal = Decimal(75)
    basic: Decimal = Decimal(60)

    def errors(self) -> list[str]:
        if not (HUNDRED >= self.excellent > self.competent > self.basic > 0):
            return ["等次分数线应满足：100 ≥ 优秀 > 称职 > 基本称职 > 0。"]
        return []

    def rating(self, score: Decimal) -> str:
        if score >= self.excellent:
            return EXCELLENT
        if score >= self.competent:
            return COMPETENT
        if score >= self.basic:
            return BASIC
        return INCOMPETENT


@dataclass(frozen=True)
class Combined:
    score: Decimal
    used_evaluation: bool
    note: str = ""


def combine(
    host: Decimal,
    evaluation: Decimal | None,
    *,
    host_weight: int,
    evaluation_weight: int,
) -> Combined:
    """The host's score and the democratic evaluation's, weighted; the host's score alone (said
    in the note) when there is no evaluation result or the scheme gives it no weight.

    >>> combine(Decimal(90), Decimal(80), host_weight=70, evaluation_weight=30).score
    Decimal('87.00')
    >>> combine(Decimal(90), None, host_weight=70, evaluation_weight=30).note
    '未取得民主测评结果（未开展、未结束或有效票数不足），综合得分按接收单位评分计算。'
    """
    if evaluation_weight and evaluation is not None:
        total = host_weight + evaluation_weight
        score = (host * host_weight + evaluation * evaluation_weight) / Decimal(total)
        return Combined(round2(score), True)
    if evaluation_weight:
        note = "未取得民主测评结果（未开展、未结束或有效票数不足），综合得分按接收单位评分计算。"
    else:
        note = "考核方案未计民主测评权重，综合得分即接收单位评分。"
    return Combined(round2(host), False, note)


# --- Ranking and the cap on 优秀 -----------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    key: object
    score: Decimal | None  # None: not (fully) scored, neither ranked nor rated


@dataclass
class Outcome:
    key: object
    score: Decimal
    rank: int  # competition ranking: 1, 2, 2, 4
    band: str  # what the score alone gives
    rating: str  # after the cap
    notes: list[str] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.band != self.rating


def cap_allowance(count: int, cap_percent: Decimal | int | None) -> int | None:
    """How many may be rated 优秀: the share rounded down, so the cap is never exceeded.

    >>> cap_allowance(12, 20), cap_allowance(4, 20), cap_allowance(4, None)
    (2, 0, None)
    """
    if cap_percent is None:
        return None
    return math.floor(Decimal(count) * Decimal(cap_percent) / HUNDRED)


def rank_and_rate(
    candidates: Iterable[Candidate],
    bands: Bands,
    cap_percent: Decimal | int | None = None,
) -> dict[object, Outcome]:
    """Rank the scored candidates (highest first; equal scores share a rank) and rate them by
    band; then, if more are 优秀 than the cap allows, those beyond it by rank become 称职.

    Ties at the boundary: if admitting everyone tied with the last admissible cadre would exceed
    the cap, none of the tied cadres is admitted (the cap is a ceiling), and each gets a note
    saying so, so the department can decide the case (by a vote of its own, say).

    >>> out = rank_and_rate(
    ...     [Candidate(k, Decimal(s)) for k, s in [("a", 96), ("b", 93), ("c", 93), ("d", 91),
    ...      ("e", 80), ("f", 80), ("g", 70), ("h", 66), ("i", 50), ("j", 40)]],
    ...     Bands(), cap_percent=20)
    >>> [(k, o.rank, o.rating) for k, o in out.items()][:5]
    [('a', 1, '优秀'), ('b', 2, '称职'), ('c', 2, '称职'), ('d', 4, '称职'), ('e', 5, '称职')]
    """
    scored = sorted(
        (c for c in candidates if c.score is not None),
        key=lambda c: c.score,  # type: ignore[arg-type, return-value]
        reverse=True,
    )
    outcomes: dict[object, Outcome] = {}
    previous: Decimal | None = None
    rank = 0
    for position, candidate in enumerate(scored, start=1):
        assert candidate.score is not None
        score = round2(candidate.score)
        if score != previous:
            rank, previous = position, score
        band = bands.rating(score)
        outcomes[candidate.key] = Outcome(candidate.key, score, rank, band, band)
    allowed = cap_allowance(len(outcomes), cap_percent)
    excellent = [o for o in outcomes.values() if o.band == EXCELLENT]
    if allowed is None or len(excellent) <= allowed:
        return outcomes
    share = f"{_fmt(Decimal(cap_percent or 0))}%"
    limit = f"优秀比例不超过 {share}，本次 {len(outcomes)} 人中至多 {allowed} 人"
    for outcome in excellent:
        at_or_above = sum(1 for o in excellent if o.score >= outcome.score)
        if at_or_above <= allowed:
            continue
        outcome.rating = COMPETENT
        tied = [o for o in excellent if o.score == outcome.score and o is not outcome]
        above = sum(1 for o in excellent if o.score > outcome.score)
        if tied and above < allowed:
            outcome.notes.append(
                f"得分 {_fmt(outcome.score)} 分，与另外 {len(tied)} 人并列第 {outcome.rank} 名；"
                f"并列者全部评为优秀将超过比例（{limit}），并列者均按称职确定，"
                "如需调整请组织部研究决定。"
            )
        else:
            outcome.notes.append(
                f"得分 {_fmt(outcome.score)} 分达到优秀分数线，但排名第 {outcome.rank} 名，"
                f"超出比例（{limit}），按称职确定。"
            )
    return outcomes
