"""Ranking on the labelled set (guazhi/matching/catalogue.py: 20 needs × 30 resources, the
right resource of each need labelled by hand). The thresholds are what the implementation
reaches (docs/matching.md gives the figures); a change that lowers them fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from guazhi.matching import ranking
from guazhi.matching.catalogue import NEEDS, RESOURCES
from guazhi.matching.ranking import Doc, Region, mark_spans, rank, tokens


def _resources(kinds: bool = True) -> list[Doc]:
    return [
        Doc(i, r.kind if kinds else "other", f"{r.title}\n{r.description}")
        for i, r in enumerate(RESOURCES)
    ]


def _positions(kinds: bool = True) -> list[int]:
    docs = _resources(kinds)
    positions = []
    for need in NEEDS:
        query = Doc(-1, need.kind if kinds else "other", f"{need.title}\n{need.description}")
        order = [RESOURCES[r.key].key for r in rank(query, docs, limit=len(docs))]
        positions.append(order.index(need.answer))
    return positions


def test_the_labelled_set_is_what_the_docs_say() -> None:
    assert len(NEEDS) == 20 and len(RESOURCES) == 30
    keys = {r.key for r in RESOURCES}
    assert {n.answer for n in NEEDS} <= keys
    assert len({n.answer for n in NEEDS}) == 20  # ten resources answer nothing


def test_top1_and_top3_accuracy_with_kinds() -> None:
    positions = _positions()
    assert sum(p == 0 for p in positions) >= 19  # measured: 20 of 20
    assert sum(p < 3 for p in positions) == 20


def test_text_alone_still_ranks_most_answers_first() -> None:
    positions = _positions(kinds=False)
    assert sum(p == 0 for p in positions) >= 18  # measured: 20 of 20
    assert sum(p < 3 for p in positions) == 20


def test_a_terse_need_title_alone_still_finds_its_resource() -> None:
    docs = _resources(kinds=False)
    positions = []
    for need in NEEDS:
        order = [RESOURCES[r.key].key for r in rank(Doc(-1, "other", need.title), docs, limit=30)]
        positions.append(order.index(need.answer))
    assert sum(p == 0 for p in positions) >= 18  # measured: 19 of 20 (tea goes to r14 first)
    assert sum(p < 3 for p in positions) == 20


def test_needs_for_a_resource_the_other_way_round() -> None:
    needs = [Doc(i, n.kind, f"{n.title}\n{n.description}") for i, n in enumerate(NEEDS)]
    answered = {n.answer: i for i, n in enumerate(NEEDS)}
    top1 = top3 = 0
    for r in RESOURCES:
        if r.key not in answered:
            continue
        ranked = rank(Doc(-1, r.kind, f"{r.title}\n{r.description}"), needs, limit=3)
        keys = [x.key for x in ranked]
        top1 += keys[0] == answered[r.key]
        top3 += answered[r.key] in keys
    assert top1 >= 18  # measured: 19 of 20
    assert top3 == 20


def test_reasons_name_shared_key_words_kind_and_region() -> None:
    need = Doc(
        1, "market", "茶叶销路不畅，希望对接商超订单", Region(county=5, city=2, path="/2/5/9/")
    )
    shop = Doc(
        10,
        "market",
        "商超农产品采购，可采购茶叶",
        Region(city=2, path="/2/30/", offered_to_path="/2/5/"),
    )
    school = Doc(11, "training", "教师培训", Region(city=2, path="/2/31/"))
    first, second = rank(need, [school, shop])
    assert first.key == 10
    assert "茶叶" in first.words and "商超" in first.words
    assert first.same_kind and first.region_label == "定向本地"
    assert second.key == 11 and second.words == () and second.region_label == "同市"
    assert second.kind_score < 0


def test_same_county_beats_same_city_on_equal_text() -> None:
    need = Doc(1, "funding", "通村公路加宽资金", Region(county=5, city=2, path="/2/5/9/"))
    near = Doc(10, "funding", "公路加宽补助", Region(county=5, city=2, path="/2/5/40/"))
    far = Doc(9, "funding", "公路加宽补助", Region(county=6, city=2, path="/2/6/41/"))
    ranked = rank(need, [far, near])
    assert [r.key for r in ranked] == [10, 9]
    assert ranked[0].region_label == "同县区" and ranked[1].region_label == "同市"


def test_tokens_drop_stop_words_single_characters_and_numbers() -> None:
    words = tokens("我们需要 300 万元资金，解决冷链物流园建设问题的")
    assert "冷链" in words and "物流" in words
    assert not {"我们", "需要", "300", "万元", "问题", "的"} & set(words)


def test_mark_spans_prefers_the_longer_word() -> None:
    text = "建设冷链物流园和冷链仓储"
    spans = mark_spans(text, ["冷链", "冷链物流"])
    assert [text[a:b] for a, b in spans] == ["冷链物流", "冷链"]


def test_the_engine_imports_no_django() -> None:
    tree = ast.parse(Path(ranking.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith(("django", "guazhi")) for name in imported)
