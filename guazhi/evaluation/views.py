"""Evaluation pages for the people who run a round: the programme admin and the host liaison.

Objects come through `guazhi.evaluation.access`; changes are `guazhi.evaluation.actions`. The
public ballot pages are in `views_ballot`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from guazhi.audit.exports import audited_xlsx
from guazhi.audit.log import client_ip, record
from guazhi.audit.models import Event
from guazhi.evaluation import actions, codes, qr
from guazhi.evaluation.access import get_open_round, get_visible_round, runner
from guazhi.evaluation.forms import (
    AddCodesForm,
    RoundForm,
    VersionForm,
    VoidForm,
    group_formset,
)
from guazhi.evaluation.models import Round
from guazhi.evaluation.results import round_results as results_of
from guazhi.lib.xlsx import Column, Sheet, xlsx_response
from guazhi.roster.forms import add_validation_errors
from guazhi.roster.models import Unit
from guazhi.roster.views_export import safe_filename


def round_list(request: HttpRequest) -> HttpResponse:
    user = runner(request)
    rounds = (
        Round.objects.visible_to(user)
        .select_related("host_unit")
        .annotate(
            subjects=Count("secondments", distinct=True),
            cast=Count("codes", filter=Q(codes__used=True), distinct=True),
        )
    )
    return render(request, "evaluation/round_list.html", {"rounds": rounds})


def _admin_unit(request: HttpRequest) -> tuple[int | None, list[Unit]]:
    """The admin picks the host unit whose cadres the round covers (the liaison has theirs)."""
    units = list(
        Unit.objects.filter(hosted_secondments__status__in=["active", "completed"])
        .distinct()
        .order_by("path")
    )
    raw = request.GET.get("unit") or request.POST.get("unit")
    unit_id = int(raw) if raw and raw.isdigit() else None
    if unit_id is not None and unit_id not in {u.pk for u in units}:
        unit_id = None
    return unit_id, units


def round_create(request: HttpRequest) -> HttpResponse:
    user = runner(request)
    unit_id, units = _admin_unit(request) if user.is_programme_admin else (None, [])
    form = RoundForm(request.POST or None, user=user, unit_id=unit_id)
    groups = group_formset(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and groups.is_valid():
        specs = [spec for g in groups.forms if (spec := g.spec()) is not None]
        data = form.cleaned_data
        try:
            round_ = actions.open_round(
                actor=user,
                title=data["title"],
                secondments=list(data["secondments"]),
                groups=specs,
                min_ballots=data["min_ballots"],
                period=data.get("period"),
                period_label=data.get("period_label", ""),
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        except actions.EvaluationPermissionError:
            raise Http404 from None
        else:
            messages.success(
                request, "民主测评已发起，测评码已生成。请打印测评码纸条或导出测评码清单。"
            )
            return redirect(round_)
    return render(
        request,
        "evaluation/round_form.html",
        {"form": form, "groups": groups, "units": units, "unit_id": unit_id},
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_visible_round(request, pk)
    groups = round_.groups.annotate(
        voided=Count("codes", filter=Q(codes__voided=True)),
        cast=Count("codes", filter=Q(codes__used=True)),
    )
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "round": round_,
            "groups": groups,
            "subjects": round_.secondments.select_related("cadre", "host_unit").order_by(
                "cadre__name_pinyin"
            ),
            "ballot_url": request.build_absolute_uri(round_.ballot_path),
            "void_form": VoidForm(),
            "add_form": AddCodesForm(round_=round_),
            "close_form": VersionForm(initial={"version": round_.version}),
        },
    )


def _ballot_url(request: HttpRequest, round_: Round, code: str) -> str:
    # The code rides in the fragment: a browser never sends it to the server in the address,
    # so no access log holds it (the ballot page's script moves it into the form).
    return f"{request.build_absolute_uri(round_.ballot_path)}#{codes.pretty(code)}"


def _selection(request: HttpRequest, round_: Round) -> tuple[object, int | None]:
    group = None
    raw_group, raw_batch = request.GET.get("group", ""), request.GET.get("batch", "")
    if raw_group.isdigit():
        group = round_.groups.filter(pk=int(raw_group)).first()
    return group, int(raw_batch) if raw_batch.isdigit() else None


@require_GET
def round_slips(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 page of slips to print and cut: QR code, the 8-character code, the address."""
    round_ = get_open_round(request, pk)
    group, batch = _selection(request, round_)
    rows = actions.printable_codes(round_, group=group, batch=batch)  # type: ignore[arg-type]
    slips = [
        {
            "group": g.name,
            "code": codes.pretty(code),
            "qr": qr.svg(_ballot_url(request, round_, code)),
        }
        for g, code in rows
    ]
    record(
        event=Event.EXPORT,
        request=request,
        obj=round_,
        detail=f"打印测评码纸条 {len(slips)} 张"
        + (f"（{getattr(group, 'name', '')}）" if group else "")
        + (f"（第 {batch} 批）" if batch else ""),
    )
    return render(
        request,
        "evaluation/round_slips.html",
        {
            "round": round_,
            "slips": slips,
            "short_url": request.build_absolute_uri(round_.ballot_path),
        },
    )


