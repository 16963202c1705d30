from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guazhi.accounts import actions
from guazhi.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    ResetPasswordForm,
    RoleForm,
    UserCreateForm,
)
from guazhi.accounts.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY
from guazhi.accounts.models import Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event, Result


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    @transaction.atomic
    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        now = timezone.now().timestamp()
        self.request.session[LOGIN_TIME_KEY] = now
        self.request.session[LAST_SEEN_KEY] = now
        record(event=Event.LOGIN, request=self.request, user=form.get_user())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = self.request.POST.get("username", "")[:150]
        record(
            event=Event.LOGIN_FAILED,
            request=self.request,
            username=username,
            result=Result.FAILURE,
        )
        return super().form_invalid(form)


login_view = login_not_required(LoginView.as_view())


@login_not_required
def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Axes calls this for every attempt on a locked username. Same words as a wrong password."""
    credentials = kwargs.get("credentials") or (args[-1] if args else None) or {}
    username = str((credentials or {}).get("username", request.POST.get("username", "")))[:150]
    record(
        event=Event.LOCKOUT,
        request=request,
        username=username,
        result=Result.FAILURE,
        detail="连续登录失败次数过多，账号暂时锁定",
    )
    form = LoginForm(request, data={"username": username})
    form.errors.clear()  # show only the generic sentence below, not "field required"
    form.add_error(None, LoginForm.error_messages["invalid_login"])
    return render(request, "accounts/login.html", {"form": form}, status=403)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(event=Event.LOGOUT, request=request)
    auth_logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("login")


def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = ChangePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_own_password(
            request=request, user=user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def home(request: HttpRequest) -> HttpResponse:
    from guazhi.roster.dashboard import dashboard_context

    return render(request, "home.html", dashboard_context(request.user))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


# --- Account administration (系统管理员 opens accounts; 安全管理员 grants roles) -----------------


def _require(request: HttpRequest, *roles: str) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in roles:
        raise Http404
    return user


def _target_user(request: HttpRequest, pk: int) -> User:
    # IT admins manage business accounts; they cannot touch each other's (三员互相制约)
    # and the security admin cannot grant an IT role to an account that is not theirs.
    target = get_object_or_404(User, pk=pk)
    if target.pk == request.user.pk:
        raise Http404
    return target


def user_list(request: HttpRequest) -> HttpResponse:
    _require(request, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    users = User.objects.select_related("unit", "cadre").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(full_name__icontains=q)
    role = request.GET.get("role", "")
    if role:
        users = users.filter(role=role)
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "q": q, "role": role, "roles": Role.choices},
    )


def user_create(request: HttpRequest) -> HttpResponse:
    _require(request, Role.SYSTEM_ADMIN)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.create_user(
            request=request,
            username=form.cleaned_data["username"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
        )
        messages.success(request, f"已创建账号 {user.username}，请由安全管理员分配角色。")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "新建账号"})


def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Role.SYSTEM_ADMIN)
    target = _target_user(request, pk)
    form = ResetPasswordForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.reset_password(
            request=request, target=target, new_password=form.cleaned_data["new_password1"]
        )
        messages.success(request, f"已重置 {target.username} 的密码，对方下次登录须修改。")
        return redirect("accounts:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form, "title": f"重置密码：{target.username}"}
    )


@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Role.SYSTEM_ADMIN)
    target = _target_user(request, pk)
    actions.unlock(request=request, target=target)
    messages.success(request, f"已解除 {target.username} 的登录锁定。")
    return redirect("accounts:user_list")


def user_role(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Role.SECURITY_ADMIN)
    target = _target_user(request, pk)
    form = RoleForm(request.POST or None, instance=User.objects.get(pk=target.pk))
    if request.method == "POST" and form.is_valid():
        actions.set_role(
            request=request,
            target=target,
            role=form.cleaned_data["role"],
            unit_id=form.cleaned_data["unit"].pk if form.cleaned_data.get("unit") else None,
            cadre_id=form.cleaned_data["cadre"].pk if form.cleaned_data.get("cadre") else None,
        )
        messages.success(request, f"已更新 {target.username} 的角色。")
        return redirect("accounts:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form, "title": f"角色授权：{target.username}"}
    )
