"""Roster import from .xlsx in two phases: `validate_roster` reads every row and reports per row
and per column in Chinese; `commit_import` saves everything in one transaction, or nothing.

What a real roster looks like and what we do about it:

- title rows above the header: the header row is the first of the top 20 rows that names at least
  three known columns (synonyms accepted, e.g. 证件号码 for 身份证号, 原单位 for 派出单位);
- columns in any order, unknown columns ignored (one note), trailing empty columns and blank rows
  skipped, footer rows such as “填表人：…” skipped;
- full-width digits and letters folded, stray spaces in names removed (“王 芳” → 王芳);
- ID numbers stored by Excel as numbers have lost their last digits: refused with an explanation
  (set the column to text, re-enter); masked numbers (from an export) are refused too;
- gender and birth date are derived from the ID number when blank and checked against it when
  given (a disagreement is an error). A birth date given to the month only (1985.04, 1985年4月)
  is accepted when it agrees with the ID's year and month; the ID supplies the day;
- dates: real Excel dates, 1985-04-12, 1985/4/12, 1985.4.12, 1985年4月12日, 19850412; start and
  planned end dates left blank take the cohort's dates; a start or end date given to the month only
  becomes the first (start) or last (end) day of that month, with a note in the report;
- status defaults to 待报到.

Units are never created by an import: the home and host unit are matched by exact name, or by a
unique match of the unit's full name or a tail of it (安平区柳溪镇); an unknown or ambiguous
name is an error listing the closest names.

An ID number already in the system means the same person: the row must carry the same name, and
the import adds a secondment in this cohort (a second secondment for a cadre seconded before is
the common real case) and updates the cadre's profile from the non-blank cells of the row. A cadre
already seconded in this cohort is an error.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from openpyxl.utils import get_column_letter

from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.lib.identity import (
    InvalidValue,
    birth_date_from_id,
    gender_from_id,
    normalize_id_number,
    normalize_mobile,
)
from guazhi.lib.xlsx import UnsafeWorkbook, open_workbook
from guazhi.lib.zh import clean_name, clean_text, to_halfwidth
from guazhi.roster.models import (
    Cadre,
    Cohort,
    Education,
    Gender,
    PoliticalStatus,
    RosterImport,
    RosterImportStatus,
    Secondment,
    SecondmentStatus,
    Unit,
)

MAX_DATA_ROWS = 5000
HEADER_SEARCH_ROWS = 20
MAX_COLUMNS = 200
ERROR = "error"
NOTE = "note"


# --- Columns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterField:
    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False  # the column must be present and every cell filled
    width: float = 14
    text: bool = False  # identifiers: the template formats the column as text
    date: bool = False
    hint: str = ""


ROSTER_FIELDS: tuple[RosterField, ...] = (
    RosterField(
        "name", "姓名", ("干部姓名", "人员姓名"), True, 10, hint="必填。姓名中的空格会被去掉。"
    ),
    RosterField(
        "gender",
        "性别",
        (),
        False,
        6,
        hint="男/女。可不填，按身份证号自动识别；填写的须与身份证号一致。",
    ),
    RosterField(
        "birth_date",
        "出生日期",
        ("出生年月", "出生年月日"),
        False,
        12,
        date=True,
        hint="可不填，按身份证号自动识别；可写 1985-04-12 或 1985.04，须与身份证号一致。",
    ),
    RosterField(
        "id_number",
        "身份证号",
        ("身份证号码", "证件号码", "公民身份号码", "身份证", "身份证件号码"),
        True,
        21,
        text=True,
        hint="必填，18 位。本列须为“文本”格式，否则 Excel 会丢失末几位。",
    ),
    RosterField(
        "mobile",
        "手机号",
        ("手机", "手机号码", "联系电话", "联系方式", "移动电话", "电话"),
        False,
        14,
        text=True,
        hint="11 位手机号，本列须为“文本”格式。",
    ),
    RosterField("ethnicity", "民族", (), False, 8, hint="不填默认为汉族。"),
    RosterField("political_status", "政治面貌", ("党派",), True, 12, hint="必填，从下拉列表选择。"),
    RosterField("education", "学历", ("最高学历", "文化程度"), False, 12, hint="从下拉列表选择。"),
    RosterField(
        "home_unit",
        "派出单位",
        ("原单位", "原工作单位", "派出单位名称", "工作单位", "所在单位"),
        True,
        22,
        hint="必填，须与系统中的单位名称一致（可写全称，如 青川市安平区柳溪镇）。",
    ),
    RosterField("original_post", "原任职务", ("原职务", "现任职务", "原任职务职级"), False, 16),
    RosterField("rank", "职级", ("职务职级", "现职级"), False, 12),
    RosterField(
        "host_unit",
        "接收单位",
        ("挂职单位", "接收单位名称", "挂职地点", "挂职单位名称"),
        True,
        22,
        hint="必填，须与系统中的单位名称一致。",
    ),
    RosterField(
        "post",
        "挂任职务",
        ("挂职职务", "拟挂任职务", "挂职岗位", "挂任岗位"),
        True,
        18,
        hint="必填。",
    ),
    RosterField(
        "duties",
        "分管工作",
        ("分管领域", "工作分工", "分工"),
        False,
        24,
        hint="多项可用分号或换行分隔。",
    ),
    RosterField(
        "start_date",
        "开始日期",
        ("挂职开始日期", "挂职起始日期", "起始日期", "开始时间", "挂职开始时间"),
        False,
        12,
        date=True,
        hint="不填则取批次的开始日期。",
    ),
    RosterField(
        "planned_end_date",
        "计划结束日期",
        ("结束日期", "挂职结束日期", "预计结束日期", "计划结束时间", "挂职结束时间"),
        False,
        13,
        date=True,
        hint="不填则取批次的结束日期；须晚于开始日期。",
    ),
    RosterField(
        "actual_end_date",
        "实际结束日期",
        (),
        False,
        13,
        date=True,
        hint="仅状态为“期满”或“提前结束”时填写。",
    ),
    RosterField("status", "状态", ("挂职状态",), False, 10, hint="不填默认为“待报到”。"),
)
FIELDS_BY_KEY = {f.key: f for f in ROSTER_FIELDS}

# The template's example row: a row carrying this ID number is skipped on import.
EXAMPLE_ROW: dict[str, Any] = {
    "name": "张三（示例，导入时跳过）",
    "gender": "男",
    "birth_date": date(1985, 4, 12),
    "id_number": "110105198504129991",
    "mobile": "13812345678",
    "ethnicity": "汉族",
    "political_status": "中共党员",
    "education": "大学本科",
    "home_unit": "市发展和改革委员会",
    "original_post": "综合科科长",
    "rank": "四级调研员",
    "host_unit": "柳溪镇",
    "post": "镇党委副书记",
    "duties": "营商环境；企业服务",
    "start_date": date(2026, 3, 1),
    "planned_end_date": date(2027, 2, 28),
    "actual_end_date": None,
    "status": "待报到",
}

_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_PAREN = re.compile(r"[(\[【<《].*?[)\]】>》]")


def header_key(text: object) -> str:
    """'证件号码（必填）*' → '证件号码': what a header cell is compared on."""
    value = re.sub(r"\s+", "", clean_text(text))
    value = _PAREN.sub("", value)
    return value.strip("*＊:：")


_HEADER_MAP: dict[str, str] = {}
for _f in ROSTER_FIELDS:
    for _name in (_f.header, *_f.synonyms):
        _HEADER_MAP[header_key(_name)] = _f.key

GENDER_VALUES = {"男": Gender.MALE, "男性": Gender.MALE, "女": Gender.FEMALE, "女性": Gender.FEMALE}
POLITICAL_VALUES: dict[str, str] = {label: value for value, label in PoliticalStatus.choices} | {
    "党员": PoliticalStatus.CPC,
    "共产党员": PoliticalStatus.CPC,
    "中国共产党党员": PoliticalStatus.CPC,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL,
    "中共团员": PoliticalStatus.CYL,
    **dict.fromkeys(
        ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"),
        PoliticalStatus.DEMOCRATIC,
    ),
}
EDUCATION_VALUES: dict[str, str] = {label: value for value, label in Education.choices} | {
    "博士": Education.DOCTORATE,
    "硕士": Education.MASTER,
    "本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "专科": Education.COLLEGE,
    "大专": Education.COLLEGE,
    "中专": Education.SECONDARY,
    "高中": Education.SECONDARY,
}
STATUS_VALUES: dict[str, str] = {label: value for value, label in SecondmentStatus.choices}

_SILENTLY_IGNORED = {"序号", "编号", "顺序号", "No.", "NO."}
_FOOTER = re.compile(r"^(注|备注|说明|填表人|填报人|审核人|联系人|制表|填表日期|单位盖章)")


# --- Report -------------------------------------------------------------------------------------


@dataclass
class Issue:
    row: int  # Excel row number; 0 for the whole file
    column: str  # the header as written in the file, or '' for the whole row / file
    value: str
    message: str
    level: str = ERROR
    col: str = ""  # column letter

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "col": self.col,
            "value": self.value,
            "message": self.message,
            "level": self.level,
        }


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    provided: set[str]  # keys whose cell was filled in the file
    existing_cadre: Cadre | None = None


@dataclass
class ValidationResult:
    rows: list[ParsedRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    data_rows: int = 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def report(self) -> list[dict[str, Any]]:
        return [i.as_dict() for i in sorted(self.issues, key=lambda i: (i.row, i.col != "", i.col))]


class ImportRefused(Exception):
    """The import cannot go ahead; str(error) is a Chinese explanation."""


class ImportNoLongerValid(ImportRefused):
    """Re-validation at commit time found errors (the data changed since the upload)."""

    def __init__(self, result: ValidationResult) -> None:
        super().__init__(
            f"系统中的数据在校验后发生了变化，重新校验发现 {len(result.errors)} 处问题，未导入任何数据。"
        )
        self.result = result


# --- Cell parsing -------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def cell_text(value: Any) -> str:
    """A cell as clean text: full-width folded, spaces collapsed, the apostrophe that an export
    puts before = + - @ removed again."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _unprefix(clean_text(value))


