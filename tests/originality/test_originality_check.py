"""Checking documents: ratios, passages, self-exclusion, mosaics, add/remove."""

import pytest
from originality_testdata import covered, normalizer, synthetic

from guazhi.originality import OriginalityIndex


@pytest.fixture
def index():
    idx = OriginalityIndex(normalizer=normalizer())
    idx.add_many((f"doc-{i}", synthetic(i, 3000)) for i in range(20))
    return idx


def test_a_document_never_matches_itself(index):
    text = synthetic(3, 3000)
    assert index.check(text).copy_ratio > 0.95
    result = index.check(text, exclude_id="doc-3")
    assert result.copy_ratio == 0
    assert result.passages == []


def test_unrelated_text_is_clean(index):
    result = index.check(synthetic(999, 3000))
    assert result.copy_ratio == 0
    assert result.chars == 3000 - synthetic(999, 3000).count("\n")


def test_passage_offsets_in_query_and_source(index):
    source = synthetic(7, 3000)
    own_a, own_b = synthetic(500, 400), synthetic(501, 400)
    copied = source[1000:1600]
    query = own_a + copied + own_b
    result = index.check(query)
    [p] = result.passages
    assert p.source_id == "doc-7"
    assert abs(p.start - 400) <= 8 and abs(p.end - 1000) <= 8
    assert abs(p.source_start - 1000) <= 10 and abs(p.source_end - 1600) <= 10
    assert query[p.start + 8 : p.end - 8] in source  # ends are exact to a few characters
    assert result.copy_ratio == pytest.approx(600 / len(query.replace("\n", "")), abs=0.03)
    assert result.max_source_ratio == pytest.approx(result.copy_ratio, abs=0.001)


def test_mosaic_is_resolved_passage_by_passage(index):
    pieces = [
        (synthetic(600, 300), None),
        (synthetic(2, 3000)[200:500], "doc-2"),
        (synthetic(601, 200), None),
        (synthetic(5, 3000)[1500:1700], "doc-5"),
        (synthetic(11, 3000)[100:260], "doc-11"),  # straight after, no own text between
        (synthetic(602, 300), None),
        (synthetic(2, 3000)[2000:2400], "doc-2"),
    ]
    query = "".join(text for text, _ in pieces)
    result = index.check(query)
    start = 0
    for text, source in pieces:
        end = start + len(text)
        mine = [p for p in result.passages if p.start < end - 10 and p.end > start + 10]
        if source is None:
            assert covered(result.passages, start, end) < 0.1
        else:
            assert {p.source_id for p in mine} == {source}
            assert covered(mine, start, end) > 0.9
        start = end
    copied = 300 + 200 + 160 + 400
    assert result.copy_ratio == pytest.approx(copied / len(query.replace("\n", "")), abs=0.03)
    assert result.max_source_ratio == pytest.approx(700 / len(query.replace("\n", "")), abs=0.03)


def test_removed_documents_stop_matching_and_ids_can_be_replaced(index):
    text = synthetic(4, 3000)
    assert index.remove("doc-4")
    assert not index.remove("doc-4")
    assert "doc-4" not in index
    assert index.check(text).copy_ratio == 0
    index.add("doc-9", text)  # replaces doc-9's old text
    assert index.check(synthetic(9, 3000)).copy_ratio == 0
    assert {p.source_id for p in index.check(text).passages} == {"doc-9"}
    index.compact()
    assert len(index) == 19
    assert {p.source_id for p in index.check(text).passages} == {"doc-9"}


def test_persistence_round_trip(index, tmp_path):
    query = synthetic(700, 500) + synthetic(8, 3000)[:900] + synthetic(701, 500)
    before = index.check(query)
    index.remove("doc-0")
    index.save(tmp_path / "idx")
    loaded = OriginalityIndex.load(tmp_path / "idx")
    assert len(loaded) == 19 and "doc-0" not in loaded
    assert loaded.check(query) == before
    # extend the loaded (memory-mapped) index and save over the files it maps
    loaded.add("extra", synthetic(800, 2000))
    loaded.save(tmp_path / "idx")
    again = OriginalityIndex.load(tmp_path / "idx", mmap=False)
    assert len(again) == 20
    assert {p.source_id for p in again.check(synthetic(800, 2000)).passages} == {"extra"}
    assert again.check(query) == before


def test_empty_index_and_tiny_documents(tmp_path):
    idx = OriginalityIndex(normalizer=normalizer())
    assert idx.check("任何文字").copy_ratio == 0
    idx.add("tiny", "短")
    idx.add("short", "坚持稳中求进工作总基调")
    assert idx.check("坚持稳中求进工作总基调").passages == []  # under the 13-character floor
    idx.save(tmp_path / "i")
    assert len(OriginalityIndex.load(tmp_path / "i")) == 2


def test_rewritten_stretch_inside_a_copy_counts_but_an_insertion_does_not(index):
    source = synthetic(6, 3000)
    own = synthetic(900, 60)
    # the copier rewrote 60 characters in place: one passage, on one diagonal
    rewritten = source[1000:1200] + own + source[1260:1500]
    result = index.check(rewritten)
    assert [p.source_id for p in result.passages] == ["doc-6"]
    assert covered(result.passages, 0, len(rewritten)) > 0.97
    # the copier inserted 60 characters of their own: they are not copied
    inserted = source[1000:1200] + own + source[1200:1440]
    result = index.check(inserted)
    assert {p.source_id for p in result.passages} == {"doc-6"}
    assert covered(result.passages, 205, 255) < 0.1
    assert covered(result.passages, 0, 200) > 0.95
    assert covered(result.passages, 260, len(inserted)) > 0.95
