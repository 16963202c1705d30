"""Password rules of the 等保2.0 level-3 baseline, as Django password validators."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

_CLASSES = (
    ("小写字母", re.compile(r"[a-z]")),
    ("大写字母", re.compile(r"[A-Z]")),
    ("数字", re.compile(r"\d")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with a Chinese message (its own reads "This password is too short…")."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短：至少 {self.min_length} 个字符。", code="password_too_short"
            )

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, with a Chinese message."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.lower().strip() in self.passwords:
            raise ValidationError(
                "这个密码太常见，很容易被猜中，请换一个。", code="password_too_common"
            )

    def get_help_text(self) -> str:
        return "不能是常见密码。"


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for _, pattern in _CLASSES if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"


class PersonalInfoValidator:
    """Not the user's name or login, and no run of six or more digits from their ID number."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for value in (getattr(user, "username", ""), getattr(user, "full_name", "")):
            if value and len(value) >= 2 and value.lower() in lowered:
                raise ValidationError("密码不能包含用户名或姓名。", code="password_has_name")
        cadre = getattr(user, "cadre", None) if getattr(user, "cadre_id", None) else None
        id_number = getattr(cadre, "id_number", "") if cadre else ""
        if id_number:
            for i in range(len(id_number) - 5):
                if id_number[i : i + 6] in password:
                    raise ValidationError(
                        "密码不能包含身份证号中的数字串。", code="password_has_id_number"
                    )

    def get_help_text(self) -> str:
        return "不能包含用户名、姓名或身份证号。"
