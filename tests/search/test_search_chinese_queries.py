"""Chinese queries of every length find what contains them, and only that."""

from __future__ import annotations

import pytest
from search_helpers import titles, write_entry


@pytest.fixture
def entries(cadre_user):
    write_entry(cadre_user, title="招商引资推介会", text="组织招商引资推介会，签约项目 3 个。")
    write_entry(cadre_user, title="营商环境座谈", text="召开营商环境座谈会，收集企业诉求 15 条。")
    write_entry(cadre_user, title="信访接待", text="接待来访群众 8 人次，现场答复。")
    write_entry(cadre_user, title="走访企业", text="走访ＡＢＣ科技公司，了解融资需求。")


def test_two_character_query(client_for, programme_admin, entries):
    assert titles(client_for(programme_admin), "招商") == ["招商引资推介会"]
    assert set(titles(client_for(programme_admin), "企业")) == {"营商环境座谈", "走访企业"}


def test_two_character_word_at_the_end_of_a_phrase(client_for, programme_admin, entries):
    # 推介 ends its run in the title (推介会) and inside the text: a bigram, found anywhere.
    assert titles(client_for(programme_admin), "推介") == ["招商引资推介会"]
    assert titles(client_for(programme_admin), "诉求") == ["营商环境座谈"]


def test_three_and_four_character_queries(client_for, programme_admin, entries):
    client = client_for(programme_admin)
    assert titles(client, "推介会") == ["招商引资推介会"]
    assert titles(client, "营商环境") == ["营商环境座谈"]
    assert titles(client, "招商引资推介会") == ["招商引资推介会"]


def test_a_phrase_must_be_contiguous(client_for, programme_admin, entries):
    # 招商 and 环境 both occur, but never as 招商环境.
    client = client_for(programme_admin)
    assert titles(client, "招商环境") == []
    assert titles(client, "商引") == ["招商引资推介会"]
    assert titles(client, "资推") == ["招商引资推介会"]


def test_words_separated_by_a_space_must_all_occur(client_for, programme_admin, entries):
    client = client_for(programme_admin)
    assert titles(client, "座谈 诉求") == ["营商环境座谈"]
    assert titles(client, "座谈 信访") == []


def test_one_character_query(client_for, programme_admin, entries):
    client = client_for(programme_admin)
    assert set(titles(client, "访")) == {"信访接待", "走访企业"}
    # 会 ends the run 推介会 (and begins 会，): found.
    assert "招商引资推介会" in titles(client, "会")


def test_latin_letters_and_digits_full_or_half_width(client_for, programme_admin, entries):
    client = client_for(programme_admin)
    assert titles(client, "abc") == ["走访企业"]
    assert titles(client, "ＡＢＣ") == ["走访企业"]
    assert titles(client, "15") == ["营商环境座谈"]


def test_nothing_to_search_for(client_for, programme_admin, entries):
    client = client_for(programme_admin)
    assert titles(client, "，。！") == []
    assert titles(client, "乡村振兴") == []


def test_relevance_puts_the_closer_match_first(client_for, programme_admin, cadre_user):
    write_entry(cadre_user, title="项目调度", text="调度在建项目进度，协调用地指标。")
    write_entry(
        cadre_user,
        title="招商专题会",
        text="招商专题会研究招商政策，部署招商任务，明确招商责任。",
    )
    write_entry(cadre_user, title="月度例会", text="例会顺带通报了招商情况。")
    assert titles(client_for(programme_admin), "招商") == ["招商专题会", "月度例会"]
