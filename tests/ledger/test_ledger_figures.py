"""A figure is a number with a unit, never free text, and belongs to the entry's category."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from ledger_helpers import category, entry_data, figure

from guazhi.ledger import actions
from guazhi.ledger.models import Category, Entry, FigureField

SEEDED = [
    "企业帮扶", "项目帮办", "招商引资", "信访接待", "走访调研", "包联联系", "疫情防控",
    "防汛救灾", "民生实事", "对口帮扶", "学习培训", "会议活动", "其他",
]  # fmt: skip


@pytest.mark.django_db
def test_the_categories_are_seeded_with_their_figures():
    assert list(Category.objects.values_list("name", flat=True)) == SEEDED
    loans = figure("loans")
    assert (loans.label, loans.unit, loans.kind) == ("协调贷款", "万元", "decimal")
    assert not FigureField.objects.filter(category__name="其他").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-3", "不能为负数"),
        ("十二", "应填写数字"),
        ("12.5", "应填写整数"),
        ("NaN", "应填写数字"),
        ("1e30", "数值过大"),
    ],
)
@pytest.mark.django_db
def test_bad_figures_are_refused_in_chinese(value, message, cadre_user, cadre_a):
    with pytest.raises(ValidationError) as refused:
        actions.create_entry(
            actor=cadre_user,
            secondment=cadre_a.secondments.get(),
            data=entry_data(figures={figure("enterprises_visited"): value}),
        )
    assert message in "".join(refused.value.messages)
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_amounts_take_two_decimals(cadre_user, cadre_a):
    entry, _ = actions.create_entry(
        actor=cadre_user,
        secondment=cadre_a.secondments.get(),
        data=entry_data(figures={figure("loans"): "800.5"}),
    )
    stored = entry.figures.get()
    assert stored.value == Decimal("800.50")
    assert str(stored) == "协调贷款 800.5万元"
    with pytest.raises(ValidationError, match="最多保留两位小数"):
        figure("loans").clean_value("1.234")


@pytest.mark.django_db
def test_a_figure_of_another_category_is_refused(cadre_user, cadre_a):
    petitions = figure("petitions", "信访接待")
    with pytest.raises(ValidationError) as refused:
        actions.create_entry(
            actor=cadre_user,
            secondment=cadre_a.secondments.get(),
            data=entry_data(figures={petitions: Decimal("3")}),
        )
    assert "“接待来访”不是“企业帮扶”类别的数据项" in refused.value.messages[0]


@pytest.mark.django_db
def test_the_form_shows_figure_errors_beside_the_input(cadre_user, client_for):
    loans = figure("loans")
    visits = figure("enterprises_visited")
    petitions = figure("petitions", "信访接待")
    response = client_for(cadre_user).post(
        reverse("ledger:entry_create"),
        {
            "date": "2026-05-06",
            "category": category().pk,
            "title": "协调贷款",
            "text": "为园区企业协调银行贷款。",
            f"fig-{loans.category_id}-loans": "八百万",
            f"fig-{visits.category_id}-enterprises_visited": "-1",
            f"fig-{petitions.category_id}-petitions": "2",
        },
    )
    assert response.status_code == 200
    assert "“协调贷款”应填写数字。" in response.text
    assert "“走访企业”不能为负数。" in response.text
    assert "“接待来访”不是“企业帮扶”类别的数据项。" in response.text
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_zero_figures_are_not_stored(cadre_user, cadre_a):
    entry, _ = actions.create_entry(
        actor=cadre_user,
        secondment=cadre_a.secondments.get(),
        data=entry_data(figures={figure("enterprises_visited"): "0", figure("loans"): "800"}),
    )
    assert [f.field.key for f in entry.figures.all()] == ["loans"]


@pytest.mark.django_db
def test_dates_outside_the_secondment_are_refused(cadre_user, cadre_a):
    from datetime import date

    with pytest.raises(ValidationError) as refused:
        actions.create_entry(
            actor=cadre_user,
            secondment=cadre_a.secondments.get(),
            data=entry_data(date=date(2026, 1, 5)),
        )
    assert "不能早于挂职开始日期" in refused.value.messages[0]


@pytest.mark.django_db
def test_the_place_is_a_unit_of_the_host_or_free_text(cadre_user, cadre_a, units):
    secondment = cadre_a.secondments.get()
    entry, _ = actions.create_entry(
        actor=cadre_user, secondment=secondment, data=entry_data(place_unit=units["village_a"])
    )
    assert entry.place == "石桥村"
    with pytest.raises(ValidationError) as refused:
        actions.create_entry(
            actor=cadre_user, secondment=secondment, data=entry_data(place_unit=units["town_b"])
        )
    assert "只能选择接收单位及其所辖村、社区" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="二选一"):
        actions.create_entry(
            actor=cadre_user,
            secondment=secondment,
            data=entry_data(place_unit=units["village_a"], place_text="村委会"),
        )
