"""What a roster validation produces: per-cell issues in Chinese, the parsed rows, and the
form in which both are kept on the `RosterImport` row between the upload and the commit (so the
workbook is parsed once per upload)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from guazhi.lib.identity import mask_id_number, mask_mobile
from guazhi.roster.models import Cadre, Unit

ERROR = "error"
NOTE = "note"
UNIT_KEYS = ("home_unit", "host_unit")
DATE_KEYS = ("birth_date", "start_date", "planned_end_date", "actual_end_date")


_ID_RUN = re.compile(r"\d{17}[\dXx]")
_MOBILE_RUN = re.compile(r"1[3-9]\d{9}")
# Cells whose whole value is masked, whatever its shape (a mistyped number is still personal).
PERSONAL_KEYS = {"id_number": mask_id_number, "mobile": mask_mobile}


def mask_numbers(text: str) -> str:
    """Every ID-number-shaped and mobile-shaped run in `text` masked as lists mask them: the
    report (page, .xlsx, and the JSON kept in the database) never holds a full number.

    >>> mask_numbers("身份证号 11010519850412999X 与第 3 行重复；手机号 13812345678")
    '身份证号 110***********999X 与第 3 行重复；手机号 138****5678'
    """
    text = _ID_RUN.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE_RUN.sub(lambda m: mask_mobile(m.group()), text)


def shown_value(key: str, text: str) -> str:
    """A cell's value as the report shows it."""
    masker = PERSONAL_KEYS.get(key)
    return masker(text) if masker and text else text


def shown_message(key: str, message: str) -> str:
    """A message about a personal cell with every run of digits in it masked: messages quote
    the value, and a mistyped number is personal data all the same."""
    masker = PERSONAL_KEYS.get(key)
    if masker is None:
        return message
    return re.sub(r"\d{5,}[\dXx]?", lambda m: masker(m.group()), message)


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
            "value": mask_numbers(self.value),
            "message": mask_numbers(self.message),
            "level": self.level,
        }


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    provided: set[str]  # keys whose cell was filled in the file
    existing_cadre: Cadre | None = None

    def to_json(self) -> dict[str, Any]:
        values = dict(self.values)
        for key in UNIT_KEYS:
            values[key] = values[key].pk if values.get(key) is not None else None
        for key in DATE_KEYS:
            values[key] = values[key].isoformat() if values.get(key) else None
        return {
            "row": self.row,
            "values": values,
            "provided": sorted(self.provided),
            "existing": self.existing_cadre is not None,  # at upload; the commit checks again
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], units: dict[int, Unit]) -> ParsedRow:
        """A row as cached; a unit deleted since is None (the commit refuses it)."""
        values = dict(data["values"])
        for key in UNIT_KEYS:
            values[key] = units.get(values[key]) if values.get(key) is not None else None
        for key in DATE_KEYS:
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        return cls(data["row"], values, set(data["provided"]))


@dataclass
class ValidationResult:
    rows: list[ParsedRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    data_rows: int = 0
    id_column: str = "身份证号"  # the ID column's header and letter, for the database checks
    id_col: str = ""

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def report(self) -> list[dict[str, Any]]:
        return [i.as_dict() for i in sorted(self.issues, key=lambda i: (i.row, i.col != "", i.col))]

    def parsed_json(self) -> dict[str, Any]:
        """The parsed rows as kept on the RosterImport until the commit."""
        return {
            "id_column": self.id_column,
            "id_col": self.id_col,
            "rows": [r.to_json() for r in self.rows],
        }


class ImportRefused(Exception):
    """The import cannot go ahead; str(error) is a Chinese explanation."""


class ImportNoLongerValid(ImportRefused):
    """Re-validation at commit time found errors (the data changed since the upload)."""

    def __init__(self, issues: list[Issue]) -> None:
        errors = [i for i in issues if i.level == ERROR]
        super().__init__(
            f"系统中的数据在校验后发生了变化，重新校验发现 {len(errors)} 处问题，未导入任何数据。"
        )
        self.issues = issues
        self.errors = errors

    def report(self) -> list[dict[str, Any]]:
        return [i.as_dict() for i in sorted(self.issues, key=lambda i: (i.row, i.col != "", i.col))]
