"""The scanner: numbers with their scale, unit and approximation words, minus what is not a claim.

One pass of one regular expression over a copy of the text in which full-width digits are
folded to ASCII (same length, so offsets hold for the original); each candidate is then
extended (approximation words, unit, ranges) and tested against the rules that make a number
something other than a claim: dates and periods, ordinals, names and slogans, codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from . import counted as counted_module
from .lexicon import (
    APPROX_AFTER,
    APPROX_BEFORE,
    APPROX_KIND,
    APPROX_MIDDLE,
    ARABIC_ONLY_UNITS,
    MEASURE_UNITS,
    NAMES,
    NOT_APPROX_AFTER,
    NOT_CLAIM_BEFORE,
    RANGE_MARKS,
    RHETORICAL,
    TIME_UNITS,
    UNITS,
)
from .numerals import BIG_UNITS, DIGITS, SCALES, parse_arabic, parse_chinese


@dataclass(frozen=True)
class Claim:
    """A quantitative claim: text[start:end] states `value` `unit`s of `counted`.

    `value` is in the base unit (800万元 → 8000000 元); `approx` is the approximation word as
    written (余, 约, 以上… or ""); a range (3至5家) has approx "至", `value` its low end and
    `high` its high end.
    """

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    approx: str = ""
    counted: str = ""
    high: Decimal | None = None

    @property
    def approx_kind(self) -> str:
        """ "over" (余, 以上), "about" (约, 左右), "under" (近, 不到), "range" (至) or ""."""
        return APPROX_KIND.get(self.approx, "")

    def to_dict(self) -> dict[str, object]:
        """The CLI's JSON shape: value as an int when whole, else a float."""
        value: int | float = (
            int(self.value) if self.value == self.value.to_integral() else float(self.value)
        )
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": value,
            "unit": self.unit,
            "approx": self.approx,
            "counted": self.counted,
        }


_FOLD = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "％": "%", "～": "~"}
)
_CHINESE_RUN = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_CHINESE_DIGITS = "零〇一二两三四五六七八九"
# 二0一0年, 二00八年: an ASCII zero among Chinese digits is a 〇 (same length, offsets hold)
_STRAY_ZERO = re.compile(
    rf"(?<=[{_CHINESE_DIGITS}])0(?=[{_CHINESE_DIGITS}0])|(?<=[{_CHINESE_DIGITS}0])0(?=[{_CHINESE_DIGITS}])"
)
_NUMBER = re.compile(
    r"(?P<doubling>翻(?P<times>[一两二三四])番)"
    rf"|(?P<fraction>(?P<den>\d+|[{_CHINESE_DIGITS}十][{_CHINESE_RUN}]*)分之"
    rf"(?P<num>\d+(?:\.\d+)?|[{_CHINESE_RUN}]+))"
    # scanned reports put spaces between digits (3 5 5 5 万人, 8 ．7 平方米)
    r"|(?P<arabic>(?<![\d.])(?:\d(?: \d(?!\d))+|\d+(?:[,，]\d{3}(?!\d))*)(?: ?\.\d+)?)"
    rf"|(?P<chinese>[{_CHINESE_RUN}]+(?:点[{_CHINESE_DIGITS}]+)?)"
)
_SCALE_AFTER = re.compile(r"(?:[十百千万亿]|余|多)*")
_UNIT_FORMS = sorted({*UNITS, *TIME_UNITS}, key=len, reverse=True)
_UNIT = re.compile("|".join(re.escape(u) for u in _UNIT_FORMS))
_APPROX_BEFORE = sorted(APPROX_BEFORE, key=len, reverse=True)
_APPROX_AFTER = re.compile("|".join(sorted(APPROX_AFTER, key=len, reverse=True)))
_NAMES = re.compile("|".join(re.escape(n) for n in sorted(NAMES, key=len, reverse=True)))
_DOC_NUMBER = re.compile(r"[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*第?\s*\d+\s*号")
_QUOTED = re.compile(r"“[^”\n]{1,8}”|「[^」\n]{1,8}」|\"[^\"\n]{1,8}\"|‘[^’\n]{1,8}’")
_LIST_MARK_AFTER = ("、", ".", "．", "）", ")")
_ORDINAL_RANGE = re.compile(r"第\s*[\d零〇一二两三四五六七八九十百千]+\s*[—\-－~～至到–]\s*$")
_ENUMERATING = frozenset({"个", "项", "条", "点", "种", "句", "类"})
_RHETORICAL = tuple(sorted(RHETORICAL, key=len, reverse=True))
_VAGUE_BEFORE = ("几", "数", "上", "成", "好")


