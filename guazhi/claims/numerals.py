"""Numerals as written in Chinese prose: Arabic (with thousands separators) and Chinese.

>>> parse_chinese("一百二十三"), parse_chinese("两万三千"), parse_chinese("十八")
(Decimal('123'), Decimal('23000'), Decimal('18'))
>>> parse_chinese("三万五"), parse_chinese("二〇二一"), parse_chinese("十四五") is None
(Decimal('35000'), Decimal('2021'), True)
>>> parse_arabic("1,200"), parse_arabic("8.5")
(Decimal('1200'), Decimal('8.5'))
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
SCALES = {**SMALL_UNITS, **BIG_UNITS}

CHINESE_CHARS = "".join(DIGITS) + "".join(SCALES)


def parse_arabic(text: str) -> Decimal | None:
    """An Arabic number, ASCII or full-width, with "," or "，" thousands separators."""
    plain = text.replace(",", "").replace("，", "").replace(" ", "")
    try:
        return Decimal(plain)
    except InvalidOperation:
        return None


def _section(text: str) -> int | None:
    """A number below 10,000 written with 十百千 and 零 (e.g. 一千零五, 十八, 一百五)."""
    total = 0
    digit: int | None = None
    last_unit = 10_000
    zero_seen = False
    for ch in text:
        if ch in DIGITS:
            value = DIGITS[ch]
            if value == 0:
                if digit is not None:
                    return None
                zero_seen = True
                continue
            if digit is not None:
                return None  # two digits in a row: 三五 (a vague range), 十四五 (a name)
            digit = value
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                # only a leading 十 (十八 = 18) or one after 零 (一千零十) stands alone
                if (unit != 10 or total) and not (unit == 10 and zero_seen):
                    return None
                digit = 1
            total += digit * unit
            digit = None
            last_unit = unit
            zero_seen = False
        else:
            return None
    if digit is not None:
        # 一百五 (colloquial 150): a bare last digit takes the unit below the last one
        if last_unit != 10_000 and not zero_seen and last_unit >= 100:
            total += digit * (last_unit // 10)
        else:
            total += digit
    return total


def parse_chinese(text: str) -> Decimal | None:
    """A Chinese numeral's value, or None when the run is not one well-formed number."""
    if not text:
        return None
    if all(ch in DIGITS for ch in text):
        # digit by digit (二〇二一) is a number; two digits (三五, 七八) mean "three or five"
        if len(text) >= 3 or ("〇" in text or "零" in text) and len(text) > 1:
            return Decimal("".join(str(DIGITS[ch]) for ch in text))
        if len(text) == 1:
            return Decimal(DIGITS[text])
        return None
    if text[0] not in DIGITS and text[0] not in "十拾":
        return None  # 百姓, 千万 (the adverb), 万众: no digit, no number
    return _big(text)


def _big(text: str) -> Decimal | None:
    for char, factor in (("亿", BIG_UNITS["亿"]), ("万", BIG_UNITS["万"])):
        if char in text:
            head, _, tail = text.partition(char)
            high = _big(head) if head else None
            if high is None:
                return None
            if not tail:
                return high * factor
            if tail[0] in "零〇":
                low = _big(tail[1:])
            elif len(tail) == 1 and tail in DIGITS:
                low = Decimal(DIGITS[tail]) * factor // 10  # 三万五 = 35,000
            else:
                low = _big(tail)
            if low is None or low >= factor:
                return None
            return high * factor + low
    value = _section(text)
    return None if value is None else Decimal(value)
