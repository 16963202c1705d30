from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.hashers import make_password
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from guazhi.accounts import actions, two_factor
from guazhi.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    ResetPasswordForm,
    RoleForm,
    UserCreateForm,
)
from guazhi.accounts.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY, TWO_FACTOR_PENDING_KEY
from guazhi.accounts.models import AccountAction, Role, User
from guazhi.audit.log import client_ip, record
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
        user = form.get_user()
        record(event=Event.LOGIN, request=self.request, user=user)
        if two_factor.is_enrolled(user) and not two_factor.required_for(user):
            # Enrolled by choice: asked for the code like those who must (TwoFactorMiddleware).
            self.request.session[TWO_FACTOR_PENDING_KEY] = True
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
    """Axes calls this for every attempt on a locked username and address (and for the attempt
    that locks them). The answer is the wrong-password answer, byte for byte but the CSRF
    token: same status, same page, same form state, and the same hashing work first."""
    credentials = kwargs.get("credentials") or (args[-1] if args else None) or {}
    username = str((credentials or {}).get("username", request.POST.get("username", "")))[:150]
    # A wrong password costs one password hash; a locked attempt never reaches the hasher.
    make_password(request.POST.get("password", ""))
    record(
        event=Event.LOCKOUT,
        request=request,
        username=username,
        result=Result.FAILURE,
        detail="连续登录失败次数过多，该账号在此地址暂时锁定",
    )
    view = LoginView()
    view.setup(request)
    form = LoginForm(request, data=request.POST)
    form.cleaned_data = {}
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.add_error(None, LoginForm.error_messages["invalid_login"])
    response = render(request, view.template_name, view.get_context_data(form=form))
    add_never_cache_headers(response)  # as LoginView's never_cache does
    return response


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
            user=user, new_password=form.cleaned_data["new_password1"], ip=client_ip(request)
        )
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Account administration (三员分立: see AccountAction and User.objects.manageable_by) ------


def _actor(request: HttpRequest, action: str) -> User:
    """The signed-in user, if their role may take `action` at all; 404 otherwise."""
    user = request.user
    if not isinstance(user, User) or not user.may_manage_accounts(action):
        raise Http404
    return user


def _manageable_user(request: HttpRequest, pk: int, action: str) -> tuple[User, User]:
    """(actor, target) if the rules let the signed-in user apply `action` to account `pk`.
    Every account view fetches its target here; anything else is a 404."""
    actor = _actor(request, action)
    target = get_object_or_404(User.objects.manageable_by(actor, action), pk=pk)
    return actor, target


def user_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        raise Http404
    users = User.objects.select_related("unit", "cadre").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    role = request.GET.get("role", "")
    if role == "none":
        users = users.filter(role="")
    elif role:
        users = users.filter(role=role)
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    ids = [u.pk for u in page]
    allowed: dict[int, set[str]] = {pk: set() for pk in ids}
    for action in AccountAction:
        if action != AccountAction.CREATE and user.may_manage_accounts(action):
            for pk in (
                User.objects.manageable_by(user, action)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            ):
                allowed[pk].add(action.value)
    for u in page:
        u.allowed_actions = allowed[u.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": q,
            "role": role,
            "roles": Role.choices,
            "may_create": user.may_manage_accounts(AccountAction.CREATE),
        },
    )


def user_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request, AccountAction.CREATE)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.create_user(
            actor=actor,
            username=form.cleaned_data["username"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
            ip=client_ip(request),
        )
        messages.success(request, f"已创建账号 {user.username}，请由安全管理员分配角色。")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "新建账号"})


def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _manageable_user(request, pk, AccountAction.RESET_PASSWORD)
    form = ResetPasswordForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.reset_password(
            actor=actor,
            target=target,
            new_password=form.cleaned_data["new_password1"],
            ip=client_ip(request),
        )
        messages.success(request, f"已重置 {target.username} 的密码，对方下次登录须修改。")
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": "重置密码", "target": target},
    )


@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _manageable_user(request, pk, AccountAction.UNLOCK)
    count = actions.unlock(actor=actor, target=target, ip=client_ip(request))
    if count:
        messages.success(request, f"已解除 {target.username} 的登录锁定。")
    else:
        messages.info(request, f"{target.username} 没有被锁定，无需解除。")
    return redirect("accounts:user_list")


@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _manageable_user(request, pk, AccountAction.DEACTIVATE)
    if actions.set_active(actor=actor, target=target, active=False, ip=client_ip(request)):
        messages.success(request, f"已停用 {target.username}，该账号不能再登录。")
    else:
        messages.info(request, f"{target.username} 本已停用。")
    return redirect("accounts:user_list")


@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _manageable_user(request, pk, AccountAction.DEACTIVATE)
    if actions.set_active(actor=actor, target=target, active=True, ip=client_ip(request)):
        messages.success(request, f"已重新启用 {target.username}。")
    else:
        messages.info(request, f"{target.username} 本已启用。")
    return redirect("accounts:user_list")


def user_role(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _manageable_user(request, pk, AccountAction.SET_ROLE)
    form = RoleForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        unit, cadre = form.cleaned_data.get("unit"), form.cleaned_data.get("cadre")
        actions.set_role(
            actor=actor,
            target=target,
            role=form.cleaned_data["role"],
            unit_id=unit.pk if unit else None,
            cadre_id=cadre.pk if cadre else None,
            ip=client_ip(request),
        )
        messages.success(request, f"已更新 {target.username} 的角色。")
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_role.html",
        {"form": form, "title": "角色授权", "target": target},
    )
