"""Reading the cells of a spreadsheet people filled in by hand: text, dates, choices, ID numbers.

Pure functions, no Django. Every refusal is a `CellError` whose text is a Chinese sentence for
the person who filled in the cell (the caller adds the column's name in front of date errors).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from guazhi.lib.identity import InvalidValue, normalize_id_number
from guazhi.lib.zh import clean_text, to_halfwidth

_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_PAREN = re.compile(r"[(\[【<《].*?[)\]】>》]")
_FULL = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?$")
_EXCEL_EPOCH = date(1899, 12, 30)


class CellError(ValueError):
    """A cell that cannot be read; str(error) is a Chinese explanation."""


def header_key(text: object) -> str:
    """What a header cell is compared on: spaces, notes in brackets and asterisks dropped.

    >>> header_key("证件号码（必填）*")
    '证件号码'
    >>> header_key(" 姓 名 ")
    '姓名'
    """
    value = re.sub(r"\s+", "", clean_text(text))
    value = _PAREN.sub("", value)
    return value.strip("*＊:：")


def cell_text(value: Any) -> str:
    """A cell as clean text: full-width folded, spaces collapsed, the apostrophe that an export
    puts before = + - @ removed again.

    >>> cell_text("  ＡＢ１２  "), cell_text(13812345678.0), cell_text("'=1+1")
    ('AB12', '13812345678', '=1+1')
    >>> cell_text(datetime(1985, 4, 12)), cell_text(None)
    ('1985-04-12', '')
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unprefix(clean_text(value))


def free_text(value: Any) -> str:
    """Prose (posts, duties): whitespace collapsed, but full-width Chinese punctuation kept.

    >>> free_text("  镇党委副书记（分管  经济）  ")
    '镇党委副书记（分管 经济）'
    """
    if value is None or isinstance(value, (int, float, date)):
        return cell_text(value)
    return unprefix(_SPACES.sub(" ", str(value)).strip())


def unprefix(text: str) -> str:
    """Undo `guazhi.lib.xlsx.neutralise`, which an export applies to formula-like text.

    >>> unprefix("'=x"), unprefix("'abc"), unprefix("'")
    ('=x', "'abc", "'")
    """
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def parse_date(value: Any) -> tuple[date, bool]:
    """(date, day_known). A month-only value gives the first of the month and day_known=False.

    >>> parse_date("1985年4月12日"), parse_date(19850412)
    ((datetime.date(1985, 4, 12), True), (datetime.date(1985, 4, 12), True))
    >>> parse_date("1985.04"), parse_date(1985.04)
    ((datetime.date(1985, 4, 1), False), (datetime.date(1985, 4, 1), False))
    >>> parse_date(1985.1)
    Traceback (most recent call last):
    ...
    guazhi.lib.cells.CellError: “1985.1”被 Excel 存成了数字，无法区分 1 月和 10 月。请把该列设置为“文本”格式，按 1985.01 或 1985.10 的样式重新填写。
    """
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    if isinstance(value, bool):
        raise CellError("不是日期。")
    if isinstance(value, float) and not value.is_integer():
        # 1985.04 typed into a number cell. 1985.10 arrives as 1985.1 and cannot be told from January.
        year, _, frac = repr(value).partition(".")
        if frac == "1":
            raise CellError(
                f"“{value}”被 Excel 存成了数字，无法区分 1 月和 10 月。"
                "请把该列设置为“文本”格式，按 1985.01 或 1985.10 的样式重新填写。"
            )
        if len(year) == 4 and len(frac) <= 2:
            return make_date(int(year), int(frac), 1, str(value)), False
        raise CellError(f"无法识别日期“{value}”，请按 1985-04-12 的样式填写。")
    if isinstance(value, (int, float)):
        number = int(value)
        if 10_000_000 <= number <= 99_999_999:  # 19850412
            s = str(number)
            return make_date(int(s[:4]), int(s[4:6]), int(s[6:]), s), True
        if 100_000 <= number <= 999_999:  # 198504
            s = str(number)
            return make_date(int(s[:4]), int(s[4:]), 1, s), False
        if 1 <= number <= 80_000:  # an Excel date serial shown as a plain number
            return _EXCEL_EPOCH + timedelta(days=number), True
        raise CellError(f"无法识别日期“{value}”，请按 1985-04-12 的样式填写。")
    text = re.sub(r"\s+", "", to_halfwidth(str(value)))
    text = re.sub(r"(T|\s)?0{1,2}:00(:00)?(\.0+)?$", "", text)  # '1985-04-12 00:00:00'
    if m := _FULL.match(text):
        return make_date(int(m[1]), int(m[2]), int(m[3]), text), True
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):
        return make_date(int(m[1]), int(m[2]), int(m[3]), text), True
    if m := _MONTH.match(text):
        return make_date(int(m[1]), int(m[2]), 1, text), False
    if m := re.fullmatch(r"(\d{4})(\d{2})", text):
        return make_date(int(m[1]), int(m[2]), 1, text), False
    raise CellError(f"无法识别日期“{text}”，请按 1985-04-12 的样式填写。")