def free_text(value: Any) -> str:
    """Prose (posts, duties): whitespace collapsed, but full-width Chinese punctuation kept."""
    if value is None or isinstance(value, (int, float, date)):
        return cell_text(value)
    return _unprefix(_SPACES.sub(" ", str(value)).strip())


def _unprefix(text: str) -> str:
    """Undo `guazhi.lib.xlsx.neutralise`: "'=x" → "=x"."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


_FULL = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Any) -> tuple[date, bool]:
    """(date, day_known). A month-only value gives the first of the month and day_known=False.
    Raises CellError with a Chinese explanation."""
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    if isinstance(value, bool):
        raise CellError("不是日期。")
    if isinstance(value, float) and not value.is_integer():
        # 1985.04 typed into a number cell. 1985.10 arrives as 1985.1 and cannot be told from January.
        year, _, frac = repr(value).partition(".")
        if frac == "1":
            raise CellError(
                f"“{value}”被 Excel 存成了数字，无法区分 1 月和 10 月。"
                "请把该列设置为“文本”格式，按 1985.01 或 1985.10 的样式重新填写。"
            )
        if len(year) == 4 and len(frac) <= 2:
            return _make_date(int(year), int(frac), 1, str(value)), False
        raise CellError(f"无法识别日期“{value}”，请按 1985-04-12 的样式填写。")
    if isinstance(value, (int, float)):
        number = int(value)
        if 10_000_000 <= number <= 99_999_999:  # 19850412
            s = str(number)
            return _make_date(int(s[:4]), int(s[4:6]), int(s[6:]), s), True
        if 100_000 <= number <= 999_999:  # 198504
            s = str(number)
            return _make_date(int(s[:4]), int(s[4:]), 1, s), False
        if 1 <= number <= 80_000:  # an Excel date serial shown as a plain number
            return _EXCEL_EPOCH + timedelta(days=number), True
        raise CellError(f"无法识别日期“{value}”，请按 1985-04-12 的样式填写。")
    text = re.sub(r"\s+", "", to_halfwidth(str(value)))
    text = re.sub(r"(T|\s)?0{1,2}:00(:00)?(\.0+)?$", "", text)  # '1985-04-12 00:00:00'
    if m := _FULL.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text), True
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text), True
    if m := _MONTH.match(text):
        return _make_date(int(m[1]), int(m[2]), 1, text), False
    if m := re.fullmatch(r"(\d{4})(\d{2})", text):
        return _make_date(int(m[1]), int(m[2]), 1, text), False
    raise CellError(f"无法识别日期“{text}”，请按 1985-04-12 的样式填写。")


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    if not 1900 <= year <= 2100:
        raise CellError(f"日期“{shown}”的年份不合理，请按 1985-04-12 的样式填写。")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"日期“{shown}”不存在（月份或日期超出范围）。") from None


def _choice(text: str, values: dict[str, str], what: str) -> str:
    key = re.sub(r"\s+", "", text)
    if key in values:
        return values[key]
    allowed = "、".join(dict.fromkeys(label for label in values if len(label) > 1))
    raise CellError(f"无法识别的{what}“{text}”，请从下拉列表选择：{allowed}。")


# --- Units --------------------------------------------------------------------------------------


def _unit_key(text: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(text))


class UnitMatcher:
    """Matches a unit name typed in a roster against the unit tree (one query)."""

    def __init__(self, units: Iterable[Unit]) -> None:
        units = list(units)
        by_pk = {u.pk: u for u in units}
        self.entries: list[tuple[Unit, str, str, str]] = []  # unit, name, chain, display
        for unit in units:
            ids = [int(i) for i in unit.path.strip("/").split("/") if i]
            names = [_unit_key(by_pk[i].name) for i in ids if i in by_pk]
            display_parts = [by_pk[i].name for i in ids if i in by_pk]
            display = "".join(display_parts[1:] if len(display_parts) > 2 else display_parts)
            self.entries.append((unit, _unit_key(unit.name), "".join(names), display))

    def match(self, text: str) -> Unit:
        key = _unit_key(text)
        found = [e for e in self.entries if e[1] == key]
        if not found:
            found = self._by_tail(key)
        if not found:
            parts = [p for p in re.split(r"[/\\>＞|\-—－·•、，,]+", text) if p.strip()]
            if len(parts) > 1:
                found = self._by_tail(_unit_key("".join(parts)))
        if len(found) == 1:
            return found[0][0]
        if found:
            names = "、".join(e[3] for e in found[:5])
            raise CellError(f"有多个单位与“{text}”相符：{names}。请填写单位全称以示区分。")
        raise CellError(self._unknown(text, key))

    def _by_tail(self, key: str) -> list[tuple[Unit, str, str, str]]:
        exact = [e for e in self.entries if e[2] == key or _unit_key(e[3]) == key]
        if exact:
            return exact
        return [e for e in self.entries if e[2].endswith(key) and len(key) >= 2]

    def _unknown(self, text: str, key: str) -> str:
        choices: dict[str, str] = {}
        for _unit, name, _chain, display in self.entries:
            choices.setdefault(name, display)
            choices.setdefault(_unit_key(display), display)
        close = difflib.get_close_matches(key, list(choices), n=3, cutoff=0.5)
        close += [c for c in choices if key in c and c not in close][:3]
        hint = ""
        if close:
            hint = "相近的单位有：" + "、".join(dict.fromkeys(choices[c] for c in close[:4])) + "。"
        return (
            f"系统中没有名为“{text}”的单位。{hint}"
            "请改用系统中的单位名称；如确为新单位，请先在“单位管理”中添加后再导入。"
        )


# --- Validation ---------------------------------------------------------------------------------


@dataclass
class _Header:
    row: int
    columns: dict[str, int]  # field key → 0-based column index
    labels: dict[str, str]  # field key → header text as written


def _trim(row: Sequence[Any]) -> list[Any]:
    cells = list(row[:MAX_COLUMNS])
    while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
        cells.pop()
    return cells


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[_Header | None, list[Issue]]:
    """The first of the top rows naming at least three known columns (one of them 姓名 or
    身份证号). A second header row below it (挂职信息 → 接收单位 | 挂任职务 under a merged cell)
    is merged in."""
    for pos, (excel_row, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {_HEADER_MAP.get(header_key(c)) for c in cells if c is not None} - {None}
        if len(keys) < 3 or not ({"name", "id_number"} & keys):
            continue
        header = _Header(excel_row, {}, {})
        issues: list[Issue] = []
        unknown: dict[int, str] = {}
        _map_header_cells(header, excel_row, cells, unknown, issues)
        if pos + 1 < len(rows):
            sub_row, sub_cells = rows[pos + 1]
            texts = {i: clean_text(c) for i, c in enumerate(sub_cells) if clean_text(c)}
            if texts and all(_HEADER_MAP.get(header_key(t)) for t in texts.values()):
                for i in texts:
                    unknown.pop(i, None)
                _map_header_cells(header, sub_row, sub_cells, unknown, issues)
                header.row = sub_row
        for index, label in unknown.items():
            if header_key(label) not in _SILENTLY_IGNORED:
                issues.append(
                    Issue(
                        excel_row,
                        label,
                        label,
                        f"不认识的列“{label}”，已忽略。",
                        NOTE,
                        get_column_letter(index + 1),
                    )
                )
        return header, issues
    return None, []


def _map_header_cells(
    header: _Header, excel_row: int, cells: list[Any], unknown: dict[int, str], issues: list[Issue]
) -> None:
    for index, cell in enumerate(cells):
        label = clean_text(cell)
        if not label:
            continue
        key = _HEADER_MAP.get(header_key(label))
        if key is None:
            unknown[index] = label
        elif key in header.columns:
            first = header.labels[key]
            issues.append(
                Issue(
                    excel_row,
                    label,
                    label,
                    f"“{label}”与“{first}”都表示“{FIELDS_BY_KEY[key].header}”，请删除其中一列。",
                    ERROR,
                    get_column_letter(index + 1),
                )
            )
        else:
            header.columns[key] = index
            header.labels[key] = label


def validate_roster(data: bytes, *, cohort: Cohort) -> ValidationResult:
    """Phase 1: read the (already safety-checked) workbook and validate every row."""
    result = ValidationResult()
    try:
        workbook = open_workbook(data)
    except UnsafeWorkbook as e:
        result.issues.append(Issue(0, "", "", str(e)))
        return result
    try:
        header, rows = _read_sheets(workbook, result, cohort)
    finally:
        workbook.close()
    if header is None:
        return result
    _validate_rows(header, rows, cohort, result)
    return result


def _read_sheets(
    workbook: Any, result: ValidationResult, cohort: Cohort
) -> tuple[_Header | None, list[tuple[int, list[Any]]]]:
    """The first worksheet with a recognisable header row, and its rows below the header."""
    for ws in workbook.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue  # a chart sheet
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some writers record wrong dimensions; read every cell
        rows: list[tuple[int, list[Any]]] = []
        for excel_row, raw in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = _trim(raw)
            if not cells:
                continue  # blank (possibly formatted) rows are not kept or counted
            rows.append((excel_row, cells))
            if len(rows) > MAX_DATA_ROWS + HEADER_SEARCH_ROWS:
                result.issues.append(
                    Issue(0, "", "", f"名册超过 {MAX_DATA_ROWS} 行，请拆分为多个文件分别导入。")
                )
                return None, []
        header, issues = _find_header(rows)
        if header is None:
            continue
        result.issues.extend(issues)
        missing = [f for f in ROSTER_FIELDS if f.required and f.key not in header.columns]
        for f in missing:
            result.issues.append(
                Issue(
                    header.row,
                    f.header,
                    "",
                    f"缺少必填列“{f.header}”。请在表头中加上这一列（可下载导入模板对照）。",
                )
            )
        for key, default in (
            ("start_date", cohort.start_date),
            ("planned_end_date", cohort.end_date),
        ):
            if key not in header.columns:
                result.issues.append(
                    Issue(
                        header.row,
                        FIELDS_BY_KEY[key].header,
                        "",
                        f"未找到“{FIELDS_BY_KEY[key].header}”列，将统一使用批次的日期 {default:%Y-%m-%d}。",
                        NOTE,
                    )
                )
        if missing:
            return None, []
        return header, [(r, c) for r, c in rows if r > header.row]
    result.issues.append(
        Issue(
            0,
            "",
            "",
            "没有找到表头行。请确认表格前 20 行中有一行列标题，至少包含“姓名”“身份证号”“派出单位”"
            "“接收单位”“挂任职务”等列（可下载导入模板对照）。",
        )
    )
    return None, []


def _validate_rows(
    header: _Header, rows: list[tuple[int, list[Any]]], cohort: Cohort, result: ValidationResult
) -> None:
    matcher = UnitMatcher(Unit.objects.all())
    seen_ids: dict[str, int] = {}
    for excel_row, cells in rows:
        known = [
            cells[i] for i in header.columns.values() if i < len(cells) and cell_text(cells[i])
        ]
        if not known:
            continue  # blank, or only a pre-filled 序号 in an unused numbered row
        filled = [text for text in map(cell_text, cells) if text]
        if len(filled) <= 2 and _FOOTER.match(filled[0]):
            continue
        parsed = _validate_row(header, excel_row, cells, cohort, matcher, result)
        if parsed is None:
            continue
        result.data_rows += 1
        id_number = parsed.values.get("id_number")
        if id_number:
            if id_number in seen_ids:
                result.issues.append(
                    Issue(
                        excel_row,
                        header.labels["id_number"],
                        id_number,
                        f"身份证号与第 {seen_ids[id_number]} 行重复，同一人只能出现一次。",
                        ERROR,
                        get_column_letter(header.columns["id_number"] + 1),
                    )
                )
            else:
                seen_ids[id_number] = excel_row
        result.rows.append(parsed)
    if result.data_rows > MAX_DATA_ROWS:
        result.issues.append(
            Issue(0, "", "", f"名册超过 {MAX_DATA_ROWS} 行，请拆分为多个文件分别导入。")
        )
    if not result.rows and not result.errors:
        result.issues.append(Issue(header.row + 1, "", "", "表头下面没有数据行。"))
    _check_against_database(header, cohort, result)


def _validate_row(
    header: _Header,
    excel_row: int,
    cells: list[Any],
    cohort: Cohort,
    matcher: UnitMatcher,
    result: ValidationResult,
) -> ParsedRow | None:
    raw: dict[str, Any] = {}
    for key, index in header.columns.items():
        raw[key] = cells[index] if index < len(cells) else None
    text = {key: cell_text(value) for key, value in raw.items()}
    values: dict[str, Any] = {}
    provided = {key for key, value in text.items() if value}
    row_issues: list[Issue] = []

    def issue(key: str, message: str, level: str = ERROR) -> None:
        row_issues.append(
            Issue(
                excel_row,
                header.labels.get(key, FIELDS_BY_KEY[key].header),
                text.get(key, ""),
                message,
                level,
                get_column_letter(header.columns[key] + 1) if key in header.columns else "",
            )
        )

    # ID number first: gender and birth date are checked against it.
    id_number = ""
    raw_id = raw.get("id_number")
    try:
        id_number = _parse_id_number(raw_id, text.get("id_number", ""))
    except CellError as e:
        issue("id_number", str(e))
    if id_number == EXAMPLE_ROW["id_number"]:
        result.issues.append(Issue(excel_row, "", "", "模板中的示例行，已跳过。", NOTE))
        return None
    values["id_number"] = id_number

    name = clean_name(raw.get("name"))
    if name.startswith("'") and name[1:2] in ("=", "+", "-", "@"):
        name = name[1:]
    if not name:
        issue("name", "姓名为空。")
    elif len(name) > 50:
        issue("name", "姓名超过 50 个字。")
    elif re.search(r"\d", name):
        issue("name", "姓名中含有数字，请核对。")
    values["name"] = name

    gender = ""
    if text.get("gender"):
        try:
            gender = _choice(text["gender"], dict(GENDER_VALUES), "性别")
        except CellError:
            issue("gender", "性别只能填写“男”或“女”。")
    if id_number:
        from_id = gender_from_id(id_number)
        if gender and gender != from_id:
            issue(
                "gender",
                f"性别“{text['gender']}”与身份证号不符（按身份证号应为“{Gender(from_id).label}”），请核对。",
            )
        gender = from_id
    values["gender"] = gender

    birth: date | None = None
    if text.get("birth_date"):
        try:
            birth, day_known = parse_date(raw["birth_date"])
        except CellError as e:
            issue("birth_date", f"出生日期{e}")
            day_known = True
        if birth and id_number:
            id_birth = birth_date_from_id(id_number)
            same = (
                birth == id_birth
                if day_known
                else (birth.year, birth.month) == (id_birth.year, id_birth.month)
            )
            if not same:
                shown = f"{birth:%Y-%m-%d}" if day_known else f"{birth.year}年{birth.month}月"
                issue(
                    "birth_date",
                    f"出生日期 {shown} 与身份证号中的出生日期 {id_birth:%Y-%m-%d} 不一致，请核对。",
                )
            birth = id_birth
    elif id_number:
        birth = birth_date_from_id(id_number)
    values["birth_date"] = birth

    values["mobile"] = ""
    if text.get("mobile"):
        if "*" in text["mobile"]:
            issue("mobile", "手机号是脱敏后的号码（含 *），请填写完整号码。")
        else:
            try:
                values["mobile"] = normalize_mobile(text["mobile"].lstrip("'‘’`"))
            except InvalidValue as e:
                issue("mobile", str(e))

    ethnicity = re.sub(r"\s+", "", text.get("ethnicity", "")) or "汉族"
    if not ethnicity.endswith(("族", "人")) and len(ethnicity) <= 3:
        ethnicity += "族"
    if len(ethnicity) > 20:
        issue("ethnicity", "民族超过 20 个字。")
    values["ethnicity"] = ethnicity

    for key, choices, what in (
        ("political_status", POLITICAL_VALUES, "政治面貌"),
        ("education", EDUCATION_VALUES, "学历"),
    ):
        values[key] = ""
        if text.get(key):
            try:
                values[key] = _choice(text[key], choices, what)
            except CellError as e:
                issue(key, str(e))
        elif FIELDS_BY_KEY[key].required:
            issue(key, f"{what}为空，请从下拉列表选择。")

    for key in ("home_unit", "host_unit"):
        values[key] = None
        label = FIELDS_BY_KEY[key].header
        if not text.get(key):
            issue(key, f"{label}为空。")
            continue
        try:
            values[key] = matcher.match(text[key])
        except CellError as e:
            issue(key, str(e))

    for key, limit in (("original_post", 100), ("rank", 50), ("post", 100)):
        values[key] = free_text(raw.get(key))
        if len(values[key]) > limit:
            issue(key, f"{FIELDS_BY_KEY[key].header}超过 {limit} 个字。")
    if not values["post"]:
        issue("post", "挂任职务为空。")
    duties = str(raw.get("duties") or "").splitlines()
    values["duties"] = "\n".join(line for line in map(free_text, duties) if line)

    dates: dict[str, date | None] = {}
    for key, default in (
        ("start_date", cohort.start_date),
        ("planned_end_date", cohort.end_date),
        ("actual_end_date", None),
    ):
        dates[key] = default
        if not text.get(key):
            continue
        label = FIELDS_BY_KEY[key].header
        try:
            value, day_known = parse_date(raw[key])
        except CellError as e:
            issue(key, f"{label}{e}")
            dates[key] = None
            continue
        if not day_known:
            if key == "start_date":
                issue(key, f"{label}只写到月，按该月 1 日（{value:%Y-%m-%d}）导入。", NOTE)
            else:
                value = value.replace(day=calendar.monthrange(value.year, value.month)[1])
                issue(key, f"{label}只写到月，按该月最后一天（{value:%Y-%m-%d}）导入。", NOTE)
        dates[key] = value
    values.update(dates)

    status = SecondmentStatus.PENDING.value
    if text.get("status"):
        try:
            status = _choice(text["status"], STATUS_VALUES, "状态")
        except CellError as e:
            issue("status", str(e))
    values["status"] = status

    start, end, actual = dates["start_date"], dates["planned_end_date"], dates["actual_end_date"]
    if start and end and end <= start:
        issue("planned_end_date", f"计划结束日期 {end:%Y-%m-%d} 应晚于开始日期 {start:%Y-%m-%d}。")
    finished = status in (SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY)
    if finished and not actual and not text.get("actual_end_date"):
        issue("status", f"状态为“{SecondmentStatus(status).label}”时须填写实际结束日期。")
    if actual and not finished:
        issue("actual_end_date", "只有状态为“期满”或“提前结束”时才填写实际结束日期。")
    if actual and start and actual < start:
        issue("actual_end_date", "实际结束日期不能早于开始日期。")

    result.issues.extend(row_issues)
    return ParsedRow(excel_row, values, provided)


def _parse_id_number(raw: Any, text: str) -> str:
    if raw is None or not text:
        raise CellError("身份证号为空。")
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
        try:
            if isinstance(raw, int):
                return normalize_id_number(str(raw))
        except InvalidValue:
            pass
        raise CellError(
            f"身份证号被 Excel 存成了数字（显示为 {raw:.15g}），末几位已丢失：Excel 只保留 15 位有效数字。"
            "请把该列设置为“文本”格式后重新录入完整号码。"
        )
    text = text.lstrip("'‘’`")  # an apostrophe typed to force text
    if "*" in text:
        raise CellError(
            "身份证号是脱敏后的号码（含 *），请填写完整号码（导出的名册中身份证号已脱敏）。"
        )
    try:
        return normalize_id_number(text)
    except InvalidValue as e:
        raise CellError(str(e)) from None


def _check_against_database(header: _Header, cohort: Cohort, result: ValidationResult) -> None:
    ids = [r.values["id_number"] for r in result.rows if r.values.get("id_number")]
    if not ids:
        return
    existing = {c.id_number: c for c in Cadre.objects.filter(id_number__in=ids)}
    in_cohort = {
        s.cadre_id: s
        for s in Secondment.objects.filter(
            cohort=cohort, cadre__in=existing.values()
        ).select_related("host_unit")
    }
    ongoing = {
        s.cadre_id: s
        for s in Secondment.objects.filter(
            cadre__in=existing.values(),
            status__in=(SecondmentStatus.PENDING, SecondmentStatus.ACTIVE),
        )
        .exclude(cohort=cohort)
        .select_related("cohort")
    }
    label = header.labels["id_number"]
    col = get_column_letter(header.columns["id_number"] + 1)
    for parsed in result.rows:
        cadre = existing.get(parsed.values.get("id_number", ""))
        if cadre is None:
            continue
        parsed.existing_cadre = cadre
        shown = parsed.values["id_number"]
        if parsed.values["name"] and parsed.values["name"] != cadre.name:
            result.issues.append(
                Issue(
                    parsed.row,
                    label,
                    shown,
                    f"该身份证号在系统中属于“{cadre.name}”，与本行姓名“{parsed.values['name']}”不一致，请核对。",
                    ERROR,
                    col,
                )
            )
        elif cadre.pk in in_cohort:
            sec = in_cohort[cadre.pk]
            result.issues.append(
                Issue(
                    parsed.row,
                    label,
                    shown,
                    f"{cadre.name}已在本批次中（{sec.host_unit.name} {sec.post}），不能重复导入。",
                    ERROR,
                    col,
                )
            )
        else:
            result.issues.append(
                Issue(
                    parsed.row,
                    label,
                    shown,
                    "系统中已有该干部（以往批次）：将为其新增本批次的挂职记录，并按本行填写的内容更新其基本信息。",
                    NOTE,
                    col,
                )
            )
            if cadre.pk in ongoing:
                other = ongoing[cadre.pk]
                result.issues.append(
                    Issue(
                        parsed.row,
                        label,
                        shown,
                        f"{cadre.name}在批次“{other.cohort.name}”的挂职仍为“{other.get_status_display()}”，"
                        "请确认是否同时挂职，或先结束原挂职。",
                        NOTE,
                        col,
                    )
                )


# --- Phase 2 ------------------------------------------------------------------------------------


@dataclass
class ImportCounts:
    cadres_created: int = 0
    cadres_updated: int = 0
    secondments_created: int = 0


_CADRE_UPDATABLE = (
    "mobile",
    "ethnicity",
    "political_status",
    "education",
    "home_unit",
    "original_post",
    "rank",
)


def committed_duplicate(sha256: str) -> RosterImport | None:
    return (
        RosterImport.objects.filter(sha256=sha256, status=RosterImportStatus.COMMITTED)
        .select_related("cohort", "uploaded_by")
        .first()
    )


def duplicate_message(previous: RosterImport) -> str:
    when = timezone.localtime(previous.committed_at or previous.uploaded_at)
    who = previous.uploaded_by.display_name if previous.uploaded_by_id else ""
    return (
        f"该文件已于 {when:%Y-%m-%d %H:%M} 由{who}导入到批次“{previous.cohort.name}”，不能重复导入。"
        "如需修改，请在系统中直接编辑干部信息；如确需补充人员，请只导入新增人员的名册。"
    )


def commit_import(*, roster_import: RosterImport, request: HttpRequest) -> ImportCounts:
    """Phase 2: re-validate the stored file against the current data and save every cadre and
    secondment, the import's new status and the audit record in one transaction."""
    with transaction.atomic():
        ri = (
            RosterImport.objects.select_for_update()
            .select_related("cohort")
            .get(pk=roster_import.pk)
        )
        if ri.status == RosterImportStatus.COMMITTED:
            raise ImportRefused("该文件已经导入，不能重复导入。")
        if ri.status != RosterImportStatus.VALIDATED:
            raise ImportRefused("校验未通过的名册不能导入，请按校验报告修改后重新上传。")
        previous = committed_duplicate(ri.sha256)
        if previous is not None:
            raise ImportRefused(duplicate_message(previous))
        result = validate_roster(bytes(ri.content), cohort=ri.cohort)
        if not result.ok:
            raise ImportNoLongerValid(result)
        counts = ImportCounts()
        new_cadres: list[Cadre] = []
        for parsed in result.rows:
            v = parsed.values
            cadre = parsed.existing_cadre
            if cadre is None:
                cadre = Cadre(
                    name=v["name"],
                    gender=v["gender"],
                    birth_date=v["birth_date"],
                    id_number=v["id_number"],
                    mobile=v["mobile"],
                    ethnicity=v["ethnicity"],
                    political_status=v["political_status"],
                    education=v["education"],
                    home_unit=v["home_unit"],
                    original_post=v["original_post"],
                    rank=v["rank"],
                )
                new_cadres.append(cadre)
            else:
                changed = [
                    k
                    for k in _CADRE_UPDATABLE
                    if k in parsed.provided and getattr(cadre, k) != v[k]
                ]
                for key in changed:
                    setattr(cadre, key, v[key])
                if changed:
                    cadre.save(update_fields=[*changed, "updated_at"])
                    counts.cadres_updated += 1
            parsed.existing_cadre = cadre
        for cadre in new_cadres:
            cadre.save()
        counts.cadres_created = len(new_cadres)
        Secondment.objects.bulk_create(
            [
                Secondment(
                    cadre=p.existing_cadre,
                    cohort=ri.cohort,
                    host_unit=p.values["host_unit"],
                    post=p.values["post"],
                    duties=p.values["duties"],
                    start_date=p.values["start_date"],
                    planned_end_date=p.values["planned_end_date"],
                    actual_end_date=p.values["actual_end_date"],
                    status=p.values["status"],
                )
                for p in result.rows
            ]
        )
        counts.secondments_created = len(result.rows)
        ri.status = RosterImportStatus.COMMITTED
        ri.committed_at = timezone.now()
        ri.row_count = len(result.rows)
        ri.report = result.report()
        ri.error_count = 0
        ri.content = b""  # the data now lives in the roster; keep no second copy of personal data
        ri.save()
        record(
            event=Event.IMPORT,
            request=request,
            obj=ri,
            detail=(
                f"导入名册“{ri.file_name}”到批次“{ri.cohort.name}”：新增干部 {counts.cadres_created} 人，"
                f"更新干部 {counts.cadres_updated} 人，新增挂职 {counts.secondments_created} 条"
            ),
            after={
                "cohort": ri.cohort.name,
                "file_name": ri.file_name,
                "sha256": ri.sha256,
                "cadres_created": counts.cadres_created,
                "cadres_updated": counts.cadres_updated,
                "secondments_created": counts.secondments_created,
            },
        )
    return counts
