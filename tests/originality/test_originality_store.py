"""The index store shared by server processes: incremental updates, restarts, one writer,
readers that reload on change, and crashes mid-write."""

import multiprocessing
import os
import signal
import time

import numpy as np
import pytest
from originality_testdata import synthetic

from guazhi.originality import IncompatibleIndex, OriginalityStore, StoreBusy
from guazhi.originality import index as index_module

SPAWN = multiprocessing.get_context("spawn")


def doc(i: int) -> str:
    return synthetic(1000 + i, 1200)


def test_add_remove_and_survive_a_restart(tmp_path):
    store = OriginalityStore(tmp_path / "s")
    assert len(store) == 0 and store.generation is None
    assert store.check(doc(1)).copy_ratio == 0
    first = store.add_many((f"r-{i}", doc(i)) for i in range(3))
    assert store.generation == first
    assert {p.source_id for p in store.check(doc(1)).passages} == {"r-1"}
    store.add("w-7", doc(7))
    store.remove("r-1")
    assert "r-1" not in store and set(store.ids) == {"r-0", "r-2", "w-7"}
    assert store.check(doc(1)).copy_ratio == 0
    # a new process (here: a new store object) finds the published state on disk
    again = OriginalityStore(tmp_path / "s")
    assert set(again.ids) == {"r-0", "r-2", "w-7"}
    assert {p.source_id for p in again.check(doc(7)).passages} == {"w-7"}
    assert again.check(doc(7), exclude_id="w-7").copy_ratio == 0


def test_adding_a_document_fingerprints_only_that_document(tmp_path, monkeypatch):
    store = OriginalityStore(tmp_path / "s")
    store.add_many((f"r-{i}", doc(i)) for i in range(20))
    batches = []
    real = index_module.fingerprint_batch

    def counting(normalizer, texts, params):
        batches.append(len(texts))
        return real(normalizer, texts, params)

    monkeypatch.setattr(index_module, "fingerprint_batch", counting)
    store.add("w-1", doc(100))
    assert batches == [1]
    assert len(store) == 21
    assert {p.source_id for p in store.check(doc(100)).passages} == {"w-1"}
    assert {p.source_id for p in store.check(doc(5)).passages} == {"r-5"}


def test_several_documents_can_be_excluded_from_a_check(tmp_path):
    store = OriginalityStore(tmp_path / "s")
    store.add_many([("w-1", doc(1)), ("w-2", doc(2)), ("r-3", doc(3))])
    mosaic = doc(1)[:500] + doc(2)[:500] + doc(3)[:500]
    assert {p.source_id for p in store.check(mosaic).passages} == {"w-1", "w-2", "r-3"}
    result = store.check(mosaic, exclude_ids=["w-1", "w-2", "w-absent"])
    assert {p.source_id for p in result.passages} == {"r-3"}
    assert {p.source_id for p in store.check(mosaic, exclude_id="r-3").passages} == {"w-1", "w-2"}


def test_replace_publishes_exactly_the_given_documents(tmp_path):
    store = OriginalityStore(tmp_path / "s")
    reader = OriginalityStore(tmp_path / "s")
    store.add_many((f"r-{i}", doc(i)) for i in range(3))
    assert len(reader) == 3
    store.replace([("w-9", doc(9))])
    assert reader.ids == ["w-9"]
    assert {p.source_id for p in reader.check(doc(9)).passages} == {"w-9"}
    assert reader.check(doc(1)).copy_ratio == 0


def test_replace_recovers_from_an_unreadable_generation(tmp_path):
    store = OriginalityStore(tmp_path / "s")
    first = store.add("r-0", doc(0))
    meta = tmp_path / "s" / first / "meta.json"
    meta.write_text(meta.read_text().replace('"format": 2', '"format": 1'))
    fresh = OriginalityStore(tmp_path / "s")
    with pytest.raises(IncompatibleIndex):
        fresh.index()
    with pytest.raises(IncompatibleIndex):
        fresh.add("r-1", doc(1))
    fresh.replace([("r-0", doc(0)), ("r-1", doc(1))])
    assert set(fresh.ids) == {"r-0", "r-1"}
    assert set(store.ids) == {"r-0", "r-1"}


