"""Numerals: Arabic, full-width, Chinese, mixed, with scales — each to its value in the base unit."""

from decimal import Decimal

import pytest

from guazhi.claims import extract, parse_chinese


def one(text: str):
    claims = extract(text)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("八百", 800),
        ("十八", 18),
        ("一百零五", 105),
        ("一千零一十", 1010),
        ("两千", 2000),
        ("三万五", 35000),
        ("一百五", 150),
        ("一千二百三十四万五千六百七十八", 12345678),
        ("五十五亿", 5_500_000_000),
        ("一万亿", 10**12),
        ("二〇二一", 2021),
    ],
)
def test_chinese_numerals(numeral, value):
    assert parse_chinese(numeral) == value


@pytest.mark.parametrize("not_a_number", ["三五", "十四五", "千万", "百姓", "万众", ""])
def test_runs_that_are_not_one_number(not_a_number):
    assert parse_chinese(not_a_number) is None


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("完成辖区内698家企业第一轮调研走访", 698, "家"),
        ("目前已成功贷款800万元", 8_000_000, "元"),
        ("总投资55亿元的储能项目", 5_500_000_000, "元"),
        ("累计采样1.2万人次", 12_000, "人次"),
        ("惠及居民3.5万户", 35_000, "户"),
        ("高标准农田建设完成1,200亩", 1200, "亩"),
        ("耕地面积达到７５８万亩", 7_580_000, "亩"),
        ("支出为８５７，１８２，０００元", 857_182_000, "元"),
        ("追回工资款六十八万元", 680_000, "元"),
        ("争取上级资金两千万元", 20_000_000, "元"),
        ("新增装机5万千瓦", 50_000, "千瓦"),
        ("原煤产量达到七亿七千多万吨", 770_000_000, "吨"),
        ("国内生产总值达到四十七点三万亿元", 47_300_000_000_000, "元"),
        ("年均增长百分之九点三", Decimal("9.3"), "%"),
        ("新增4万多亿元", 4 * 10**12, "元"),
        ("比上年增长１．７倍", Decimal("1.7"), "倍"),
        ("工农业年总产值翻两番", 4, "倍"),
        ("有三分之二的城镇职工", Decimal("66.6667"), "%"),
        ("五年来城镇新增就业3 5 5 5 万人", 35_550_000, "人"),
    ],
)
def test_values_in_the_base_unit(text, value, unit):
    claim = one(text)
    assert claim.value == value
    assert claim.unit == unit


def test_json_value_is_a_plain_number():
    claims = [c.to_dict() for c in extract("投资1.2万元，增长6.5%")]
    assert claims[0]["value"] == 12000 and isinstance(claims[0]["value"], int)
    assert claims[1]["value"] == 6.5
