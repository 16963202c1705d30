"""The chain head (last sequence number and hash), exported where the database admin cannot
reach: an append-only file on another volume (GUAZHI_AUDIT_HEAD_FILE) and/or syslog
(GUAZHI_AUDIT_SYSLOG, e.g. `/dev/log` forwarded to the log server, or `loghost:514`).

A keyed chain stops an insider from changing a record and recomputing the rest without the key,
but not from cutting records off the end, or (holding the key) rewriting everything. Comparing
with the last exported head catches both: the record at that sequence number must still be
there, with the same hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import logging.handlers
import os
import socket
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from guazhi.audit.chain import chain_key, chain_key_id
from guazhi.audit.log import pruned_through
from guazhi.audit.models import AuditRecord

logger = logging.getLogger("guazhi.audit.head")


class HeadFileError(Exception):
    """The head file cannot be read or its last line was altered (message in Chinese)."""


def head_file() -> Path | None:
    configured = getattr(settings, "GUAZHI_AUDIT_HEAD_FILE", "")
    return Path(configured) if configured else None


def syslog_address() -> str:
    return str(getattr(settings, "GUAZHI_AUDIT_SYSLOG", "") or "")


def destinations() -> list[str]:
    found = []
    if head_file():
        found.append(f"文件 {head_file()}")
    if syslog_address():
        found.append(f"syslog {syslog_address()}")
    return found


def _mac(entry: dict[str, Any], key: bytes | None = None) -> str:
    text = "|".join(str(entry[k]) for k in ("time", "kind", "seq", "hash", "key_id"))
    return hmac.new(key or chain_key(), text.encode(), hashlib.sha256).hexdigest()


def export_head(*, seq: int, hash: str, kind: str, note: str = "") -> dict[str, Any]:
    """Append the head to every configured destination. `kind`: verify, rekey or restore."""
    entry: dict[str, Any] = {
        "time": timezone.now().isoformat(timespec="seconds"),
        "kind": kind,
        "seq": seq,
        "hash": hash,
        "key_id": chain_key_id(),
        "host": socket.gethostname(),
    }
    if note:
        entry["note"] = note
    entry["mac"] = _mac(entry)
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    path = head_file()
    try:
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_APPEND: each line lands at the end even with two writers; `chattr +a` on the
            # file (docs/security.md) then makes the system refuse anything but appends.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, (line + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        if syslog_address():
            _send_syslog(f"guazhi audit head {line}")
    except OSError as e:
        raise HeadFileError(
            f"无法导出链头（{path or syslog_address()}）：{e.strerror or e}。"
        ) from None
    logger.info("audit chain head %s", line)
    return entry


def _send_syslog(message: str) -> None:
    address: str | tuple[str, int] = syslog_address()
    if not str(address).startswith("/"):
        host, _, port = str(address).partition(":")
        address = (host, int(port or 514))
    handler = logging.handlers.SysLogHandler(
        address=address, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV
    )
    try:
        handler.emit(logging.makeLogRecord({"msg": message, "levelno": logging.INFO}))
    finally:
        handler.close()


def report_failure(problem: str) -> None:
    """A failed verification goes to syslog too: the log server keeps it even if the
    database and this machine's files are later cleaned up."""
    if syslog_address():
        _send_syslog(f"guazhi audit verification FAILED: {problem}")
    logger.error("audit chain verification failed: %s", problem)


def last_exported(*, extra_keys: tuple[bytes, ...] = ()) -> dict[str, Any] | None:
    """The last head written to the head file, checked against the chain key (or one of
    `extra_keys`: the previous key while re-keying); None if there is none yet."""
    path = head_file()
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            tail = f.read().decode("utf-8", errors="replace")
    except OSError as e:
        raise HeadFileError(f"无法读取链头文件 {path}：{e.strerror or e}。") from None
    lines = [line for line in tail.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        entry = json.loads(lines[-1])
        int(entry["seq"])
        given = str(entry.pop("mac"))
        expected = [_mac(entry, key) for key in (chain_key(), *extra_keys)]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise HeadFileError(f"链头文件 {path} 的最后一行无法解析（被改动或截断）。") from None
    if not any(hmac.compare_digest(given, mac) for mac in expected):
        raise HeadFileError(
            f"链头文件 {path} 最后一行的校验码不符：被改动过，或审计密钥已更换而没有用"
            " manage.py audit_rekey 记录。"
        )
    return dict(entry)


def compare_with_exported(exported: dict[str, Any]) -> str | None:
    """The problem (Chinese) if the chain no longer contains the exported head."""
    seq = int(exported["seq"])
    if seq == 0:
        return None
    found = AuditRecord.objects.filter(seq=seq).only("hash").first()
    when = exported.get("time", "")
    if found is None and seq <= (anchor := pruned_through())[0]:
        # Removed by a retention prune, whose record in the chain names its last record.
        if seq == anchor[0] and anchor[1] != exported["hash"]:
            return (
                f"第 {seq} 条记录的哈希与 {when} 导出的链头不符（见审计日志清理记录）："
                "审计链被整体改写。"
            )
        return None
    if found is None:
        last = AuditRecord.objects.order_by("-seq").only("seq").first()
        now_last = last.seq if last else 0
        return (
            f"{when} 导出的链头是第 {seq} 条记录，而数据库中的审计日志只到第 {now_last} 条："
            "末尾的记录被删除（截断）。"
        )
    if found.hash != exported["hash"]:
        return (
            f"第 {seq} 条记录的哈希与 {when} 导出的链头不符：审计链被整体改写"
            "（或有人未经 manage.py restore 换回了旧数据库）。"
        )
    return None
