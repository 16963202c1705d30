"""No ORM path changes, removes or bulk-inserts audit records: only `record()` appends.
Raw SQL cannot be refused from inside the application; the keyed chain and the exported head
catch it (test_audit_keyed_chain.py, test_audit_head_export.py)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from guazhi.audit.log import verify_chain
from guazhi.audit.models import GENESIS_HASH, AuditRecord
from tests.audit.chain_helpers import make_chain


@pytest.fixture
def chain(db):
    return make_chain(3)


def _fake(seq: int) -> AuditRecord:
    return AuditRecord(
        seq=seq,
        time=timezone.now(),
        username="ghost",
        event="login",
        result="success",
        prev_hash=GENESIS_HASH,
        hash="0" * 64,
    )


def test_bulk_create_is_refused(chain):
    with pytest.raises(PermissionError, match="只能通过 guazhi.audit.log.record"):
        AuditRecord.objects.bulk_create([_fake(4)])
    with pytest.raises(PermissionError):
        AuditRecord.objects.bulk_create([])
    assert AuditRecord.objects.count() == 3


def test_create_and_plain_save_are_refused(chain):
    # Each refusal in its own atomic block: a refused save marks the enclosing one for rollback.
    with (
        pytest.raises(PermissionError, match="只能通过 guazhi.audit.log.record"),
        transaction.atomic(),
    ):
        AuditRecord.objects.create(
            seq=4, time=timezone.now(), event="login", result="success", prev_hash="", hash=""
        )
    with pytest.raises(PermissionError), transaction.atomic():
        _fake(4).save()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditRecord.objects.get_or_create(seq=4, defaults={"time": timezone.now()})
    assert AuditRecord.objects.count() == 3


def test_updates_are_refused(chain):
    entry = chain[0]
    entry.username = "changed"
    with pytest.raises(PermissionError), transaction.atomic():
        entry.save()
    with pytest.raises(PermissionError), transaction.atomic():
        entry.save(update_fields=["username"])
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(seq=1).update(username="x")
    with pytest.raises(PermissionError):
        AuditRecord.objects.bulk_update([entry], ["username"])
    with pytest.raises(PermissionError), transaction.atomic():
        AuditRecord.objects.update_or_create(seq=1, defaults={"username": "x"})
    assert verify_chain() == (3, None)


def test_deletes_are_refused(chain):
    with pytest.raises(PermissionError):
        chain[0].delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(seq=3)._raw_delete("default")
    assert verify_chain() == (3, None)


def test_loading_a_fixture_is_refused(chain, tmp_path):
    """loaddata saves with raw=True past save(): refused both for a new row and over an
    existing one."""
    for pk, seq in ((chain[0].pk, 1), (10_000, 4)):
        fixture = tmp_path / f"audit{seq}.json"
        fields = {
            "seq": seq,
            "time": timezone.now().isoformat(),
            "username": "ghost",
            "event": "login",
            "result": "success",
            "prev_hash": GENESIS_HASH,
            "hash": "0" * 64,
        }
        fixture.write_text(json.dumps([{"model": "audit.auditrecord", "pk": pk, "fields": fields}]))
        with pytest.raises(PermissionError), transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
    assert verify_chain() == (3, None)
