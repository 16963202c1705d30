"""Ledger Excel import, in two phases like the roster's: `validate_ledger` reads an uploaded
workbook (outside any transaction: the database is only read) and returns per-row Chinese errors
and the rows ready to save; `import_actions.commit_ledger_import` saves them all, or nothing, in one short
transaction: entries, figures, their 填写 history, and one audit record with the counts.

Who: the programme admin, to bring in a ledger kept in Excel before the platform (or by a cohort
without phones): any cadre of the programme. Imported entries are 待确认 like any new entry;
the host liaison confirms them. The workbook has the export's columns (an export can be edited
and imported again); 批次, 状态, 确认人 and 确认时间 are ignored.

Between the phases the validated rows are kept in a `Job` (kind "ledger_import") of the user
who uploaded: only they see the report and may commit it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from guazhi.ledger.exporting import BASE_COLUMNS, EXPORT_ONLY, figure_fields, figure_header
from guazhi.ledger.models import (
    Category,
    Entry,
    FigureField,
)
from guazhi.lib.cells import CellError, cell_text, header_key, parse_date, unprefix
from guazhi.lib.xlsx import UnsafeWorkbook, iter_sheets
from guazhi.roster.models import Secondment, Unit

KIND = "ledger_import"
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10
LIMITS = {"title": 100, "text": 5000, "place": 100, "tags": 200}


class ImportRefused(Exception):
    """The import cannot be committed; str(error) is a Chinese explanation."""


@dataclass
class ValidationOutcome:
    rows: list[dict[str, Any]] = field(default_factory=list)  # ready to save (JSON)
    report: list[dict[str, Any]] = field(default_factory=list)  # errors and notes
    data_rows: int = 0

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [i for i in self.report if i["level"] == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def add(self, row: int, column: str, value: Any, message: str, level: str = "error") -> None:
        self.report.append(
            {
                "row": row,
                "column": column,
                "value": cell_text(value)[:100] if value is not None else "",
                "message": message,
                "level": level,
            }
        )


# --- Reading --------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """Prose as written (line breaks kept), the export's formula apostrophe removed."""
    if value is None:
        return ""
    if isinstance(value, (int, float, date)):
        return cell_text(value)
    return unprefix(str(value).strip())


class _Lookups:
    """Everything the rows are checked against, read once per upload (a few queries)."""

    def __init__(self) -> None:
        self.categories = {c.name: c for c in Category.objects.all()}
        self.fields = figure_fields()
        self.by_header = {header_key(figure_header(f)): f for f in self.fields}
        self.secondments: dict[str, list[Secondment]] = {}
        self._places: dict[int, dict[str, int]] = {}

    def load_cadres(self, names: set[str]) -> None:
        """The secondments of the cadres the file names (not the whole province's)."""
        query = Secondment.objects.filter(cadre__name__in=names).select_related(
            "cadre", "host_unit"
        )
        for s in query.order_by("start_date"):
            self.secondments.setdefault(s.cadre.name, []).append(s)

    def place_unit(self, host: Unit, name: str) -> int | None:
        """A unit of that name in the host unit's subtree (the host or one of its villages)."""
        if host.pk not in self._places:
            self._places[host.pk] = {
                u.name: u.pk for u in Unit.objects.subtree(host).only("pk", "name")
            }
        return self._places[host.pk].get(name)


def _end(s: Secondment) -> date:
    return s.actual_end_date or s.planned_end_date


def _secondment(
    out: ValidationOutcome, lookups: _Lookups, row: int, name: str, host: str, day: date | None
) -> Secondment | None:
    candidates = lookups.secondments.get(name, [])
    if not candidates:
        out.add(row, "干部姓名", name, f"系统中没有名为“{name}”的挂职干部，请核对姓名。")
        return None
    if host:
        candidates = [s for s in candidates if s.host_unit.name == host]
        if not candidates:
            out.add(row, "接收单位", host, f"“{name}”没有在“{host}”挂职的记录，请核对接收单位。")
            return None
    if day is None:
        return None
    covering = [s for s in candidates if s.start_date <= day <= _end(s)]
    if not covering:
        periods = "、".join(f"{s.start_date:%Y-%m-%d} 至 {_end(s):%Y-%m-%d}" for s in candidates)
        out.add(row, "日期", day, f"日期 {day:%Y-%m-%d} 不在“{name}”的挂职期间（{periods}）内。")
        return None
    if len(covering) > 1:
        out.add(
            row,
            "干部姓名",
            name,
            f"有 {len(covering)} 条“{name}”的挂职记录都包含这一天（可能是同名干部），"
            "请在“接收单位”列填写接收单位加以区分。",
        )
        return None
    return covering[0]


