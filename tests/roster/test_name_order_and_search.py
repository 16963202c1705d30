"""Names sort by pinyin (as a printed roster does), and a cadre is found by name, pinyin
initials or the last digits of the ID number."""

from __future__ import annotations

from django.urls import reverse

from guazhi.roster.models import Cadre


def _names(response) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def test_cadre_list_is_in_pinyin_order(client_for, programme_admin, cadre_a, cadre_b):
    # Code points put 张 (U+5F20) before 李 (U+674E) and 单; pinyin puts li, shan, zhang.
    extra = Cadre(
        name="单明",
        gender="M",
        birth_date=cadre_a.birth_date,
        id_number="110105198504120030",
        home_unit=cadre_a.home_unit,
    )
    extra.save()
    response = client_for(programme_admin).get(reverse("roster:cadre_list"))
    assert _names(response) == ["李秀英", "单明", "张建国"]


def test_renaming_updates_the_sort_key(programme_admin, cadre_a):
    from guazhi.roster import actions

    actions.update_cadre(actor=programme_admin, cadre=cadre_a, values={"name": "艾建国"}, version=1)
    cadre_a.refresh_from_db()
    assert (cadre_a.name_pinyin, cadre_a.name_initials) == ("ai jian guo", "ajg")


def test_search_by_pinyin_initials(client_for, programme_admin, cadre_a, cadre_b):
    response = client_for(programme_admin).get(reverse("roster:cadre_list"), {"q": "ZJG"})
    assert _names(response) == ["张建国"]


def test_search_by_last_digits_of_the_id_number(client_for, programme_admin, cadre_a, cadre_b):
    response = client_for(programme_admin).get(reverse("roster:cadre_list"), {"q": "0028"})
    assert _names(response) == ["李秀英"]
    # Three digits are too few to mean an ID number: nothing matches by number.
    response = client_for(programme_admin).get(reverse("roster:cadre_list"), {"q": "028"})
    assert _names(response) == []


def test_search_by_id_digits_stays_within_what_the_user_sees(
    client_for, host_liaison, cadre_a, cadre_b
):
    response = client_for(host_liaison).get(reverse("roster:cadre_list"), {"q": "0028"})
    assert _names(response) == []


def test_secondment_list_search_by_initials(client_for, programme_admin, cadre_a, cadre_b):
    response = client_for(programme_admin).get(reverse("roster:secondment_list"), {"q": "lxy"})
    assert [s.cadre.name for s in response.context["page"].object_list] == ["李秀英"]


def test_incomplete_profiles_filter(client_for, programme_admin, cadre_a, cadre_b):
    Cadre.objects.filter(pk=cadre_b.pk).update(political_status="", education="")
    response = client_for(programme_admin).get(reverse("roster:cadre_list"), {"incomplete": "on"})
    assert _names(response) == ["李秀英"]
    cadre_b.refresh_from_db()
    assert cadre_b.missing_fields == ["政治面貌", "学历"]
