"""Matching the unit names typed in a roster against the unit tree.

Units are never created by an import: a name matches a unit by its exact name, or uniquely by
its full name or a tail of it (安平区柳溪镇, 青川市/安平区/柳溪镇); an unknown or ambiguous name
is a `CellError` listing the closest names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from guazhi.lib.cells import CellError
from guazhi.lib.zh import to_halfwidth
from guazhi.roster.models import Unit


def _unit_key(text: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(text))


class UnitMatcher:
    """Matches a unit name typed in a roster against the unit tree (one query)."""

    def __init__(self, units: Iterable[Unit]) -> None:
        units = list(units)
        by_pk = {u.pk: u for u in units}
        self.entries: list[tuple[Unit, str, str, str]] = []  # unit, name, chain, display
        for unit in units:
            ids = [int(i) for i in unit.path.strip("/").split("/") if i]
            names = [_unit_key(by_pk[i].name) for i in ids if i in by_pk]
            display_parts = [by_pk[i].name for i in ids if i in by_pk]
            display = "".join(display_parts[1:] if len(display_parts) > 2 else display_parts)
            self.entries.append((unit, _unit_key(unit.name), "".join(names), display))

    def match(self, text: str) -> Unit:
        key = _unit_key(text)
        found = [e for e in self.entries if e[1] == key]
        if not found:
            found = self._by_tail(key)
        if not found:
            parts = [p for p in re.split(r"[/\\>＞|\-—－·•、，,]+", text) if p.strip()]
            if len(parts) > 1:
                found = self._by_tail(_unit_key("".join(parts)))
        if len(found) == 1:
            return found[0][0]
        if found:
            names = "、".join(e[3] for e in found[:5])
            raise CellError(f"有多个单位与“{text}”相符：{names}。请填写单位全称以示区分。")
        raise CellError(self._unknown(text, key))

    def _by_tail(self, key: str) -> list[tuple[Unit, str, str, str]]:
        exact = [e for e in self.entries if e[2] == key or _unit_key(e[3]) == key]
        if exact:
            return exact
        return [e for e in self.entries if e[2].endswith(key) and len(key) >= 2]

    def _unknown(self, text: str, key: str) -> str:
        choices: dict[str, str] = {}
        for _unit, name, _chain, display in self.entries:
            choices.setdefault(name, display)
            choices.setdefault(_unit_key(display), display)
        close = difflib.get_close_matches(key, list(choices), n=3, cutoff=0.5)
        close += [c for c in choices if key in c and c not in close][:3]
        hint = ""
        if close:
            hint = "相近的单位有：" + "、".join(dict.fromkeys(choices[c] for c in close[:4])) + "。"
        return (
            f"系统中没有名为“{text}”的单位。{hint}"
            "请改用系统中的单位名称；如确为新单位，请先在“单位管理”中添加后再导入。"
        )
