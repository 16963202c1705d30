"""Units and approximation words: 台（次）, 人次, 个百分点, 余/多/约/近/超过/以上/左右, ranges."""

from decimal import Decimal

import pytest

from guazhi.claims import extract


@pytest.mark.parametrize(
    ("text", "claim_text", "value", "unit", "approx", "kind"),
    [
        ("筹集一百余万元资金", "一百余万元", 1_000_000, "元", "余", "over"),
        ("每天通行各类车辆三百余台（次）", "三百余台（次）", 300, "台次", "余", "over"),
        ("组织劳务输出人员八百余名", "八百余名", 800, "名", "余", "over"),
        ("覆盖党员群众3000余人", "3000余人", 3000, "人", "余", "over"),
        ("提供就业岗位2000多个", "2000多个", 2000, "个", "多", "over"),
        ("转移群众三百多万人", "三百多万人", 3_000_000, "人", "多", "over"),
        ("惠及群众3万余人", "3万余人", 30_000, "人", "余", "over"),
        ("协调解决问题十来个", "十来个", 10, "个", "来", "over"),
        ("累计投入资金约2.3亿元", "约2.3亿元", 230_000_000, "元", "约", "about"),
        ("涉及群众近400户", "近400户", 400, "户", "近", "under"),
        ("减免税费超过300万元", "超过300万元", 3_000_000, "元", "超过", "over"),
        ("新增市场主体逾300户", "逾300户", 300, "户", "逾", "over"),
        ("带动增收50万元以上", "50万元以上", 500_000, "元", "以上", "over"),
        ("同比增长12%左右", "12%左右", 12, "%", "左右", "about"),
        ("村集体收入不足5万元", "不足5万元", 50_000, "元", "不足", "under"),
        ("高于平均水平3.2个百分点", "3.2个百分点", Decimal("3.2"), "个百分点", "", ""),
        ("满意率达98.5％", "98.5％", Decimal("98.5"), "%", "", ""),
        ("组织参与18轮核酸检测", "18轮", 18, "轮", "", ""),
        ("走访企业260家次", "260家次", 260, "家次", "", ""),
        ("道路全长6.8公里", "6.8公里", Decimal("6.8"), "公里", "", ""),
        ("建筑面积4.6万平方米", "4.6万平方米", 46_000, "平方米", "", ""),
        ("面积约1200㎡", "约1200㎡", 1200, "平方米", "约", "about"),
        ("十亿以上人口", "十亿以上", 1_000_000_000, "", "以上", "over"),
    ],
)
def test_units_and_approximations(text, claim_text, value, unit, approx, kind):
    (claim,) = extract(text)
    assert claim.text == claim_text
    assert (claim.value, claim.unit, claim.approx, claim.approx_kind) == (value, unit, approx, kind)


@pytest.mark.parametrize(
    ("text", "claim_text", "low", "high", "unit"),
    [
        ("引进农业项目3至5个", "3至5个", 3, 5, "个"),
        ("每户增收3—5万元", "3—5万元", 30_000, 50_000, "元"),
        ("增长5%～8%", "5%～8%", 5, 8, "%"),
        ("培训三到五期", "三到五期", 3, 5, "期"),
    ],
)
def test_a_range_is_one_claim_with_its_low_end_as_value(text, claim_text, low, high, unit):
    (claim,) = extract(text)
    assert claim.text == claim_text
    assert (claim.value, claim.high, claim.unit, claim.approx) == (low, high, unit, "至")
    assert claim.approx_kind == "range"


def test_approximation_words_inside_other_words_are_not_approximations():
    (saved,) = extract("节约300万元")
    assert (saved.text, saved.approx) == ("300万元", "")
    (recent,) = extract("最近300户")
    assert recent.approx == ""


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("完成辖区内698家企业第一轮调研走访", "企业"),
        ("目前已成功贷款800万元", "贷款"),
        ("筹集一百余万元资金", "资金"),
        ("每天通行各类车辆三百余台（次）", "车辆"),
        ("挂职至今已组织参与18轮核酸检测", "核酸检测"),
        ("55亿元盐穴压缩空气储能项目", "盐穴压缩空气储能项目"),
        ("改造老旧小区14个", "老旧小区"),
        ("全镇23个行政村", "行政村"),
    ],
)
def test_what_is_counted(text, counted):
    (claim,) = extract(text)
    assert claim.counted == counted


def test_counted_can_be_skipped():
    (claim,) = extract("走访698家企业", counted=False)
    assert (claim.value, claim.counted) == (698, "")
