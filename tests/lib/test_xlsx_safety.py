"""Uploaded workbooks are checked before openpyxl parses them; written workbooks cannot run
formulas. Each refusal has its own Chinese message."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook, load_workbook

from guazhi.lib.xlsx import (
    Column,
    Sheet,
    UnsafeWorkbook,
    ZipLimits,
    check_upload,
    neutralise,
    open_workbook,
    write_xlsx,
)

MB = 1024 * 1024


def _workbook_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["王芳", "110105198504120030"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes], *, with_workbook_parts: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        if with_workbook_parts:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _refused(data: bytes, name: str = "名册.xlsx", **kwargs) -> str:
    kwargs.setdefault("max_bytes", 10 * MB)
    with pytest.raises(UnsafeWorkbook) as exc:
        check_upload(name, data, **kwargs)
    return str(exc.value)


def test_a_real_workbook_passes_and_opens():
    data = _workbook_bytes()
    check_upload("名册.XLSX", data, max_bytes=MB)
    wb = open_workbook(data)
    rows = list(wb.active.iter_rows(values_only=True))
    wb.close()
    assert rows == [("姓名", "身份证号"), ("王芳", "110105198504120030")]


def test_size_cap():
    assert _refused(b"PK\x03\x04" + b"\0" * 2000, max_bytes=1000) == (
        "文件大小为 2 KB，超过了 1 KB 的上限。"
    )
    assert "10.5 MB" in _refused(b"\0" * (21 * MB // 2), max_bytes=10 * MB)
    message = _refused(b"\0" * (3 * MB), max_bytes=2 * MB)
    assert message == "文件大小为 3 MB，超过了 2 MB 的上限。"


def test_empty_file():
    assert _refused(b"") == "文件是空的，请重新选择。"


def _xls_bytes() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("名册").write(0, 0, "姓名")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _encrypted_xlsx() -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_workbook_bytes())).encrypt("guazhi2026", out)
    return out.getvalue()


def test_ole2_files_are_told_apart_by_their_streams():
    # An .xlsx with an opening password is an OLE2 file holding an "EncryptedPackage" stream.
    encrypted = _encrypted_xlsx()
    assert encrypted.startswith(b"\xd0\xcf\x11\xe0")
    assert "文件设置了打开密码（已加密）" in _refused(encrypted, "名册.xlsx")
    assert "取消打开密码" in _refused(encrypted, "名册.xls")
    # An old .xls (or WPS .et) holds a "Workbook" stream: accepted, read by xlrd.
    xls = _xls_bytes()
    assert check_upload("名册.xls", xls, max_bytes=MB) == "xls"
    assert check_upload("名册.et", xls, max_bytes=MB) == "xls"
    assert check_upload("名册.xlsx", xls, max_bytes=MB) == "xls"  # told by content
    # A compound file without a workbook stream: a Word document, say, or WPS's own format.
    other = xls.replace("Workbook".encode("utf-16-le"), "Document".encode("utf-16-le"))
    assert "不是 Excel 工作簿（可能是 Word 文档" in _refused(other, "名册.xls")
    assert "WPS 表格专用格式" in _refused(other, "名册.et")
    # A truncated one is damaged, and said so.
    assert "文件已损坏" in _refused(xls[:700], "名册.xls")


def test_extension_and_magic_bytes():
    only = "只能上传 Excel 工作簿（.xlsx 或旧版 .xls 文件，WPS 表格 .et 文件）。"
    assert _refused(_workbook_bytes(), "名册.zip") == only
    assert _refused(_workbook_bytes(), "名册") == only
    assert check_upload("名册.xls", _workbook_bytes(), max_bytes=MB) == "xlsx"  # told by content
    assert "可能只是改了扩展名" in _refused(b"<html>not a workbook</html>")


def test_corrupt_zip():
    assert "文件已损坏" in _refused(b"PK\x03\x04" + b"garbage" * 50)
    truncated = _workbook_bytes()[:-200]
    assert "文件已损坏" in _refused(truncated)


def test_zip_that_is_not_a_workbook():
    assert "缺少工作簿结构" in _refused(_zip({"a.txt": b"x"}, with_workbook_parts=False))


def test_too_many_entries():
    data = _zip({f"xl/media/image{i}.bin": b"x" for i in range(1001)})
    message = _refused(data)
    assert "压缩包内有 1003 个部件，超过 1000 个的上限" in message


def test_total_uncompressed_size():
    data = _zip({"xl/worksheets/sheet1.xml": b"<a/>" * 100_000})  # 400 KB
    limits = ZipLimits(max_total_uncompressed=100_000)
    message = _refused(data, limits=limits)
    assert "解压后超过 98 KB" in message and "压缩炸弹" in message


def test_compression_ratio_bomb():
    data = _zip({"xl/worksheets/sheet1.xml": b"\0" * (8 * MB)})  # ~1000:1
    assert len(data) < 100_000
    message = _refused(data)
    assert "部件“xl/worksheets/sheet1.xml”的压缩比为" in message
    assert "超过 100:1" in message


@pytest.mark.parametrize(
    "entry", ["../evil.xml", "xl/../../evil.xml", "/etc/passwd", "..\\evil.xml", "C:/evil.xml"]
)
def test_path_traversal_and_absolute_names(entry):
    assert "包含非法路径" in _refused(_zip({entry: b"<a/>"}))


def test_doctype_and_entities_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<sst><si><t>&lol2;</t></si></sst>"
    )
    message = _refused(_zip({"xl/sharedStrings.xml": bomb}))
    assert message == "文件包含不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝。"
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    assert "DOCTYPE" in _refused(_zip({"docProps/core.xml": xxe}))


def test_encrypted_entries_are_refused():
    data = bytearray(_zip({"xl/worksheets/sheet1.xml": b"<a/>"}))
    # Set the "encrypted" flag bit on every central directory record.
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) != -1:
        data[offset + 8] |= 0x1
        offset += 4
    assert "文件设置了打开密码" in _refused(bytes(data))


def test_openpyxl_parses_with_defusedxml():
    # openpyxl switches to defusedxml by itself when it is installed; we rely on it as a second
    # line of defence behind the DOCTYPE check.
    from defusedxml.ElementTree import iterparse as safe_iterparse
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse is safe_iterparse


def test_malformed_xml_inside_a_valid_zip():
    data = _zip({"xl/_rels/workbook.xml.rels": b"<not closed"})
    check_upload("名册.xlsx", data, max_bytes=MB)
    with pytest.raises(UnsafeWorkbook, match="文件已损坏或不是标准的 Excel 工作簿"):
        open_workbook(data)


# --- Writing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("镇党委副书记", "镇党委副书记"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_write_xlsx_neutralises_formulas_and_formats_columns():
    data = write_xlsx(
        [
            Sheet(
                "名册",
                [Column("姓名", 10), Column("身份证号", 21, text=True), Column("备注", 30)],
                [
                    ["王芳", "110105198504120030", '=HYPERLINK("http://evil","点击")'],
                    ["-李四", "138****5678", "@SUM(1+1)*cmd|' /C calc'!A0"],
                    ["张三", None, 42],
                ],
            )
        ]
    )
    wb = load_workbook(io.BytesIO(data))
    ws = wb["名册"]
    assert [c.value for c in ws[1]] == ["姓名", "身份证号", "备注"]
    assert ws["A1"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 21
    assert ws["B2"].number_format == "@"
    assert ws["C2"].value == '\'=HYPERLINK("http://evil","点击")'
    assert ws["C2"].data_type == "s"
    assert ws["A3"].value == "'-李四"
    assert ws["C3"].value.startswith("'@")
    assert ws["C4"].value == 42
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
