"""Ledger pages: the cadre writes and edits entries (from a phone as from a desk), the host
liaison confirms or returns them, everyone with a business role reads what they may see.

Objects come through `guazhi.ledger.access`; the changes are `guazhi.ledger.actions`.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guazhi.audit.log import client_ip
from guazhi.ledger import actions, tallies
from guazhi.ledger.access import (
    business_user,
    cadre_user,
    get_confirmable_entry,
    get_editable_attachment,
    get_editable_entry,
    get_visible_attachment,
    get_visible_entry,
    reviewer,
)
from guazhi.ledger.files import PreparedFile, UploadRefused, prepare
from guazhi.ledger.forms import ConfirmForm, EntryFilterForm, EntryForm, ReturnForm
from guazhi.ledger.models import Attachment, Entry, EntryFigure, EntryQuerySet, EntryStatus
from guazhi.lib.paging import IdFirstPaginator
from guazhi.roster.forms import add_validation_errors

PAGE_SIZE = 20
MAX_FILES = 9


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _listing(entries: EntryQuerySet) -> EntryQuerySet:
    """Entries with what a list row shows, in a fixed number of queries."""
    return entries.with_related().prefetch_related(
        Prefetch("figures", queryset=EntryFigure.objects.select_related("field"))
    )


# --- Lists ----------------------------------------------------------------------------------------


def entry_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = EntryFilterForm(request.GET or None, user=user)
    entries = form.filter(Entry.objects.visible_to(user))
    # Unfiltered, the running totals know how many entries the user may see: no COUNT(*)
    # over millions of rows.
    count = tallies.visible_count(user) if not form.has_filters() else None
    page = IdFirstPaginator(_listing(entries), PAGE_SIZE, count=count).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "ledger/entry_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_write": user.is_cadre and actions.writable_secondment(user.cadre_id) is not None,
        },
    )


def pending_queue(request: HttpRequest) -> HttpResponse:
    """The host liaison's 待确认 queue, oldest first: work waits in the order it was done."""
    user = reviewer(request)
    entries = Entry.objects.pending_for(user).order_by("date", "pk")
    page = IdFirstPaginator(_listing(entries), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ledger/pending_queue.html", {"page": page})


# --- Writing --------------------------------------------------------------------------------------


def _prepare_uploads(files: list[UploadedFile]) -> tuple[list[PreparedFile], list[str]]:
    """Check every file before anything is saved (outside any transaction)."""
    max_bytes = settings.GUAZHI_MAX_ATTACHMENT_MB * 1024 * 1024
    prepared, errors = [], []
    if len(files) > MAX_FILES:
        return [], [f"一次最多上传 {MAX_FILES} 个文件。"]
    for upload in files:
        name = upload.name or "附件"
        if (upload.size or 0) > max_bytes:
            errors.append(
                f"文件“{name}”超过 {settings.GUAZHI_MAX_ATTACHMENT_MB} MB，请压缩后再上传。"
            )
            continue
        try:
            prepared.append(
                prepare(
                    upload.read(),
                    name,
                    max_bytes=max_bytes,
                    keep_gps=settings.GUAZHI_KEEP_PHOTO_GPS,
                )
            )
        except UploadRefused as e:
            errors.append(str(e))
    return prepared, errors


def _wants_json(request: HttpRequest) -> bool:
    """The phone's offline queue posts with `Accept: application/json` and reads the answer."""
    return "application/json" in request.headers.get("Accept", "")


def _form_errors(form: EntryForm) -> dict[str, list[str]]:
    return {
        (str(form.fields[name].label) if name in form.fields else "__all__"): [str(e) for e in errs]
        for name, errs in form.errors.items()
    }


def entry_create(request: HttpRequest) -> HttpResponse:
    """Write an entry (with photos). A browser gets pages; the offline queue gets JSON."""
    user = cadre_user(request)
    secondment = actions.writable_secondment(user.cadre_id)
    if secondment is None:
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": False,
                    "errors": {"__all__": ["你目前没有在岗的挂职任职，不能填写工作纪实。"]},
                },
                status=400,
            )
        return render(request, "ledger/no_secondment.html")
    form = EntryForm(
        request.POST or None, secondment=secondment, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        prepared, file_errors = _prepare_uploads(request.FILES.getlist("files"))
        for message in file_errors:
            form.add_error(None, message)
        if not file_errors:
            try:
                entry, created = actions.create_entry(
                    actor=user,
                    secondment=secondment,
                    data=form.entry_data(),
                    client_uuid=form.cleaned_data.get("client_uuid"),
                    ip=client_ip(request),
                )
            except ValidationError as e:
                add_validation_errors(form, e)
            except actions.LedgerPermissionError:
                raise Http404 from None
            else:
                if created:
                    for item in prepared:
                        actions.add_attachment(
                            actor=user, entry=entry, prepared=item, ip=client_ip(request)
                        )
                if _wants_json(request):
                    return JsonResponse(
                        {"ok": True, "created": created, "url": entry.get_absolute_url()}
                    )
                if created:
                    messages.success(request, "工作纪实已保存，等待接收单位确认。")
                else:
                    messages.info(request, "这条工作纪实此前已经提交过，没有重复保存。")
                return redirect(entry)
    if request.method == "POST" and _wants_json(request):
        return JsonResponse({"ok": False, "errors": _form_errors(form)}, status=400)
    if not form.is_bound or not form["client_uuid"].value():
        # A new identifier per opened form: a double tap or a resend saves one entry.
        form.initial["client_uuid"] = EntryForm.new_client_uuid()
    return render(
        request,
        "ledger/entry_form.html",
        {
            "form": form,
            "secondment": secondment,
            "title": "填写工作纪实",
            "with_files": True,
            "max_mb": settings.GUAZHI_MAX_ATTACHMENT_MB,
        },
    )


def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_editable_entry(request, pk)
    user = cadre_user(request)
    if request.method == "POST":
        form = EntryForm(request.POST, secondment=entry.secondment)
        if form.is_valid():
            try:
                changed = actions.update_entry(
                    actor=user,
                    entry=entry,
                    version=form.cleaned_data.get("version") or 0,
                    data=form.entry_data(),
                    ip=client_ip(request),
                )
            except actions.EntryConflict as e:
                form.add_error(None, e.message)
            except ValidationError as e:
                add_validation_errors(form, e)
            else:
                if not changed:
                    messages.info(request, "没有修改任何内容。")
                elif entry.status == EntryStatus.PENDING and "状态" in changed:
                    messages.success(request, "已保存。修改后的纪实需要接收单位重新确认。")
                else:
                    messages.success(request, "已保存。")
                return redirect(entry)
    else:
        form = EntryForm(initial=EntryForm.initial_for(entry), secondment=entry.secondment)
    return render(
        request,
        "ledger/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "secondment": entry.secondment,
            "title": "修改工作纪实",
            "with_files": False,
        },
    )