def _figures(
    out: ValidationOutcome,
    row: int,
    cells: dict[FigureField, Any],
    category: Category | None,
) -> dict[str, str]:
    figures: dict[str, str] = {}
    for f, value in cells.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        header = figure_header(f)
        if category is not None and f.category_id != category.pk:
            out.add(
                row,
                header,
                value,
                f"“{f.label}”不是“{category.name}”类别的数据项，请填在本类别的列中。",
            )
            continue
        if isinstance(value, bool):
            out.add(row, header, value, f"“{f.label}”应填写数字。")
            continue
        try:
            number = f.clean_value(unprefix(value) if isinstance(value, str) else value)
        except ValidationError as e:
            out.add(row, header, value, "".join(e.messages))
            continue
        if number:
            figures[str(f.pk)] = str(number)
    return figures


def _find_header(rows: list[Sequence[Any]]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {header_key(v) for v in row if v is not None}
        if {"日期", "干部姓名", "标题"} <= keys:
            return i
    return None


def validate_ledger(data: bytes, *, max_rows: int = MAX_ROWS) -> ValidationOutcome:
    """Read checked workbook bytes (`check_upload` first) and check every row. Raises
    UnsafeWorkbook (Chinese) when the file cannot be read at all."""
    out = ValidationOutcome()
    sheets = iter_sheets(data)
    try:
        first = next(sheets)
    except StopIteration:
        raise UnsafeWorkbook("工作簿中没有工作表。") from None
    head: list[Sequence[Any]] = []
    for row in first:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    at = _find_header(head)
    if at is None:
        out.add(
            0,
            "",
            "",
            "找不到标题行：第一个工作表的前 10 行中应有“日期”“干部姓名”“标题”等列标题。请使用导入模板。",
        )
        sheets.close()
        return out
    lookups = _Lookups()
    base = {header_key(c.header): c.key for c in BASE_COLUMNS if c.key not in EXPORT_ONLY}
    ignored = {header_key(c.header) for c in BASE_COLUMNS if c.key in EXPORT_ONLY}
    columns: dict[int, str | FigureField] = {}
    unknown = []
    for i, value in enumerate(head[at]):
        key = header_key(value) if value is not None else ""
        if not key or key in ignored:
            continue
        if key in base:
            columns[i] = base[key]
        elif key in lookups.by_header:
            columns[i] = lookups.by_header[key]
        else:
            unknown.append(cell_text(value))
    found = {v for v in columns.values() if isinstance(v, str)}
    missing = [c.header for c in BASE_COLUMNS if c.required and c.key not in found]
    if missing:
        out.add(at + 1, "", "", f"缺少必需的列：{'、'.join(missing)}。请使用导入模板。")
        sheets.close()
        return out
    if unknown:
        out.add(
            at + 1, "", "", f"以下列无法识别，已忽略：{'、'.join(unknown[:20])}。", level="note"
        )

    rows = iter(head[at + 1 :])
    number = at + 1
    today = timezone.localdate()
    pending = []
    for cells in _chain(rows, first):
        number += 1
        values: dict[str, Any] = {}
        figure_cells: dict[FigureField, Any] = {}
        for i, target in columns.items():
            value = cells[i] if i < len(cells) else None
            if isinstance(target, str):
                values[target] = value
            else:
                figure_cells[target] = value
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        out.data_rows += 1
        if out.data_rows > max_rows:
            out.add(number, "", "", f"一次最多导入 {max_rows:,} 条纪实，请把文件分成几份再上传。")
            break
        pending.append((number, values, figure_cells))
    sheets.close()
    lookups.load_cadres({cell_text(values.get("cadre")) for _, values, _ in pending})
    for number, values, figure_cells in pending:
        _check_row(out, lookups, number, values, figure_cells, today)
    _note_duplicates(out)
    if not out.data_rows and not out.errors:
        out.add(0, "", "", "文件中没有可导入的纪实（标题行以下都是空行）。")
    return out


def _note_duplicates(out: ValidationOutcome) -> None:
    """A row with the date and title of an entry the cadre already has (or of an earlier row)
    is imported all the same, with a note: it may be a second copy."""
    if not out.rows:
        return
    dates = [r["date"] for r in out.rows]
    existing = Entry.objects.filter(
        secondment_id__in={r["secondment"] for r in out.rows},
        date__range=(min(dates), max(dates)),
    ).values_list("secondment_id", "date", "title")
    seen = {(s, d.isoformat(), t) for s, d, t in existing}
    for r in out.rows:
        key = (r["secondment"], r["date"], r["title"])
        if key in seen:
            out.add(
                r["row"],
                "标题",
                r["title"],
                f"“{r['cadre']}”在 {r['date']} 已有标题相同的纪实，导入后会重复；如不需要，请删除这一行。",
                level="note",
            )
        seen.add(key)


def _chain(head_rest: Any, rest: Any) -> Any:
    yield from head_rest
    yield from rest


def _check_row(
    out: ValidationOutcome,
    lookups: _Lookups,
    row: int,
    values: dict[str, Any],
    figure_cells: dict[FigureField, Any],
    today: date,
) -> None:
    errors_before = len(out.report)
    day: date | None = None
    raw_date = values.get("date")
    if raw_date is None or cell_text(raw_date) == "":
        out.add(row, "日期", raw_date, "请填写日期。")
    else:
        try:
            day, day_known = parse_date(raw_date)
            if not day_known:
                out.add(row, "日期", raw_date, "日期要具体到日，如 2026-05-06。")
                day = None
            elif day > today:
                out.add(row, "日期", raw_date, "日期不能晚于今天。")
                day = None
        except CellError as e:
            out.add(row, "日期", raw_date, str(e))
    name = cell_text(values.get("cadre"))
    host = cell_text(values.get("host_unit"))
    secondment = None
    if not name:
        out.add(row, "干部姓名", "", "请填写干部姓名。")
    else:
        secondment = _secondment(out, lookups, row, name, host, day)
    category_name = cell_text(values.get("category"))
    category = lookups.categories.get(category_name)
    if not category_name:
        out.add(row, "类别", "", "请填写类别（可从下拉列表中选择）。")
    elif category is None or not category.is_active:
        out.add(
            row, "类别", category_name, f"类别“{category_name}”不存在或已停用，请从下拉列表中选择。"
        )
        category = None
    texts = {}
    for key, label, required in (
        ("title", "标题", True),
        ("text", "工作内容", True),
        ("place", "地点", False),
        ("tags", "标签", False),
    ):
        text = _text(values.get(key))
        if required and not text:
            out.add(row, label, "", f"请填写{label}。")
        elif len(text) > LIMITS[key]:
            out.add(
                row, label, text, f"{label}不能超过 {LIMITS[key]} 个字（现有 {len(text)} 个字）。"
            )
        texts[key] = text
    figures = _figures(out, row, figure_cells, category)
    if len(out.report) > errors_before or secondment is None or category is None or day is None:
        return
    place_unit = (
        lookups.place_unit(secondment.host_unit, texts["place"]) if texts["place"] else None
    )
    out.rows.append(
        {
            "row": row,
            "secondment": secondment.pk,
            "cadre": secondment.cadre.name,
            "date": day.isoformat(),
            "category": category.pk,
            "title": texts["title"],
            "text": texts["text"],
            "place_unit": place_unit,
            "place_text": "" if place_unit else texts["place"],
            "tags": texts["tags"],
            "figures": figures,
        }
    )
