"""Parsing an upload is bounded in size and time, whatever its compression ratio: the XML that
would be parsed is measured as it is inflated, and markup that makes a parser crawl (a 40 MB
comment took 47 s, holding the database's write lock) is refused before openpyxl sees it."""

from __future__ import annotations

import io
import os
import random
import time
import zipfile

import pytest
from roster.xlsx_factory import build_roster_xlsx, demo_rows

from guazhi.lib.xlsx import UnsafeWorkbook, ZipLimits, check_upload

MB = 1024 * 1024


def _rebuild(data: bytes, part: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def _refused_quickly(data: bytes, **kwargs) -> str:
    started = time.monotonic()
    with pytest.raises(UnsafeWorkbook) as exc:
        check_upload("名册.xlsx", data, max_bytes=10 * MB, **kwargs)
    assert time.monotonic() - started < 5
    return str(exc.value)


def _filler(size: int) -> bytes:
    """Text that compresses about 7:1, well under the ratio cap: one random bit per byte."""
    return os.urandom(size).translate(bytes(b"xy"[i & 1] for i in range(256)))


@pytest.fixture(scope="module")
def roster() -> bytes:
    return build_roster_xlsx(demo_rows(50))


def test_a_realistic_5000_row_roster_passes_quickly():
    data = build_roster_xlsx(demo_rows(5000))
    started = time.monotonic()
    assert check_upload("名册.xlsx", data, max_bytes=10 * MB) == "xlsx"
    assert time.monotonic() - started < 3


def test_small_file_expanding_to_40_mb_of_cells_is_refused(roster):
    # Under the 100:1 ratio cap and the 100 MB total, but far more XML than any roster needs.
    rnd = random.Random(1)
    cells = b"".join(
        b'<row r="%d">' % r
        + b"".join(b'<c r="A%d" s="1"><v>%d</v></c>' % (r, rnd.randrange(10)) for _ in range(60))
        + b"</row>"
        for r in range(100, 21_000)
    )
    data = _rebuild(
        roster,
        "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b"</sheetData>", cells + b"</sheetData>"),
    )
    assert len(data) < 5 * MB
    message = _refused_quickly(data)
    assert "解压后的表格数据超过了上限" in message


def test_xml_beyond_the_parsing_budget_is_refused_while_inflating(roster):
    padding = b"<row>" + _filler(2 * MB) + b"</row>"
    data = _rebuild(
        roster,
        "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b"</sheetData>", padding + b"</sheetData>"),
    )
    message = _refused_quickly(data, limits=ZipLimits(max_xml_uncompressed=MB))
    assert "解压后的表格数据超过了上限" in message and "5,000 行以内" in message


def test_a_long_xml_comment_is_refused_at_once(roster):
    # The case measured was 40 MB; the size does not matter, the opening "<!--" is refused.
    comment = b"<!--" + _filler(12 * MB) + b"-->"
    data = _rebuild(
        roster,
        "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b"<sheetData>", comment + b"<sheetData>"),
    )
    assert "XML 注释、CDATA 或处理指令" in _refused_quickly(data)


@pytest.mark.parametrize(
    "markup",
    [b"<![CDATA[" + b"x" * 1000 + b"]]>", b'<?evil x="' + b"<" * 100 + b'"?>'],
)
def test_cdata_and_processing_instructions_are_refused(roster, markup):
    data = _rebuild(
        roster,
        "xl/sharedStrings.xml" if False else "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b"<sheetData>", markup + b"<sheetData>"),
    )
    assert "XML 注释、CDATA 或处理指令" in _refused_quickly(data)


def test_an_overlong_tag_is_refused_even_across_chunks(roster):
    attribute = b'<c r="A1" x="' + _filler(3 * MB) + b'"/>'
    data = _rebuild(
        roster,
        "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b"<sheetData>", b"<sheetData>" + attribute),
    )
    assert "超长的 XML 标记" in _refused_quickly(data)


def test_a_doctype_far_into_a_part_is_found(roster):
    late = (
        b"<row>"
        + _filler(3 * MB)
        + b"</row>"
        + b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    )
    data = _rebuild(
        roster,
        "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b"<sheetData>", b"<sheetData>" + late),
    )
    assert "DOCTYPE/ENTITY" in _refused_quickly(data)
