"""Chinese text helpers for user input: full-width folding and name clean-up."""

from __future__ import annotations

import re
import unicodedata

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


def is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")
