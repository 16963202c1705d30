"""Template essays from an uploaded file: .txt, .docx, .jsonl ({"title", "text"} a line) or a
.zip of any of these. No Django: `read_upload(name, data, max_bytes=…)` returns the essays or
raises `CorpusFileError`, whose text is a Chinese sentence for the programme admin.

A .zip is untrusted like the roster import's workbooks (guazhi/lib/xlsx.py): before anything is
inflated its directory is checked — entry count, declared total size, per-entry compression
ratio, absolute or ``..`` paths, encryption — and each entry is then inflated in chunks and
counted as it comes, since declared sizes can lie. Zips inside the zip are refused (no nesting),
as are entries of other types. .docx and .txt are read by `guazhi.lib.extract_text`, the same
reader as the writings' uploads (so an essay and a cadre's copy of it are read the same way).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from guazhi.lib.extract_text import ExtractionError, decode_text, extract
from guazhi.lib.writing_text import blocks_to_text

MAX_ESSAY_CHARS = 100_000
MIN_ESSAY_CHARS = 50
MAX_ESSAYS = 2000
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024
SUFFIXES = (".txt", ".docx", ".jsonl")
ACCEPTED = "请上传 .txt、.docx、.jsonl 文件，或把它们打成 .zip 压缩包上传。"


class CorpusFileError(ValueError):
    """The upload gives no essays; str(error) is a Chinese sentence."""


@dataclass(frozen=True)
class Essay:
    title: str
    text: str
    file_name: str

    @property
    def chars(self) -> int:
        return sum(1 for c in self.text if not c.isspace())

    @property
    def sha256(self) -> str:
        return content_hash(self.text)


def content_hash(text: str) -> str:
    """Of the text without whitespace: re-wrapped lines are the same essay."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def read_upload(file_name: str, data: bytes, *, max_bytes: int) -> list[Essay]:
    name = (file_name or "").strip()
    if len(data) > max_bytes:
        raise CorpusFileError(f"文件大小为 {_mb(len(data))}，超过了 {_mb(max_bytes)} 的上限。")
    if not data.strip():
        raise CorpusFileError(f"文件“{name}”是空的，请重新选择。")
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".zip":
        essays = _from_zip(data, max_bytes)
    elif suffix in SUFFIXES:
        essays = _from_file(name, data, max_bytes)
    else:
        raise CorpusFileError(f"不支持“{name}”这种文件。" + ACCEPTED)
    if not essays:
        raise CorpusFileError(f"“{name}”里没有可以读取的范文。" + ACCEPTED)
    if len(essays) > MAX_ESSAYS:
        raise CorpusFileError(f"一次最多上传 {MAX_ESSAYS} 篇范文，这个文件有 {len(essays)} 篇。")
    return essays


def _checked(essay: Essay, where: str) -> Essay:
    if essay.chars < MIN_ESSAY_CHARS:
        raise CorpusFileError(
            f"{where}只有 {essay.chars} 个字，太短，不能作为范文（至少 {MIN_ESSAY_CHARS} 字）。"
        )
    if len(essay.text) > MAX_ESSAY_CHARS:
        raise CorpusFileError(
            f"{where}有 {len(essay.text)} 个字符，超过一篇范文 {MAX_ESSAY_CHARS} 字符的上限。"
        )
    return essay


def _from_file(name: str, data: bytes, max_bytes: int) -> list[Essay]:
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".jsonl":
        return _from_jsonl(name, data)
    if suffix == ".docx" and not data.startswith(b"PK\x03\x04"):
        raise CorpusFileError(
            f"“{name}”不是有效的 Word 文档（.docx），请用 Word 另存为 .docx 后再上传。"
        )
    if suffix == ".txt" and (data.startswith(b"PK\x03\x04") or b"\x00\x00" in data[:4096]):
        raise CorpusFileError(f"“{name}”不是文本文件，可能只是改了扩展名。" + ACCEPTED)
    try:
        extracted = extract(data, name, max_bytes=max_bytes)
    except ExtractionError as e:
        raise CorpusFileError(f"“{name}”：{e}") from None
    text = blocks_to_text(extracted.blocks).strip()
    return [_checked(Essay(extracted.title[:200], text, name), f"“{name}”")]


