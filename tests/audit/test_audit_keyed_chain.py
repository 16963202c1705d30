"""The chain is keyed (HMAC-SHA256, key outside the database) and numbered from 1: any single
change, insertion or deletion is named, and so is a rewrite of the whole chain with plain
SHA-256 or with a guessed key."""

from __future__ import annotations

import json

import pytest

from guazhi.audit.chain import chain_key, uses_development_key
from guazhi.audit.log import verify_chain, walk_chain
from guazhi.audit.models import AuditRecord
from tests.audit.chain_helpers import TABLE, hmac_with, make_chain, plain_sha256, raw, rewrite_chain

KEY = "k" * 40


@pytest.fixture
def keyed(settings):
    settings.GUAZHI_AUDIT_KEY = KEY
    return settings


@pytest.fixture
def chain(db, keyed):
    return make_chain(6)


def test_the_hash_is_an_hmac_under_the_configured_key(chain):
    assert not uses_development_key()
    first = chain[0]
    assert first.hash == hmac_with(chain_key())(first.canonical())
    assert first.hash != plain_sha256(first.canonical())
    assert verify_chain() == (6, None)


def test_without_a_key_the_public_development_key_is_used(db, settings):
    settings.GUAZHI_AUDIT_KEY = ""
    settings.GUAZHI_AUDIT_KEY_FILE = ""
    assert uses_development_key()


def test_a_chain_written_under_another_key_fails(chain, settings):
    settings.GUAZHI_AUDIT_KEY = "another-key-" + "x" * 30
    checked, problem = verify_chain()
    assert checked == 0
    assert "第 1 条记录的内容与其哈希不符" in problem


COLUMNS = {
    "time": "2020-01-01 00:00:00",
    "user_id": 99,
    "username": "intruder",
    "role": "programme_admin",
    "ip": "192.168.9.9",
    "event": "delete",
    "object_type": "x.y",
    "object_id": "77",
    "object_repr": "别的对象",
    "result": "failure",
    "detail": "改过的说明",
    "before": json.dumps({"name": "改"}),
    "after": json.dumps({"name": "改"}),
}


@pytest.mark.parametrize("column", sorted(COLUMNS))
@pytest.mark.parametrize("seq", [1, 4, 6])
def test_any_change_to_any_field_of_any_record_is_named(chain, column, seq):
    raw(f"UPDATE {TABLE} SET {column} = %s WHERE seq = %s", [COLUMNS[column], seq])
    checked, problem = verify_chain()
    assert checked == seq - 1
    assert problem.startswith(f"第 {seq} 条记录的内容与其哈希不符")


def test_changing_a_hash_breaks_the_next_link(chain):
    raw(f"UPDATE {TABLE} SET hash = %s WHERE seq = %s", ["a" * 64, 3])
    checked, problem = verify_chain()
    assert (checked, problem.startswith("第 3 条记录的内容与其哈希不符")) == (2, True)


def test_a_record_inserted_with_seq_zero_is_named(chain):
    first = chain[0]
    raw(
        f"INSERT INTO {TABLE} (seq, time, username, role, ip, event, object_type, object_id,"
        " object_repr, result, detail, prev_hash, hash) VALUES"
        " (0, %s, 'ghost', '', '', 'login', '', '', '', 'success', '', %s, %s)",
        [first.time, "0" * 64, first.prev_hash],
    )
    checked, problem = verify_chain()
    assert checked == 0
    assert problem == "第 0 条记录的序号不合法：序号从 1 开始（被插入）。"


def test_a_record_appended_beyond_the_head_is_named(chain):
    last = chain[-1]
    raw(
        f"INSERT INTO {TABLE} (seq, time, username, role, ip, event, object_type, object_id,"
        " object_repr, result, detail, prev_hash, hash) VALUES"
        " (7, %s, 'ghost', '', '', 'login', '', '', '', 'success', '', %s, %s)",
        [last.time, last.hash, "b" * 64],
    )
    assert verify_chain()[0] == 6
    assert verify_chain()[1].startswith("第 7 条记录的内容与其哈希不符")


def test_a_record_appended_after_a_gap_is_named(chain):
    raw(
        f"INSERT INTO {TABLE} (seq, time, username, role, ip, event, object_type, object_id,"
        " object_repr, result, detail, prev_hash, hash) VALUES"
        " (9, %s, 'ghost', '', '', 'login', '', '', '', 'success', '', %s, %s)",
        [chain[-1].time, chain[-1].hash, "b" * 64],
    )
    assert verify_chain() == (6, "第 7 条至第 8 条记录缺失（被删除）。")


@pytest.mark.parametrize("seq", [1, 3, 5])
def test_a_deleted_record_is_named(chain, seq):
    raw(f"DELETE FROM {TABLE} WHERE seq = %s", [seq])
    assert verify_chain() == (seq - 1, f"第 {seq} 条至第 {seq} 条记录缺失（被删除）。")


def test_deleting_and_renumbering_is_named(chain):
    raw(f"DELETE FROM {TABLE} WHERE seq = %s", [3])
    raw(f"UPDATE {TABLE} SET seq = seq + 100 WHERE seq > %s", [3])
    raw(f"UPDATE {TABLE} SET seq = seq - 101 WHERE seq > %s", [100])
    checked, problem = verify_chain()
    assert checked == 2
    assert problem == "第 3 条记录与上一条的链接不符（其前有记录被删除或插入）。"


def test_a_full_rewrite_with_plain_sha256_is_detected(chain):
    raw(f"UPDATE {TABLE} SET username = %s WHERE seq = %s", ["intruder", 2])
    rewrite_chain(plain_sha256)
    report = walk_chain()
    assert report.checked == 0
    assert "第 1 条记录" in report.problem
    # It is named as a rewrite, not mistaken for an old chain awaiting audit_rekey, once the
    # chain has been re-keyed (the re-key record is part of what was rewritten).


def test_a_full_rewrite_with_a_guessed_key_is_detected(chain):
    raw(f"UPDATE {TABLE} SET detail = %s WHERE seq = %s", ["改过", 5])
    rewrite_chain(hmac_with(b"guazhi-insecure-development-key-change-me"))
    checked, problem = verify_chain()
    assert checked == 0
    assert problem.startswith("第 1 条记录的内容与其哈希不符")


def test_an_empty_chain_verifies(db, keyed):
    assert AuditRecord.objects.count() == 0
    assert verify_chain() == (0, None)
