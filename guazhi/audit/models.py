"""The audit log: append-only and hash-chained (等保2.0 安全审计).

Each record's hash is an HMAC (key outside the database, `guazhi.audit.chain`) over its own
fields and the previous record's hash, and records carry a sequence number starting at 1 with
no gaps, so `manage.py verify_audit` can name the first record that was altered, inserted or
deleted behind the application's back; the head it exports elsewhere (`guazhi.audit.head`)
catches records cut off the end and wholesale rewrites.

Every ORM path that would change or remove records, or insert them without `record()`, is
refused here. Raw SQL cannot be refused from inside the application: that is what the keyed
chain and the exported head are for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.db import models

from guazhi.audit.chain import keyed_hash, legacy_hash


class Event(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账号锁定"
    LOGOUT = "logout", "退出"
    SESSION_EXPIRED = "session_expired", "会话超时"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    UNLOCK = "unlock", "解除锁定"
    ROLE_CHANGE = "role_change", "角色变更"
    CREATE = "create", "新增"
    EDIT = "edit", "修改"
    DELETE = "delete", "删除"
    STATUS_CHANGE = "status_change", "状态变更"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    REVEAL = "reveal", "查看完整个人信息"
    BACKUP = "backup", "备份"
    RESTORE = "restore", "从备份恢复"
    AUDIT_REKEY = "audit_rekey", "审计链更换密钥"
    AUDIT_PRUNE = "audit_prune", "按保存期限清理审计日志"
    SOFT_DELETE = "soft_delete", "移入回收站"
    UNDELETE = "undelete", "从回收站恢复"
    ANONYMISE = "anonymise", "个人信息匿名化"


class Result(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


APPEND_ONLY = "审计日志只能追加，不能修改。"
NO_DELETE = "审计日志只能追加，不能删除。"
ONLY_THROUGH_RECORD = "审计记录只能通过 guazhi.audit.log.record() 逐条追加。"
# Set by `record()` around its insert: any other save (objects.create, a hand-made instance)
# would skip the chain's lock and hash.
appending: ContextVar[bool] = ContextVar("audit_appending", default=False)


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(APPEND_ONLY)

    def _update(self, values: Any) -> Any:
        raise PermissionError(APPEND_ONLY)

    def bulk_update(self, objs: Iterable[Any], fields: Any, batch_size: Any = None) -> int:
        raise PermissionError(APPEND_ONLY)

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(APPEND_ONLY)

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        # A bulk insert would skip the chain's lock and hashing.
        raise PermissionError(ONLY_THROUGH_RECORD)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(NO_DELETE)

    def _raw_delete(self, using: Any) -> int:
        raise PermissionError(NO_DELETE)

    def visible_to(self, user: Any) -> AuditQuerySet:
        return self.all() if user.is_authenticated and user.is_audit_admin else self.none()


GENESIS_HASH = "0" * 64


class AuditRecord(models.Model):
    seq = models.PositiveBigIntegerField("序号", unique=True)
    time = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,  # keep records of users that no longer exist
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=32, blank=True)
    ip = models.CharField("IP 地址", max_length=45, blank=True)
    event = models.CharField("事件", max_length=32, choices=Event.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    result = models.CharField("结果", max_length=16, choices=Result.choices)
    detail = models.CharField("说明", max_length=500, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-seq"]
        # The list filtered by event, newest first, from one index (not a sort of every match).
        indexes = [models.Index(fields=["event", "-seq"], name="audit_event_seq")]

    def __str__(self) -> str:
        return (
            f"#{self.seq} {self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_event_display()}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def _save_table(self, raw: bool = False, *args: Any, **kwargs: Any) -> Any:
        # Fixture loading (loaddata) calls Model.save_base(obj, raw=True) directly, past save().
        if raw:
            raise PermissionError(ONLY_THROUGH_RECORD)
        if self.pk is not None:
            raise PermissionError(APPEND_ONLY)
        if not appending.get():
            raise PermissionError(ONLY_THROUGH_RECORD)
        return super()._save_table(raw, *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(NO_DELETE)

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but the hash itself, in a fixed form."""
        payload = {
            "seq": self.seq,
            "time": self.time.isoformat(timespec="microseconds"),
            "user_id": self.user_id,
            "username": self.username,
            "role": self.role,
            "ip": self.ip,
            "event": self.event,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "result": self.result,
            "detail": self.detail,
            "before": self.before,
            "after": self.after,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(
            payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()

    def compute_hash(self, key: bytes | None = None) -> str:
        """HMAC-SHA256 under the chain key (or `key`, when re-keying)."""
        return keyed_hash(self.canonical(), key)

    def compute_legacy_hash(self) -> str:
        return legacy_hash(self.canonical())
