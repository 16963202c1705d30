"""Reading the documents given to the engines' command lines (originality and claims): .txt in
UTF-8 (with or without BOM) or GB18030, or .docx (paragraphs, then table cells).

Django-free, like the engines that use it. Bad input raises `InputError` with one readable
line (Chinese, then English: the CLIs are run by operators on either kind of terminal).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_DOCX_INFLATED = 200 * 2**20


class InputError(Exception):
    """A problem with the user's input, reported as one readable line."""


def read_document(path: Path) -> str:
    """Text of a .txt or .docx file; raises InputError on a missing, binary, undecodable,
    corrupt or empty file."""
    if not path.is_file():
        raise InputError(f"文件不存在 / file not found: {path}")
    if path.suffix.lower() == ".docx":
        text = _read_docx(path)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取文件 / cannot read file: {path} ({exc.strerror})") from exc
        text = decode_text(data, path)
    if not text.strip():
        raise InputError(f"文档为空 / empty document: {path}")
    return text


def decode_text(data: bytes, path: Path | str) -> str:
    if b"\x00" in data[:8192]:
        # GB18030 decodes almost any byte string; NUL bytes say "not a text file".
        raise InputError(f"不是文本文件 / binary file, text expected: {path}")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"无法识别文件编码（支持 UTF-8、GB18030）/ cannot decode text "
        f"(UTF-8 or GB18030 expected): {path}"
    )


def _read_docx(path: Path) -> str:
    try:
        import docx  # python-docx, needed only for .docx input
    except ImportError as exc:
        raise InputError("读取 .docx 需要安装 python-docx / python-docx is required") from exc
    try:
        # python-docx inflates whole parts in memory; zipfile never inflates an entry past its
        # declared size, so bounding the declared sizes bounds the memory a zip bomb can take.
        with zipfile.ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
        if declared > MAX_DOCX_INFLATED:
            raise InputError(
                f"Word 文档解压后超过 {MAX_DOCX_INFLATED // 2**20} MB，疑似压缩炸弹 / "
                f"the .docx inflates beyond {MAX_DOCX_INFLATED // 2**20} MB: {path}"
            )
        document = docx.Document(str(path))
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"无法读取 Word 文档（文件损坏？）/ corrupt .docx: {path}") from exc
    except Exception as exc:  # python-docx raises assorted errors on malformed parts
        raise InputError(f"无法读取 Word 文档（文件损坏？）/ corrupt .docx: {path}") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)
