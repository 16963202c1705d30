"""Checking and preparing an uploaded attachment, before any database work.

The type is decided by the content (magic bytes), never by the name: a renamed program is
refused. Photos keep their EXIF time (拍摄时间, evidence of when the work was done); their GPS
position is stripped before storing unless the programme keeps it on purpose. Everything here
works on bytes and raises `UploadRefused` with a Chinese message; nothing touches the database.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
DATETIME = 0x0132
THUMBNAIL_SIZE = (480, 480)
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is plenty; more is a decompression bomb

ACCEPTED = "只能上传图片（JPEG、PNG、WebP）、PDF 或 Word（.docx）文件。"


class UploadRefused(ValueError):
    """An upload that cannot be kept; the message is for the user."""


@dataclass(frozen=True)
class PreparedFile:
    content: bytes
    kind: str  # "image" | "pdf" | "docx" (AttachmentKind values)
    content_type: str
    extension: str
    original_name: str
    sha256: str
    thumbnail: bytes | None = None  # JPEG, for images
    exif_time: datetime | None = None  # naive, as the camera wrote it
    gps_kept: bool = False


def sniff(data: bytes) -> tuple[str, str, str] | None:
    """(kind, content type, extension) from the first bytes, or None for anything else.

    >>> sniff(b"%PDF-1.7 ...")
    ('pdf', 'application/pdf', 'pdf')
    >>> sniff(b"MZ\\x90\\x00") is None
    True
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg", "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png", "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image", "image/webp", "webp"
    if data.startswith(b"%PDF-"):
        return "pdf", "application/pdf", "pdf"
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        )
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def prepare(data: bytes, name: str, *, max_bytes: int, keep_gps: bool) -> PreparedFile:
    """Check one upload and make what is stored: refuse wrong types and oversize files; for a
    photo, read its EXIF time, strip its GPS position (unless `keep_gps`) and make a thumbnail."""
    name = (name or "附件").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not data:
        raise UploadRefused(f"文件“{name}”是空的。")
    if len(data) > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise UploadRefused(f"文件“{name}”超过 {limit} MB，请压缩后再上传。")
    found = sniff(data)
    if found is None:
        raise UploadRefused(f"文件“{name}”的内容不是可接受的类型。{ACCEPTED}")
    kind, content_type, extension = found
    thumbnail = None
    exif_time = None
    gps_kept = False
    if kind == "image":
        data, thumbnail, exif_time, gps_kept = _prepare_image(data, name, keep_gps=keep_gps)
    return PreparedFile(
        content=data,
        kind=kind,
        content_type=content_type,
        extension=extension,
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnail=thumbnail,
        exif_time=exif_time,
        gps_kept=gps_kept,
    )


def _prepare_image(
    data: bytes, name: str, *, keep_gps: bool
) -> tuple[bytes, bytes, datetime | None, bool]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise UploadRefused(f"图片“{name}”的像素过大，请缩小后再上传。")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise UploadRefused(f"图片“{name}”已损坏或无法识别，请重新拍摄或另存后上传。") from None

    exif = image.getexif()
    exif_time = _exif_time(exif)
    has_gps = bool(exif.get_ifd(GPS_IFD)) or GPS_IFD in exif
    if has_gps and not keep_gps:
        data = _without_gps(image, exif)
    thumbnail = _thumbnail(image)
    return data, thumbnail, exif_time, has_gps and keep_gps


def _exif_time(exif: Image.Exif) -> datetime | None:
    raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if not raw:
        return None
    text = raw.decode("ascii", "ignore") if isinstance(raw, bytes) else str(raw)
    try:
        return datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _without_gps(image: Image.Image, exif: Image.Exif) -> bytes:
    """The image again without its GPS block; JPEGs keep their quantisation (no visible loss)."""
    exif.get_ifd(GPS_IFD).clear()
    del exif[GPS_IFD]
    out = io.BytesIO()
    if image.format == "JPEG":
        image.save(out, format="JPEG", quality="keep", exif=exif.tobytes())
    elif image.format == "WEBP":
        image.save(out, format="WEBP", quality=90, exif=exif.tobytes())
    else:
        image.save(out, format="PNG", exif=exif.tobytes())
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = ImageOps.exif_transpose(image.copy())
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode not in ("RGB", "L"):
        background = Image.new("RGB", thumb.size, "white")
        rgba = thumb.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        thumb = background
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80)
    return out.getvalue()
