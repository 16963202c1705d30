"""Writing pages: the cadre creates (in the browser or by upload), edits with autosave, and
submits; the host liaison or the programme admin returns or accepts; readers see the history
and any version they may.

Objects come through `guazhi.writings.access`; changes are `guazhi.writings.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guazhi.audit.log import client_ip
from guazhi.lib.extract_text import Extracted, ExtractionError, extract
from guazhi.lib.writing_text import blocks_to_markup, char_count
from guazhi.roster.forms import add_validation_errors
from guazhi.writings import actions
from guazhi.writings.access import (
    business_user,
    cadre_user,
    get_decidable_writing,
    get_own_writing,
    get_visible_version,
    get_visible_writing,
    reviewer,
)
from guazhi.writings.forms import DecisionForm, UploadForm, WritingCreateForm, WritingEditForm
from guazhi.writings.models import (
    Writing,
    WritingAction,
    WritingRequirement,
    WritingSource,
    WritingStatus,
    WritingVersion,
)
from guazhi.writings.plan import ensure_plan

SOURCES = {
    "docx": WritingSource.DOCX,
    "doc": WritingSource.DOC,
    "pdf": WritingSource.PDF,
    "txt": WritingSource.TXT,
}


def _extract_upload(upload: UploadedFile) -> Extracted:
    """The upload's title and blocks, read outside any transaction; ExtractionError if none."""
    max_bytes = settings.GUAZHI_MAX_UPLOAD_MB * 1024 * 1024
    if (upload.size or 0) > max_bytes:
        raise ExtractionError(
            f"文件超过 {settings.GUAZHI_MAX_UPLOAD_MB} MB 的上限，请压缩后再上传。"
        )
    return extract(upload.read(), upload.name or "材料", max_bytes=max_bytes)


# --- Creating -------------------------------------------------------------------------------------


def writing_create(request: HttpRequest) -> HttpResponse:
    user = cadre_user(request)
    secondment = actions.writing_secondment(user.cadre_id)
    if secondment is None:
        return render(request, "writings/no_secondment.html")
    ensure_plan(secondment.cohort)
    open_requirements = WritingRequirement.objects.filter(cohort=secondment.cohort).exclude(
        writings__secondment=secondment
    )
    initial = {}
    if request.GET.get("requirement", "").isdigit():
        initial["requirement"] = int(request.GET["requirement"])
    form = WritingCreateForm(
        request.POST or None,
        request.FILES or None,
        requirements=open_requirements,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extracted = None
        if data.get("file"):
            try:
                extracted = _extract_upload(data["file"])
            except ExtractionError as e:
                form.add_error("file", str(e))
        if not form.errors:
            try:
                writing = actions.create_writing(
                    actor=user,
                    secondment=secondment,
                    kind=data.get("kind") or "",
                    requirement=data.get("requirement"),
                    title=data.get("title") or (extracted.title if extracted else ""),
                    blocks=extracted.blocks if extracted else [],
                    source=SOURCES[extracted.source] if extracted else WritingSource.EDITOR,
                    source_name=data["file"].name if extracted else "",
                    ip=client_ip(request),
                )
            except ValidationError as e:
                add_validation_errors(form, e)
            else:
                if extracted:
                    messages.success(
                        request,
                        f"已读取“{data['file'].name}”，共 {char_count(extracted.blocks)} 字。"
                        "请核对内容，需要时可继续修改，然后提交。",
                    )
                return redirect("writings:writing_edit", writing.pk)
    return render(request, "writings/writing_create.html", {"form": form, "secondment": secondment})


# --- Editing --------------------------------------------------------------------------------------


def _not_editable(request: HttpRequest, writing: Writing) -> HttpResponse:
    messages.info(
        request, f"这篇材料{writing.get_status_display()}，不能修改。退回后才能修改后重新提交。"
    )
    return redirect(writing)


def writing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    writing = get_own_writing(request, pk)
    user = cadre_user(request)
    if not writing.is_editable_by(user):
        return _not_editable(request, writing)
    if request.method == "POST":
        form = WritingEditForm(request.POST)
        if form.is_valid():
            try:
                actions.save_writing(
                    actor=user,
                    writing=writing,
                    version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                    blocks=form.blocks(),
                    ip=client_ip(request),
                )
            except actions.WritingConflict as e:
                form.add_error(None, e.message)
            except ValidationError as e:
                add_validation_errors(form, e)
            else:
                messages.success(request, "已保存。")
                if request.POST.get("then") == "submit":
                    return redirect(f"{writing.get_absolute_url()}#submit")
                return redirect("writings:writing_edit", writing.pk)
    else:
        form = WritingEditForm(
            initial={
                "version": writing.version,
                "title": writing.title,
                "content": blocks_to_markup(writing.body),
            }
        )
    return render(
        request,
        "writings/writing_edit.html",
        {
            "writing": writing,
            "form": form,
            "upload_form": UploadForm(initial={"version": writing.version}),
            "char_count": char_count(writing.body),
            "max_mb": settings.GUAZHI_MAX_UPLOAD_MB,
        },
    )


@require_POST
def writing_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's autosave (every few seconds and on leaving a field): JSON in, JSON out.
    A stale version answers 409 with the Chinese conflict message and saves nothing."""
    writing = get_own_writing(request, pk)
    user = cadre_user(request)
    if not writing.is_editable_by(user):
        return JsonResponse(
            {"ok": False, "error": f"这篇材料{writing.get_status_display()}，不能再修改。"},
            status=409,
        )
    form = WritingEditForm(request.POST)
    if not form.is_valid() and "version" in form.errors:
        return JsonResponse({"ok": False, "error": "页面已过期，请刷新后再操作。"}, status=400)
    if "content" in form.errors:
        return JsonResponse({"ok": False, "error": form.errors["content"][0]}, status=400)
    try:
        saved = actions.save_writing(
            actor=user,
            writing=writing,
            version=form.cleaned_data["version"],
            title=form.cleaned_data.get("title") or "",
            blocks=form.blocks(),
            autosave=True,
            ip=client_ip(request),
        )
    except actions.WritingConflict as e:
        return JsonResponse({"ok": False, "conflict": True, "error": e.message}, status=409)
    return JsonResponse(
        {
            "ok": True,
            "version": saved.version,
            "saved_at": saved.updated_at.isoformat(),
            "chars": char_count(saved.body),
        }
    )


@require_POST
def writing_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the working copy with an uploaded file's content."""
    writing = get_own_writing(request, pk)
    user = cadre_user(request)
    if not writing.is_editable_by(user):
        return _not_editable(request, writing)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for message in sorted({str(e) for errors in form.errors.values() for e in errors}):
            messages.error(request, message)
        return redirect("writings:writing_edit", writing.pk)
    upload = form.cleaned_data["file"]
    try:
        extracted = _extract_upload(upload)
        actions.replace_with_upload(
            actor=user,
            writing=writing,
            version=form.cleaned_data["version"],
            title=extracted.title if extracted.title != upload.name else "",
            blocks=extracted.blocks,
            source=SOURCES[extracted.source],
            source_name=upload.name or "",
            ip=client_ip(request),
        )
    except ExtractionError as e:
        messages.error(request, str(e))
    except actions.WritingConflict as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, f"已用“{upload.name}”的内容替换正文（{char_count(extracted.blocks)} 字）。"
        )
    return redirect("writings:writing_edit", writing.pk)


