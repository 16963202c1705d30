"""Many rendered documents in one .zip, with progress: the batch export of a cohort's writings.

    result = zip_documents(
        ((f"{w.cadre_name}-{w.title}.docx", partial(render_writing, w)) for w in writings),
        path=job_result_path,
        total=len(writings),
        progress=lambda done, total: job.set_progress(done * 100 // total, f"{done}/{total}"),
    )

Each item is a file name and either its bytes or a function returning them, called when the
item's turn comes, so only one document is held in memory at a time.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field
from pathlib import Path

from guazhi.lib.office import OfficeError

__all__ = ["FAILURES_NAME", "ZipResult", "safe_name", "zip_documents"]

Content = bytes | Callable[[], bytes]
Progress = Callable[[int, int], None]

FAILURES_NAME = "未能导出的文件.txt"
# Characters Windows forbids in file names, and path separators: a name must not climb out of
# the folder the user extracts into.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_MAX_NAME = 120  # characters; Windows paths stop at 260 and the user extracts somewhere deep
# Already compressed: storing them saves time and loses nothing.
_STORED = {".docx", ".xlsx", ".pdf", ".zip", ".jpg", ".jpeg", ".png"}


@dataclass
class ZipResult:
    path: Path
    written: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file name, message)


def safe_name(name: str, default: str = "未命名") -> str:
    """A file name that extracts safely on Windows and Linux.

    >>> safe_name("../张三/挂职总结:终稿.docx")
    '_张三_挂职总结_终稿.docx'
    >>> safe_name("  ...  ")
    '未命名'
    """
    name = unicodedata.normalize("NFC", name)
    name = _FORBIDDEN.sub("_", name).strip(" .")
    if not name:
        return default
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 8:
        stem, suffix = name, ""
    suffix = f".{suffix}" if suffix else ""
    return stem[: _MAX_NAME - len(suffix)].rstrip(" .") + suffix


def _unique(name: str, used: set[str]) -> str:
    # Two cadres can share a name and title; the second gets "(2)" as Windows would name it.
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem} ({n}){'.' + suffix if suffix else ''}"
    used.add(candidate.casefold())
    return candidate


def zip_documents(
    items: Iterable[tuple[str, Content]],
    path: str | os.PathLike[str] | None = None,
    *,
    total: int | None = None,
    progress: Progress | None = None,
) -> ZipResult:
    """Write the items into a .zip at `path` (a new temporary file when None).

    `progress(done, total)` is called when the whole-percent figure changes and at the end
    (total 0 when unknown). A document that cannot be rendered for a reason the user can act on
    (OfficeError: LibreOffice missing, a timeout) is listed with its reason in
    "未能导出的文件.txt" inside the zip and the rest are still written; when every one fails the
    first error is raised instead of producing an empty archive. Any other exception is a bug
    and propagates. The archive appears at `path` only when complete.
    """
    if total is None and isinstance(items, Sized):
        total = len(items)
    total = total or 0
    if path is None:
        handle, name = tempfile.mkstemp(prefix="guazhi-", suffix=".zip")
        os.close(handle)
        target = Path(name)
    else:
        target = Path(path)
    partial = target.with_name(target.name + ".part")
    result = ZipResult(path=target)
    used: set[str] = set()
    first_error: OfficeError | None = None
    done, reported = 0, -1
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for raw_name, content in items:
                name = _unique(safe_name(raw_name), used)
                try:
                    data = content() if callable(content) else content
                except OfficeError as error:
                    result.failures.append((name, str(error)))
                    first_error = first_error or error
                else:
                    stored = Path(name).suffix.lower() in _STORED
                    archive.writestr(
                        name,
                        data,
                        compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
                    )
                    result.written += 1
                done += 1
                percent = done * 100 // total if total else done
                if progress is not None and percent != reported:
                    reported = percent
                    progress(done, total)
            if first_error is not None and result.written == 0:
                raise first_error
            if result.failures:
                lines = [f"{name}：{message}" for name, message in result.failures]
                archive.writestr(FAILURES_NAME, "\r\n".join(lines) + "\r\n")
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        if path is None:
            target.unlink(missing_ok=True)
        raise
    if progress is not None and reported == -1:  # no items: the caller still hears the end
        progress(done, total)
    return result
