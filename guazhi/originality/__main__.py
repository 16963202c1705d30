"""Command line: ``python -m guazhi.originality index|check``.

    python -m guazhi.originality index --corpus FILE.jsonl --out INDEX [--add]
    python -m guazhi.originality check --index INDEX FILE... [--json]

``check --json`` prints one JSON object a line per input file with the keys ``file``, ``chars``,
``copy_ratio``, ``copy_ratio_excluding_common``, ``max_source_ratio`` and ``passages``. Bad input
gets a one-line message on stderr and exit status 1 (2 for usage errors); files that can be read
are still reported.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from guazhi.lib.document_input import InputError, read_document

from .index import OriginalityIndex
from .match import CheckResult


def _read_corpus(path: Path) -> Iterator[tuple[str, str]]:
    if not path.is_file():
        raise InputError(f"语料文件不存在 / corpus file not found: {path}")
    with path.open(encoding="utf-8") as lines:
        try:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    doc_id, text = record["id"], record["text"]
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise InputError(
                        f"{path}:{number}: 每行应为含 id 和 text 的 JSON 对象 / "
                        f"each line must be a JSON object with id and text"
                    ) from exc
                if not isinstance(text, str):
                    raise InputError(f"{path}:{number}: text 必须是字符串 / text must be a string")
                yield str(doc_id), text
        except UnicodeDecodeError as exc:
            raise InputError(f"语料文件须为 UTF-8 / corpus must be UTF-8: {path}") from exc


def _load_index(path: Path) -> OriginalityIndex:
    try:
        return OriginalityIndex.load(path)
    except FileNotFoundError as exc:
        raise InputError(f"索引不存在 / index not found: {path}") from exc
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"索引损坏或版本不符 / unreadable index: {path} ({exc})") from exc


def _report(name: str, result: CheckResult, text: str) -> str:
    lines = [
        f"文件：{name}",
        f"  字符数：{result.chars}",
        f"  总文字复制比：{result.copy_ratio:.1%}",
        f"  去除引用和常用语复制比：{result.copy_ratio_excluding_common:.1%}",
        f"  单篇最大文字复制比：{result.max_source_ratio:.1%}",
        f"  相似片段：{len(result.passages)} 处",
    ]
    for number, p in enumerate(result.passages, 1):
        excerpt = " ".join(text[p.start : p.end].split())
        if len(excerpt) > 40:
            excerpt = excerpt[:38] + "……"
        mark = "（引用/常用语）" if p.common else ""
        lines.append(
            f"  {number}. 第 {p.start}–{p.end} 字，来源 {p.source_id} 第 {p.source_start}–"
            f"{p.source_end} 字，相似度 {p.similarity:.0%}{mark}：{excerpt}"
        )
    return "\n".join(lines)


def cmd_index(args: argparse.Namespace) -> int:
    out = Path(args.out)
    index = _load_index(out) if args.add and (out / "meta.json").exists() else OriginalityIndex()
    count = index.add_many(_read_corpus(Path(args.corpus)))
    index.save(out)
    print(f"已索引 {count} 篇，共 {len(index)} 篇 / indexed {count}, total {len(index)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    index = _load_index(Path(args.index))
    status = 0
    for name in args.files:
        try:
            text = read_document(Path(name))
        except InputError as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            status = 1
            continue
        result = index.check(text)
        if args.json:
            print(json.dumps({"file": name, **result.to_dict()}, ensure_ascii=False))
        else:
            print(_report(name, result, text))
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guazhi.originality", description="查重")
    sub = parser.add_subparsers(dest="command", required=True)
    p_index = sub.add_parser("index", help="build or extend an index from JSON lines")
    p_index.add_argument("--corpus", required=True, help="JSON lines with id and text")
    p_index.add_argument("--out", required=True, help="index directory")
    p_index.add_argument("--add", action="store_true", help="extend an existing index")
    p_index.set_defaults(func=cmd_index)
    p_check = sub.add_parser("check", help="check .txt/.docx files against an index")
    p_check.add_argument("--index", required=True)
    p_check.add_argument("files", nargs="+")
    p_check.add_argument("--json", action="store_true", help="one JSON object a line")
    p_check.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
