"""The ledger (台账) as a workbook: the column spec (shared with the import), the rows, and the
export itself, run by the view (small exports) or by a background job (large ones).

Rows stream: the entries' ids are read first (in the list's order), then the entries 2,000 at a
time as plain values (no model instances) with their figures (one query per chunk, never one
per row), and openpyxl's write-only mode keeps the sheet on disk. The workbook is built outside
any transaction; only the audit record is written, briefly, after the file exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.jobs.models import Job
from guazhi.ledger.forms import EntryFilterForm
from guazhi.ledger.models import Entry, EntryFigure, EntryQuerySet, EntryStatus, FigureField
from guazhi.lib.xlsx import Column, neutralise

LEDGER_SHEET = "工作纪实台账"
CHUNK = 2000
MAX_ROWS = 1_000_000  # a worksheet holds 1,048,576 rows
FILTER_PARAMS = ("date_from", "date_to", "category", "status", "q", "cohort", "host_unit")


@dataclass(frozen=True)
class LedgerColumn:
    key: str
    header: str
    width: float = 14
    required: bool = False  # on import
    date: bool = False


# The columns every ledger workbook has, before one column per figure field. The import reads the
# columns it needs by these headers (the export's 批次/状态/确认人/确认时间 are ignored there).
BASE_COLUMNS = [
    LedgerColumn("date", "日期", 12, required=True, date=True),
    LedgerColumn("cadre", "干部姓名", 10, required=True),
    LedgerColumn("cohort", "批次", 22),
    LedgerColumn("host_unit", "接收单位", 16),
    LedgerColumn("category", "类别", 10, required=True),
    LedgerColumn("title", "标题", 24, required=True),
    LedgerColumn("text", "工作内容", 50, required=True),
    LedgerColumn("place", "地点", 14),
    LedgerColumn("tags", "标签", 16),
    LedgerColumn("status", "状态", 8),
    LedgerColumn("confirmed_by", "确认人", 10),
    LedgerColumn("confirmed_at", "确认时间", 17),
]
EXPORT_ONLY = {"cohort", "status", "confirmed_by", "confirmed_at"}


def figure_fields() -> list[FigureField]:
    """Every figure field, grouped by category in the categories' order."""
    return list(
        FigureField.objects.select_related("category").order_by(
            "category__sort_order", "category_id", "sort_order", "pk"
        )
    )


def figure_header(field: FigureField) -> str:
    """企业帮扶·走访企业（家）: labels repeat across categories, so the category comes first."""
    return f"{field.category.name}·{field.label}（{field.unit}）"


def ledger_columns(fields: Sequence[FigureField]) -> list[Column]:
    return [Column(c.header, width=c.width, date=c.date) for c in BASE_COLUMNS] + [
        Column(figure_header(f), width=max(10, len(figure_header(f)) * 1.6)) for f in fields
    ]


def _number(value: Decimal) -> int | float:
    """A figure as a number the spreadsheet can sum (whole numbers stay whole)."""
    return int(value) if value == value.to_integral_value() else float(value)


_STATUS = dict(EntryStatus.choices)
_VALUES = (
    "pk",
    "date",
    "secondment__cadre__name",
    "secondment__cohort__name",
    "secondment__host_unit__name",
    "category__name",
    "title",
    "text",
    "place_unit__name",
    "place_text",
    "tags",
    "status",
    "confirmed_by__full_name",
    "confirmed_by__username",
    "confirmed_at",
)


