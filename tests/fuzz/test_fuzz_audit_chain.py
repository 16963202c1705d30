"""The audit chain against an insider with database access but not the key: any single-row
change (any column, any value), insertion (anywhere, with the later records renumbered) or
deletion (first, middle or newest) is caught by verify_audit, the newest with the head exported
by the previous verification."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import assume, given
from hypothesis import strategies as st

from guazhi.audit.models import AuditRecord
from tests.audit.chain_helpers import TABLE, make_chain, plain_sha256, raw

TEXT_COLUMNS = (
    "username",
    "role",
    "ip",
    "event",
    "object_type",
    "object_id",
    "object_repr",
    "result",
    "detail",
    "prev_hash",
    "hash",
)
JSON_COLUMNS = ("before", "after")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**6) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture
def keyed(settings, tmp_path):
    settings.GUAZHI_AUDIT_KEY = "k" * 40
    settings.GUAZHI_AUDIT_SYSLOG = ""
    settings.GUAZHI_AUDIT_HEAD_FILE = str(tmp_path / "head" / "audit-head.log")
    return tmp_path / "head" / "audit-head.log"


def _verify() -> None:
    call_command("verify_audit", stdout=io.StringIO())


class Undo(Exception):
    """Leaves the example's savepoint: every example starts from an empty log."""


def _attack(settings, attack, length: int) -> None:
    """Build a chain, verify it (the head goes to the head file), attack, verify again."""
    head = settings.GUAZHI_AUDIT_HEAD_FILE
    try:
        with transaction.atomic():
            make_chain(length)
            _verify()
            attack(list(AuditRecord.objects.order_by("seq")))
            with pytest.raises(CommandError):
                _verify()
            raise Undo
    except Undo:
        pass
    finally:
        Path(head).unlink(missing_ok=True)


@given(
    length=st.integers(2, 6),
    position=st.integers(0, 5),
    column=st.sampled_from(TEXT_COLUMNS + JSON_COLUMNS + ("seq", "time", "user_id")),
    text=st.text(max_size=20),
    json_value=json_values,
    shift=st.integers(-(10**6), 10**6).filter(bool),
)
def test_any_single_change_is_caught(
    db, keyed, settings, programme_admin, length, position, column, text, json_value, shift
):
    def change(records):
        target = records[position % len(records)]
        if column in TEXT_COLUMNS:
            old = getattr(target, column)
            new = text[: 64 if column.endswith("hash") else 45]
            assume(new != old)
        elif column in JSON_COLUMNS:
            assume(json_value != getattr(target, column))
            new = json.dumps(json_value)
        elif column == "seq":
            new = target.seq + shift
            assume(new >= 0 and not AuditRecord.objects.filter(seq=new).exists())
        elif column == "time":
            new = connection.ops.adapt_datetimefield_value(
                target.time + timedelta(microseconds=shift)
            )
        else:
            new = programme_admin.pk
        raw(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [new, target.pk])

    _attack(settings, change, length)


@given(
    length=st.integers(2, 6),
    position=st.integers(0, 7),
    forge=st.sampled_from(["sha256", "copy", "zeros"]),
)
def test_any_insertion_is_caught(db, keyed, settings, length, position, forge):
    def insert(records):
        at = position % (len(records) + 2)  # 0 (before the first) … len + 1 (after the newest)
        for entry in sorted(records, key=lambda r: -r.seq):
            if entry.seq >= at and at > 0:
                raw(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [entry.seq + 1, entry.pk])
        template = records[min(max(at, 1), len(records)) - 1]
        previous = records[at - 2].hash if at >= 2 else "0" * 64
        forged = AuditRecord(
            **{f.attname: getattr(template, f.attname) for f in AuditRecord._meta.concrete_fields}
        )
        forged.pk, forged.seq, forged.prev_hash = None, at, previous
        forged.detail = "伪造的记录"
        forged.hash = {
            "sha256": plain_sha256(forged.canonical()),
            "copy": template.hash,
            "zeros": "0" * 64,
        }[forge]
        columns = [f.column for f in AuditRecord._meta.concrete_fields if f.column != "id"]
        values = [
            f.get_db_prep_value(getattr(forged, f.attname), connection)
            for f in AuditRecord._meta.concrete_fields
            if f.column != "id"
        ]
        placeholders = ", ".join(["%s"] * len(columns))
        raw(f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({placeholders})", values)

    _attack(settings, insert, length)


@given(length=st.integers(2, 6), position=st.integers(0, 5))
def test_any_deletion_is_caught(db, keyed, settings, length, position):
    def delete(records):
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [records[position % len(records)].pk])

    _attack(settings, delete, length)
