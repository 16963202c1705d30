"""The ledger import's writes: keeping a validated upload (phase 1, as a job of the uploader's)
and committing it (phase 2): entries, figures, their 填写 history and one audit record in one
short transaction, all or nothing. Parsing and checking is `guazhi.ledger.importing`."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event, Result
from guazhi.jobs.models import Job, JobStatus
from guazhi.ledger import tallies
from guazhi.ledger.importing import KIND, ImportRefused, ValidationOutcome
from guazhi.ledger.models import (
    Category,
    Entry,
    EntryFigure,
    EntryRevision,
    FigureField,
    RevisionAction,
)
from guazhi.lib import search_index
from guazhi.roster.models import Secondment, Unit

# --- Phase 1 kept: the upload as a job ------------------------------------------------------------


def record_upload(
    *, actor: User, ip: str, file_name: str, sha256: str, outcome: ValidationOutcome
) -> Job:
    """Keep the validated rows (a rejected upload keeps only its report) and audit the upload."""
    ok = outcome.ok
    summary = (
        f"校验通过：{len(outcome.rows):,} 条纪实待确认导入"
        if ok
        else f"校验未通过：{len(outcome.errors):,} 处错误"
    )
    with transaction.atomic():
        job = Job.objects.create(
            user=actor,
            kind=KIND,
            title=f"导入工作纪实：{file_name}"[:100],
            status=JobStatus.DONE if ok else JobStatus.FAILED,
            progress=100,
            message=summary,
            row_count=outcome.data_rows,
            finished_at=timezone.now(),
            params={
                "state": "validated" if ok else "rejected",
                "file_name": file_name,
                "sha256": sha256,
                "rows": outcome.rows if ok else [],
                "report": outcome.report,
                "error_count": len(outcome.errors),
            },
        )
        job.page = reverse("ledger:import_detail", args=[job.pk])
        job.save(update_fields=["page"])
        record(
            event=Event.IMPORT,
            user=actor,
            ip=ip,
            obj=job,
            result=Result.SUCCESS if ok else Result.FAILURE,
            detail=f"上传工作纪实“{file_name}”（{outcome.data_rows} 行）：{summary}",
            after={
                "file_name": file_name,
                "sha256": sha256,
                "rows": outcome.data_rows,
                "errors": len(outcome.errors),
            },
        )
    return job


def committed_before(sha256: str) -> Job | None:
    return (
        Job.objects.filter(kind=KIND, params__sha256=sha256, params__state="committed")
        .order_by("-pk")
        .first()
    )


# --- Phase 2: commit, all or nothing --------------------------------------------------------------


def _snapshot(
    item: dict[str, Any], names: dict[str, str], fields: dict[int, FigureField]
) -> dict[str, Any]:
    """The history's 填写 record, as the ledger's own create action writes it."""
    figures = {}
    for pk, value in item["figures"].items():
        f = fields[int(pk)]
        text = f"{Decimal(value):f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        figures[f.label] = f"{text}{f.unit}"
    return {
        "日期": item["date"],
        "类别": names["category"],
        "地点": names["place"],
        "标题": item["title"],
        "工作内容": item["text"],
        "标签": item["tags"],
        "数据": figures,
    }


def commit_ledger_import(*, actor: User, ip: str, job: Job) -> int:
    """Save every validated row of the upload, or nothing. Returns the number of entries.

    One short transaction: the rows were parsed and checked at upload; here only their targets
    are read again (secondments, categories) and everything is inserted in batches."""
    if job.kind != KIND:
        raise ImportRefused("这不是工作纪实导入。")
    items: list[dict[str, Any]] = job.params.get("rows") or []
    categories = {c.pk: c for c in Category.objects.filter(is_active=True)}
    fields = {f.pk: f for f in FigureField.objects.all()}
    units = Unit.objects.in_bulk({i["place_unit"] for i in items if i["place_unit"]})
    secondment_ids = {i["secondment"] for i in items}
    file_name = job.params.get("file_name", "")
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        state = locked.params.get("state")
        if state == "committed":
            raise ImportRefused("这个文件已经导入过了，没有重复导入。")
        if state != "validated" or not items:
            raise ImportRefused("校验未通过的文件不能导入，请按校验报告修改后重新上传。")
        if committed_before(locked.params.get("sha256", "")) is not None:
            raise ImportRefused("同一个文件此前已经导入过，没有重复导入。")
        existing = set(
            Secondment.objects.filter(pk__in=secondment_ids).values_list("pk", flat=True)
        )
        stale = [
            i["row"]
            for i in items
            if i["secondment"] not in existing
            or i["category"] not in categories
            or any(int(pk) not in fields for pk in i["figures"])
        ]
        if stale:
            raise ImportRefused(
                f"上传后挂职记录或类别有了变化（第 {stale[0]} 行等 {len(stale)} 行），"
                "未导入任何数据。请重新上传文件再校验。"
            )
        now = timezone.now()
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    secondment_id=i["secondment"],
                    date=date.fromisoformat(i["date"]),
                    category_id=i["category"],
                    place_unit_id=i["place_unit"],
                    place_text=i["place_text"],
                    title=i["title"],
                    text=i["text"],
                    tags=i["tags"],
                    client_uuid=uuid.uuid4(),
                    created_by=actor,
                    created_at=now,
                )
                for i in items
            ],
            batch_size=500,
        )
        search_index.index_entries(entries)
        EntryFigure.objects.bulk_create(
            [
                EntryFigure(entry=entry, field_id=int(pk), value=Decimal(value))
                for entry, i in zip(entries, items, strict=True)
                for pk, value in i["figures"].items()
            ],
            batch_size=500,
        )
        comment = f"由 Excel 导入（{file_name}）"
        EntryRevision.objects.bulk_create(
            [
                EntryRevision(
                    entry=entry,
                    action=RevisionAction.CREATE,
                    actor=actor,
                    time=now,
                    version=1,
                    comment=comment,
                    changes=_snapshot(
                        i,
                        {
                            "category": categories[i["category"]].name,
                            "place": units[i["place_unit"]].name
                            if i["place_unit"]
                            else i["place_text"],
                        },
                        fields,
                    ),
                )
                for entry, i in zip(entries, items, strict=True)
            ],
            batch_size=500,
        )
        tallies.record_many(
            tallies.contribution(entry, {int(pk): Decimal(v) for pk, v in i["figures"].items()})
            for entry, i in zip(entries, items, strict=True)
        )
        cadres = len({i["cadre"] for i in items})
        locked.params = {
            **locked.params,
            "state": "committed",
            "rows": [],
            "committed": len(entries),
        }
        locked.message = f"已导入 {len(entries):,} 条纪实（{cadres} 名干部），等待接收单位确认"
        locked.save(update_fields=["params", "message"])
        record(
            event=Event.IMPORT,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"从“{file_name}”导入工作纪实 {len(entries)} 条（{cadres} 名干部）",
            after={
                "file_name": file_name,
                "sha256": locked.params.get("sha256", ""),
                "entries": len(entries),
                "cadres": cadres,
            },
        )
    job.refresh_from_db()
    return len(entries)
