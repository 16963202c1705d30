"""The audit log as rows for the Excel export (pretix-style: the exporter yields rows)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import Role
from guazhi.audit.log import record
from guazhi.audit.models import AuditQuerySet, Event, Result
from guazhi.lib.xlsx import Column, Sheet, write_xlsx

AUDIT_COLUMNS = [
    Column(h, width=w)
    for h, w in [
        ("序号", 8),
        ("时间", 20),
        ("用户名", 14),
        ("角色", 14),
        ("IP 地址", 15),
        ("事件", 14),
        ("对象类型", 18),
        ("对象编号", 10),
        ("对象", 24),
        ("结果", 8),
        ("说明", 36),
        ("变更前", 40),
        ("变更后", 40),
        ("哈希", 20),
    ]
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


class _CountingRows:
    """Rows passed through while counting them, so the audit record states the exact number
    of rows that went into the file."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def audited_xlsx(
    *,
    actor: Any,
    ip: str,
    sheet: Sheet,
    object_type: str,
    object_repr: str,
    describe: Callable[[int], str],
    after: dict[str, Any] | None = None,
) -> bytes:
    """Build a workbook, then audit-log the export with its exact row count.

    The workbook is rendered outside any transaction (on SQLite a write transaction locks the
    whole database, and a 25k-row workbook takes seconds); reads see one consistent snapshot.
    Only the audit record is written, in a short transaction of its own, after the file exists.
    """
    counted = _CountingRows(sheet.rows)
    data = write_xlsx([Sheet(sheet.title, sheet.columns, counted, sheet.header_fill)])
    with transaction.atomic():
        record(
            event=Event.EXPORT,
            user=actor,
            ip=ip,
            object_type=object_type,
            object_repr=object_repr,
            detail=describe(counted.count),
            after={**(after or {}), "rows": counted.count},
        )
    return data


def audited_document(
    *,
    actor: Any,
    ip: str,
    obj: Any,
    render: Callable[[], bytes],
    detail: str,
    after: dict[str, Any] | None = None,
) -> bytes:
    """Render a document (Word, PDF) for a download, then audit-log it: the counterpart of
    `audited_xlsx` for files of one object.

    Rendering runs outside any transaction (a PDF takes LibreOffice a second or more). A render
    that raises (LibreOffice missing) hands nothing out, so nothing is recorded.
    """
    data = render()
    with transaction.atomic():
        record(
            event=Event.EXPORT,
            user=actor,
            ip=ip,
            obj=obj,
            detail=detail,
            after={**(after or {}), "bytes": len(data)},
        )
    return data
