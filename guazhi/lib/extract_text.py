"""A writing's title and structured body from an uploaded file. No Django.

`extract(data, file_name, max_bytes=…)` returns an `Extracted` (title, blocks, source) or raises
`ExtractionError`, whose text is a Chinese sentence for the person who uploaded the file.

The format is told by content, not by the name: a zip holding ``word/document.xml`` is a .docx,
``%PDF-`` a PDF, an OLE2 compound file with a ``WordDocument`` stream a Word 97–2003 / WPS file
(as is RTF and an OpenDocument text), anything else that decodes as UTF-8 (with or without a
BOM), UTF-16 with a BOM, or GB18030 a text file.

- .docx: read from the zip with bounds (entry count, declared and inflated sizes, compression
  ratio, no DOCTYPE/ENTITY), parsed with defusedxml. Headings come from the paragraph's style
  (``heading 1`` / ``标题 1`` and styles based on them) or outline level; the document's Title
  style gives the title; tables keep their rows and cells.
- .doc / .wps / .rtf / .odt: converted to .docx by LibreOffice headless (`guazhi.lib.office`)
  when it is installed; otherwise the message asks for a .docx.
- .pdf: the text layer (pdfminer.six), lines joined back into paragraphs, page numbers dropped; a
  PDF with no text (a scan) is refused with a message saying so.
- .txt: one paragraph a line.

Numbered short lines (一、… / （一）…) become headings in text and PDF files, which carry no
styles, and in .docx paragraphs written without a heading style.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from guazhi.lib import office
from guazhi.lib.writing_text import (
    Block,
    blocks_to_text,
    clean_blocks,
    clean_line,
    heading,
    heading_level,
    lines_to_blocks,
    looks_like_title,
    paragraph,
    split_title,
    table,
)

DOCX = "docx"
DOC = "doc"
PDF = "pdf"
TXT = "txt"

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_EXCEL_STREAM = "Workbook".encode("utf-16-le")

MAX_TEXT_CHARS = 200_000
MAX_PDF_PAGES = 300
_ZIP_MAX_ENTRIES = 2000
_ZIP_MAX_TOTAL = 200 * 1024 * 1024
_ZIP_MAX_XML = 40 * 1024 * 1024
_ZIP_MAX_RATIO = 100
_ZIP_RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SAVE_AS_DOCX = "请用 Word 或 WPS 打开后“另存为” .docx 格式再上传。"
_DAMAGED = "文件已损坏，无法读取。" + SAVE_AS_DOCX
_PASSWORD = "文件设置了打开密码，系统无法读取。请取消密码后另存为 .docx 再上传。"


class ExtractionError(ValueError):
    """The file gives no writing; str(error) is a Chinese sentence for the user."""


@dataclass
class Extracted:
    title: str
    blocks: list[Block] = field(default_factory=list)
    source: str = DOCX


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def sniff(data: bytes) -> str:
    """The format by content: DOCX, DOC (anything LibreOffice converts), PDF or TXT."""
    if data.startswith(ZIP_MAGIC):
        return DOCX
    if data.startswith(OLE2_MAGIC) or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return DOC
    if b"%PDF-" in data[:1024]:
        return PDF
    return TXT


def extract(data: bytes, file_name: str, *, max_bytes: int) -> Extracted:
    """The title and blocks of an uploaded writing (see the module's docstring)."""
    if len(data) > max_bytes:
        raise ExtractionError(f"文件大小为 {_mb(len(data))}，超过了 {_mb(max_bytes)} 的上限。")
    if not data.strip():
        raise ExtractionError("文件是空的，请重新选择。")
    kind = sniff(data)
    if kind == DOCX:
        result = _from_zip(data, file_name)
    elif kind == DOC:
        result = _from_converted(data, file_name)
    elif kind == PDF:
        result = _from_pdf(data)
    else:
        result = _from_txt(data)
    if not result.blocks and not result.title:
        raise ExtractionError("文件里没有可以读取的文字内容，请检查文件。")
    if len(blocks_to_text(result.blocks)) > MAX_TEXT_CHARS:
        raise ExtractionError("文件内容过长，超出了一篇材料的篇幅，请检查是否上传错了文件。")
    if not result.title:
        result.title = PurePosixPath(file_name.replace("\\", "/")).stem[:100] or "未命名材料"
    return result


# --- .docx -----------------------------------------------------------------------------------------


def _from_zip(data: bytes, file_name: str) -> Extracted:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ExtractionError(_DAMAGED) from None
    with archive:
        infos = _checked_infos(archive)
        names = {info.filename: info for info in infos}
        if "word/document.xml" not in names:
            if "mimetype" in names and b"opendocument.text" in _read(archive, names["mimetype"]):
                return _from_converted(data, file_name, suffix="odt")
            if "xl/workbook.xml" in names:
                raise ExtractionError("这是 Excel 表格，不是 Word 文档。请上传材料的 Word 文档。")
            raise ExtractionError("文件不是 Word 文档（.docx）。" + SAVE_AS_DOCX)
        document = _parse(_read(archive, names["word/document.xml"]))
        styles = (
            _parse(_read(archive, names["word/styles.xml"])) if "word/styles.xml" in names else None
        )
    return _docx_blocks(document, _style_levels(styles))


def _checked_infos(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > _ZIP_MAX_ENTRIES:
        raise ExtractionError("文件结构异常（压缩包内部件过多），已拒绝。" + SAVE_AS_DOCX)
    total = 0
    for info in infos:
        # Only word/ parts are read and nothing is written to disk, but a name no Word writes
        # means a crafted file: refused as the workbook and corpus uploads refuse it.
        parts = info.filename.replace("\\", "/").split("/")
        if info.filename.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts:
            raise ExtractionError(
                f"文件结构异常：包含非法路径“{info.filename[:80]}”，已拒绝。" + SAVE_AS_DOCX
            )
        if info.flag_bits & 0x1:
            raise ExtractionError(_PASSWORD)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > _ZIP_MAX_TOTAL or (
            info.file_size >= _ZIP_RATIO_FLOOR and ratio > _ZIP_MAX_RATIO
        ):
            raise ExtractionError("文件结构异常：解压后过大，疑似“压缩炸弹”，已拒绝。")
    return infos


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One part, inflated in chunks and counted as it comes (declared sizes can lie)."""
    parts: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                if size > _ZIP_MAX_XML:
                    raise ExtractionError("文件内容过大：解压后超过上限，疑似“压缩炸弹”，已拒绝。")
                parts.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError):
        raise ExtractionError(_DAMAGED) from None
    content = b"".join(parts)
    if _DOCTYPE.search(content[:4096]) or _DOCTYPE.search(content):
        raise ExtractionError("文件包含不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝。")
    return content


def _parse(xml: bytes) -> Element:
    try:
        return fromstring(xml, forbid_dtd=True)
    except (DefusedXmlException, SyntaxError, ValueError):
        raise ExtractionError(_DAMAGED) from None


_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TITLE = 0  # the level we give the Title style: the writing's own title


def _style_levels(styles: Element | None) -> dict[str, int]:
    """styleId → heading level (0 for the Title style), following basedOn chains."""
    if styles is None:
        return {}
    direct: dict[str, int] = {}
    based_on: dict[str, str] = {}
    for style in styles.iter(f"{W}style"):
        sid = style.get(f"{W}styleId", "")
        name_el = style.find(f"{W}name")
        name = (name_el.get(f"{W}val", "") if name_el is not None else "").strip()
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        match = _HEADING_NAME.match(name)
        if name.lower() in ("title", "标题"):
            direct[sid] = _TITLE
        elif match:
            direct[sid] = int(match.group(1))
        elif outline is not None and (val := outline.get(f"{W}val", "")).isdigit() and int(val) < 9:
            direct[sid] = int(val) + 1  # outline level 9 means body text
        parent = style.find(f"{W}basedOn")
        if parent is not None:
            based_on[sid] = parent.get(f"{W}val", "")
    levels: dict[str, int] = {}
    for sid in {*direct, *based_on}:
        seen, current = set(), sid
        while current and current not in direct and current not in seen:
            seen.add(current)
            current = based_on.get(current, "")
        if current in direct:
            levels[sid] = direct[current]
    return levels


def _text(element: Element) -> str:
    out: list[str] = []
    for node in element.iter():
        if node.tag == f"{W}t" and node.text:
            out.append(node.text)
        elif node.tag in (f"{W}tab", f"{W}br", f"{W}cr"):
            out.append(" ")
    return "".join(out)


def _paragraph_level(p: Element, levels: dict[str, int]) -> int | None:
    outline = p.find(f"{W}pPr/{W}outlineLvl")
    if outline is not None and (val := outline.get(f"{W}val", "")).isdigit() and int(val) < 9:
        return int(val) + 1
    style = p.find(f"{W}pPr/{W}pStyle")
    if style is not None:
        return levels.get(style.get(f"{W}val", ""))
    return None


def _body_elements(container: Element) -> Any:
    """Paragraphs and tables in reading order, through content controls (w:sdt)."""
    for child in container:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_elements(content)


def _docx_blocks(document: Element, levels: dict[str, int]) -> Extracted:
    body = document.find(f"{W}body")
    if body is None:
        raise ExtractionError(_DAMAGED)
    title = ""
    blocks: list[Block] = []
    for element in _body_elements(body):
        if element.tag == f"{W}tbl":
            rows = [
                [
                    clean_line(" ".join(_text(p) for p in cell.iter(f"{W}p")))
                    for cell in row.iter(f"{W}tc")
                ]
                for row in element.iter(f"{W}tr")
            ]
            blocks.append(table(rows))
            continue
        text = clean_line(_text(element))
        if not text:
            continue
        level = _paragraph_level(element, levels)
        if level == _TITLE and not title and not blocks:
            title = text
        elif level:
            blocks.append(heading(text, min(level, 2)))
        elif (guessed := heading_level(text)) is not None:
            blocks.append(heading(text, guessed))
        else:
            blocks.append(paragraph(text))
    blocks = clean_blocks(blocks)
    if (
        not title
        and blocks
        and blocks[0]["type"] != "table"
        and looks_like_title(blocks[0]["text"])
    ):
        # A first short line, styled or not, is the title as people write it.
        title, blocks = blocks[0]["text"], blocks[1:]
    return Extracted(title=title[:100], blocks=blocks, source=DOCX)


# --- .doc / .wps / .rtf / .odt through LibreOffice --------------------------------------------------


def _from_converted(data: bytes, file_name: str, *, suffix: str = "") -> Extracted:
    if data.startswith(OLE2_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise ExtractionError(_PASSWORD)
        if _WORD_STREAM not in data:
            if _EXCEL_STREAM in data:
                raise ExtractionError("这是 Excel 表格，不是 Word 文档。请上传材料的 Word 文档。")
            raise ExtractionError("文件不是 Word 或 WPS 文档。" + SAVE_AS_DOCX)
    if not suffix:
        name_suffix = PurePosixPath(file_name.lower()).suffix.lstrip(".")
        suffix = name_suffix if name_suffix in ("doc", "wps", "rtf") else "doc"
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
            suffix = "rtf"
    try:
        converted = office.convert(data, suffix, "docx")
    except office.OfficeUnavailable:
        raise ExtractionError(
            f"服务器未安装 LibreOffice，无法读取 .{suffix} 文件。" + SAVE_AS_DOCX
        ) from None
    except office.OfficeError as e:
        raise ExtractionError(str(e) or _DAMAGED) from None
    if not converted.startswith(ZIP_MAGIC):
        raise ExtractionError(_DAMAGED)
    result = _from_zip(converted, file_name)
    result.source = DOC
    return result


# --- .pdf ------------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^[\s—–\-－]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4})?[\s—–\-－]*$")
_ENDS_PARAGRAPH = tuple("。！？；：”」』）)…")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _from_pdf(data: bytes) -> Extracted:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    paragraphs: list[str] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams(), maxpages=MAX_PDF_PAGES):
            for element in page:
                if isinstance(element, LTTextContainer):
                    paragraphs.extend(_join_lines(element.get_text().splitlines()))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ExtractionError(_PASSWORD) from None
    except Exception:  # pdfminer raises many kinds of error on malformed files, not only its own
        raise ExtractionError(
            "PDF 文件已损坏，无法读取。请重新导出 PDF，或上传 Word 文档。"
        ) from None
    if sum(len(p.strip()) for p in paragraphs) < 10:
        raise ExtractionError(
            "这份 PDF 没有可读取的文字（可能是扫描件或图片），系统无法读取其内容。"
            "请上传 Word 文档（.docx），或从原文件重新导出带文字的 PDF。"
        )
    title, blocks = split_title(lines_to_blocks(paragraphs))
    return Extracted(title=title[:100], blocks=blocks, source=PDF)


def _join_lines(lines: list[str]) -> list[str]:
    """A text box's lines as paragraphs: a line that ends a sentence, or is a heading, ends a
    paragraph; other lines were wrapped by the page and run on (CJK without a space)."""
    out: list[str] = []
    current = ""
    for raw in lines:
        line = raw.strip()
        if not line or _PAGE_NUMBER.match(line):
            continue
        if current and heading_level(line) is not None:
            out.append(current)
            current = ""
        joiner = "" if not current or _CJK.search(current[-1] + line[0]) else " "
        current = current + joiner + line
        if line.endswith(_ENDS_PARAGRAPH) or heading_level(current) is not None:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


# --- .txt ------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, or GB18030 (which covers GBK and
    GB2312), tried in that order; ExtractionError if none fits or it is not text at all."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ExtractionError("文本文件的编码无法识别，请另存为 UTF-8 编码后再上传。") from None
    if b"\x00" in data:
        raise ExtractionError("不支持这种文件。请上传 Word 文档（.docx）、PDF 或文本文件（.txt）。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
        if controls > len(text) // 100 + 2:
            break
        return text
    raise ExtractionError(
        "不支持这种文件，或文本文件的编码无法识别。请上传 Word 文档（.docx）、PDF，"
        "或 UTF-8 / GB18030 编码的文本文件（.txt）。"
    )


def _from_txt(data: bytes) -> Extracted:
    text = decode_text(data)
    title, blocks = split_title(lines_to_blocks(text.splitlines()))
    return Extracted(title=title[:100], blocks=blocks, source=TXT)
