"""The audit log is append-only and hash-chained; verify_audit names the first bad record."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from guazhi.audit.log import record, verify_chain
from guazhi.audit.models import AuditRecord, Event


@pytest.fixture
def chain(db):
    for i in range(1, 6):
        record(
            event=Event.EDIT,
            username=f"user{i}",
            object_repr=f"对象{i}",
            before={"name": "旧"},
            after={"name": f"新{i}"},
        )
    return list(AuditRecord.objects.order_by("seq"))


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_intact_chain_verifies(chain):
    assert [r.seq for r in chain] == [1, 2, 3, 4, 5]
    assert chain[1].prev_hash == chain[0].hash
    assert "共 5 条记录" in _verify()


def test_altered_record_is_named(chain):
    _raw(f"UPDATE {AuditRecord._meta.db_table} SET username = %s WHERE seq = %s", ["intruder", 3])
    with pytest.raises(CommandError, match="第 3 条记录的内容与其哈希不符"):
        _verify()


def test_deleted_record_is_named(chain):
    _raw(f"DELETE FROM {AuditRecord._meta.db_table} WHERE seq = %s", [2])
    checked, problem = verify_chain()
    assert checked == 1
    assert problem == "第 2 条至第 2 条记录缺失（被删除）。"


def test_truncating_the_newest_records_needs_the_exported_head(chain):
    """The chain alone cannot tell that its newest records were cut off; the head exported by
    the previous verification can (tests/audit/test_audit_head_export.py)."""
    _raw(f"DELETE FROM {AuditRecord._meta.db_table} WHERE seq = %s", [5])
    assert verify_chain() == (4, None)


def test_inserted_record_is_named(chain):
    fake = AuditRecord.objects.get(seq=3)
    # Shift records 3..5 up by one to make room, as an intruder would.
    _raw(f"UPDATE {AuditRecord._meta.db_table} SET seq = seq + 100 WHERE seq >= %s", [3])
    _raw(f"UPDATE {AuditRecord._meta.db_table} SET seq = seq - 99 WHERE seq >= %s", [100])
    _raw(
        f"INSERT INTO {AuditRecord._meta.db_table} (seq, time, username, role, ip, event, object_type,"
        " object_id, object_repr, result, detail, prev_hash, hash) VALUES"
        " (%s, %s, 'ghost', '', '', 'login', '', '', '', 'success', '', %s, %s)",
        [3, fake.time, fake.prev_hash, "f" * 64],
    )
    checked, problem = verify_chain()
    assert checked == 2
    assert problem.startswith("第 3 条记录的内容与其哈希不符（被篡改")


def test_no_edit_or_delete_path_in_the_app(chain):
    entry = chain[0]
    entry.username = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(seq=1).update(username="x")
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    assert verify_chain() == (5, None)


def test_personal_data_is_masked_in_before_and_after(db):
    entry = record(
        event=Event.EDIT,
        username="admin",
        before={"id_number": "110105198504120017", "mobile": "13812345678", "name": "张建国"},
        after={"id_number": "110105199002140028", "password": "secret"},
    )
    entry.refresh_from_db()
    assert entry.before == {
        "id_number": "110***********0017",
        "mobile": "138****5678",
        "name": "张建国",
    }
    assert entry.after == {"id_number": "110***********0028", "password": "******"}
    assert verify_chain() == (1, None)


def test_record_rolls_back_with_the_change_it_records(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(event=Event.DELETE, username="admin")
        raise RuntimeError("the change failed")
    assert AuditRecord.objects.count() == 0
