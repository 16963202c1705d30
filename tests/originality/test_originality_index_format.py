"""An index is always queried with the normaliser it was built with (saved in meta.json)."""

import json

import pytest
from originality_testdata import normalizer, synthetic

from guazhi.originality import (
    DEFAULT_BOILERPLATE,
    FORMAT_VERSION,
    IncompatibleIndex,
    NormalizeConfig,
    Normalizer,
    OriginalityIndex,
)

AD = "【广告】"
CUSTOM = NormalizeConfig(boilerplate=(*DEFAULT_BOILERPLATE, AD + r"[^\n]*"))


@pytest.fixture
def saved(tmp_path):
    idx = OriginalityIndex(normalizer=Normalizer(CUSTOM))
    idx.add_many((f"d{i}", synthetic(i, 1500)) for i in range(5))
    idx.save(tmp_path / "idx")
    return tmp_path / "idx"


def test_meta_holds_the_normaliser_configuration(saved):
    meta = json.loads((saved / "meta.json").read_text(encoding="utf-8"))
    assert meta["format"] == FORMAT_VERSION == 2
    saved_form = meta["normalizer"]
    assert saved_form["boilerplate"][-1] == AD + r"[^\n]*"
    assert saved_form["fillers"] == "的了地得着"
    assert saved_form["fold"] is True
    assert len(saved_form["digest"]) == 16
    assert "OpenCC data" in saved_form["data"]


def test_loading_uses_the_saved_normaliser(saved):
    loaded = OriginalityIndex.load(saved)
    assert loaded.normalizer.config == CUSTOM
    # the custom pattern blanks the advert in the query as it did in the indexed documents
    copy = synthetic(2, 1500)[:700]
    ad = AD + "点击下载全文，本站独家整理，原价九十九元\n"
    query = copy[:350] + ad + copy[350:]
    assert loaded.normalizer(query).text == loaded.normalizer(copy).text
    assert normalizer()(query).text != normalizer()(copy).text
    result = loaded.check(query)
    assert {p.source_id for p in result.passages} == {"d2"}
    assert result.copy_ratio == pytest.approx(700 / (len(query) - 1), abs=0.02)


def test_querying_with_another_normaliser_is_refused(saved):
    with pytest.raises(IncompatibleIndex, match="another normaliser configuration"):
        OriginalityIndex.load(saved, normalizer=normalizer())
    assert OriginalityIndex.load(saved, normalizer=Normalizer(CUSTOM)).normalizer.config == CUSTOM


def test_other_folding_data_are_refused(saved):
    meta = json.loads((saved / "meta.json").read_text(encoding="utf-8"))
    meta["normalizer"]["digest"] = "0" * 16
    meta["normalizer"]["data"] = "OpenCC data 0.1"
    (saved / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IncompatibleIndex, match="other folding data .*OpenCC data 0.1.*rebuild"):
        OriginalityIndex.load(saved)


def test_an_index_of_the_old_format_is_refused_with_a_clear_message(saved):
    meta = json.loads((saved / "meta.json").read_text(encoding="utf-8"))
    meta["format"] = 1
    del meta["normalizer"]
    (saved / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IncompatibleIndex, match="format 1; this version reads format 2"):
        OriginalityIndex.load(saved)


def test_folding_can_be_switched_off_and_is_saved(tmp_path):
    plain = NormalizeConfig(fold=False)
    idx = OriginalityIndex(normalizer=Normalizer(plain))
    idx.add("d", synthetic(1, 800))
    idx.save(tmp_path / "p")
    loaded = OriginalityIndex.load(tmp_path / "p")
    assert loaded.normalizer.config == plain
    assert loaded.normalizer.digest != normalizer().digest