@dataclass
class _Candidate:
    start: int  # of the number itself
    end: int  # after number, approximation words and unit
    value: Decimal
    unit: str
    approx: str
    chinese: bool
    scaled: bool
    number_end: int


def extract(text: str, *, counted: bool = True) -> list[Claim]:
    """The quantitative claims in `text`, in order; offsets index the original string.

    counted=False skips finding what each figure counts (the costly part) for callers that
    only need figures and units.
    """
    norm = _STRAY_ZERO.sub("〇", text.translate(_FOLD))
    excluded = _excluded_spans(norm)
    candidates: list[_Candidate] = []
    for match in _NUMBER.finditer(norm):
        cand = _candidate(norm, match)
        # a scale or unit already taken by the previous number (9十六亩) starts no new one
        if cand is not None and (not candidates or cand.start >= candidates[-1].end):
            candidates.append(cand)
    claims: list[Claim] = []
    i = 0
    while i < len(candidates):
        cand = candidates[i]
        high: Decimal | None = None
        nxt = candidates[i + 1] if i + 1 < len(candidates) else None
        if nxt is not None and _is_range(norm, cand, nxt):
            low = cand.value
            if not cand.scaled and nxt.scaled and not cand.unit:
                low = low * (nxt.value / _unscaled(norm, nxt))  # 3至5万元: both in 万
            cand = _Candidate(
                cand.start, nxt.end, low, nxt.unit, "至", cand.chinese, nxt.scaled, cand.number_end
            )
            high = nxt.value
            i += 1
        i += 1
        claim = _claim(text, norm, cand, high, excluded, counted)
        if claim is not None and (not claims or claim.start >= claims[-1].end):
            claims.append(claim)
    return claims


def _number(raw: str, chinese: bool) -> Decimal | None:
    if not chinese:
        return parse_arabic(raw)
    whole, dot, fraction = raw.partition("点")
    value = parse_chinese(whole)
    if value is None or not dot:
        return value
    digits = "".join(str(DIGITS[ch]) for ch in fraction)
    return value + Decimal(f"0.{digits}")  # 百分之九点三


def _special(norm: str, match: re.Match[str]) -> _Candidate | None:
    """翻两番 (4 倍) and fractions (三分之二 → 66.6667 %)."""
    if match.group("doubling"):
        value = Decimal(2 ** DIGITS[match.group("times")])
    else:
        den, num = match.group("den"), match.group("num")
        low = parse_arabic(den) if den.isdigit() else parse_chinese(den)
        high = parse_arabic(num) if num[0].isdigit() else _number(num, True)
        if not low or high is None or high > low:
            return None
        value = (high / low * 100).quantize(Decimal("0.0001"))
    return _Candidate(
        match.start(),
        match.end(),
        value,
        "倍" if match.group("doubling") else "%",
        "",
        True,
        False,
        match.end(),
    )


