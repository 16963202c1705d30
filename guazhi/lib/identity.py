"""Chinese resident ID numbers (GB 11643-1999) and mobile numbers: validation and masking.

Errors are Chinese sentences meant for the person who typed or imported the value.
"""

from __future__ import annotations

import re
from datetime import date

from guazhi.lib.zh import to_halfwidth

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII digits only: \d alone also matches Arabic-Indic and other scripts' digits, which int()
# reads, so such a number passed and was stored in a form no search or mask expects.
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_MOBILE_SHAPE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)


class InvalidValue(ValueError):
    """A value that cannot be accepted; str(error) is a Chinese explanation."""


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_id_number(raw: str) -> str:
    """Return the canonical 18-character ID number or raise InvalidValue in Chinese."""
    value = re.sub(r"\s+", "", to_halfwidth(str(raw))).upper()
    if not value:
        raise InvalidValue("身份证号为空。")
    if re.fullmatch(r"\d+(\.\d+)?(E\+?\d+)?", value) and ("E" in value or "." in value):
        raise InvalidValue(
            "身份证号被 Excel 存成了数字（科学计数法），末几位已丢失。"
            "请把该列设置为“文本”格式后重新录入完整号码。"
        )
    if len(value) != 18:
        raise InvalidValue(f"身份证号应为 18 位，这里是 {len(value)} 位。")
    if not _ID_SHAPE.match(value):
        raise InvalidValue("身份证号前 17 位应为数字，最后一位为数字或 X。")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidValue(f"身份证号中的出生日期 {value[6:14]} 不是有效日期。") from None
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise InvalidValue(
            f"身份证号校验码不正确：按 GB 11643 计算最后一位应为 {expected}，请核对号码。"
        )
    return value


def birth_date_from_id(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender_from_id(id_number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men."""
    return "M" if int(id_number[16]) % 2 else "F"


def normalize_mobile(raw: str) -> str:
    value = re.sub(r"[\s\-]+", "", to_halfwidth(str(raw)))
    if value.startswith("+86"):
        value = value[3:]
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]  # Excel stored the number as a float
    if not value:
        raise InvalidValue("手机号为空。")
    if not _MOBILE_SHAPE.match(value):
        raise InvalidValue(f"手机号“{value}”格式不正确，应为 1 开头的 11 位数字。")
    return value


def mask_id_number(value: str) -> str:
    """110***********123X: keep the region's first three and the last four characters."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_mobile(value: str) -> str:
    """138****5678"""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
