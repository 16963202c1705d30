"""Shared helpers of the ledger tests: entry data and test images."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from PIL import Image

from guazhi.ledger.actions import EntryData
from guazhi.ledger.models import Category, FigureField


def category(name: str = "企业帮扶") -> Category:
    return Category.objects.get(name=name)


def figure(key: str, category_name: str = "企业帮扶") -> FigureField:
    return FigureField.objects.get(category__name=category_name, key=key)


def entry_data(**overrides: object) -> EntryData:
    values: dict[str, object] = {
        "date": date(2026, 5, 6),
        "category": category(),
        "title": "走访园区企业",
        "text": "走访工业园区企业 12 家，了解用工和融资需求。",
        "figures": {figure("enterprises_visited"): Decimal("12")},
    }
    values.update(overrides)
    return EntryData(**values)  # type: ignore[arg-type]


def jpeg(
    *, gps: bool = False, taken: str | None = None, size: tuple[int, int] = (800, 600)
) -> bytes:
    """A JPEG photo, optionally with EXIF DateTimeOriginal and a GPS position."""
    image = Image.new("RGB", size, (40, 120, 60))
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        block = exif.get_ifd(0x8825)
        block[1] = "N"
        block[2] = (30.0, 35.0, 12.0)
        block[3] = "E"
        block[4] = (114.0, 17.0, 5.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    exif = Image.open(io.BytesIO(data)).getexif()
    return 0x8825 in exif or bool(exif.get_ifd(0x8825))
