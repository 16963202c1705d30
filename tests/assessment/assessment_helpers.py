"""Shared set-up for the assessment tests and the permission walk: a scheme for the test cohort
(the default 德、能、勤、绩、廉 tree), an open period, and a form for each test cadre."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from guazhi.assessment import actions, scheme_actions
from guazhi.assessment.models import Assessment, Period, PeriodKind, Scheme
from guazhi.roster.models import Cohort, Secondment


def make_scheme(cohort: Cohort, **settings: object) -> Scheme:
    scheme = scheme_actions.create_scheme(actor=None, cohort=cohort)
    if settings:
        Scheme.objects.filter(pk=scheme.pk).update(**settings)
        scheme.refresh_from_db()
    return scheme


def make_period(scheme: Scheme, secondments: list[Secondment], **fields: object) -> Period:
    """An open period with a form for each secondment (whatever its status)."""
    values = {
        "kind": PeriodKind.ANNUAL,
        "title": "2026年度考核",
        "start_date": date(2026, 3, 1),
        "end_date": date(2026, 12, 31),
        **fields,
    }
    period = Period.objects.create(cohort=scheme.cohort, scheme=scheme, **values)
    for s in secondments:
        Assessment.objects.create(period=period, secondment=s)
    return period


def leaf_ids(scheme: Scheme) -> list[int]:
    parents = set(scheme.indicators.filter(parent__isnull=False).values_list("parent", flat=True))
    return [i.pk for i in scheme.indicators.all() if i.pk not in parents]


def score_all(assessment: Assessment, actor, value: int | Decimal) -> Assessment:  # type: ignore[no-untyped-def]
    """Every indicator scored `value` by the host (through the action)."""
    items = {pk: actions.HostItem(Decimal(value)) for pk in leaf_ids(assessment.period.scheme)}
    return actions.save_host_scoring(
        actor=actor,
        assessment=assessment,
        version=assessment.host_version,
        comment="工作扎实，群众认可。",
        items=items,
    )


def walk_targets(cohort: Cohort, cadre_a, cadre_b) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Targets for tests/test_permission_walk.py: a scheme, an open period, both cadres' forms."""
    scheme = make_scheme(cohort)
    a, b = cadre_a.secondments.get(), cadre_b.secondments.get()
    period = make_period(scheme, [a, b])
    return {
        "scheme": scheme.pk,
        "period": period.pk,
        "assessment_a": period.assessments.get(secondment=a).pk,
        "assessment_b": period.assessments.get(secondment=b).pk,
    }


def extra_cadres(cohort: Cohort, host_unit, home_unit, count: int) -> list[Secondment]:  # type: ignore[no-untyped-def]
    """`count` more cadres on post at `host_unit`, for ranking and the cap."""
    from guazhi.lib.identity import id_check_char
    from guazhi.roster.models import Cadre, SecondmentStatus

    out = []
    for i in range(count):
        first17 = f"11010519880{(i % 9) + 1:01d}{(i % 28) + 1:02d}{i:03d}"[:17]
        cadre = Cadre.objects.create(
            name=f"测试干部{i + 1}",
            gender="M" if int(first17[16]) % 2 else "F",
            birth_date=date(1988, (i % 9) + 1, (i % 28) + 1),
            id_number=first17 + id_check_char(first17),
            home_unit=home_unit,
        )
        out.append(
            Secondment.objects.create(
                cadre=cadre,
                cohort=cohort,
                host_unit=host_unit,
                post="镇长助理",
                start_date=date(2026, 3, 1),
                planned_end_date=date(2027, 2, 28),
                status=SecondmentStatus.ACTIVE,
            )
        )
    return out
