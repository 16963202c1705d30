"""Safe reading and writing of the workbooks uploaded by and sent to users.

Reading (`check_upload`, then `iter_sheets` or `open_workbook`): an uploaded file is untrusted.
Before any parser sees it we check, each with its own Chinese message for the person who
uploaded it:

1. the size against the configured cap (the caller passes `max_bytes`);
2. the extension: .xlsx, or the old .xls and WPS .et; the format is then told by content;
3. the magic bytes: an .xlsx is a zip (``PK\\x03\\x04``). An OLE2 compound file is an old .xls
   or .et (a "Workbook" stream: accepted and read with xlrd, which reads values only), an
   .xlsx with an opening password (an "EncryptedPackage" stream: named as such, not called
   damaged), or not a workbook at all;
4. the zip's central directory: entry count, declared total uncompressed size, per-entry
   compression ratio (zip bombs), absolute or ``..`` entry names (path traversal), encrypted
   entries, and the parts every workbook has;
5. every XML part is inflated once, in chunks, before openpyxl parses it: the XML actually
   inflated is capped in total (`ZipLimits.max_xml_uncompressed`, 32 MB: ratio caps alone let a
   1.2 MB file expand to 94 MB, which took 229 s to parse), and markup that no spreadsheet
   program writes is refused — DOCTYPE/ENTITY (entity expansion, XXE), comments, CDATA,
   processing instructions, and any tag longer than 64 KB (one huge token makes older expat
   re-scan it on every chunk: a 40 MB comment took 47 s). What openpyxl parses next is
   therefore bounded in size and in work; the roster reader adds a time limit.

The declared sizes can lie, but `zipfile` never inflates an entry past its declared size, so the
limits hold for what openpyxl actually reads. openpyxl itself parses defensively too: it uses
defusedxml's `iterparse` for worksheets whenever defusedxml is installed (`openpyxl.DEFUSEDXML`)
and, with lxml present, an lxml parser with `resolve_entities=False` for the other parts;
`open_workbook` refuses to run if defusedxml is missing. An .xls is not compressed, so the upload
size cap bounds xlrd's work.

Writing (`write_xlsx`): openpyxl write-only mode, bold Chinese header row, column widths, frozen
header, text format ('@') for identifier columns, and every string that a spreadsheet would run
as a formula (starting with = + - @, or tab / carriage return) prefixed with an apostrophe.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import FileResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = (".xlsx", ".xls", ".et")
XLSX = "xlsx"
XLS = "xls"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Markup that no spreadsheet program writes in a workbook part. DOCTYPE/ENTITY would allow entity
# expansion and external entities; comments, CDATA and processing instructions can be made
# megabytes long as one token, which older expat versions re-scan on every chunk (quadratic: a
# 40 MB comment took 47 s).
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ODD_MARKUP = re.compile(rb"<!|<\?(?!xml[\s?])")
_DECLARED_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_MAX_TOKEN = 64 * 1024
_LONG_TOKEN = re.compile(rb"<[^<>]{%d}" % _MAX_TOKEN)
_CHUNK = 1024 * 1024
# Streams of an OLE2 compound file: an encrypted .xlsx keeps its content in "EncryptedPackage";
# an .xls (BIFF8, also written by WPS as .et) in "Workbook" (BIFF5: "Book").
_ENCRYPTED_PACKAGE = "EncryptedPackage"
_BIFF_STREAMS = ("Workbook", "Book")
_DAMAGED = "文件已损坏，无法打开。请在 Excel 中打开确认后重新保存再上传。"
_PASSWORD = (
    "文件设置了打开密码（已加密），系统无法读取。请在 Excel 或 WPS 中打开文件，取消打开密码"
    "（“文件”→“信息”→“保护工作簿”→“用密码进行加密”，清空密码）并保存后再上传。"
)


class UnsafeWorkbook(ValueError):
    """An upload that will not be opened; str(error) is a Chinese explanation."""


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 1000
    max_total_uncompressed: int = 100 * 1024 * 1024
    # The XML parts are what gets parsed: bounded on their own, so that parsing time is bounded
    # whatever the ratio (a 1.2 MB file expanding to 94 MB of cells took 229 s). A 5,000-row
    # roster of 20 columns is about 7 MB of XML.
    max_xml_uncompressed: int = 32 * 1024 * 1024
    max_ratio: int = 100
    # Entries smaller than this cannot be a bomb; tiny XML parts legitimately compress well.
    ratio_floor: int = 1024 * 1024


DEFAULT_LIMITS = ZipLimits()


def _mb(n: int) -> str:
    """3 MB, 10.5 MB, 98 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{max(1, round(n / 1024))} KB"


