"""The batch export of a cohort's writings of one kind (optionally one requirement): a .zip of
official-format Word files (and PDFs when asked), one per writing, with an index 目录.xlsx.

Only writings a reader may decide on or has had decided are exported: submitted and accepted,
each as its last submitted version (what the reviewer read), never a draft or a writing
returned for revision. Scoping is the reader's `Writing.objects.visible_to`, applied again when
the job runs, so the zip never holds more than the user could open one by one.

The job (`guazhi.jobs`) runs as `guazhi.writings.tasks.export_writings`; the work is here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.jobs.models import Job
from guazhi.lib.office import OfficeError
from guazhi.lib.official_docx import OfficialDocument, render_docx, render_pdf
from guazhi.lib.xlsx import Column, Sheet, write_xlsx
from guazhi.lib.zipdocs import safe_name, zip_documents
from guazhi.roster.models import Cohort
from guazhi.writings import documents
from guazhi.writings.models import (
    Writing,
    WritingKind,
    WritingQuerySet,
    WritingRequirement,
    WritingStatus,
    WritingVersion,
)

EXPORTED_STATUSES = (WritingStatus.SUBMITTED, WritingStatus.ACCEPTED)
INDEX_NAME = "目录.xlsx"
JOB_KIND = "writings_export"
INDEX_COLUMNS = [
    Column(h, width=w, date=h == "提交日期")
    for h, w in [
        ("序号", 6),
        ("干部", 10),
        ("派出单位", 22),
        ("挂职单位及职务", 26),
        ("材料类型", 10),
        ("材料要求", 16),
        ("标题", 30),
        ("状态", 8),
        ("版本", 8),
        ("提交日期", 12),
        ("文件", 40),
        ("说明", 40),
    ]
]


def exportable(
    user: User, *, cohort: Cohort, kind: str, requirement: WritingRequirement | None = None
) -> WritingQuerySet:
    """The writings the batch holds, in the roster's pinyin order, each annotated with its last
    submitted version (`submission_id`, `submission_number`)."""
    writings = Writing.objects.visible_to(user).filter(
        secondment__cohort=cohort, kind=kind, status__in=EXPORTED_STATUSES
    )
    if requirement is not None:
        writings = writings.filter(requirement=requirement)
    last = WritingVersion.objects.filter(writing=OuterRef("pk"), is_submission=True).order_by(
        "-number"
    )
    return (
        writings.annotate(
            submission_id=Subquery(last.values("pk")[:1]),
            submission_number=Subquery(last.values("number")[:1]),
        )
        .filter(submission_id__isnull=False)
        .with_related()
        .order_by("secondment__cadre__name_pinyin", "secondment__cadre_id", "pk")
    )


def selection_label(kind: str, requirement: WritingRequirement | None) -> str:
    return requirement.title if requirement is not None else WritingKind(kind).label


def job_title(cohort: Cohort, kind: str, requirement: WritingRequirement | None) -> str:
    return f"批量导出材料：{cohort.name} {selection_label(kind, requirement)}"[:100]


class _Batch:
    """The writings' documents, built one at a time (a Word file and its PDF share one build),
    and what went wrong with each, for the index."""

    def __init__(self, writings: list[Writing]) -> None:
        self.writings = writings
        self.problems: dict[int, list[str]] = defaultdict(list)
        self.names: dict[int, list[str]] = {}
        self._built: tuple[int, OfficialDocument] | None = None

    def document(self, writing: Writing) -> OfficialDocument:
        if self._built is None or self._built[0] != writing.pk:
            version = WritingVersion.objects.get(pk=writing.submission_id)  # type: ignore[attr-defined]
            version.writing = writing  # already loaded with its cadre and units
            self._built = (writing.pk, documents.official_document(documents.version_text(version)))
        return self._built[1]

    def content(self, writing: Writing, fmt: str) -> Callable[[], bytes]:
        render = render_pdf if fmt == "pdf" else render_docx

        def build() -> bytes:
            try:
                return render(self.document(writing))
            except OfficeError as error:
                self.problems[writing.pk].append(f"未能生成 {fmt.upper()}：{error}")
                raise

        return build

    @staticmethod
    def base_name(writing: Writing) -> str:
        number = writing.submission_number  # type: ignore[attr-defined]
        return safe_name(f"{writing.secondment.cadre.name}-{writing.title}-第{number}版")

    def items(self, formats: list[str]) -> Iterator[tuple[str, Callable[[], bytes] | bytes]]:
        used: set[str] = set()
        for writing in self.writings:
            stem = _unique_stem(self.base_name(writing), used)
            self.names[writing.pk] = [f"{stem}.{fmt}" for fmt in formats]
            for fmt in formats:
                yield f"{stem}.{fmt}", self.content(writing, fmt)
        yield INDEX_NAME, self.index

    def index(self) -> bytes:
        return write_xlsx([Sheet("目录", INDEX_COLUMNS, self._index_rows())])

    def _index_rows(self) -> Iterator[list[Any]]:
        for number, w in enumerate(self.writings, start=1):
            secondment = w.secondment
            submitted = timezone.localdate(w.submitted_at) if w.submitted_at else None
            yield [
                number,
                secondment.cadre.name,
                secondment.cadre.home_unit.name,
                documents.post_line(secondment),
                w.get_kind_display(),
                w.requirement.title if w.requirement else "",
                w.title,
                w.get_status_display(),
                f"第{w.submission_number}版",  # type: ignore[attr-defined]
                submitted,
                "、".join(self.names.get(w.pk, [])),
                "；".join(self.problems.get(w.pk, [])),
            ]


def _unique_stem(stem: str, used: set[str]) -> str:
    # Names are made unique here, not by zipdocs, so that the index names the files as stored.
    candidate, n = stem, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem} ({n})"
    used.add(candidate.casefold())
    return candidate


def run_export_job(job: Job) -> None:
    job.start()
    relative, path = job.new_result_path(".zip")
    params = job.params
    user = User.objects.get(pk=job.user_id)
    formats = ["docx", "pdf"] if params.get("pdf") else ["docx"]
    try:
        cohort = Cohort.objects.visible_to(user).get(pk=params["cohort"])
        requirement = (
            WritingRequirement.objects.get(pk=params["requirement"], cohort=cohort)
            if params.get("requirement")
            else None
        )
        batch = _Batch(
            # The working copies stay in the database: each document is built from its version.
            list(
                exportable(user, cohort=cohort, kind=params["kind"], requirement=requirement).defer(
                    "body", "text"
                )
            )
        )
        total = len(batch.writings) * len(formats) + 1

        def progress(done: int, total: int) -> None:
            job.set_progress(done * 100 // max(total, 1), f"已生成 {done} / {total} 个文件")

        result = zip_documents(batch.items(formats), path, total=total, progress=progress)
    except (Cohort.DoesNotExist, WritingRequirement.DoesNotExist):
        job.fail("批次或材料要求已不存在，或您已无权查看，请重新选择后导出。")
        return
    except OfficeError as error:  # every document failed (zipdocs raises the first reason)
        path.unlink(missing_ok=True)
        job.fail(str(error))
        return
    except Exception:
        path.unlink(missing_ok=True)
        job.fail("生成材料压缩包时出错，请稍后重试；如仍失败，请联系系统管理员。")
        raise
    label = selection_label(params["kind"], requirement)
    count = len(batch.writings)
    failed = sum(1 for problems in batch.problems.values() if problems)
    with transaction.atomic():
        record(
            event=Event.EXPORT,
            user=user,
            ip=params.get("ip", ""),
            obj=cohort,
            detail=f"批量导出材料（{'Word、PDF' if len(formats) == 2 else 'Word'}）："
            f"{cohort.name} {label} {count} 篇",
            after={
                "cohort": cohort.pk,
                "kind": params["kind"],
                "requirement": requirement.pk if requirement else None,
                # The audit log keeps scalars: ids as one comma-separated string.
                "writings": ",".join(str(w.pk) for w in batch.writings),
                "count": count,
                "formats": ",".join(formats),
                "failed_files": len(result.failures),
            },
        )
    note = f"，{failed} 篇的部分文件未能生成（见压缩包内说明）" if failed else ""
    job.finish(
        result_file=relative,
        result_name=safe_name(f"{cohort.name}-{label}.zip"),
        row_count=count,
        message=f"共 {count} 篇材料{note}",
    )