def _from_jsonl(name: str, data: bytes) -> list[Essay]:
    try:
        content = decode_text(data)
    except (ExtractionError, UnicodeDecodeError):
        raise CorpusFileError(f"“{name}”无法按 UTF-8 或 GB18030 读取，请检查文件编码。") from None
    essays = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"“{name}”第 {number} 行"
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise CorpusFileError(
                f'{where}不是有效的 JSON。每行应为一个对象，如 {{"title": "…", "text": "…"}}。'
            ) from None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise CorpusFileError(f'{where}缺少文本字段 "text"。')
        title = str(item.get("title") or "").strip() or f"{PurePosixPath(name).stem} 第 {number} 篇"
        essays.append(_checked(Essay(title[:200], item["text"].strip(), name), where))
    return essays


def _entry_name(info: zipfile.ZipInfo) -> str:
    """Entry names written by Windows tools without the UTF-8 flag are GBK read as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _from_zip(data: bytes, max_bytes: int) -> list[Essay]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise CorpusFileError("压缩包已损坏，无法打开。请重新压缩后再上传。") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > ZIP_MAX_ENTRIES:
            raise CorpusFileError(
                f"压缩包内有 {len(infos)} 个文件，超过 {ZIP_MAX_ENTRIES} 个的上限，已拒绝。"
            )
        total = 0
        for info in infos:
            entry = _entry_name(info)
            parts = entry.replace("\\", "/").split("/")
            if entry.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", entry) or ".." in parts:
                raise CorpusFileError(f"压缩包包含非法路径“{entry[:80]}”，已拒绝。")
            if info.flag_bits & 0x1:
                raise CorpusFileError(
                    "压缩包设置了密码，系统无法读取。请取消密码后重新压缩再上传。"
                )
            total += info.file_size
            if total > ZIP_MAX_TOTAL:
                raise CorpusFileError(
                    f"压缩包解压后超过 {_mb(ZIP_MAX_TOTAL)}，疑似“压缩炸弹”，已拒绝。"
                )
            if (
                info.file_size >= ZIP_RATIO_FLOOR
                and info.file_size / max(info.compress_size, 1) > ZIP_MAX_RATIO
            ):
                raise CorpusFileError(
                    f"压缩包内“{entry[:80]}”的压缩比超过 {ZIP_MAX_RATIO}:1，疑似“压缩炸弹”，已拒绝。"
                )
        essays: list[Essay] = []
        inflated = 0
        for info in infos:
            entry = _entry_name(info)
            base = PurePosixPath(entry.replace("\\", "/")).name
            if base.startswith(".") or entry.startswith("__MACOSX/"):
                continue  # Finder and editor leftovers
            suffix = PurePosixPath(base.lower()).suffix
            if suffix == ".zip":
                raise CorpusFileError(
                    f"压缩包内不能再套压缩包（“{entry[:80]}”），请解开后重新压缩。"
                )
            if suffix not in SUFFIXES:
                raise CorpusFileError(f"压缩包内的“{entry[:80]}”不是支持的文件类型。" + ACCEPTED)
            content = _inflate(archive, info, min(max_bytes, ZIP_MAX_TOTAL - inflated))
            inflated += len(content)
            if not content.strip():
                raise CorpusFileError(f"压缩包内的“{entry[:80]}”是空文件，请删除后重新压缩。")
            essays.extend(_from_file(base, content, max_bytes))
            if len(essays) > MAX_ESSAYS:
                raise CorpusFileError(f"一次最多上传 {MAX_ESSAYS} 篇范文。")
        return essays


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                if size > budget:
                    raise CorpusFileError("压缩包解压后过大，疑似“压缩炸弹”，已拒绝。")
                parts.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError):
        raise CorpusFileError("压缩包已损坏，无法读取其中的文件。请重新压缩后再上传。") from None
    return b"".join(parts)