def check_upload(
    file_name: str, data: bytes, *, max_bytes: int, limits: ZipLimits = DEFAULT_LIMITS
) -> str:
    """Raise UnsafeWorkbook (Chinese message) unless `data` looks like a harmless workbook.
    Returns its format, `XLSX` or `XLS` (old Excel 97–2003, and WPS .et), told by content."""
    name = (file_name or "").strip().lower()
    if len(data) > max_bytes:
        raise UnsafeWorkbook(f"文件大小为 {_mb(len(data))}，超过了 {_mb(max_bytes)} 的上限。")
    if not data:
        raise UnsafeWorkbook("文件是空的，请重新选择。")
    if not name.endswith(EXTENSIONS):
        raise UnsafeWorkbook("只能上传 Excel 工作簿（.xlsx 或旧版 .xls 文件，WPS 表格 .et 文件）。")
    if data.startswith(OLE2_MAGIC):
        return _inspect_ole2(name, data)
    if not data.startswith(ZIP_MAGIC):
        raise UnsafeWorkbook("文件内容不是 Excel 工作簿，可能只是改了扩展名，请检查文件。")
    _inspect_zip(data, limits)
    return XLSX


def _inspect_ole2(name: str, data: bytes) -> str:
    """An OLE2 compound file: an old .xls, an .xlsx with an opening password, or something else,
    told by the streams its directory names."""
    streams = _ole2_streams(data)
    if _ENCRYPTED_PACKAGE in streams:
        raise UnsafeWorkbook(_PASSWORD)
    if streams & set(_BIFF_STREAMS):
        return XLS
    if name.endswith(".et"):
        raise UnsafeWorkbook(
            "这是 WPS 表格专用格式的文件，系统无法读取。请在 WPS 中打开，"
            "选择“另存为”→“Excel 工作簿（*.xlsx）”后再上传。"
        )
    raise UnsafeWorkbook(
        "文件是 Office 文档，但不是 Excel 工作簿（可能是 Word 文档或其他格式），请检查文件。"
    )


def _ole2_streams(data: bytes) -> set[str]:
    """The names in an OLE2 file's directory (read by xlrd's compound-document reader)."""
    from xlrd.compdoc import CompDoc

    try:
        return {entry.name for entry in CompDoc(data, logfile=io.StringIO()).dirlist}
    except Exception:  # a truncated or malformed compound file
        raise UnsafeWorkbook(_DAMAGED) from None


