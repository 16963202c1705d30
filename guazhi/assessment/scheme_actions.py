"""Scheme changes: a new scheme with the default indicators, its settings, its indicator
outline, and 「复制为新方案」. A scheme in use (any score recorded under it) is fixed: every
change is refused with `IN_USE_MESSAGE`. Conventions as in `guazhi.assessment.actions`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from guazhi.accounts.models import User
from guazhi.assessment import scoring
from guazhi.assessment.actions import audit, require_admin
from guazhi.assessment.models import Indicator, Scheme
from guazhi.audit.models import Event
from guazhi.roster.models import Cohort, StaleEdit

IN_USE_MESSAGE = "该方案已有评分记录，不能再修改，以免同一次考核前后标准不一。如需调整，请“复制为新方案”后修改副本。"

DEFAULT_OUTLINE = """\
德 20
  政治品质 50 | 理想信念坚定，严守政治纪律和政治规矩
  职业道德 30 | 爱岗敬业，敢于担当
  社会公德 20 | 遵守社会公德，群众口碑好
能 20
  学习调研 30 | 主动学习基层工作方法，调研深入
  统筹协调 40 | 协调解决问题、推动工作落实的能力
  群众工作 30 | 联系服务群众，化解矛盾
勤 15
  在岗履职 50 | 按规定在岗，服从接收单位管理
  工作作风 50 | 深入一线，工作纪实及时真实
绩 35
  分管工作 50 | 完成分管工作目标任务的情况
  重点项目 30 | 推进项目手续、资源对接的实效
  为民办实事 20 | 解决群众急难愁盼问题的成效
廉 10
  廉洁自律 60 | 遵守廉洁纪律，不谋私利
  遵规守纪 40 | 遵守中央八项规定精神和接收单位各项制度
"""
DEFAULT_NAME = "挂职干部考核方案（德能勤绩廉）"


def _write_tree(scheme: Scheme, nodes: Sequence[scoring.Node]) -> None:
    scheme.indicators.all().delete()
    order = 0
    for node in nodes:
        order += 1
        parent = Indicator.objects.create(
            scheme=scheme, name=node.name, weight=node.weight, note=node.note, sort_order=order
        )
        for child in node.children:
            order += 1
            Indicator.objects.create(
                scheme=scheme,
                parent=parent,
                name=child.name,
                weight=child.weight,
                note=child.note,
                sort_order=order,
            )


def checked_outline(outline: str) -> list[scoring.Node]:
    """The outline's indicators, or a ValidationError with every problem in Chinese."""
    try:
        nodes = scoring.parse_outline(outline)
    except scoring.OutlineError as e:
        raise ValidationError({"outline": e.messages}) from None
    errors = scoring.weight_errors(nodes)
    if errors:
        raise ValidationError({"outline": errors})
    return nodes


@transaction.atomic
def create_scheme(
    *, actor: User | None, cohort: Cohort, name: str = DEFAULT_NAME, ip: str = ""
) -> Scheme:
    """A new scheme for the cohort with the default 德、能、勤、绩、廉 indicators."""
    require_admin(actor)
    name = name.strip() or DEFAULT_NAME
    if Scheme.objects.filter(cohort=cohort, name=name).exists():
        raise ValidationError({"name": "本批次已有同名方案，请换一个名称。"})
    scheme = Scheme.objects.create(cohort=cohort, name=name, created_by=actor)
    _write_tree(scheme, checked_outline(DEFAULT_OUTLINE))
    audit(actor, ip, event=Event.CREATE, obj=scheme, detail=f"新建考核方案（{cohort}）")
    return scheme


def _lock_scheme(scheme: Scheme, version: int) -> Scheme:
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if locked.version != version:
        raise StaleEdit("该考核方案")
    if locked.is_in_use():
        raise ValidationError(IN_USE_MESSAGE)
    return locked


SCHEME_FIELDS = (
    "name",
    "scale",
    "excellent_min",
    "competent_min",
    "basic_min",
    "excellent_cap",
    "host_weight",
    "evaluation_weight",
)


def _check_settings(values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    bands = scoring.Bands(values["excellent_min"], values["competent_min"], values["basic_min"])
    if bands.errors():
        errors["excellent_min"] = bands.errors()
    if values["host_weight"] + values["evaluation_weight"] != 100:
        errors["evaluation_weight"] = [
            "接收单位评分与民主测评的权重之和应为 100（例如 70 和 30）。"
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_scheme(
    *, actor: User, scheme: Scheme, version: int, values: Mapping[str, Any], ip: str = ""
) -> dict[str, list[Any]]:
    """Change the scheme's settings (name, scale, bands, cap, weights); refused once in use."""
    require_admin(actor)
    locked = _lock_scheme(scheme, version)
    merged = {name: values.get(name, getattr(locked, name)) for name in SCHEME_FIELDS}
    _check_settings(merged)
    if (
        merged["name"] != locked.name
        and Scheme.objects.filter(cohort_id=locked.cohort_id, name=merged["name"])
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError({"name": "本批次已有同名方案，请换一个名称。"})
    changed = {n: [getattr(locked, n), v] for n, v in merged.items() if getattr(locked, n) != v}
    if not changed:
        return {}
    for name, (_old, new) in changed.items():
        setattr(locked, name, new)
    locked.version += 1
    locked.save(update_fields=[*changed, "version"])
    audit(
        actor,
        ip,
        event=Event.EDIT,
        obj=locked,
        detail="修改考核方案设置",
        before={k: str(v[0]) for k, v in changed.items()},
        after={k: str(v[1]) for k, v in changed.items()},
    )
    scheme.refresh_from_db()
    return changed


@transaction.atomic
def set_indicators(
    *, actor: User, scheme: Scheme, version: int, outline: str, ip: str = ""
) -> Scheme:
    """Replace the scheme's indicators with those of the outline; refused once in use."""
    require_admin(actor)
    nodes = checked_outline(outline)
    locked = _lock_scheme(scheme, version)
    before = scoring.format_outline(locked.tree())
    _write_tree(locked, nodes)
    locked.version += 1
    locked.save(update_fields=["version"])
    audit(
        actor,
        ip,
        event=Event.EDIT,
        obj=locked,
        detail="修改考核指标",
        before={"指标": before},
        after={"指标": scoring.format_outline(nodes)},
    )
    scheme.refresh_from_db()
    return locked


@transaction.atomic
def copy_scheme(*, actor: User, scheme: Scheme, ip: str = "") -> Scheme:
    """A new, unused scheme with the same settings and indicators (「复制为新方案」)."""
    require_admin(actor)
    base = f"{scheme.name}（副本）"[:90]
    name, n = base, 1
    while Scheme.objects.filter(cohort_id=scheme.cohort_id, name=name).exists():
        n += 1
        name = f"{base}{n}"
    copy = Scheme.objects.create(
        cohort_id=scheme.cohort_id,
        name=name,
        created_by=actor,
        **{f: getattr(scheme, f) for f in SCHEME_FIELDS if f != "name"},
    )
    _write_tree(copy, scheme.tree())
    audit(actor, ip, event=Event.CREATE, obj=copy, detail=f"复制考核方案“{scheme.name}”")
    return copy
