from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from guazhi.accounts.models import ROLES_WITH_UNIT, Role, User


class LoginForm(AuthenticationForm):
    error_messages = {
        # One message for a wrong name, a wrong password and an inactive account: never tell
        # an attacker which part was right.
        "invalid_login": "用户名或密码错误，或账号已被锁定。",
        "inactive": "用户名或密码错误，或账号已被锁定。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.error_messages["password_incorrect"] = "当前密码不正确。"
        self.error_messages["password_mismatch"] = "两次输入的新密码不一致。"

    def clean_new_password1(self) -> str:
        new = self.cleaned_data["new_password1"]
        if self.user.check_password(new):
            raise forms.ValidationError("新密码不能与当前密码相同。")
        return new


class ResetPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "临时密码"
        self.fields["new_password2"].label = "再次输入临时密码"
        self.error_messages["password_mismatch"] = "两次输入的密码不一致。"


class UserCreateForm(forms.ModelForm):
    """The system admin opens accounts; roles are granted by the security admin."""

    password = forms.CharField(label="临时密码", widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["username", "full_name"]
        labels = {"username": "用户名", "full_name": "姓名"}
        help_texts = {"username": "字母、数字或 @ . + - _，不超过 150 个字符。"}

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        candidate = User(
            username=self.cleaned_data.get("username", ""),
            full_name=self.cleaned_data.get("full_name", ""),
        )
        validate_password(password, candidate)
        return password


class RoleForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["role", "unit", "cadre"]
        labels = {"role": "角色", "unit": "联络单位", "cadre": "对应干部"}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        role = data.get("role")
        if role in ROLES_WITH_UNIT and not data.get("unit"):
            self.add_error("unit", "联络员必须指定所负责的单位。")
        if role == Role.CADRE and not data.get("cadre"):
            self.add_error("cadre", "挂职干部账号必须对应一名干部。")
        if role not in ROLES_WITH_UNIT:
            data["unit"] = None
        if role != Role.CADRE:
            data["cadre"] = None
        return data
