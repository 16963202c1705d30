"""Chinese text helpers for user input: full-width folding, name clean-up, pinyin order."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_SPACES = re.compile(r"[\s\u3000\u00a0]+")


def to_halfwidth(text: str) -> str:
    """Fold full-width ASCII (０-９, Ａ-Ｚ, （ ）) and the ideographic space to half-width.

    NFKC would also do this, but it rewrites other characters (e.g. ㈠ → (一)) that people
    typed on purpose; this only touches the full-width ASCII block.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def clean_text(value: object) -> str:
    """Half-width, trimmed, runs of whitespace collapsed to one space."""
    if value is None:
        return ""
    return _SPACES.sub(" ", to_halfwidth(str(value))).strip()


def clean_name(value: object) -> str:
    """A Chinese personal name: no spaces at all ("王 芳" → "王芳").

    Names in Latin script (e.g. minority names transcribed) keep single spaces and middle dots.
    """
    text = clean_text(value)
    if re.search(r"[A-Za-z]", text):
        return text
    return _SPACES.sub("", text).replace("・", "·")


# Surnames read differently from the same character in ordinary words (单 shàn, not dān).
# pypinyin reads characters as words; a roster sorts by surname first, so the surname wins.
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "乐": "yue",
    "盖": "ge",
    "覃": "qin",
    "召": "shao",
    "缪": "miao",
    "翟": "zhai",
    "种": "chong",
    "秘": "bi",
    "繁": "po",
    "尉": "yu",
    "长": "chang",
    "员": "yun",
    "黑": "he",
}
_COMPOUND_SURNAMES = {"万俟": ["mo", "qi"], "尉迟": ["yu", "chi"], "单于": ["chan", "yu"]}


def _syllables(name: str) -> list[str]:
    for surname, readings in _COMPOUND_SURNAMES.items():
        if name.startswith(surname):
            return readings + _syllables_plain(name[len(surname) :])
    if name[:1] in _SURNAME_READINGS:
        return [_SURNAME_READINGS[name[0]], *_syllables_plain(name[1:])]
    return _syllables_plain(name)


def _syllables_plain(text: str) -> list[str]:
    return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="default") if s]


def name_sort_key(name: str) -> str:
    """A key that sorts Chinese names the way a roster does: by pinyin, syllable by syllable.

    >>> sorted(["张伟", "安娜", "单明", "曾强"], key=name_sort_key)
    ['安娜', '单明', '曾强', '张伟']
    >>> name_sort_key("李秀英")
    'li xiu ying'
    """
    return " ".join(_syllables(clean_name(name)))[:200]


def name_initials(name: str) -> str:
    """Pinyin initials, for searching by typing them: 张建国 → zjg.

    >>> name_initials("张建国"), name_initials("单于飞")
    ('zjg', 'cyf')
    """
    return "".join(s[0] for s in _syllables(clean_name(name)) if s)[:50]