def ledger_rows(
    entries: EntryQuerySet,
    fields: Sequence[FigureField],
    *,
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[list[Any]]:
    """One list of cell values per entry, in the list's order (newest first). `on_chunk(n)` is
    told the number of rows done after each chunk (for a progress bar)."""
    column_of = {f.pk: i for i, f in enumerate(fields)}
    # The ids first, read to the end; then each chunk by its ids. No query stays open between
    # chunks: on SQLite (WAL) a connection that keeps a read open and then writes (the job's
    # progress) fails with "database is locked" as soon as anyone else has written meanwhile.
    ids = list(entries.order_by("-date", "-pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = {r[0]: r for r in Entry.objects.filter(pk__in=chunk).values_list(*_VALUES)}
        batch = [found[pk] for pk in chunk if pk in found]  # one deleted meanwhile is left out
        figures: dict[int, list[Any]] = {}
        for entry_id, field_id, value in EntryFigure.objects.filter(
            entry_id__in=[r[0] for r in batch]
        ).values_list("entry_id", "field_id", "value"):
            if field_id in column_of:
                cells = figures.setdefault(entry_id, [None] * len(fields))
                cells[column_of[field_id]] = _number(value)
        empty = [None] * len(fields)
        for (
            pk,
            day,
            cadre,
            cohort,
            host,
            category,
            title,
            text,
            place_unit,
            place_text,
            tags,
            status,
            confirmer_name,
            confirmer_username,
            confirmed_at,
        ) in batch:
            yield [
                day,
                cadre,
                cohort,
                host,
                category,
                title,
                text,
                place_unit or place_text,
                tags,
                _STATUS.get(status, status),
                confirmer_name or confirmer_username or "",
                timezone.localtime(confirmed_at).strftime("%Y-%m-%d %H:%M") if confirmed_at else "",
                *figures.get(pk, empty),
            ]
        done += len(batch)
        if on_chunk is not None:
            on_chunk(done)


# --- Filters ------------------------------------------------------------------------------------


def filter_params(query: Mapping[str, Any]) -> dict[str, str]:
    """The list's filters from a query string (what a background job keeps)."""
    return {k: str(query.get(k))[:100] for k in FILTER_PARAMS if query.get(k)}


def bind_filters(params: dict[str, str], user: User) -> EntryFilterForm:
    data = QueryDict(mutable=True)
    data.update(params)
    return EntryFilterForm(data or None, user=user)


def describe_filters(form: EntryFilterForm) -> str:
    """The filters in words, for the audit record: 类别：企业帮扶；起始日期：2026-05-01."""
    if not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = form.fields[name]
        if name == "status":
            value = _STATUS.get(value, value)
        elif isinstance(value, date):
            value = value.isoformat()
        parts.append(f"{field.label}：{value}")
    return "；".join(parts)


def filtered_entries(form: EntryFilterForm, user: User) -> EntryQuerySet:
    return form.filter(Entry.objects.visible_to(user))


# --- The workbook ---------------------------------------------------------------------------------


def write_ledger_xlsx(target: str | Path | IO[bytes], columns: Sequence[Column], rows: Any) -> int:
    """Write the sheet with openpyxl's write-only mode (rows go to a temporary file as they
    come, never all in memory) and return the number of rows written.

    The same look as `guazhi.lib.xlsx.write_xlsx` (bold shaded header, widths, frozen header,
    formula-like text made inert), but rows are appended as plain values: openpyxl then skips
    the empty figure cells and reuses one cell object, instead of building a styled cell for
    each of the ~50 columns of every row (4× faster at 100k rows)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=LEDGER_SHEET)
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    fill = PatternFill("solid", fgColor="DDEBF7")
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=neutralise(col.header))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    dates = [i for i, col in enumerate(columns) if col.date]
    count = 0
    for row in rows:
        values = [neutralise(v) if isinstance(v, str) else v for v in row]
        for i in dates:
            if values[i] is not None:
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = "yyyy-mm-dd"
                values[i] = cell
        ws.append(values)
        count += 1
    wb.save(target)
    return count


# --- The export -----------------------------------------------------------------------------------


def export_filename(today: date | None = None) -> str:
    return f"工作纪实台账_{(today or timezone.localdate()):%Y%m%d}.xlsx"


def build_export(
    *,
    actor: User,
    ip: str,
    form: EntryFilterForm,
    target: str | Path | IO[bytes],
    on_chunk: Callable[[int], None] | None = None,
    job: Job | None = None,
) -> int:
    """Write the filtered, scoped ledger to `target` (a path or a binary file) and audit the
    export with its exact row count. Returns the count.

    Call outside any transaction: the workbook is built first (reads only: on SQLite a write
    transaction would lock the whole database while it renders), then the audit record is
    written in a short transaction of its own."""
    entries = filtered_entries(form, actor)
    fields = figure_fields()
    count = write_ledger_xlsx(
        target, ledger_columns(fields), ledger_rows(entries, fields, on_chunk=on_chunk)
    )
    filters = describe_filters(form)
    how = "（后台任务）" if job is not None else ""
    with transaction.atomic():
        record(
            event=Event.EXPORT,
            user=actor,
            ip=ip,
            object_type="ledger.entry",
            object_repr="工作纪实台账",
            detail=f"导出工作纪实台账 {count} 行{how}；筛选：{filters or '无'}",
            after={
                "filters": filters,
                "params": filter_params(form.data) if form.is_bound else {},
                "rows": count,
                **({"job": job.pk} if job is not None else {}),
            },
        )
    return count


def run_export_job(job: Job) -> None:
    """The body of the background export: builds the file under MEDIA_ROOT/exports, reporting
    progress after every chunk, and marks the job done (or failed, with a Chinese message)."""
    job.start()
    relative, path = job.new_result_path(".xlsx")
    try:
        user = User.objects.get(pk=job.user_id)
        form = bind_filters(job.params.get("filters", {}), user)
        total = max(1, int(job.params.get("total") or filtered_entries(form, user).count()))

        def progress(done: int) -> None:
            # Rows are 95% of the work; writing the zip is the rest.
            job.set_progress(min(95, done * 95 // total), f"已处理 {done:,} / {total:,} 行")

        count = build_export(
            actor=user,
            ip=job.params.get("ip", ""),
            form=form,
            target=path,
            on_chunk=progress,
            job=job,
        )
    except Exception:
        path.unlink(missing_ok=True)
        job.fail("生成导出文件时出错，请稍后重试；如仍失败，请联系系统管理员。")
        raise
    job.finish(
        result_file=relative,
        result_name=job.params.get("filename") or export_filename(),
        row_count=count,
        message=f"共 {count:,} 行",
    )
