"""Command line: ``python -m guazhi.claims extract FILE... [--json]``.

``--json`` prints one JSON object a line per input file: ``{"file", "claims": [{"start", "end",
"text", "value", "unit", "approx", "counted"}]}``; without it, a readable Chinese listing. Bad
input (missing file, undecodable or binary content, an empty document) gets a one-line message on
stderr and exit status 1 (2 for usage errors); files that can be read are still reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from .extract import Claim, extract


class InputError(Exception):
    """A problem with the user's input, reported as one readable line."""


def read_document(path: Path) -> str:
    """Text of a .txt (UTF-8 or GB18030) or .docx file; raises InputError on bad input."""
    if not path.is_file():
        raise InputError(f"文件不存在 / file not found: {path}")
    if path.suffix.lower() == ".docx":
        text = _read_docx(path)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取文件 / cannot read file: {path} ({exc.strerror})") from exc
        if b"\x00" in data[:8192]:
            # GB18030 decodes almost any byte string; NUL bytes say "not a text file"
            raise InputError(f"不是文本文件 / binary file, text expected: {path}")
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError(
                f"无法识别文件编码（支持 UTF-8、GB18030）/ cannot decode text "
                f"(UTF-8 or GB18030 expected): {path}"
            )
    if not text.strip():
        raise InputError(f"文档为空 / empty document: {path}")
    return text


def _read_docx(path: Path) -> str:
    try:
        import docx  # python-docx, needed only for .docx input
    except ImportError as exc:
        raise InputError("读取 .docx 需要安装 python-docx / python-docx is required") from exc
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"无法读取 Word 文档（文件损坏？）/ corrupt .docx: {path}") from exc
    except Exception as exc:  # python-docx raises assorted errors on malformed parts
        raise InputError(f"无法读取 Word 文档（文件损坏？）/ corrupt .docx: {path}") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _report(name: str, claims: list[Claim]) -> str:
    lines = [f"文件：{name}", f"  数字：{len(claims)} 处"]
    for number, c in enumerate(claims, 1):
        value = f"{c.value:,f}"
        parts = [f"{value}{c.unit}"]
        if c.approx:
            parts.append(f"（{c.approx}）")
        if c.counted:
            parts.append(f"，计：{c.counted}")
        lines.append(f"  {number}. 第 {c.start}–{c.end} 字「{c.text}」= {''.join(parts)}")
    return "\n".join(lines)


def cmd_extract(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            text = read_document(Path(name))
        except InputError as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            status = 1
            continue
        claims = extract(text)
        if args.json:
            record = {"file": name, "claims": [c.to_dict() for c in claims]}
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(_report(name, claims))
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guazhi.claims", description="数字提取")
    sub = parser.add_subparsers(dest="command", required=True)
    p_extract = sub.add_parser("extract", help="list the quantitative claims of .txt/.docx files")
    p_extract.add_argument("files", nargs="+")
    p_extract.add_argument("--json", action="store_true", help="one JSON object a line")
    p_extract.set_defaults(func=cmd_extract)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
