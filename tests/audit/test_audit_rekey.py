"""`audit_rekey` moves an old plain-SHA-256 chain to the keyed chain once, and rotates keys;
a tampered chain is refused, not laundered; the change is recorded in the chain."""

from __future__ import annotations

import io
import json

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command

from guazhi.audit.chain import key_from_secret
from guazhi.audit.log import record, verify_chain
from guazhi.audit.models import AuditRecord, Event
from tests.audit.chain_helpers import TABLE, hmac_with, make_chain, plain_sha256, raw, rewrite_chain

OLD = "o" * 40
NEW = "n" * 40


def _rekey(*args: str) -> str:
    out = io.StringIO()
    call_command("audit_rekey", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def legacy_chain(db, settings, tmp_path):
    """A chain as written by the versions before the key: plain SHA-256."""
    settings.GUAZHI_AUDIT_KEY = NEW
    settings.GUAZHI_AUDIT_HEAD_FILE = str(tmp_path / "head.log")
    make_chain(4)
    rewrite_chain(plain_sha256)
    return list(AuditRecord.objects.order_by("seq"))


def test_an_old_chain_is_named_and_rekeyed_once(legacy_chain, settings, tmp_path):
    checked, problem = verify_chain()
    assert checked == 0 and "audit_rekey" in problem
    old_head = legacy_chain[-1].hash

    output = _rekey()
    assert "重新计算了 4 条记录" in output and old_head in output
    assert verify_chain() == (5, None)
    rekey = AuditRecord.objects.get(seq=5)
    assert rekey.event == Event.AUDIT_REKEY
    assert rekey.before == {"algorithm": "sha256", "head_seq": 4, "head_hash": old_head}
    assert rekey.after["algorithm"] == "hmac-sha256"
    # Contents unchanged, only hashes recomputed.
    assert [r.username for r in AuditRecord.objects.order_by("seq")][:4] == [
        r.username for r in legacy_chain
    ]
    head = json.loads((tmp_path / "head.log").read_text().splitlines()[-1])
    assert (head["kind"], head["seq"]) == ("rekey", 5)
    call_command("verify_audit", stdout=io.StringIO())
    assert "无需更换" in _rekey()


def test_records_appended_before_the_rekey_are_kept(legacy_chain):
    """After upgrading and before audit_rekey, the app already appends keyed records."""
    record(event=Event.LOGIN, username="early")
    _rekey()
    assert verify_chain() == (6, None)


def test_a_tampered_old_chain_is_refused_and_left_alone(legacy_chain):
    raw(f"UPDATE {TABLE} SET username = %s WHERE seq = %s", ["intruder", 2])
    hashes = list(AuditRecord.objects.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(CommandError, match="第 2 条记录的内容与其哈希不符"):
        _rekey()
    assert list(AuditRecord.objects.order_by("seq").values_list("hash", flat=True)) == hashes


def test_a_plain_sha256_rewrite_after_the_rekey_is_not_laundered(legacy_chain):
    _rekey()
    raw(f"UPDATE {TABLE} SET username = %s WHERE seq = %s", ["intruder", 2])
    rewrite_chain(plain_sha256)
    checked, problem = verify_chain()
    assert checked == 0 and "被人用不带密钥的 SHA-256 重新计算过" in problem
    with pytest.raises(CommandError, match="第 1 条记录的内容与其哈希不符"):
        _rekey()


def test_rotating_the_key(db, settings, tmp_path):
    settings.GUAZHI_AUDIT_KEY = OLD
    settings.GUAZHI_AUDIT_HEAD_FILE = str(tmp_path / "head.log")
    make_chain(3)
    call_command("verify_audit", stdout=io.StringIO())
    settings.GUAZHI_AUDIT_KEY = NEW
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=io.StringIO())
    with pytest.raises(CommandError, match="未更换密钥"):
        _rekey()  # the old key is needed
    old_key_file = tmp_path / "old.key"
    old_key_file.write_text(OLD)
    assert "重新计算了 3 条记录" in _rekey("--old-key-file", str(old_key_file))
    assert verify_chain() == (4, None)
    call_command("verify_audit", stdout=io.StringIO())


def test_rotation_refuses_a_chain_rewritten_under_the_old_key(db, settings, tmp_path):
    settings.GUAZHI_AUDIT_KEY = OLD
    settings.GUAZHI_AUDIT_HEAD_FILE = str(tmp_path / "head.log")
    make_chain(3)
    call_command("verify_audit", stdout=io.StringIO())
    raw(f"UPDATE {TABLE} SET username = %s WHERE seq = %s", ["intruder", 1])
    rewrite_chain(hmac_with(key_from_secret(OLD.encode())))
    settings.GUAZHI_AUDIT_KEY = NEW
    (tmp_path / "old.key").write_text(OLD)
    with pytest.raises(CommandError, match="导出的链头不符"):
        _rekey("--old-key-file", str(tmp_path / "old.key"))


def test_deploy_check_flags_the_development_key(settings, tmp_path):
    settings.GUAZHI_AUDIT_KEY = ""
    settings.GUAZHI_AUDIT_KEY_FILE = ""
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "guazhi.audit.E001" in ids
    settings.GUAZHI_AUDIT_KEY = NEW
    settings.GUAZHI_AUDIT_HEAD_FILE = str(settings.DATA_DIR / "head.log")
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "guazhi.audit.E001" not in ids
    assert "guazhi.audit.W002" in ids


def test_a_key_file_inside_the_data_directory_is_refused(settings):
    settings.GUAZHI_AUDIT_KEY = ""
    settings.GUAZHI_AUDIT_KEY_FILE = str(settings.DATA_DIR / "audit.key")
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "guazhi.audit.E002" in ids


def test_a_short_key_is_refused(db, settings):
    settings.GUAZHI_AUDIT_KEY = "short"
    with pytest.raises(Exception, match="密钥太短"):
        record(event=Event.LOGIN, username="x")