# --- The workflow ---------------------------------------------------------------------------------


@require_POST
def writing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    writing = get_own_writing(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再操作。")
        return redirect(writing)
    try:
        frozen = actions.submit_writing(
            actor=cadre_user(request),
            writing=writing,
            version=form.cleaned_data["version"],
            ip=client_ip(request),
        )
    except actions.WritingConflict as e:
        messages.error(request, e.message)
    except actions.WritingPermissionError:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(
            request, f"已提交（第 {frozen.number} 版），正在查重，之后由接收单位审阅。"
        )
        # The submitter watches the check of what they just submitted.
        return redirect("similarity:version_report", frozen.pk)
    return redirect(writing)


def _decide(request: HttpRequest, pk: int, action: WritingAction) -> HttpResponse:
    writing = get_decidable_writing(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再操作。")
        return redirect(writing)
    kwargs = {
        "actor": reviewer(request),
        "writing": writing,
        "version": form.cleaned_data["version"],
        "comment": form.cleaned_data.get("comment") or "",
        "ip": client_ip(request),
    }
    try:
        if action == WritingAction.RETURN:
            actions.return_writing(**kwargs)
        else:
            actions.accept_writing(**kwargs)
    except actions.WritingConflict as e:
        messages.error(request, e.message)
    except actions.WritingPermissionError:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(
            request, "已退回，干部修改后可重新提交。" if action == "return" else "已通过。"
        )
        if request.POST.get("next") == "queue":
            return redirect("writings:review_queue")
    return redirect(writing)


@require_POST
def writing_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, WritingAction.RETURN)


@require_POST
def writing_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, WritingAction.ACCEPT)


# --- Reading --------------------------------------------------------------------------------------


def writing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The author reads their working copy; everyone else the last submitted version."""
    writing = get_visible_writing(request, pk)
    user = business_user(request)
    is_author = writing.is_author(user)
    versions = WritingVersion.objects.visible_to(user).filter(writing=writing)
    shown: Writing | WritingVersion | None = writing
    if not is_author:
        shown = versions.filter(is_submission=True).order_by("-number").first()
    allowed = writing.allowed_actions(user)
    return render(
        request,
        "writings/writing_detail.html",
        {
            "writing": writing,
            "shown": shown,
            "char_count": char_count(shown.body) if shown else 0,
            "is_author": is_author,
            "can_edit": writing.is_editable_by(user),
            "can_submit": WritingAction.SUBMIT in allowed,
            "can_decide": WritingAction.ACCEPT in allowed,
            "versions": versions.select_related("created_by").order_by("-number"),
            "events": writing.events.select_related("actor"),
            "decision_form": DecisionForm(initial={"version": writing.version}),
            "statuses": WritingStatus,
        },
    )


def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_visible_version(request, pk)
    return render(
        request,
        "writings/version_detail.html",
        {
            "version": version,
            "writing": version.writing,
            "char_count": char_count(version.body),
        },
    )
