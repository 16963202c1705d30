"""The audit log as rows for the Excel export (pretix-style: the exporter yields rows)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.utils import timezone

from guazhi.accounts.models import Role
from guazhi.audit.models import AuditQuerySet, Event, Result
from guazhi.lib.xlsx import Column

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
