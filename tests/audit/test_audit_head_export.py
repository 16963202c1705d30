"""Every verification exports the chain head (file and syslog) and compares the chain with the
head exported last: truncation and wholesale rewrites, even with the key, are caught."""

from __future__ import annotations

import io
import json
import socket

import pytest
from django.core.management import CommandError, call_command

from guazhi.audit.chain import chain_key
from guazhi.audit.log import record
from guazhi.audit.models import AuditRecord, Event
from tests.audit.chain_helpers import TABLE, hmac_with, make_chain, raw, rewrite_chain


@pytest.fixture
def head_file(settings, tmp_path):
    settings.GUAZHI_AUDIT_KEY = "h" * 40
    settings.GUAZHI_AUDIT_HEAD_FILE = str(tmp_path / "elsewhere" / "audit-head.log")
    settings.GUAZHI_AUDIT_SYSLOG = ""
    return tmp_path / "elsewhere" / "audit-head.log"


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_verification_appends_the_head(db, head_file):
    make_chain(3)
    output = _verify()
    assert "共 3 条记录" in output and str(head_file) in output
    record(event=Event.LOGIN, username="admin")
    _verify()
    first, second = _lines(head_file)
    assert (first["seq"], second["seq"]) == (3, 4)
    assert second["hash"] == AuditRecord.objects.get(seq=4).hash
    assert first["kind"] == "verify" and len(first["mac"]) == 64


def test_truncation_after_an_export_is_caught(db, head_file):
    make_chain(5)
    _verify()
    raw(f"DELETE FROM {TABLE} WHERE seq >= %s", [4])
    with pytest.raises(CommandError, match="只到第 3 条：末尾的记录被删除（截断）"):
        _verify()
    assert len(_lines(head_file)) == 1, "a failed verification exports no new head"


def test_deleting_every_record_is_caught(db, head_file):
    make_chain(2)
    _verify()
    raw(f"DELETE FROM {TABLE}")
    with pytest.raises(CommandError, match="只到第 0 条"):
        _verify()


def test_a_rewrite_with_the_key_itself_is_caught(db, head_file):
    """Someone holding the database and the key rewrites a record and recomputes the chain:
    the chain verifies, the exported head does not match."""
    make_chain(4)
    _verify()
    raw(f"UPDATE {TABLE} SET username = %s WHERE seq = %s", ["intruder", 2])
    rewrite_chain(hmac_with(chain_key()))
    with pytest.raises(
        CommandError, match="第 4 条记录的哈希与 .* 导出的链头不符：审计链被整体改写"
    ):
        _verify()


def test_an_altered_head_line_is_caught(db, head_file):
    make_chain(3)
    _verify()
    line = _lines(head_file)[-1]
    line["seq"] = 2
    head_file.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="最后一行的校验码不符"):
        _verify()


def test_a_garbled_head_file_is_caught(db, head_file):
    make_chain(1)
    _verify()
    with head_file.open("a") as f:
        f.write("{not json\n")
    with pytest.raises(CommandError, match="最后一行无法解析"):
        _verify()


def test_the_head_goes_to_syslog(db, settings):
    settings.GUAZHI_AUDIT_HEAD_FILE = ""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(5)
        settings.GUAZHI_AUDIT_SYSLOG = f"127.0.0.1:{server.getsockname()[1]}"
        make_chain(2)
        output = _verify()
        message = server.recv(65536).decode()
    assert "syslog 127.0.0.1" in output
    assert message.startswith("<")  # a syslog priority
    assert "guazhi audit head" in message
    assert AuditRecord.objects.get(seq=2).hash in message


def test_a_failure_goes_to_syslog(db, settings):
    settings.GUAZHI_AUDIT_HEAD_FILE = ""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(5)
        settings.GUAZHI_AUDIT_SYSLOG = f"127.0.0.1:{server.getsockname()[1]}"
        make_chain(2)
        raw(f"UPDATE {TABLE} SET username = %s WHERE seq = %s", ["x", 1])
        with pytest.raises(CommandError):
            _verify()
        message = server.recv(65536).decode()
    assert "verification FAILED" in message and "第 1 条记录" in message


def test_without_a_destination_the_operator_is_told(db, settings):
    settings.GUAZHI_AUDIT_HEAD_FILE = ""
    settings.GUAZHI_AUDIT_SYSLOG = ""
    make_chain(1)
    assert "未配置 GUAZHI_AUDIT_HEAD_FILE 或 GUAZHI_AUDIT_SYSLOG" in _verify()