# --- Reading --------------------------------------------------------------------------------------


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_entry(request, pk)
    user = business_user(request)
    figures = entry.figures.select_related("field")
    return render(
        request,
        "ledger/entry_detail.html",
        {
            "entry": entry,
            "figures": figures,
            "attachments": entry.attachments.all(),
            "revisions": entry.revisions.select_related("actor"),
            "can_edit": entry.is_editable_by(user),
            "can_review": entry.is_confirmable_by(user) and entry.status == EntryStatus.PENDING,
            "max_mb": settings.GUAZHI_MAX_ATTACHMENT_MB,
        },
    )


# --- Confirming and returning ---------------------------------------------------------------------


@require_POST
def entry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_confirmable_entry(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再操作。")
        return redirect(entry)
    try:
        actions.confirm_entry(
            actor=reviewer(request),
            entry=entry,
            version=form.cleaned_data["version"],
            ip=client_ip(request),
        )
    except actions.EntryConflict as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已确认。")
    if request.POST.get("next") == "queue":
        return redirect("ledger:pending_queue")
    return redirect(entry)


@require_POST
def entry_return(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_confirmable_entry(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect(entry)
    try:
        actions.return_entry(
            actor=reviewer(request),
            entry=entry,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
            ip=client_ip(request),
        )
    except actions.EntryConflict as e:
        messages.error(request, e.message)
    except ValidationError as e:
        messages.error(request, "".join(e.messages))
    else:
        messages.success(request, "已退回，干部修改后会重新提交。")
    return redirect(entry)


# --- Attachments ----------------------------------------------------------------------------------


@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_editable_entry(request, pk)
    user = cadre_user(request)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, "请选择要上传的文件。")
        return redirect(entry)
    prepared, errors = _prepare_uploads(files)
    for item in prepared:
        actions.add_attachment(actor=user, entry=entry, prepared=item, ip=client_ip(request))
    for message in errors:
        messages.error(request, message)
    if prepared:
        note = "；已确认的纪实需要重新确认" if entry.status != EntryStatus.PENDING else ""
        messages.success(request, f"已上传 {len(prepared)} 个附件{note}。")
    return redirect(entry)


@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_editable_attachment(request, pk)
    entry = attachment.entry
    actions.remove_attachment(
        actor=cadre_user(request), attachment=attachment, ip=client_ip(request)
    )
    messages.success(request, f"已删除附件“{attachment.original_name}”。")
    return redirect(entry)


def _serve(attachment: Attachment, *, thumbnail: bool) -> FileResponse:
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = thumbnail or attachment.kind in ("image", "pdf")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.original_name if not thumbnail else "thumbnail.jpg",
        content_type="image/jpeg" if thumbnail else attachment.content_type,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _serve(get_visible_attachment(request, pk), thumbnail=False)


def attachment_thumbnail(request: HttpRequest, pk: int) -> HttpResponseBase:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _serve(get_visible_attachment(request, pk), thumbnail=True)


# --- Offline --------------------------------------------------------------------------------------


@login_not_required
def service_worker(request: HttpRequest) -> HttpResponse:
    """The ledger's service worker, served under /ledger/ so that its scope covers the ledger
    pages (a worker controls only the paths below its own URL). It holds no data."""
    found = finders.find("ledger/sw.js")
    if not found:
        raise Http404
    response = HttpResponse(Path(str(found)).read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
