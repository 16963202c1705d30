"""The public ballot: a phone-friendly page, no login. A rater types (or scans) their code,
rates every cadre of the round, and submits once.

Nothing here writes a session, a message or an audit record; the only write besides the ballot
is the rate-limit counter of a wrong code. Wrong codes are limited per client address and per
round (`guazhi.evaluation.throttle`); a refusal says why in plain Chinese, never with a 500.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from guazhi.audit.log import client_ip
from guazhi.evaluation import actions, codes, throttle
from guazhi.evaluation.access import get_public_round
from guazhi.evaluation.forms import BallotForm, CodeForm
from guazhi.evaluation.models import Round


def _subjects(round_: Round) -> list:  # type: ignore[type-arg]
    return list(
        round_.secondments.select_related("cadre", "host_unit").order_by("cadre__name_pinyin")
    )


def _page(
    request: HttpRequest, round_: Round, body: str, status: int = 200, **context: object
) -> HttpResponse:
    return render(
        request,
        "evaluation/ballot_page.html",
        {"round": round_, "body": f"evaluation/_ballot_{body}.html", **context},
        status=status,
    )


def _too_many(request: HttpRequest, round_: Round) -> HttpResponse:
    return _page(
        request,
        round_,
        "refused",
        status=429,
        message=f"测评码输入错误次数过多。为防止有人猜测测评码，请 {throttle.window_minutes()} "
        "分钟后再试；如确认测评码无误，请联系测评组织人员。",
    )


def _code_page(
    request: HttpRequest, round_: Round, form: CodeForm, status: int = 200
) -> HttpResponse:
    return _page(request, round_, "code", status=status, form=form)


def _refused(request: HttpRequest, round_: Round, error: actions.BallotRefused) -> HttpResponse:
    if error.wrong:
        throttle.record_failure(ip=client_ip(request), round_=round_)
    form = CodeForm(request.POST)
    form.is_valid()
    form.add_error("code", error.message)
    return _code_page(request, round_, form, status=400 if error.wrong or error.malformed else 409)


@login_not_required
@never_cache
def ballot(request: HttpRequest, key: str) -> HttpResponse:
    """GET: the code form (the slip's QR code fills it in). POST: check the code and show the
    ballot."""
    round_ = get_public_round(key)
    if not round_.is_open:
        return _page(request, round_, "refused", message=actions.CLOSED_ROUND)
    if request.method != "POST":
        return _code_page(request, round_, CodeForm())
    if throttle.is_blocked(ip=client_ip(request), round_=round_):
        return _too_many(request, round_)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _code_page(request, round_, form, status=400)
    try:
        code = actions.check_code(round_=round_, code_text=form.cleaned_data["code"])
    except actions.BallotRefused as e:
        return _refused(request, round_, e)
    ballot_form = BallotForm(initial={"code": codes.pretty(code)}, subjects=_subjects(round_))
    return _page(request, round_, "form", form=ballot_form)


@login_not_required
@never_cache
@require_POST
def ballot_submit(request: HttpRequest, key: str) -> HttpResponse:
    round_ = get_public_round(key)
    if throttle.is_blocked(ip=client_ip(request), round_=round_):
        return _too_many(request, round_)
    form = BallotForm(request.POST, subjects=_subjects(round_))
    if not form.is_valid():
        if "code" in form.errors:
            return _code_page(request, round_, CodeForm(), status=400)
        return _page(request, round_, "form", status=400, form=form)
    try:
        actions.cast_ballot(
            round_=round_, code_text=form.cleaned_data["code"], choices=form.choices()
        )
    except actions.BallotRefused as e:
        return _refused(request, round_, e)
    except ValidationError as e:
        for message in e.messages:
            form.add_error(None, message)
        return _page(request, round_, "form", status=400, form=form)
    return _page(request, round_, "done")
