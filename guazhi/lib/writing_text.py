"""The structured body of a writing: a list of blocks, and its plain text. No Django.

A block is one of::

    {"type": "heading", "level": 1 or 2, "text": "一、主要工作"}
    {"type": "paragraph", "text": "……"}
    {"type": "table", "rows": [["项目", "数量"], ["走访企业", "698"]]}

The browser editor is a plain textarea (it works on any phone, and with no script at all) with
a light markup that its toolbar inserts: ``# `` starts a first-level heading, ``## `` a
second-level one, lines that start with ``|`` are table rows, every other non-empty line is a
paragraph (Chinese writing has one paragraph to a line).

>>> blocks = markup_to_blocks("# 一、主要工作\\n走访企业。\\n| 项目 | 数量 |\\n| 走访 | 698 |")
>>> [b["type"] for b in blocks]
['heading', 'paragraph', 'table']
>>> blocks_to_markup(blocks) == "# 一、主要工作\\n走访企业。\\n| 项目 | 数量 |\\n| 走访 | 698 |"
True
>>> blocks_to_text(blocks)
'一、主要工作\\n走访企业。\\n项目\\t数量\\n走访\\t698'
>>> heading_level("（二）优化营商环境"), heading_level("一、提高站位"), heading_level("今天走访。")
(2, 1, None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

Block = dict[str, Any]

MAX_BLOCKS = 5000
MAX_CELL = 2000
MAX_PARAGRAPH = 20000
MAX_HEADING = 200
MAX_TABLE_ROWS = 500
MAX_TABLE_COLS = 30

_NUMERALS = "一二三四五六七八九十百零〇"
# 一、 第一部分 第一章: a first-level heading; （一） (一): second-level. Short lines only: a
# paragraph that merely opens with 一、 is still a paragraph.
_LEVEL1 = re.compile(rf"^(?:[{_NUMERALS}]+、|第[{_NUMERALS}]+(?:部分|章|篇)[\s、：:]?)")
_LEVEL2 = re.compile(rf"^[（(][{_NUMERALS}]+[）)]")
_MAX_HEADING_LEN = 40
_SENTENCE_ENDS = "。！？；…"
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def heading_level(line: str) -> int | None:
    """The level of a line numbered the official way (一、 / （一）), if it is short enough to be
    a heading; None otherwise."""
    line = line.strip()
    if not line or len(line) > _MAX_HEADING_LEN or "。" in line.rstrip("。"):
        return None
    if _LEVEL1.match(line):
        return 1
    if _LEVEL2.match(line):
        return 2
    return None


def looks_like_title(line: str) -> bool:
    """A short line that is not a numbered heading and does not end a sentence."""
    line = line.strip()
    return (
        0 < len(line) <= _MAX_HEADING_LEN
        and heading_level(line) is None
        and not line.endswith(tuple(_SENTENCE_ENDS + "，,:："))
    )


def clean_line(text: str) -> str:
    """One line: runs of spaces (full-width ones too) become one, ends trimmed."""
    return _SPACES.sub(" ", str(text).replace("\r", "").replace("\n", " ")).strip()


def heading(text: str, level: int) -> Block:
    return {"type": "heading", "level": 1 if level <= 1 else 2, "text": clean_line(text)}


def paragraph(text: str) -> Block:
    return {"type": "paragraph", "text": clean_line(text)}


def table(rows: Iterable[Iterable[str]]) -> Block:
    return {"type": "table", "rows": [[clean_line(c) for c in row] for row in rows]}


def clean_blocks(raw: Any) -> list[Block]:
    """Blocks from untrusted JSON: unknown types and empty blocks dropped, sizes capped, ragged
    tables padded. Raises ValueError (a Chinese message) when it is too big to be a writing."""
    if not isinstance(raw, list):
        return []
    if len(raw) > MAX_BLOCKS:
        raise ValueError(f"正文分段过多（超过 {MAX_BLOCKS} 段），请检查内容。")
    blocks: list[Block] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        if kind == "heading":
            text = clean_line(item.get("text", ""))[:MAX_HEADING]
            level = item.get("level")
            if text:
                blocks.append(heading(text, 2 if level == 2 else 1))
        elif kind == "paragraph":
            text = clean_line(item.get("text", ""))[:MAX_PARAGRAPH]
            if text:
                blocks.append(paragraph(text))
        elif kind == "table":
            rows = item.get("rows")
            if not isinstance(rows, list):
                continue
            cleaned = [
                [clean_line(c)[:MAX_CELL] for c in row[:MAX_TABLE_COLS]]
                for row in rows[:MAX_TABLE_ROWS]
                if isinstance(row, list)
            ]
            cleaned = [row for row in cleaned if any(row)]
            if cleaned:
                width = max(len(row) for row in cleaned)
                blocks.append(table(row + [""] * (width - len(row)) for row in cleaned))
    return blocks


def blocks_to_text(blocks: Iterable[Block]) -> str:
    """The plain text: a line per heading or paragraph, a line per table row, cells by tabs."""
    lines: list[str] = []
    for block in blocks:
        if block["type"] == "table":
            lines.extend("\t".join(row) for row in block["rows"])
        else:
            lines.append(block["text"])
    return "\n".join(lines)


def blocks_to_markup(blocks: Iterable[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if block["type"] == "heading":
            lines.append(("# " if block["level"] == 1 else "## ") + block["text"])
        elif block["type"] == "table":
            lines.extend(
                "| "
                + " | ".join(cell.replace("|", "／").replace("｜", "／") for cell in row)
                + " |"
                for row in block["rows"]
            )
        else:
            lines.append(block["text"])
    return "\n".join(lines)


def markup_to_blocks(markup: str) -> list[Block]:
    """The editor's text as blocks (see the module's docstring)."""
    raw: list[Block] = []
    rows: list[list[str]] = []
    for line in markup.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(("|", "｜")):
            cells = re.split(r"[|｜]", stripped.strip("|｜"))
            rows.append([c.strip() for c in cells])
            continue
        if rows:
            raw.append({"type": "table", "rows": rows})
            rows = []
        if stripped.startswith("## "):
            raw.append({"type": "heading", "level": 2, "text": stripped[3:]})
        elif stripped.startswith("# "):
            raw.append({"type": "heading", "level": 1, "text": stripped[2:]})
        elif stripped:
            raw.append({"type": "paragraph", "text": stripped})
    if rows:
        raw.append({"type": "table", "rows": rows})
    return clean_blocks(raw)


def lines_to_blocks(lines: Iterable[str]) -> list[Block]:
    """Plain lines (a .txt file, a PDF's paragraphs): numbered short lines become headings."""
    blocks: list[Block] = []
    for line in lines:
        text = clean_line(line)
        if not text:
            continue
        level = heading_level(text)
        blocks.append(heading(text, level) if level else paragraph(text))
    return clean_blocks(blocks)


def split_title(blocks: list[Block]) -> tuple[str, list[Block]]:
    """A leading short line that reads as a title (not 一、…, not a sentence) becomes the title."""
    if blocks and blocks[0]["type"] != "table" and looks_like_title(blocks[0]["text"]):
        return blocks[0]["text"], blocks[1:]
    return "", blocks


def char_count(blocks: Iterable[Block]) -> int:
    """Characters that are not white space: the length a Chinese writer quotes (字数)."""
    return sum(1 for c in blocks_to_text(blocks) if not c.isspace())
