"""Audit records past the retention period are pruned from an anchor that keeps the chain
verifiable; nothing newer is ever pruned, and tampering after a prune is still caught."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.utils import timezone

from guazhi.audit import log
from guazhi.audit.log import record, walk_chain
from guazhi.audit.models import AuditRecord, Event
from guazhi.audit.retention import PruneRefused, _delete_through, prune_audit
from tests.audit.chain_helpers import TABLE, raw


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    real = log.timezone.now
    log.timezone.now = lambda: moment  # type: ignore[assignment]
    try:
        yield
    finally:
        log.timezone.now = real  # type: ignore[assignment]


def _records(days_ago: list[int]) -> None:
    now = timezone.now()
    for i, days in enumerate(days_ago, start=1):
        with at(now - timedelta(days=days)):
            record(event=Event.EDIT, username=f"user{i}", object_repr=f"对象{i}", detail=str(days))


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def keyed(settings, tmp_path):
    settings.GUAZHI_AUDIT_KEY = "r" * 40
    settings.GUAZHI_AUDIT_HEAD_FILE = str(tmp_path / "elsewhere" / "head.log")
    settings.GUAZHI_AUDIT_SYSLOG = ""
    settings.GUAZHI_AUDIT_RETENTION_DAYS = 365
    return tmp_path / "elsewhere" / "head.log"


def test_prune_removes_only_records_past_retention_and_the_chain_still_verifies(db, keyed):
    _records([800, 500, 400, 366, 364, 100, 1])
    pruned = prune_audit(operator="tester")
    assert pruned is not None
    assert (pruned.removed, pruned.through_seq) == (4, 4)
    remaining = list(AuditRecord.objects.order_by("seq"))
    assert [r.seq for r in remaining] == [5, 6, 7, 8]
    assert [r.detail for r in remaining[:3]] == ["364", "100", "1"]
    prune_record = remaining[-1]
    assert prune_record.event == Event.AUDIT_PRUNE and prune_record.username == "tester"
    assert prune_record.after["through_seq"] == 4
    assert "锚点 第 4 条" in prune_record.detail
    output = _verify()
    assert "审计日志完好" in output and "第 4 条及以前" in output
    # The prune exported the head: the newest record, the prune itself.
    last_line = json.loads(keyed.read_text().splitlines()[-1])
    assert (last_line["kind"], last_line["seq"]) == ("verify", 8)
    kinds = [json.loads(line)["kind"] for line in keyed.read_text().splitlines()]
    assert kinds == ["prune", "verify"]


def test_nothing_newer_than_retention_is_ever_pruned(db, keyed):
    # A clock step wrote an older time after a newer one: the prune stops at the first record
    # inside the period, so the older-looking one after it is kept.
    _records([400, 10, 500, 2])
    pruned = prune_audit(operator="tester")
    assert pruned is not None and pruned.through_seq == 1
    assert list(AuditRecord.objects.order_by("seq").values_list("detail", flat=True))[:3] == [
        "10",
        "500",
        "2",
    ]
    cutoff = timezone.now() - timedelta(days=365)
    before = AuditRecord.objects.count()
    assert prune_audit(operator="tester") is None  # nothing more is due
    assert AuditRecord.objects.count() == before
    assert not AuditRecord.objects.filter(time__gte=cutoff, seq__lte=1).exists()


def test_a_young_chain_is_left_alone(db, keyed):
    _records([30, 20, 10])
    assert prune_audit(operator="tester") is None
    assert AuditRecord.objects.count() == 3
    assert not AuditRecord.objects.filter(event=Event.AUDIT_PRUNE).exists()


def test_two_prunes_in_a_row_keep_the_chain_verifiable(db, keyed):
    _records([800, 700, 100])
    prune_audit(operator="tester")
    now = timezone.now()
    with at(now + timedelta(days=300)):
        record(event=Event.LOGIN, username="later")
    # A year later the first prune's record and the next one have aged out too.
    later = now + timedelta(days=500)
    with at(later):
        pruned = prune_audit(operator="tester", now=later)
    assert pruned is not None and pruned.through_seq == 4
    assert walk_chain().problem is None
    assert AuditRecord.objects.order_by("seq").first().seq == 5  # type: ignore[union-attr]


@pytest.fixture
def pruned_chain(db, keyed):
    _records([900, 800, 700, 600, 30, 20, 10])
    prune_audit(operator="tester")
    assert walk_chain().problem is None
    return list(AuditRecord.objects.order_by("seq"))


def test_changing_a_kept_record_after_a_prune_is_caught(pruned_chain):
    raw(f"UPDATE {TABLE} SET detail = %s WHERE seq = %s", ["改过", 6])
    problem = walk_chain().problem
    assert problem is not None and "第 6 条记录的内容与其哈希不符" in problem


def test_cutting_more_off_the_front_than_the_prune_removed_is_caught(pruned_chain):
    raw(f"DELETE FROM {TABLE} WHERE seq = %s", [5])
    problem = walk_chain().problem
    assert problem is not None and "第 5 条至第 5 条记录缺失" in problem


def test_deleting_the_prune_record_is_caught(pruned_chain):
    raw(f"DELETE FROM {TABLE} WHERE event = %s", [Event.AUDIT_PRUNE])
    problem = walk_chain().problem
    assert problem is not None and "第 1 条至第 4 条记录缺失" in problem


def test_a_forged_prune_record_without_the_key_is_caught(pruned_chain, settings):
    first = pruned_chain[0]
    # An insider moves the anchor forward in the prune record and removes one more record.
    prune = AuditRecord.objects.get(event=Event.AUDIT_PRUNE)
    after = dict(prune.after, through_seq=5, through_hash=first.hash)
    raw(f"UPDATE {TABLE} SET after = %s WHERE seq = %s", [json.dumps(after), prune.seq])
    raw(f"DELETE FROM {TABLE} WHERE seq = %s", [5])
    problem = walk_chain().problem
    assert problem is not None and f"第 {prune.seq} 条记录的内容与其哈希不符" in problem


def test_the_anchor_must_match_the_first_kept_record(pruned_chain):
    raw(f"UPDATE {TABLE} SET prev_hash = %s WHERE seq = %s", ["0" * 64, 5])
    problem = walk_chain().problem
    assert problem is not None and "第 5 条记录与上一条的链接不符" in problem


def test_verify_audit_fails_on_tampering_after_a_prune(pruned_chain):
    _verify()
    raw(f"UPDATE {TABLE} SET username = %s WHERE seq = %s", ["someone", 7])
    with pytest.raises(CommandError, match="第 7 条记录的内容与其哈希不符"):
        _verify()


def test_an_interrupted_prune_verifies_and_the_next_run_finishes_it(db, keyed, monkeypatch):
    _records([900, 800, 700, 600, 10])
    monkeypatch.setattr("guazhi.audit.retention._delete_through", lambda *a, **k: 0)
    prune_audit(operator="tester")
    # Only the first two batches went through before the process was killed.
    _delete_through(1, 2, batch_size=1)
    assert walk_chain().problem is None
    monkeypatch.setattr("guazhi.audit.retention._delete_through", _delete_through)
    pruned = prune_audit(operator="tester")
    assert pruned is not None and (pruned.removed, pruned.through_seq) == (2, 4)
    assert AuditRecord.objects.order_by("seq").first().seq == 5  # type: ignore[union-attr]
    assert AuditRecord.objects.filter(event=Event.AUDIT_PRUNE).count() == 1
    assert walk_chain().problem is None


def test_a_broken_chain_is_not_pruned(db, keyed):
    _records([900, 800, 10])
    raw(f"UPDATE {TABLE} SET detail = %s WHERE seq = %s", ["改过", 1])
    with pytest.raises(PruneRefused, match="校验未通过"):
        prune_audit(operator="tester")
    assert AuditRecord.objects.count() == 3


def test_a_head_exported_before_the_prune_still_matches(db, keyed):
    _records([900, 800])
    _verify()  # exports seq 2, which the prune then removes
    call_command("retention_run", "--skip-anonymise", stdout=io.StringIO())
    assert AuditRecord.objects.order_by("seq").first().seq == 3  # type: ignore[union-attr]
    assert "审计日志完好" in _verify()


def test_rekey_after_a_prune(pruned_chain, settings):
    from guazhi.audit.rekey import rekey_chain

    settings.GUAZHI_AUDIT_KEY = "s" * 40
    done = rekey_chain(old_secret=b"r" * 40, operator="ops")
    assert done is not None
    assert walk_chain().problem is None


def test_retention_below_184_days_is_refused(db, keyed, settings):
    settings.GUAZHI_AUDIT_RETENTION_DAYS = 183
    errors = [e for e in run_checks() if e.id == "guazhi.retention.E001"]
    assert len(errors) == 1 and "至少 184 天" in errors[0].msg
    with pytest.raises(PruneRefused, match="低于 184 天"):
        prune_audit(operator="tester")
    settings.GUAZHI_AUDIT_RETENTION_DAYS = 184
    assert not [e for e in run_checks() if e.id == "guazhi.retention.E001"]


def test_retention_run_reports_the_prune(db, keyed):
    _records([900, 10])
    out = io.StringIO()
    call_command("retention_run", "--skip-anonymise", stdout=out)
    assert "清理 1 条" in out.getvalue()