def _candidate(norm: str, match: re.Match[str]) -> _Candidate | None:
    if match.group("doubling") or match.group("fraction"):
        cand = _special(norm, match)
        if cand is not None:
            after = _APPROX_AFTER.match(norm, cand.end)
            if after is not None:
                cand.approx, cand.end = after.group(), after.end()
        return cand
    chinese = match.group("chinese") is not None
    raw = match.group()
    value = _number(raw, chinese)
    if value is None:
        return None
    end = match.end()
    if norm.startswith(" ", end) and norm[end + 1 : end + 2] in SCALES and " " in raw:
        end += 1  # 3 5 5 5 万人 (scanned text)
    tail = _SCALE_AFTER.match(norm, end)
    assert tail is not None  # the pattern matches the empty string
    marks = tail.group()
    unit_match = _UNIT.match(norm, tail.end())
    if unit_match is None and norm.startswith(" ", tail.end()):
        unit_match = _UNIT.match(norm, tail.end() + 1)  # 8 ．7 平方米 (scanned text)
    # 5万千瓦: the tail 万千 is really the scale 万 followed by the unit 千瓦
    for cut in range(len(marks) - 1, -1, -1):
        if unit_match is not None:
            break
        shorter = _UNIT.match(norm, end + cut)
        if shorter is not None and shorter.end() > tail.end():
            marks, unit_match = marks[:cut], shorter
    end += len(marks)
    approx = next((ch for ch in marks if ch in APPROX_MIDDLE), "")
    if unit_match is None and norm.startswith("来", end):
        unit_match = _UNIT.match(norm, end + 1)  # 十来个
        if unit_match is not None:
            approx, end = "来", end + 1
    scale = "".join(ch for ch in marks if ch in SCALES)
    if chinese and marks and marks[0] in SCALES and "点" not in raw:
        return None  # the run would have taken these characters: not one number
    if scale and chinese and "亿" in raw and "亿" not in scale and "点" not in raw:
        # 七亿七千多万吨: the 万 scales only what follows 亿 (770,000,000)
        head, _, rest = raw.rpartition("亿")
        high, low = parse_chinese(head), parse_chinese(rest)
        if high is None or low is None:
            return None
        value = high * BIG_UNITS["亿"]
        for ch in scale:
            low *= SCALES[ch]
        value += low
    elif scale:
        for ch in scale:
            value *= SCALES[ch]
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))  # 1.2万 → 12000, not 12000.0
    unit = ""
    if unit_match is not None:
        surface = unit_match.group()
        if chinese and surface in ARABIC_ONLY_UNITS:
            surface = ""
        if surface:
            unit = UNITS.get(surface, surface)
            end = unit_match.end()
    if unit == "个" and norm.startswith("个体", end - 1):
        unit, end = "", end - 1  # 900多万个体工商户: 个体 is a word, not the measure word
    scaled = bool(scale) or (chinese and any(ch in BIG_UNITS for ch in raw))
    if (unit and unit not in TIME_UNITS) or (scaled and not unit):
        after = _APPROX_AFTER.match(norm, end)
        if after is not None and not approx:
            approx = after.group()
            end = after.end()
    return _Candidate(match.start(), end, value, unit, approx, chinese, scaled, match.end())


def _unscaled(norm: str, cand: _Candidate) -> Decimal:
    value = _number(norm[cand.start : cand.number_end], cand.chinese)
    return value if value else Decimal(1)


def _is_range(norm: str, first: _Candidate, second: _Candidate) -> bool:
    gap = norm[first.end : second.start]
    if gap not in RANGE_MARKS:
        return False
    if first.unit and second.unit and first.unit != second.unit:
        return False
    return bool(second.unit) and first.value <= second.value * 10  # 3至5万 → 3万 (see below)


def _claim(
    text: str,
    norm: str,
    cand: _Candidate,
    high: Decimal | None,
    excluded: list[tuple[int, int]],
    want_counted: bool,
) -> Claim | None:
    start, end, unit, approx = cand.start, cand.end, cand.unit, cand.approx
    if unit in TIME_UNITS:
        return None
    if norm.endswith("百分之", 0, start):
        start -= 3
        if not unit:
            unit = "%"
    prefix_end = start
    for word in _APPROX_BEFORE:
        if norm.endswith(word, 0, start):
            before = norm[start - len(word) - 1] if start - len(word) >= 1 else ""
            if before and before in NOT_APPROX_AFTER.get(word, ""):
                continue
            approx = approx or word
            start -= len(word)
            break
    if _not_a_claim(norm, cand, unit, prefix_end, start):
        return None
    if any(s < end and start < e for s, e in excluded):
        return None
    if unit in _ENUMERATING and norm[end : end + 6].lstrip('“‘「"').startswith(_RHETORICAL):
        return None  # 三个方面, 四个“必须”: the text's own structure, not a count of anything
    noun = counted_module.counted(text, start, end) if want_counted else ""
    return Claim(
        start=start,
        end=end,
        text=text[start:end],
        value=cand.value,
        unit=unit,
        approx=approx,
        counted=noun if want_counted else "",
        high=high,
    )