def make_date(year: int, month: int, day: int, shown: str) -> date:
    """A date within 1900–2100, or a CellError naming the value as it was written.

    >>> make_date(1985, 2, 30, "1985.2.30")
    Traceback (most recent call last):
    ...
    guazhi.lib.cells.CellError: 日期“1985.2.30”不存在（月份或日期超出范围）。
    """
    if not 1900 <= year <= 2100:
        raise CellError(f"日期“{shown}”的年份不合理，请按 1985-04-12 的样式填写。")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"日期“{shown}”不存在（月份或日期超出范围）。") from None


def choice(text: str, values: dict[str, str], what: str) -> str:
    """The stored value for a label typed in a drop-down column.

    >>> choice("男 ", {"男": "M", "女": "F"}, "性别")
    'M'
    >>> choice("男的", {"男": "M", "女": "F", "男性": "M"}, "性别")
    Traceback (most recent call last):
    ...
    guazhi.lib.cells.CellError: 无法识别的性别“男的”，请从下拉列表选择：男性。
    """
    key = re.sub(r"\s+", "", text)
    if key in values:
        return values[key]
    allowed = "、".join(dict.fromkeys(label for label in values if len(label) > 1))
    raise CellError(f"无法识别的{what}“{text}”，请从下拉列表选择：{allowed}。")


def parse_id_number(raw: Any, text: str) -> str:
    """An 18-character ID number from a cell, explaining what Excel did to it when it was
    typed into a number cell.

    >>> parse_id_number("'11010519850412009x", "'11010519850412009x")
    '11010519850412009X'
    >>> parse_id_number(1.1010519850412e17, "110105198504120000")
    Traceback (most recent call last):
    ...
    guazhi.lib.cells.CellError: 身份证号被 Excel 存成了数字（显示为 1.1010519850412e+17），末几位已丢失：Excel 只保留 15 位有效数字。请把该列设置为“文本”格式后重新录入完整号码。
    """
    if raw is None or not text:
        raise CellError("身份证号为空。")
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
        try:
            if isinstance(raw, int):
                return normalize_id_number(str(raw))
        except InvalidValue:
            pass
        raise CellError(
            f"身份证号被 Excel 存成了数字（显示为 {raw:.15g}），末几位已丢失：Excel 只保留 15 位有效数字。"
            "请把该列设置为“文本”格式后重新录入完整号码。"
        )
    text = text.lstrip("'‘’`")  # an apostrophe typed to force text
    if "*" in text:
        raise CellError(
            "身份证号是脱敏后的号码（含 *），请填写完整号码（导出的名册中身份证号已脱敏）。"
        )
    try:
        return normalize_id_number(text)
    except InvalidValue as e:
        raise CellError(str(e)) from None
