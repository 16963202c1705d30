"""Schemes: the default 德、能、勤、绩、廉 tree, editing indicators and settings with Chinese
errors, the rule that a scheme in use is fixed, and 「复制为新方案」."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guazhi.assessment import actions, scheme_actions
from guazhi.assessment.models import IndicatorScore, Scheme, ScoreSource
from guazhi.audit.models import AuditRecord
from guazhi.roster.models import StaleEdit
from tests.assessment.assessment_helpers import leaf_ids, make_period, make_scheme

pytestmark = pytest.mark.django_db


def test_new_scheme_has_the_default_tree(cohort, programme_admin):
    scheme = scheme_actions.create_scheme(actor=programme_admin, cohort=cohort, name="年度考核方案")
    top = [n.name for n in scheme.tree()]
    assert top == ["德", "能", "勤", "绩", "廉"]
    assert sum(n.weight for n in scheme.tree()) == 100
    assert (scheme.excellent_min, scheme.competent_min, scheme.basic_min) == (90, 75, 60)
    assert AuditRecord.objects.filter(object_type="assessment.scheme", event="create").exists()


def test_indicators_page_saves_an_outline(client_for, programme_admin, cohort):
    scheme = make_scheme(cohort)
    client = client_for(programme_admin)
    url = reverse("assessment:scheme_indicators", args=[scheme.pk])
    outline = "德 30\n  政治品质 100 | 坚定\n绩 70"
    response = client.post(url, {"version": scheme.version, "outline": outline})
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert [(n.name, n.weight) for n in scheme.tree()] == [("德", 30), ("绩", 70)]
    assert scheme.tree()[0].children[0].note == "坚定"
    page = client.get(reverse("assessment:scheme_detail", args=[scheme.pk]))
    assert "政治品质" in page.content.decode()


def test_weights_off_100_are_refused_with_chinese_errors(client_for, programme_admin, cohort):
    scheme = make_scheme(cohort)
    response = client_for(programme_admin).post(
        reverse("assessment:scheme_indicators", args=[scheme.pk]),
        {"version": scheme.version, "outline": "德 30\n  品质 60\n  作风 30\n绩 60"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "一级指标权重合计为 90，应为 100。" in text
    assert "“德”的二级指标权重合计为 90，应为 100。" in text
    assert [n.name for n in Scheme.objects.get(pk=scheme.pk).tree()][0] == "德"
    assert len(Scheme.objects.get(pk=scheme.pk).tree()) == 5  # unchanged


def test_settings_need_weights_summing_to_100_and_ordered_bands(programme_admin, cohort):
    scheme = make_scheme(cohort)
    base = {f: getattr(scheme, f) for f in scheme_actions.SCHEME_FIELDS}
    with pytest.raises(ValidationError) as e:
        scheme_actions.update_scheme(
            actor=programme_admin,
            scheme=scheme,
            version=scheme.version,
            values={**base, "host_weight": 60, "evaluation_weight": 30},
        )
    assert "权重之和应为 100" in str(e.value)
    with pytest.raises(ValidationError) as e:
        scheme_actions.update_scheme(
            actor=programme_admin,
            scheme=scheme,
            version=scheme.version,
            values={**base, "competent_min": Decimal(95)},
        )
    assert "优秀 > 称职 > 基本称职" in str(e.value)
    changed = scheme_actions.update_scheme(
        actor=programme_admin,
        scheme=scheme,
        version=scheme.version,
        values={**base, "excellent_cap": 20, "host_weight": 80, "evaluation_weight": 20},
    )
    assert set(changed) == {"excellent_cap", "host_weight", "evaluation_weight"}
    assert scheme.excellent_cap == 20 and scheme.version == 2


def test_stale_settings_form_is_refused(programme_admin, cohort):
    scheme = make_scheme(cohort)
    values = {f: getattr(scheme, f) for f in scheme_actions.SCHEME_FIELDS}
    scheme_actions.update_scheme(
        actor=programme_admin, scheme=scheme, version=1, values={**values, "excellent_cap": 20}
    )
    with pytest.raises(StaleEdit):
        scheme_actions.update_scheme(
            actor=programme_admin, scheme=scheme, version=1, values={**values, "name": "新"}
        )


def test_a_scheme_in_use_cannot_change_only_be_copied(
    client_for, programme_admin, cohort, cadre_a, cadre_user
):
    scheme = make_scheme(cohort, excellent_cap=20)
    period = make_period(scheme, [cadre_a.secondments.get()])
    assessment = period.assessments.get()
    IndicatorScore.objects.create(
        assessment=assessment, indicator_id=leaf_ids(scheme)[0], source=ScoreSource.SELF, score=90
    )
    assert scheme.is_in_use()
    with pytest.raises(ValidationError) as e:
        scheme_actions.set_indicators(
            actor=programme_admin, scheme=scheme, version=scheme.version, outline="德 100"
        )
    assert "复制为新方案" in str(e.value)
    client = client_for(programme_admin)
    edit = client.get(reverse("assessment:scheme_edit", args=[scheme.pk]))
    assert edit.status_code == 302
    detail = client.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert "复制为新方案" in detail and "已使用" in detail
    response = client.post(reverse("assessment:scheme_copy", args=[scheme.pk]))
    copy = Scheme.objects.exclude(pk=scheme.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert copy.name == f"{scheme.name}（副本）"
    assert copy.excellent_cap == 20
    assert [(n.name, n.weight, len(n.children)) for n in copy.tree()] == [
        (n.name, n.weight, len(n.children)) for n in scheme.tree()
    ]
    assert not copy.is_in_use()
    scheme_actions.set_indicators(
        actor=programme_admin, scheme=copy, version=copy.version, outline="德 100"
    )
    assert len(scheme.tree()) == 5  # the original is untouched


def test_period_creation_makes_a_form_for_every_cadre_on_post(
    client_for, programme_admin, cohort, cadre_a, cadre_b
):
    scheme = make_scheme(cohort)
    response = client_for(programme_admin).post(
        reverse("assessment:period_create", args=[scheme.pk]),
        {
            "kind": "annual",
            "title": "2026年度考核",
            "start_date": "2026-03-01",
            "end_date": "2026-12-31",
        },
    )
    period = scheme.periods.get()
    assert response["Location"] == period.get_absolute_url()
    # cadre_b has not reported for duty (待报到): no form for them.
    assert [a.secondment.cadre for a in period.assessments.all()] == [cadre_a]


def test_period_needs_a_valid_tree(programme_admin, cohort):
    scheme = make_scheme(cohort)
    scheme.indicators.filter(name="德").update(weight=10)
    with pytest.raises(ValidationError) as e:
        actions.create_period(
            actor=programme_admin,
            scheme=scheme,
            kind="annual",
            title="2026年度考核",
            start_date=cohort.start_date,
            end_date=cohort.end_date,
        )
    assert "一级指标权重合计为 90，应为 100。" in e.value.messages