def _not_a_claim(norm: str, cand: _Candidate, unit: str, number_start: int, start: int) -> bool:
    number = norm[cand.start : cand.number_end]
    before = norm[max(0, start - 4) : start]
    following = norm[cand.number_end : cand.number_end + 2]
    if _ORDINAL_RANGE.search(norm, max(0, start - 12), start):
        return True  # 第679—680页: the second half of an ordinal range
    if any(before.endswith(w) for w in NOT_CLAIM_BEFORE) and not norm.endswith(
        "百分之", 0, start + 3
    ):
        return True
    if cand.chinese and before.endswith(_VAGUE_BEFORE):
        return True  # 数十家, 几百人, 上百万: no figure is stated
    # codes: 5G, G20, PM2.5, 0571-8888, 2021/10, 8:30
    prev = norm[start - 1] if start else ""
    if prev.isascii() and (prev.isalpha() or prev in "-/_#:") and prev != "":
        return True
    if following[:1].isascii() and following[:1].isalpha():
        return True
    if following[:1] in "-/:_." and following[1:2].isdigit() and cand.approx != "至":
        return True
    if unit == "" and not cand.chinese and norm[cand.number_end : cand.number_end + 1] in "/:":
        return True
    if cand.chinese:
        if not unit and not cand.scaled:
            return True  # 十九大, 一是, 二〇二一: a Chinese numeral needs a unit or 万/亿
        if number == "一" and not cand.approx and unit not in MEASURE_UNITS and not cand.scaled:
            return True  # 一个, 一项, 一批: an article, not a count
        if unit == "期" and norm.startswith("工程", cand.end):
            return True
    else:
        digits = number.replace(",", "").replace("，", "").replace(" ", "")
        whole, _, fraction = digits.partition(".")
        if not whole.isdigit():
            return False
        if (
            fraction
            and len(fraction) <= 2
            and 1900 <= int(whole) <= 2100
            and not cand.scaled
            and unit not in MEASURE_UNITS
        ):
            return True  # 2021.10 (a month), not 2021.5万元
        if not unit and not cand.scaled:
            if not fraction and 1900 <= int(whole) <= 2100:
                return True  # a year
            if len(digits) >= 7 and "," not in number and "，" not in number:
                return True  # phone, ID or account numbers
            line_start = start == 0 or norm[start - 1] in "\n\r \t（(【[①"
            if line_start and norm[cand.number_end : cand.number_end + 1] in _LIST_MARK_AFTER:
                return True  # 1. 1、 （1）
            if norm[start - 1 : start] in "（(" and following[:1] in "）)":
                return True
        if unit and len(digits) >= 8 and digits.startswith(("0", "1")) and not cand.scaled:
            return False
    return False


def _excluded_spans(norm: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _NAMES.finditer(norm)]
    spans += [m.span() for m in _DOC_NUMBER.finditer(norm)]
    spans += [m.span() for m in _QUOTED.finditer(norm) if _is_name_quote(m.group())]
    return spans


def _is_name_quote(quoted: str) -> bool:
    # “两个维护”, “三会一课”: a short quotation made of a numeral and a word is a name; “近3年”
    # or “800万元” quoted as a figure is rare enough in reports to give up.
    return any(ch in _CHINESE_RUN or ch.isdigit() for ch in quoted[1:-1])
