"""Where the originality index lives and how the app reads and changes it: the one module that
knows.

The index is the engine's shared store (`guazhi.originality.OriginalityStore`) in
`GUAZHI_ORIGINALITY_DIR/store`: one writer at a time under its file lock, every other process
reading the published generation (memory-mapped) and reloading it when a writer publishes a
new one. Each process keeps one `OriginalityStore` per directory (`shared()`), so a check costs
one stat call to learn whether the index changed, not a load.

What the index holds (document ids): "r<pk>" for every reference text not removed, and "v<pk>"
for the latest submitted version of every writing. A missing, unreadable or incompatible index
(another format, normaliser or folding data) is rebuilt from the database (`rebuild()`), so
deleting the directory is always safe. Only background tasks, admin actions and the command
change it; no page view reads it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from guazhi.originality import (
    CheckResult,
    IncompatibleIndex,
    NormalizeConfig,
    OriginalityIndex,
    OriginalityStore,
    StoreBusy,
    normalizer_for,
)
from guazhi.writings.models import WritingVersion

logger = logging.getLogger(__name__)

LOCK_TIMEOUT = 120.0
BUSY_MESSAGE = "查重比对库正被其他任务占用，请稍后重试。"

_stores: dict[Path, OriginalityStore] = {}
_stores_lock = threading.Lock()


def index_dir() -> Path:
    return Path(settings.GUAZHI_ORIGINALITY_DIR)


def store_dir() -> Path:
    return index_dir() / "store"


def shared() -> OriginalityStore:
    """This process's store of the configured directory (it keeps the loaded generation)."""
    path = store_dir()
    with _stores_lock:
        found = _stores.get(path)
        if found is None:
            # The current normaliser, not the saved one: an index built with another
            # configuration raises IncompatibleIndex and is rebuilt, never silently queried.
            found = _stores[path] = OriginalityStore(
                path, normalizer=normalizer_for(NormalizeConfig()), lock_timeout=LOCK_TIMEOUT
            )
        return found


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


# The ways a published generation can fail to open: another format or normaliser
# (IncompatibleIndex is a ValueError), files removed by hand, a damaged meta.json.
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, RuntimeError)


def current_index() -> OriginalityIndex:
    """The published index for reading, rebuilt from the database first when there is none or
    it cannot be read. Raises StoreBusy if a rebuild is needed and another writer holds on."""
    store = shared()
    if store.generation is not None:
        try:
            return store.index()
        except _UNREADABLE:
            logger.warning(
                "originality index in %s unreadable; rebuilding", store_dir(), exc_info=True
            )
    rebuild()
    return store.index()


def update(*, add: Iterable[tuple[str, str]] = (), remove: Iterable[str] = ()) -> None:
    """Publish additions and removals; an index that cannot be read is rebuilt from the
    database instead (which already holds what was to be added)."""
    store = shared()
    if store.generation is None:
        rebuild()
        return
    add, remove = list(add), list(remove)
    try:
        store.update(add=add, remove=remove)
    except _UNREADABLE:
        logger.warning("originality index in %s unreadable; rebuilding", store_dir(), exc_info=True)
        rebuild()


def reset(documents: Iterable[tuple[str, str]]) -> int:
    """Replace the index with exactly these documents (the demo checks its writings in the
    order they were submitted, starting from the reference corpus alone)."""
    shared().replace(documents)
    return len(shared())


def rebuild() -> int:
    """Rebuild the index from the database; returns the number of documents. The documents
    are read under the writer lock, so nothing published meanwhile is lost."""
    return reset(corpus_documents())


def engine_info(index: OriginalityIndex, *, documents: int | None = None) -> dict[str, Any]:
    """What a report records about the engine that produced it (`documents`: how many the
    text was compared with)."""
    normalizer = index.normalizer
    saved = getattr(normalizer, "saved_form", None)
    config = saved() if callable(saved) else asdict(normalizer.config)
    return {
        "params": asdict(index.params),
        "normalizer": {k: v for k, v in config.items() if k != "boilerplate"},
        "boilerplate_patterns": len(config.get("boilerplate", ())),
        "documents": len(index) if documents is None else documents,
    }


def index_exists() -> bool:
    return shared().generation is not None


def index_size_on_disk() -> int:
    name = shared().generation
    folder = store_dir() / name if name else None
    if folder is None or not folder.is_dir():
        return 0
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


__all__ = [
    "BUSY_MESSAGE",
    "CheckResult",
    "IncompatibleIndex",
    "OriginalityIndex",
    "StoreBusy",
    "corpus_documents",
    "current_index",
    "engine_info",
    "index_dir",
    "latest_submissions",
    "parse_id",
    "rebuild",
    "reference_id",
    "reset",
    "shared",
    "store_dir",
    "update",
    "version_id",
]
