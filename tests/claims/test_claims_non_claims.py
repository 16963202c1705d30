"""What is not a claim: dates and periods, ordinals and list markers, names, codes, vague words."""

import pytest

from guazhi.claims import extract


@pytest.mark.parametrize(
    "text",
    [
        # dates, times and periods
        "2021年10月到岗",
        "今年5月以来",
        "挂职一年来",
        "用了三个月时间",
        "2023年度考核",
        "二0一一年以来",
        "二〇二一年",
        "5月12日",
        "会议于上午9:30召开，时长约2小时",
        "对2006－2020年的科技发展作出部署",
        "从2021.10起",
        "改革开放30周年",
        "连续5个工作日",
        "第三季度",
        # ordinals and list markers
        "完成第一轮调研",
        "一是抓学习，二是抓落实",
        "一、履职情况",
        "（一）主要成效",
        "1. 基本情况",
        "（3）存在问题",
        "经济总量居世界第二位",
        "第679—680页",
        # names and slogans built from numerals
        "抓好三会一课",
        "落实“两确保两争优”",
        "推进一带一路建设",
        "落实“十四五”规划",
        "学习党的二十大精神",
        "深入开展“三严三实”专题教育",
        "坚持“四个全面”战略布局",
        "解决好三农问题",
        "落实双减政策",
        "落实“一户一策”",
        "实施《中国制造2025》",
        "渤海2号翻沉事故",
        # codes and identifiers
        "联系电话：0571-87654321",
        "手机13912345678",
        "组通字〔2023〕12号",
        "新建5G基站",
        "参加G20峰会",
        "PM2.5浓度",
        # articles, vague quantities, figures of speech
        "建成一个服务中心",
        "实施一批重大工程",
        "数十家企业",
        "几百名群众",
        "成千上万的群众",
        "十分重要",
        "从三个方面谈体会",
        "三个“必须”",
        "一点一滴",
        "三五家企业",
    ],
)
def test_not_a_claim(text):
    assert extract(text) == [], [c.text for c in extract(text)]


def test_claims_survive_next_to_non_claims():
    text = "2021年10月以来，一是走访企业698家，二是争取资金800万元，第三季度新增就业岗位120个。"
    assert [c.text for c in extract(text)] == ["698家", "800万元", "120个"]


def test_one_with_a_measure_unit_is_a_claim():
    assert [c.text for c in extract("投资增长一倍以上")] == ["一倍以上"]
    assert [c.value for c in extract("一亿吨石油")] == [100_000_000]
