"""Hostile files, generated in the test (nothing binary is committed): zip bombs flat and nested,
XML bombs and external entities (also UTF-16, also past the first 4 KB), traversal names, and
small mutations of real files (truncated, bit-flipped).

Each builder returns bytes shaped as the format it attacks: an .xlsx (workbook parts present, so
the attack is what gets refused, not the file's shape), a .docx, or a plain .zip of essays.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable

from docx import Document
from openpyxl import Workbook

XLSX_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheets/></workbook>"
)
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
PAD = " " * 5000  # whitespace is legal between the XML declaration and the DOCTYPE


def real_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "手机号"])
    ws.append(["张建国", "110105198504120014", "13812345678"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def real_docx(paragraphs: int = 3) -> bytes:
    document = Document()
    document.add_heading("挂职锻炼心得体会", level=0)
    for i in range(paragraphs):
        document.add_paragraph(
            f"组织首轮走访企业 {698 + i} 家，逐户建立问题清单，协调解决融资、用工等问题。" * 3
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _replace_parts(
    data: bytes, parts: dict[str, bytes], extra: dict[str, bytes] | None = None
) -> bytes:
    """A copy of the zip `data` with some parts replaced and others added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, parts.get(info.filename, source.read(info)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _xml(doctype: str, body: str, *, encoding: str = "utf-8", pad: bool = False) -> bytes:
    label = "UTF-16" if encoding == "utf-16" else "UTF-8"
    text = f'<?xml version="1.0" encoding="{label}"?>' + (PAD if pad else "") + doctype + body
    return text.encode(encoding)  # utf-16 writes a BOM


# --- XML attacks, in the part each format parses ------------------------------------------


def xml_variants() -> dict[str, tuple[str, str, bool]]:
    """name → (doctype, entity reference, utf-16, past 4 KB) of each XML attack."""
    variants = {}
    for attack, doctype, ref in (
        ("billion-laughs", BILLION_LAUGHS, "&lol9;"),
        ("external-entity", EXTERNAL_ENTITY, "&xxe;"),
    ):
        for encoding in ("utf-8", "utf-16"):
            for pad in (False, True):
                variants[f"{attack}-{encoding}{'-past-4k' if pad else ''}"] = (
                    doctype,
                    ref,
                    encoding,
                    pad,
                )
    return variants


def xlsx_with_xml_attack(doctype: str, ref: str, encoding: str, pad: bool) -> bytes:
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        f'uniqueCount="1"><si><t>{ref}</t></si></sst>'
    )
    workbook = XLSX_WORKBOOK.split("?>", 1)[1]
    return _replace_parts(
        real_xlsx(),
        {"xl/workbook.xml": _xml(doctype, workbook, encoding=encoding, pad=pad)},
        {"xl/sharedStrings2.xml": _xml(doctype, shared, encoding=encoding, pad=pad)},
    )


def docx_with_xml_attack(doctype: str, ref: str, encoding: str, pad: bool) -> bytes:
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>挂职心得{ref}</w:t></w:r></w:p></w:body></w:document>"
    )
    return _replace_parts(
        real_docx(), {"word/document.xml": _xml(doctype, body, encoding=encoding, pad=pad)}
    )


# --- zip bombs --------------------------------------------------------------------------------


def _zeros_entry(archive: zipfile.ZipFile, name: str, size: int) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as fh:
        block = b"\0" * (1024 * 1024)
        for _ in range(size // len(block)):
            fh.write(block)


def flat_bomb(base: bytes, part: str, megabytes: int = 300) -> bytes:
    """`base` with `part` replaced by `megabytes` of zeros (about 1000:1)."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info.filename, source.read(info))
        _zeros_entry(target, part, megabytes * 1024 * 1024)
    return out.getvalue()


def many_small_bombs(base: bytes, count: int = 200, megabytes: int = 1) -> bytes:
    """Many parts of 1 MB zeros each: each under a per-entry check alone, too much together."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        for i in range(count):
            _zeros_entry(target, f"xl/media/pad{i}.xml", megabytes * 1024 * 1024)
    return out.getvalue()


def nested_bomb(base: bytes, part: str, *, width: int = 8, depth: int = 2) -> bytes:
    """Zips of zips (42.zip-like): the innermost holds 16 MB of zeros; each level holds `width`
    copies of the one below. Placed under a workbook or document part's name."""
    layer = io.BytesIO()
    with zipfile.ZipFile(layer, "w", zipfile.ZIP_DEFLATED) as z:
        _zeros_entry(z, "zeros.txt", 16 * 1024 * 1024)
    data = layer.getvalue()
    for _ in range(depth):
        nxt = io.BytesIO()
        with zipfile.ZipFile(nxt, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(width):
                z.writestr(f"{i}.zip", data)
        data = nxt.getvalue()
    return _replace_parts(base, {part: data}) if part else data


def too_many_entries(base: bytes, count: int = 5000) -> bytes:
    return _replace_parts(base, {}, {f"x/{i}.xml": b"<a/>" for i in range(count)})


# --- traversal names --------------------------------------------------------------------------

TRAVERSAL_NAMES = (
    "../../evil.xml",
    "/etc/cron.d/evil.xml",
    "..\\..\\evil.xml",
    "C:\\evil.xml",
    "a/../../evil.xml",
)


def with_entry(base: bytes, name: str, content: bytes = b"<a/>") -> bytes:
    return _replace_parts(base, {}, {name: content})


# --- mutations of real files ------------------------------------------------------------------


def mutations(data: bytes, seed: int, count: int = 12) -> list[bytes]:
    """Truncations and bit flips of `data`, reproducible by seed."""
    rng = random.Random(seed)
    out = [data[: len(data) * k // 8] for k in range(1, 8)]
    for _ in range(count):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(flipped))
            flipped[i] ^= 1 << rng.randrange(8)
        out.append(bytes(flipped))
    # A span overwritten (a damaged sector) and the central directory cut off.
    start = rng.randrange(len(data) // 2)
    out.append(data[:start] + bytes(rng.randrange(256) for _ in range(512)) + data[start + 512 :])
    out.append(data[: data.rfind(b"PK\x01\x02")] if b"PK\x01\x02" in data else data[:-22])
    return out


Builder = Callable[[], bytes]