def _inspect_zip(data: bytes, limits: ZipLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UnsafeWorkbook(_DAMAGED) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise UnsafeWorkbook(
                f"文件结构异常：压缩包内有 {len(infos)} 个部件，超过 {limits.max_entries} 个的上限，已拒绝。"
            )
        total = 0
        names = set()
        for info in infos:
            entry = info.filename
            parts = entry.replace("\\", "/").split("/")
            if (
                entry.startswith(("/", "\\"))
                or re.match(r"^[A-Za-z]:", entry)
                or ".." in parts
                or "\x00" in entry
            ):
                raise UnsafeWorkbook(f"文件结构异常：包含非法路径“{entry[:80]}”，已拒绝。")
            if info.flag_bits & 0x1:
                raise UnsafeWorkbook(_PASSWORD)
            total += info.file_size
            if total > limits.max_total_uncompressed:
                raise _too_big(limits.max_total_uncompressed)
            if info.file_size >= limits.ratio_floor:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limits.max_ratio:
                    raise UnsafeWorkbook(
                        f"文件结构异常：部件“{entry[:80]}”的压缩比为 {ratio:.0f}:1，"
                        f"超过 {limits.max_ratio}:1，疑似“压缩炸弹”，已拒绝。"
                    )
            names.add(entry)
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeWorkbook(
                "文件不是有效的 Excel 工作簿（缺少工作簿结构），请在 Excel 中另存为 .xlsx 后再上传。"
            )
        xml_total = 0
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                xml_total += _scan_xml(archive, info, limits.max_xml_uncompressed - xml_total)
            elif info.filename.endswith(".vml"):
                with _open_entry(archive, info) as fh:
                    if _DOCTYPE.search(fh.read(4096)):
                        raise _doctype()
        if xml_total > limits.max_xml_uncompressed:  # pragma: no cover - _scan_xml raises first
            raise _too_big(limits.max_xml_uncompressed)


def _scan_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Read one XML part in chunks (the bytes actually inflated, not the declared size) and
    refuse what a parser would choke on. Returns the part's size."""
    size = 0
    carry = b""
    with _open_entry(archive, info) as fh:
        while chunk := _read(fh):
            size += len(chunk)
            if size > budget:
                raise UnsafeWorkbook(
                    "文件内容过大：解压后的表格数据超过了上限，疑似“压缩炸弹”或夹带了大量无用内容，已拒绝。"
                    "名册请控制在 5,000 行以内；如确为正常名册，请删除多余的空白行列后另存再上传。"
                )
            if size == len(chunk):
                _check_encoding(chunk)
            buf = carry + chunk
            if _DOCTYPE.search(buf):
                raise _doctype()
            if _ODD_MARKUP.search(buf):
                raise UnsafeWorkbook(
                    "文件包含 Excel 不会写入的内容（XML 注释、CDATA 或处理指令），"
                    "可能被其他程序改动过，已拒绝。请在 Excel 中另存为 .xlsx 后再上传。"
                )
            if _LONG_TOKEN.search(buf):
                raise _long_token()
            # Keep an unfinished tag (and a few bytes, for a marker cut in two) for the next chunk.
            lt = buf.rfind(b"<")
            carry = buf[lt:] if lt > buf.rfind(b">") else buf[-8:]
            if len(carry) > _MAX_TOKEN:
                raise _long_token()
    return size


def _check_encoding(head: bytes) -> None:
    """Excel and WPS write every part in UTF-8. The byte patterns above only see UTF-8, so a part
    in UTF-16 (or EBCDIC, UTF-7…) could carry a DOCTYPE past them to the parser: refused."""
    declared = _DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if (
        b"\x00" in head
        or not head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")
        or (declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"))
    ):
        raise UnsafeWorkbook(
            "文件包含非 UTF-8 编码的 XML 部件，Excel 不会这样保存，可能被其他程序改动过，已拒绝。"
            "请在 Excel 中另存为 .xlsx 后再上传。"
        )


def _read(fh: Any) -> bytes:
    try:
        return bytes(fh.read(_CHUNK))
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError):
        raise UnsafeWorkbook(_DAMAGED) from None


def _open_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    try:
        return archive.open(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise UnsafeWorkbook(_DAMAGED) from None


def _too_big(limit: int) -> UnsafeWorkbook:
    return UnsafeWorkbook(f"文件结构异常：解压后超过 {_mb(limit)}，疑似“压缩炸弹”，已拒绝。")


def _doctype() -> UnsafeWorkbook:
    return UnsafeWorkbook("文件包含不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝。")


def _long_token() -> UnsafeWorkbook:
    return UnsafeWorkbook("文件结构异常：包含超长的 XML 标记，可能被其他程序改动过，已拒绝。")


def open_workbook(data: bytes) -> Any:
    """Open checked .xlsx bytes read-only (values, not formulas). Call `check_upload` first."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise RuntimeError("defusedxml must be installed before parsing uploaded workbooks")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types on malformed input
        raise UnsafeWorkbook(
            "文件已损坏或不是标准的 Excel 工作簿，无法读取。请在 Excel 中另存为 .xlsx 后再上传。"
        ) from None


def iter_sheets(data: bytes) -> Generator[Iterator[Sequence[Any]], None, None]:
    """The rows of each worksheet (tuples of cell values: str, int, float, bool, datetime or
    None) of checked bytes, .xlsx or .xls alike. Raises UnsafeWorkbook (Chinese) when the file
    cannot be read; the workbook is closed when the generator is."""
    if data.startswith(OLE2_MAGIC):
        yield from _iter_xls_sheets(data)
        return
    workbook = open_workbook(data)
    try:
        for ws in workbook.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some writers record wrong dimensions; read every cell
            yield _guarded(ws.iter_rows(values_only=True))
    finally:
        workbook.close()


def _guarded(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    try:
        yield from rows
    except UnsafeWorkbook:
        raise
    except Exception:  # the XML of a worksheet is parsed while iterating
        raise UnsafeWorkbook(
            "文件已损坏或不是标准的 Excel 工作簿，无法读取。请在 Excel 中另存为 .xlsx 后再上传。"
        ) from None


def _iter_xls_sheets(data: bytes) -> Iterator[Iterator[Sequence[Any]]]:
    """Old Excel 97–2003 (BIFF) workbooks through xlrd, which reads only values (no macros, no
    formulas run). BIFF is not compressed, so the upload's size cap bounds the work."""
    import xlrd

    try:
        # ragged_rows: a row holds only the cells up to its last one, not the sheet's widest row.
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
    except xlrd.XLRDError as e:
        if "encrypted" in str(e).lower():
            raise UnsafeWorkbook(_PASSWORD) from None
        raise UnsafeWorkbook(_OLD_XLS_UNREADABLE) from None
    except Exception:  # xlrd raises many types on malformed input
        raise UnsafeWorkbook(_OLD_XLS_UNREADABLE) from None
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception:
                raise UnsafeWorkbook(_OLD_XLS_UNREADABLE) from None
            yield _xls_rows(sheet, book.datemode)
            book.unload_sheet(index)
    finally:
        book.release_resources()


_OLD_XLS_UNREADABLE = (
    "这个旧版 Excel 文件（.xls/.et）无法读取：文件可能已损坏，或是 Excel 95 以前的版本。"
    "请在 Excel 或 WPS 中打开，选择“另存为”→“Excel 工作簿（*.xlsx）”后再上传。"
)


def _xls_rows(sheet: Any, datemode: int) -> Iterator[tuple[Any, ...]]:
    import xlrd

    for r in range(sheet.nrows):
        row = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    row.append(cell.value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                row.append(None)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                row.append(bool(cell.value))
            else:
                row.append(cell.value)
        yield tuple(row)


# --- Writing -----------------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """Make a string inert in a spreadsheet: '=1+1' → "'=1+1". Other types pass unchanged.

    Control characters that XML cannot hold are dropped first: a vertical tab pasted from Word
    (its manual line break) made openpyxl raise IllegalCharacterError and the whole export fail.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(_FORMULA_STARTS):
            return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    text: bool = False  # number format '@' (ID numbers, phone numbers)
    date: bool = False  # number format yyyy-mm-dd


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    header_fill: str = "DDEBF7"


_HEADER_FONT = Font(bold=True)
_WRAP = Alignment(vertical="center", wrap_text=True)


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Render sheets with openpyxl's write-only mode (constant memory) and return the bytes."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.title[:31])
        for i, col in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        ws.freeze_panes = "A2"
        fill = PatternFill("solid", fgColor=sheet.header_fill)
        header = []
        for col in sheet.columns:
            cell = WriteOnlyCell(ws, value=neutralise(col.header))
            cell.font = _HEADER_FONT
            cell.fill = fill
            cell.alignment = _WRAP
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            cells = []
            for col, value in zip(sheet.columns, row, strict=False):
                cell = WriteOnlyCell(ws, value=_cell_value(value))
                if col.text:
                    cell.number_format = "@"
                elif col.date and isinstance(value, (date, datetime)):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(data: bytes, filename: str) -> FileResponse:
    """A download that no proxy or browser keeps: exports carry personal data."""
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, date, datetime)):
        return value
    return neutralise(str(value))
