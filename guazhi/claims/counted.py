"""What a figure counts: the noun phrase right after its unit, or else right before the number.

"完成辖区内698家企业第一轮调研走访" → 企业; "成功贷款800万元" → 贷款;
"55亿元盐穴压缩空气储能项目" → 盐穴压缩空气储能项目. Parts of speech come from jieba's default
tokenizer (shared with the rest of the process; nothing is added to its dictionary), run on a
short window only, so the cost per claim is a few tens of microseconds.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from typing import Any

WINDOW = 16
MAX_CHARS = 14

# jieba's tags for nouns and words used as nouns (vn: 检测, an: 困难), place/time words that
# head noun phrases (s: 国内), distinguishing words (b: 私营) and abbreviations (j).
_NOUNISH = {"n", "nr", "ns", "nt", "nz", "nrt", "ng", "vn", "an", "b", "s", "j", "l", "nw", "zg"}
# Tokens that may sit between a noun and the number it goes with: verbs of reporting a figure
# (达到, 完成), adverbs (共, 累计), prepositions and particles.
_BRIDGE = {"v", "d", "p", "u", "uj", "ul", "ud", "c", "ad", "vd", "f", "r", "m", "q", "zg", "y"}
_STOP = re.compile(r"[\s，。；：、！？,.;:!?（）()“”\"'《》【】\[\]…—\-/]")
_TOO_GENERIC = frozenset(
    {"其中", "全年", "全市", "全县", "全区", "全镇", "今年", "去年", "累计", "共计", "总计"}
    | {"合计", "同比", "新增"}
)

_ADVERBIAL = frozenset({"成功", "顺利", "有效", "全面", "积极", "主动", "及时", "稳定", "大力"})

_lock = threading.Lock()
_posseg: Any = None


def _cut(text: str) -> list[tuple[str, str]]:
    global _posseg
    if _posseg is None:
        with _lock:
            if _posseg is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" on stderr
                _posseg = jieba.posseg
    return [(pair.word, pair.flag) for pair in _posseg.cut(text)]


def _noun_run(tokens: Sequence[tuple[str, str]]) -> str:
    words: list[str] = []
    for word, flag in tokens:
        if flag in _NOUNISH or (words and flag == "v" and len(word) == 2 and _is_noun_tail(word)):
            words.append(word)
        else:
            break
    phrase = "".join(words)
    return phrase[:MAX_CHARS]


def _is_noun_tail(word: str) -> bool:
    # 核酸检测, 入户走访: a two-character activity after a noun reads as one phrase
    return word in {"检测", "走访", "调研", "培训", "接种", "排查", "筛查", "救助", "慰问"}


def after(text: str, end: int) -> str:
    """The noun phrase starting at `end`, or ""."""
    window = text[end : end + WINDOW].lstrip("“‘「")  # 三个“必须”: the quoted word is counted
    stop = _STOP.search(window)
    if stop:
        window = window[: stop.start()]
    if not window:
        return ""
    tokens = _cut(window)
    if tokens and tokens[0][0] in {"的", "之"}:
        tokens = tokens[1:]
    return _noun_run(tokens)


def before(text: str, start: int) -> str:
    """The noun phrase ending at `start`, skipping a few bridging words (达到, 共, 累计)."""
    window = text[max(0, start - WINDOW) : start]
    stops = list(_STOP.finditer(window))
    if stops:
        window = window[stops[-1].end() :]
    if not window:
        return ""
    tokens = _cut(window)
    skipped = 0
    while tokens and tokens[-1][1] not in _NOUNISH and skipped < 3:
        if tokens[-1][1] not in _BRIDGE and len(tokens[-1][0]) > 1:
            return ""
        tokens.pop()
        skipped += 1
    words: list[str] = []
    # an adjective before the noun belongs to the phrase (老旧小区)
    while tokens and (tokens[-1][1] in _NOUNISH or (words and _modifies(tokens[-1]))):
        words.insert(0, tokens.pop()[0])
    phrase = "".join(words)
    if phrase in _TOO_GENERIC:
        return ""
    return phrase[-MAX_CHARS:]


def _modifies(token: tuple[str, str]) -> bool:
    # 老旧小区 yes; 成功贷款, 顺利完成 no: these adjectives are used as adverbs in reports
    return token[1] == "a" and token[0] not in _ADVERBIAL


def counted(text: str, start: int, end: int) -> str:
    """What the figure at text[start:end] counts, "" when no noun phrase is close by."""
    return after(text, end) or before(text, start)