def test_old_generations_are_pruned_and_readers_keep_what_they_mapped(tmp_path):
    store = OriginalityStore(tmp_path / "s", keep=2)
    reader = OriginalityStore(tmp_path / "s")
    store.add("r-0", doc(0))
    mapped = reader.index()  # memory-mapped generation 1
    for i in range(1, 5):
        store.add(f"r-{i}", doc(i))
    generations = sorted(p.name for p in (tmp_path / "s").iterdir() if p.is_dir())
    assert generations == ["g00000004", "g00000005"]
    # the superseded generation's files are gone, its mapping still answers
    assert {p.source_id for p in mapped.check(doc(0)).passages} == {"r-0"}
    assert len(reader) == 5


def test_a_second_writer_waits_for_the_lock(tmp_path):
    store = OriginalityStore(tmp_path / "s", lock_timeout=0.2)
    other = OriginalityStore(tmp_path / "s", lock_timeout=0.2)
    with other._writer_lock(), pytest.raises(StoreBusy):
        store.add("r-0", doc(0))
    store.add("r-0", doc(0))
    assert "r-0" in other


# -- several processes ---------------------------------------------------------------------


def write_slowly(directory, count, pause):
    store = OriginalityStore(directory)
    for i in range(count):
        store.add(f"w-{i}", doc(i))
        time.sleep(pause)


def read_until(directory, count, queue):
    """Check the newest document of every generation seen; report anomalies."""
    store = OriginalityStore(directory)
    seen, problems = set(), []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ids = store.ids
        n = len(ids)
        if ids != [f"w-{i}" for i in range(n)]:
            problems.append(f"unexpected ids {ids}")
        if n:
            result = store.check(doc(n - 1))
            if [p.source_id for p in result.passages] != [f"w-{n - 1}"] or result.copy_ratio < 0.95:
                problems.append(f"generation with {n} documents answers {result.passages}")
        seen.add(n)
        if n == count:
            break
    queue.put((sorted(seen), problems))


def test_a_reader_process_sees_each_publication_whole(tmp_path):
    directory = str(tmp_path / "s")
    queue = SPAWN.Queue()
    reader = SPAWN.Process(target=read_until, args=(directory, 8, queue))
    writer = SPAWN.Process(target=write_slowly, args=(directory, 8, 0.05))
    reader.start()
    writer.start()
    writer.join(60)
    seen, problems = queue.get(timeout=60)
    reader.join(10)
    assert writer.exitcode == 0
    assert problems == []
    assert seen[-1] == 8  # the reader saw the last publication
    assert len(seen) >= 2  # and at least one before it: it read while the writer wrote


class StoppingStore(OriginalityStore):
    """A writer that stops (for the parent to kill) at one step of a publication."""

    def __init__(self, directory, step, ready):
        super().__init__(directory)
        self.stop_at, self.ready = step, ready

    def _step(self, name):
        if name == self.stop_at:
            self.ready.set()
            time.sleep(600)


def write_and_stop(directory, step, ready):
    StoppingStore(directory, step, ready).add("w-new", doc(99))


@pytest.mark.parametrize("step", ["saved", "renamed"])
def test_a_writer_killed_mid_publication_leaves_the_last_generation(tmp_path, step):
    directory = tmp_path / "s"
    store = OriginalityStore(directory)
    before = store.add_many((f"r-{i}", doc(i)) for i in range(3))
    ready = SPAWN.Event()
    writer = SPAWN.Process(target=write_and_stop, args=(str(directory), step, ready))
    writer.start()
    assert ready.wait(60)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(10)
    # readers still get the previous generation, complete
    reader = OriginalityStore(directory)
    assert reader.generation == before
    assert set(reader.ids) == {"r-0", "r-1", "r-2"}
    assert {p.source_id for p in reader.check(doc(2)).passages} == {"r-2"}
    assert reader.check(doc(99)).copy_ratio == 0
    # the lock died with the writer; the next writer cleans up and publishes
    after = store.add("w-new", doc(99))
    assert after > before
    assert {p.source_id for p in reader.check(doc(99)).passages} == {"w-new"}
    leftovers = [p.name for p in directory.iterdir() if ".tmp-" in p.name]
    assert leftovers == []


def test_a_torn_generation_is_never_published(tmp_path, monkeypatch):
    """A failure while writing the arrays (disk full) publishes nothing."""
    store = OriginalityStore(tmp_path / "s")
    before = store.add("r-0", doc(0))

    def failing_save(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", failing_save)
    with pytest.raises(OSError):
        store.add("r-1", doc(1))
    monkeypatch.undo()
    assert store.generation == before and set(store.ids) == {"r-0"}
    store.add("r-1", doc(1))
    assert set(store.ids) == {"r-0", "r-1"}
