"""Where the originality index lives and who may change it: the one module that knows.

The index (`guazhi.originality.OriginalityIndex`) sits in GUAZHI_ORIGINALITY_DIR (by default
`<data dir>/originality/index`). Every use goes through `open_index()`, which takes an exclusive
file lock (`.lock` beside it), loads the index, yields it and saves it again on success: checks,
corpus uploads and rebuilds run in several processes (web workers, `db_worker`), and the lock
makes them one writer at a time. Only background tasks and admin actions open it; no page view
does, so readers never wait on it.

What the index holds (document ids): "r<pk>" for every reference text not removed, and "v<pk>"
for the latest submitted version of every writing. A missing or unreadable index is rebuilt from
the database under the same lock, so deleting the directory is always safe.

When the engine ships its own shared store (one writer, readers reloading on change), this module
is the one place to switch.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from guazhi.originality import CheckResult, OriginalityIndex
from guazhi.writings.models import WritingVersion

logger = logging.getLogger(__name__)

LOCK_TIMEOUT = 120.0


class IndexBusy(Exception):
    """Another process held the index for longer than the timeout."""


def index_dir() -> Path:
    return Path(settings.GUAZHI_ORIGINALITY_DIR)


def version_id(pk: int) -> str:
    return f"v{pk}"


def reference_id(pk: int) -> str:
    return f"r{pk}"


def parse_id(doc_id: str) -> tuple[str, int]:
    """("v", 17) for "v17": the kind of source and its primary key."""
    return doc_id[:1], int(doc_id[1:])


def latest_submissions() -> QuerySet[WritingVersion]:
    """Every writing's latest submitted version: what the index holds of the writings."""
    newer = WritingVersion.objects.filter(
        writing_id=OuterRef("writing_id"), is_submission=True, number__gt=OuterRef("number")
    )
    return WritingVersion.objects.filter(is_submission=True).exclude(Exists(newer))


def corpus_documents() -> Iterator[tuple[str, str]]:
    """(id, text) of everything the index should hold, read from the database."""
    from guazhi.similarity.models import ReferenceText

    for ref_pk, text in ReferenceText.objects.active().values_list("pk", "text").iterator(500):
        yield reference_id(ref_pk), text
    for pk, text in latest_submissions().values_list("pk", "text").iterator(500):
        yield version_id(pk), text


def build(documents: Iterable[tuple[str, str]] | None = None) -> OriginalityIndex:
    index = OriginalityIndex()
    index.add_many(corpus_documents() if documents is None else documents, merge=False)
    return index


def engine_info(index: OriginalityIndex) -> dict[str, Any]:
    """What a report records about the engine that produced it."""
    normalizer = index.normalizer
    saved = getattr(normalizer, "saved_form", None)
    config = saved() if callable(saved) else asdict(normalizer.config)
    return {
        "params": asdict(index.params),
        "normalizer": {k: v for k, v in config.items() if k != "boilerplate"},
        "boilerplate_patterns": len(config.get("boilerplate", ())),
        "documents": len(index),
    }


@contextlib.contextmanager
def _locked(timeout: float) -> Iterator[None]:
    folder = index_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy("查重比对库正被其他任务占用，请稍后重试。") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _load_or_build(path: Path) -> OriginalityIndex:
    if (path / "meta.json").is_file():
        try:
            return OriginalityIndex.load(path)
        except (OSError, ValueError, KeyError, TypeError):
            # A different format or normaliser, or a torn copy: the database is the truth.
            logger.warning("originality index at %s unreadable; rebuilding", path, exc_info=True)
    return build()


@contextlib.contextmanager
def open_index(
    *,
    timeout: float = LOCK_TIMEOUT,
    rebuild: bool = False,
    documents: Iterable[tuple[str, str]] | None = None,
) -> Iterator[OriginalityIndex]:
    """The index, held exclusively; saved when the block ends without an exception. With
    `rebuild` it is built afresh, from `documents` or else from the database."""
    path = index_dir() / "index"
    with _locked(timeout):
        index = build(documents) if rebuild else _load_or_build(path)
        yield index
        index.save(path)


def reset(documents: Iterable[tuple[str, str]]) -> int:
    """Replace the index with exactly these documents (the demo checks its writings in the
    order they were submitted, starting from the reference corpus alone)."""
    with open_index(rebuild=True, documents=documents) as index:
        return len(index)


def rebuild() -> int:
    """Rebuild the index from the database; returns the number of documents."""
    with open_index(rebuild=True) as index:
        return len(index)


def index_exists() -> bool:
    return (index_dir() / "index" / "meta.json").is_file()


def index_size_on_disk() -> int:
    folder = index_dir() / "index"
    if not folder.is_dir():
        return 0
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


__all__ = [
    "CheckResult",
    "IndexBusy",
    "OriginalityIndex",
    "build",
    "corpus_documents",
    "engine_info",
    "index_dir",
    "latest_submissions",
    "open_index",
    "parse_id",
    "rebuild",
    "reference_id",
    "version_id",
]
