"""Offsets index the original text, whatever its width of digits, spaces or line breaks."""

from guazhi.claims import extract

REPORT = (
    "一、履职情况\n"
    "　　2021年10月到岗后，我牵头完成辖区内６９８家企业第一轮调研走访，\r\n"
    "协调银行成功贷款800万元；筹集一百余万元资金建成文化广场。"
    "疫情期间每天通行各类车辆三百余台（次）、人员1,000余人，挂职至今已组织参与18轮核酸检测。"
)


def test_offsets_point_into_the_original_text():
    claims = extract(REPORT)
    assert [c.text for c in claims] == [
        "６９８家",
        "800万元",
        "一百余万元",
        "三百余台（次）",
        "1,000余人",
        "18轮",
    ]
    for claim in claims:
        assert REPORT[claim.start : claim.end] == claim.text


def test_claims_are_in_text_order_and_do_not_overlap():
    text = REPORT * 3
    claims = extract(text)
    assert len(claims) == 18
    for before, after in zip(claims, claims[1:], strict=False):
        assert before.end <= after.start
    assert claims[6].start == claims[0].start + len(REPORT)


def test_empty_and_numberless_text():
    assert extract("") == []
    assert extract("深入基层，扎实工作。") == []
