"""The similarity engine (guazhi/lib/peer_vectors.py), without the database: a near-duplicate
ranks first, the weights move the ranking, a cadre is never their own peer, reasons are right."""

from __future__ import annotations

from guazhi.lib.peer_vectors import PeerIndex, Weights, tokens

ENTERPRISE = [
    "走访工业园区企业，了解用工和融资需求",
    "协调银行为科技企业发放贷款",
    "企业纾困座谈会",
]
PETITIONS = ["接待来访群众，化解邻里矛盾纠纷", "信访积案化解，上门听取诉求", "信访接待日值班"]
VILLAGE = ["村道硬化项目验收", "乡村振兴产业园招商", "农村人居环境整治，清理垃圾"]


def _index() -> PeerIndex:
    index = PeerIndex()
    # 1 and 2 did the same work; 3 handled petitions; 4 village work; 5 another posting of 1.
    index.add(1, group=1, categories={10: 20, 11: 2}, figures={100: 698}, texts=ENTERPRISE)
    index.add(2, group=2, categories={10: 18, 11: 3}, figures={100: 650}, texts=ENTERPRISE[:2])
    index.add(3, group=3, categories={12: 30}, figures={101: 40}, texts=PETITIONS)
    index.add(4, group=4, categories={13: 25}, figures={102: 3}, texts=VILLAGE)
    index.add(5, group=1, categories={10: 20, 11: 2}, figures={100: 698}, texts=ENTERPRISE)
    return index


def test_near_duplicate_ranks_first() -> None:
    ranking = _index().rank(top=3)
    assert [m.peer for m in ranking.peers[1]][:1] == [2]
    assert ranking.peers[2][0].peer in (1, 5)
    assert ranking.peers[1][0].score > 0.8


def test_never_oneself_nor_another_posting_of_the_same_cadre() -> None:
    ranking = _index().rank(top=4)
    assert all(m.peer not in (1, 5) for m in ranking.peers[1])
    assert all(m.peer not in (1, 5) for m in ranking.peers[5])


def test_unrelated_work_scores_low_and_is_left_out() -> None:
    ranking = _index().rank(top=4, min_score=0.05)
    assert all(m.peer != 4 for m in ranking.peers[3])


def test_weights_decide_between_text_and_categories() -> None:
    index = PeerIndex()
    index.add(1, group=1, categories={10: 10}, figures={}, texts=ENTERPRISE)
    # 2 wrote the same words under another category; 3 the same category with other words.
    index.add(2, group=2, categories={12: 10}, figures={}, texts=ENTERPRISE)
    index.add(3, group=3, categories={10: 10}, figures={}, texts=PETITIONS)
    by_text = index.rank(top=2, weights=Weights(text=0.8, categories=0.2, figures=0.0))
    assert by_text.peers[1][0].peer == 2
    by_category = index.rank(top=2, weights=Weights(text=0.2, categories=0.8, figures=0.0))
    assert by_category.peers[1][0].peer == 3
    # The score is the weighted sum of the cosines the reasons report.
    m = by_category.peers[1][0]
    assert abs(m.score - (0.2 * m.text + 0.8 * m.categories)) < 0.02


def test_reasons_name_shared_words_categories_and_figures() -> None:
    match = _index().rank(top=1).peers[1][0]
    assert {"企业", "融资"} & set(match.shared_terms)
    assert match.shared_categories[0] == 10
    assert match.shared_figures == [100]
    reasons = match.reasons()
    assert set(reasons) == {"text", "categories", "figures", "terms", "category_ids", "field_ids"}


def test_keywords_leave_out_stock_words() -> None:
    ranking = _index().rank()
    assert "工作" not in ranking.keywords[1]
    assert "信访" in ranking.keywords[3]
    assert "工作" not in tokens("开展工作，推进落实")


def test_empty_and_single() -> None:
    assert PeerIndex().rank().peers == {}
    index = PeerIndex()
    index.add(1, group=1, categories={1: 1}, figures={}, texts=["走访企业"])
    assert index.rank().peers == {1: []}
