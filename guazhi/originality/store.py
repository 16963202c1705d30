"""An index directory shared by several processes: one writer at a time, readers reload on change.

Layout of the directory::

    lock                  a writer holds an exclusive fcntl lock on it for a whole update
    CURRENT               the name of the published generation ("g00000007"), replaced atomically
    g00000007/            a complete saved index (hashes/docs/pos .npy, meta.json), never changed
    g00000008.tmp-<pid>/  a generation being written; never read, removed by the next writer

A writer loads the published generation (memory-mapped), applies its additions and removals
(only the new documents are fingerprinted; their postings are merged into the sorted arrays),
writes a new generation beside it, fsyncs every file and the directory, and only then replaces
CURRENT. A crash at any point leaves CURRENT naming a complete generation. Readers compare
CURRENT's inode on every query (one stat call) and load the new generation, memory-mapped, when
it changed; the previous generations stay on disk (``keep``) so a reader that is opening one
as it is superseded finds its files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .index import OriginalityIndex, Params
from .match import CheckResult
from .normalize import Normalizer

_CURRENT = "CURRENT"
_LOCK = "lock"
_PREFIX = "g"


class StoreBusy(TimeoutError):
    """Another process held the writer lock for longer than the timeout."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _generation_number(name: str) -> int:
    digits = name[len(_PREFIX) :].split(".", 1)[0]
    return int(digits) if name.startswith(_PREFIX) and digits.isdigit() else -1


class OriginalityStore:
    """The index of one directory, for readers and (one at a time) writers.

    ``params`` and ``normalizer`` shape the first generation; later ones keep the saved
    configuration (see ``OriginalityIndex.load``). Thread-safe within a process.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        params: Params | None = None,
        normalizer: Normalizer | None = None,
        keep: int = 2,
        lock_timeout: float = 120.0,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.params = params
        self.normalizer = normalizer
        self.keep = max(1, keep)
        self.lock_timeout = lock_timeout
        self._mutex = threading.Lock()
        self._index: OriginalityIndex | None = None
        self._seen: tuple[int, int] | None = None  # (inode, mtime) of CURRENT when loaded
        self._generation: str | None = None

    # -- reading ---------------------------------------------------------------------------

    def _current(self) -> tuple[str | None, tuple[int, int] | None]:
        path = self.directory / _CURRENT
        try:
            st = os.stat(path)
            name = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None, None
        return name, (st.st_ino, st.st_mtime_ns)

    @property
    def generation(self) -> str | None:
        """The published generation's name (None before the first write)."""
        return self._current()[0]

    def index(self) -> OriginalityIndex:
        """The index of the published generation, reloaded when a writer published a new one."""
        with self._mutex:
            try:
                stamp: tuple[int, int] | None = self._stat_current()
            except FileNotFoundError:
                stamp = None
            if self._index is None or stamp != self._seen:
                self._reload()
            assert self._index is not None
            return self._index

    def _stat_current(self) -> tuple[int, int]:
        st = os.stat(self.directory / _CURRENT)
        return st.st_ino, st.st_mtime_ns

    def _reload(self) -> None:
        for _attempt in range(10):
            name, stamp = self._current()
            try:
                self._index = self._open(name)
            except FileNotFoundError:
                # superseded and removed between reading CURRENT and opening it: read again
                time.sleep(0.01)
                continue
            self._generation, self._seen = name, stamp
            return
        raise RuntimeError(f"could not open a generation of {self.directory}")

    def _open(self, name: str | None, *, mmap: bool = True) -> OriginalityIndex:
        if name is None:
            return OriginalityIndex(self.params, self.normalizer)
        return OriginalityIndex.load(self.directory / name, mmap=mmap, normalizer=self.normalizer)

    def check(
        self, text: str, *, exclude_id: str | None = None, exclude_ids: Iterable[str] = ()
    ) -> CheckResult:
        return self.index().check(text, exclude_id=exclude_id, exclude_ids=exclude_ids)

    def __len__(self) -> int:
        return len(self.index())

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.index()

    @property
    def ids(self) -> list[str]:
        return self.index().ids

    # -- writing ---------------------------------------------------------------------------

    def add(self, doc_id: str, text: str) -> str:
        """Index one document (an existing id is replaced) and publish; returns the generation."""
        return self.update(add=[(doc_id, text)])

    def add_many(self, docs: Iterable[tuple[str, str]]) -> str:
        return self.update(add=docs)

    def remove(self, *doc_ids: str) -> str:
        return self.update(remove=doc_ids)

    def update(self, *, add: Iterable[tuple[str, str]] = (), remove: Iterable[str] = ()) -> str:
        """Apply removals, then additions, as one new generation; returns its name.

        Each call writes a whole generation (the arrays are rewritten, O(index size) on disk),
        so callers batch their changes where they can. Raises ``IncompatibleIndex`` when the
        published generation cannot be read with this store's normaliser: ``replace`` it."""
        with self._writer_lock():
            current, _stamp = self._current()
            self._clean(current)
            index = self._open(current)
            for doc_id in remove:
                index.remove(doc_id)
            index.add_many(add)
            return self._publish(index, current)

    def replace(self, docs: Iterable[tuple[str, str]]) -> str:
        """Publish a generation holding exactly ``docs`` (a rebuild), whatever the published
        one holds or whether it can be read at all. ``docs`` is consumed under the writer lock,
        so a lazy reader of the documents' source sees every change published before."""
        with self._writer_lock():
            current, _stamp = self._current()
            self._clean(current)
            index = OriginalityIndex(self.params, self.normalizer)
            index.add_many(docs, merge=False)
            return self._publish(index, current)

    def _publish(self, index: OriginalityIndex, current: str | None) -> str:
        """Under the writer lock: save ``index`` as the next generation and point CURRENT at it."""
        number = max([0, *self._numbers(), _generation_number(current or "")]) + 1
        name = f"{_PREFIX}{number:08d}"
        tmp = self.directory / f"{name}.tmp-{os.getpid()}"
        index.save(tmp, fsync=True)
        _fsync_dir(tmp)
        self._step("saved")
        os.rename(tmp, self.directory / name)
        _fsync_dir(self.directory)
        self._step("renamed")
        pointer = self.directory / f"{_CURRENT}.tmp-{os.getpid()}"
        with pointer.open("w", encoding="ascii") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(pointer, self.directory / _CURRENT)
        _fsync_dir(self.directory)
        self._step("published")
        self._clean(name)
        return name

    def _step(self, name: str) -> None:
        """Hook between the steps of a publication (tests stop a writer here)."""

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        # The directory may have been deleted to start afresh since this store was made.
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / _LOCK).open("a") as f:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy(f"{self.directory} is locked by another writer") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def _numbers(self) -> list[int]:
        return [_generation_number(p.name) for p in self.directory.iterdir() if p.is_dir()]

    def _clean(self, current: str | None) -> None:
        """Under the writer lock: drop what a crashed writer left (temporary directories, a
        generation renamed but never published) and generations older than ``keep``."""
        published = _generation_number(current or "")
        kept = sorted((n for n in self._numbers() if 0 <= n <= published), reverse=True)[
            : self.keep
        ]
        for path in self.directory.iterdir():
            if path.is_dir() and _generation_number(path.name) >= 0:
                stale = ".tmp-" in path.name or _generation_number(path.name) not in kept
                if stale:
                    shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(f"{_CURRENT}.tmp-"):
                path.unlink(missing_ok=True)
