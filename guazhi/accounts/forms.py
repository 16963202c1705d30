"""Account forms. Every message a user can meet here is written out in natural Chinese: Django's
stock ones ("This field is required.", "确保该变量包含不超过 150 字符") never reach the page."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.db.models import Model, Q, QuerySet

from guazhi.accounts.models import BUSINESS_ROLES, ROLES_WITH_UNIT, Role, User

_USERNAME = re.compile(r"^[\w.@+-]+\Z")


def plain_chinese(form: forms.BaseForm) -> None:
    """Bootstrap classes and natural Chinese messages on every field of `form`."""
    for field in form.fields.values():
        label = str(field.label or "")
        choose = isinstance(field, forms.ChoiceField)
        field.error_messages["required"] = f"请{'选择' if choose else '填写'}{label}。"
        field.error_messages["invalid_choice"] = f"请从列表中选择{label}。"
        field.error_messages["invalid"] = f"{label}的格式不正确。"
        field.validators = [
            MaxLengthValidator(v.limit_value, message=f"{label}不能超过 %(limit_value)s 个字符。")
            if isinstance(v, MaxLengthValidator)
            else v
            for v in field.validators
        ]
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


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
        plain_chinese(self)


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.fields["new_password1"].help_text = ""
        self.error_messages["password_incorrect"] = "当前密码不正确。"
        self.error_messages["password_mismatch"] = "两次输入的新密码不一致。"
        plain_chinese(self)

    def clean_new_password1(self) -> str:
        new: str = self.cleaned_data["new_password1"]
        if self.user.check_password(new):
            raise forms.ValidationError("新密码不能与当前密码相同。")
        return new


class ResetPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "临时密码"
        self.fields["new_password2"].label = "再次输入临时密码"
        self.fields["new_password1"].help_text = (
            "至少 8 个字符，含大写字母、小写字母、数字、符号中的至少 3 类。"
            "对方下次登录时须改为自己的密码。"
        )
        self.error_messages["password_mismatch"] = "两次输入的密码不一致。"
        plain_chinese(self)


class UserCreateForm(forms.ModelForm):
    """The system admin opens accounts; roles are granted by the security admin."""

    password = forms.CharField(
        label="临时密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="至少 8 个字符，含大写字母、小写字母、数字、符号中的至少 3 类；"
        "对方首次登录时须改为自己的密码。",
    )

    class Meta:
        model = User
        fields = ["username", "full_name"]
        labels = {"username": "用户名", "full_name": "姓名"}
        help_texts = {"username": "登录用的名字：字母、数字或 @ . + - _，不超过 150 个字符。"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        plain_chinese(self)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if not _USERNAME.match(username):
            raise forms.ValidationError("用户名只能由字母、数字和 @ . + - _ 组成，不能有空格。")
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用，请换一个。")
        return username

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password: str = self.cleaned_data["password"]
        candidate = User(
            username=self.cleaned_data.get("username", ""),
            full_name=self.cleaned_data.get("full_name", ""),
        )
        validate_password(password, candidate)
        return password


def _related(field_name: str) -> QuerySet[Any]:
    model = User._meta.get_field(field_name).related_model
    assert model is not None and not isinstance(model, str)
    return model._default_manager.all()


class UnitTreeChoiceField(forms.ModelChoiceField):
    """Units indented by their depth in the tree (the queryset is ordered by path)."""

    def label_from_instance(self, obj: Model) -> str:
        return "\u3000" * max(getattr(obj, "depth", 0), 0) + str(obj)


class CadreChoiceField(forms.ModelChoiceField):
    """Name, home unit and the last four ID digits: enough to tell two 张伟 apart."""

    def label_from_instance(self, obj: Model) -> str:
        home = getattr(obj, "home_unit", None)
        id_number = str(getattr(obj, "id_number", "") or "")
        tail = f"，身份证尾号 {id_number[-4:]}" if id_number else ""
        return f"{obj}（{home or '未填派出单位'}{tail}）"


class RoleForm(forms.Form):
    """Business roles only: the security admin never gives or takes an IT role."""

    role = forms.ChoiceField(
        label="角色",
        choices=[("", "请选择角色"), *((r.value, r.label) for r in Role if r in BUSINESS_ROLES)],
    )
    unit = UnitTreeChoiceField(
        label="联络单位",
        queryset=User.objects.none(),  # units, set in __init__
        required=False,
        empty_label="（不适用）",
        help_text="联络员才需要：负责该单位及其下级单位的干部。",
    )
    cadre = CadreChoiceField(
        label="对应干部",
        queryset=User.objects.none(),  # cadres, set in __init__
        required=False,
        empty_label="（不适用）",
        help_text="挂职干部才需要：只列出尚未开通账号的干部。",
    )

    def __init__(self, *args: Any, target: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "role": target.role if target.role in BUSINESS_ROLES else "",
                "unit": target.unit_id,
                "cadre": target.cadre_id,
            },
        )
        super().__init__(*args, **kwargs)
        # The roster's models, reached through the user's own fields (accounts sits below roster).
        unit_field, cadre_field = self.fields["unit"], self.fields["cadre"]
        assert isinstance(unit_field, UnitTreeChoiceField)
        assert isinstance(cadre_field, CadreChoiceField)
        unit_field.queryset = _related("unit").order_by("path")
        cadre_field.queryset = (
            _related("cadre")
            .filter(Q(user__isnull=True) | Q(pk=target.cadre_id))
            .select_related("home_unit")
            .order_by("name_pinyin", "pk")  # pinyin order, as the roster lists them
        )
        plain_chinese(self)
        cadre_field.widget.attrs["data-filter-input"] = "id_cadre_filter"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        role = data.get("role")
        if role in ROLES_WITH_UNIT and not data.get("unit") and "unit" not in self.errors:
            self.add_error("unit", "联络员必须指定所负责的单位。")
        if role == Role.CADRE and not data.get("cadre") and "cadre" not in self.errors:
            self.add_error("cadre", "挂职干部账号必须对应一名干部。")
        if role not in ROLES_WITH_UNIT:
            data["unit"] = None
        if role != Role.CADRE:
            data["cadre"] = None
        return data


class OneTimeCodeForm(forms.Form):
    """The six digits from the authenticator app, or (at login) one recovery code."""

    code = forms.CharField(label="验证码", max_length=32, strip=True)

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_chinese(self)
        widget = self.fields["code"].widget
        widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True})
        if recovery:
            self.fields[
                "code"
            ].help_text = (
                "打开手机上的验证器，输入显示的 6 位数字；手机不在身边时可输入一个恢复码。"
            )
        else:
            widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
            self.fields["code"].help_text = "输入验证器里显示的 6 位数字。"