@require_GET
def round_codes_export(request: HttpRequest, pk: int) -> FileResponse:
    """The codes as an Excel list (for a mail merge or a sealed envelope per rater)."""
    round_ = get_open_round(request, pk)
    user = runner(request)
    group, batch = _selection(request, round_)
    rows = actions.printable_codes(round_, group=group, batch=batch)  # type: ignore[arg-type]
    data = audited_xlsx(
        actor=user,
        ip=client_ip(request),
        sheet=Sheet(
            "测评码",
            [
                Column("序号", 8),
                Column("测评人类别", 16),
                Column("测评码", 14, text=True),
                Column("扫码地址（含测评码）", 60, text=True),
            ],
            (
                (i, g.name, codes.pretty(code), _ballot_url(request, round_, code))
                for i, (g, code) in enumerate(rows, start=1)
            ),
        ),
        object_type="evaluation.round",
        object_repr=str(round_)[:255],
        describe=lambda count: f"导出测评码清单 {count} 个：{round_.title}",
    )
    name = safe_filename(f"测评码_{round_.title}_{timezone.localdate():%Y%m%d}")
    return xlsx_response(data, name + ".xlsx")


@require_POST
def round_void(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_open_round(request, pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            group = actions.void_code(
                actor=runner(request),
                round_=round_,
                code_text=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        except actions.StaleRound as e:
            messages.error(request, str(e))
        else:
            messages.success(
                request,
                f"测评码已作废（{group.name}）。为保护匿名，系统不显示该码此前是否已投票；"
                "如已投票，那张票仍然有效。",
            )
    else:
        messages.error(request, "请输入要作废的测评码。")
    return redirect(round_)


@require_POST
def round_add_codes(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_open_round(request, pk)
    form = AddCodesForm(request.POST, round_=round_)
    if form.is_valid():
        try:
            batch = actions.add_codes(
                actor=runner(request),
                round_=round_,
                group=form.cleaned_data["group"],
                count=form.cleaned_data["count"],
                version=form.cleaned_data["version"],
                ip=client_ip(request),
            )
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        except actions.StaleRound as e:
            messages.error(request, str(e))
        else:
            messages.success(
                request, f"已追加 {form.cleaned_data['count']} 个测评码（第 {batch} 批）。"
            )
            return redirect(f"{round_.get_absolute_url()}?batch={batch}")
    else:
        messages.error(request, "请选择测评人类别并填写追加数量（1 至 2000）。")
    return redirect(round_)


@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_open_round(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, actions.STALE_MESSAGE)
        return redirect(round_)
    try:
        actions.close_round(
            actor=runner(request),
            round_=round_,
            version=form.cleaned_data["version"],
            ip=client_ip(request),
        )
    except actions.StaleRound as e:
        messages.error(request, str(e))
        return redirect(round_)
    messages.success(request, "测评已结束，不再接受投票。结果如下。")
    return redirect("evaluation:round_results", pk=round_.pk)


def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_visible_round(request, pk)
    if not round_.is_closed:
        messages.info(request, "测评结束后才显示结果。")
        return redirect(round_)
    results = results_of(round_)
    subjects = round_.secondments.select_related("cadre", "host_unit").order_by(
        "cadre__name_pinyin"
    )
    return render(
        request,
        "evaluation/round_results.html",
        {
            "round": round_,
            "rows": [(s, results.get(s.pk)) for s in subjects],
            "floor": round_.effective_min_ballots(),
        },
    )
