"""Safe reading and writing of .xlsx workbooks uploaded by and sent to users.

Reading (`check_upload` then `open_workbook`): an uploaded file is untrusted. Before openpyxl
sees it we check, each with its own Chinese message for the person who uploaded it:

1. the size against the configured cap (the caller passes `max_bytes`);
2. the extension (.xlsx; an old .xls gets "save it as .xlsx");
3. the magic bytes: an .xlsx is a zip (``PK\\x03\\x04``); an OLE2 file (old .xls, or an .xlsx
   with an opening password) gets its own message;
4. the zip's central directory: entry count, declared total uncompressed size, per-entry
   compression ratio (zip bombs), absolute or ``..`` entry names (path traversal), encrypted
   entries, and the parts every workbook has;
5. no XML part declares a DOCTYPE: a workbook never needs one, and refusing it removes entity
   expansion (billion laughs) and external entities (XXE) whatever parser runs later.

The declared sizes can lie, but `zipfile` never inflates an entry past its declared size, so the
limits hold for what openpyxl actually reads. openpyxl itself parses defensively too: it uses
defusedxml's `iterparse` for worksheets whenever defusedxml is installed (`openpyxl.DEFUSEDXML`)
and, with lxml present, an lxml parser with `resolve_entities=False` for the other parts;
`open_workbook` refuses to run if defusedxml is missing.

Writing (`write_xlsx`): openpyxl write-only mode, bold Chinese header row, column widths, frozen
header, text format ('@') for identifier columns, and every string that a spreadsheet would run
as a formula (starting with = + - @, or tab / carriage return) prefixed with an apostrophe.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import FileResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class UnsafeWorkbook(ValueError):
    """An upload that will not be opened; str(error) is a Chinese explanation."""


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 1000
    max_total_uncompressed: int = 100 * 1024 * 1024
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
) -> None:
    """Raise UnsafeWorkbook (Chinese message) unless `data` looks like a harmless .xlsx."""
    name = (file_name or "").strip().lower()
    if len(data) > max_bytes:
        raise UnsafeWorkbook(f"文件大小为 {_mb(len(data))}，超过了 {_mb(max_bytes)} 的上限。")
    if not data:
        raise UnsafeWorkbook("文件是空的，请重新选择。")
    if name.endswith(".xls") or name.endswith(".et"):
        raise UnsafeWorkbook(
            "不支持旧版 Excel 格式（.xls）。请在 Excel 或 WPS 中打开，"
            "选择“另存为”→“Excel 工作簿（*.xlsx）”后再上传。"
        )
    if not name.endswith(".xlsx"):
        raise UnsafeWorkbook("只能上传 Excel 工作簿（.xlsx 文件）。")
    if data.startswith(OLE2_MAGIC):
        raise UnsafeWorkbook(
            "文件实际是旧版 .xls 格式，或设置了打开密码。请取消密码，"
            "并“另存为”Excel 工作簿（*.xlsx）后再上传。"
        )
    if not data.startswith(ZIP_MAGIC):
        raise UnsafeWorkbook("文件内容不是 Excel 工作簿（.xlsx），可能只是改了扩展名，请检查文件。")
    _inspect_zip(data, limits)


def _inspect_zip(data: bytes, limits: ZipLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UnsafeWorkbook(
            "文件已损坏，无法打开。请在 Excel 中打开确认后重新保存再上传。"
        ) from None
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
                raise UnsafeWorkbook("文件设置了密码或被加密，请取消密码后再上传。")
            total += info.file_size
            if total > limits.max_total_uncompressed:
                raise UnsafeWorkbook(
                    f"文件结构异常：解压后超过 {_mb(limits.max_total_uncompressed)}，"
                    "疑似“压缩炸弹”，已拒绝。"
                )
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
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    with archive.open(info) as fh:
                        head = fh.read(4096)
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                    raise UnsafeWorkbook(
                        "文件已损坏，无法打开。请在 Excel 中打开确认后重新保存再上传。"
                    ) from None
                if _DOCTYPE.search(head):
                    raise UnsafeWorkbook("文件包含不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝。")


def open_workbook(data: bytes) -> Any:
    """Open checked bytes read-only (values, not formulas). Call `check_upload` first."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise RuntimeError("defusedxml must be installed before parsing uploaded workbooks")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types on malformed input
        raise UnsafeWorkbook(
            "文件已损坏或不是标准的 Excel 工作簿，无法读取。请在 Excel 中另存为 .xlsx 后再上传。"
        ) from None


# --- Writing -----------------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """Make a string inert in a spreadsheet: '=1+1' → "'=1+1". Other types pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
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
