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
from collections.abc import Sequence
from pathlib import Path

from guazhi.lib.document_input import InputError, read_document

from .extract import Claim, extract


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
