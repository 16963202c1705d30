"""The audit log as rows for the Excel export (pretix-style: the exporter yields rows)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from guazhi.accounts.models import Role
from guazhi.audit.models import AuditQuerySet, Event, Result

AUDIT_HEADERS = [
    "序号",
    "时间",
    "用户名",
    "角色",
    "IP 地址",
    "事件",
    "对象类型",
    "对象编号",
    "对象",
    "结果",
    "说明",
    "变更前",
    "变更后",
    "哈希",
]

_ROLE_LABELS = dict(Role.choices)
_EVENT_LABELS = dict(Event.choices)
_RESULT_LABELS = dict(Result.choices)


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_rows(records: AuditQuerySet) -> Iterator[list[object]]:
    for r in records.iterator(chunk_size=2000):
        yield [
            r.seq,
            timezone.localtime(r.time).strftime("%Y-%m-%d %H:%M:%S"),
            r.username,
            _ROLE_LABELS.get(r.role, r.role),
            r.ip,
            _EVENT_LABELS.get(r.event, r.event),
            r.object_type,
            r.object_id,
            r.object_repr,
            _RESULT_LABELS.get(r.result, r.result),
            r.detail,
            _json(r.before),
            _json(r.after),
            r.hash,
        ]


def xlsx_response(
    filename: str, title: str, headers: list[str], rows: Iterable[list[object]]
) -> HttpResponse:
    # TODO(import work): switch to the shared writer in guazhi.lib.xlsx once it lands.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(headers)
    for row in rows:
        ws.append([("'" + v) if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    wb.save(response)
    return response
