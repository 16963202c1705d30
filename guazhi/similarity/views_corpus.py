"""The reference corpus (参考范文库), kept by the programme admin: list and search, upload (.txt,
.docx, .jsonl or a .zip of them), read one essay, remove one. Changes are
`guazhi.similarity.actions`; the index follows in a background task."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guazhi.audit.log import client_ip
from guazhi.roster.access import programme_admin
from guazhi.roster.forms import add_validation_errors
from guazhi.similarity import actions, store
from guazhi.similarity.access import get_reference, get_removable_reference
from guazhi.similarity.corpus_files import CorpusFileError, read_upload
from guazhi.similarity.forms import ReferenceSearchForm, ReferenceUploadForm
from guazhi.similarity.models import ReferenceText

PAGE_SIZE = 30


@require_GET
def reference_list(request: HttpRequest) -> HttpResponse:
    programme_admin(request)
    form = ReferenceSearchForm(request.GET or None)
    references = ReferenceText.objects.active().select_related("uploaded_by").defer("text")
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if q:
        references = references.filter(title__contains=q)
    page = Paginator(references, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "similarity/reference_list.html",
        {
            "form": form,
            "page": page,
            "q": q,
            "total": ReferenceText.objects.active().count(),
            "index_exists": store.index_exists(),
        },
    )


def reference_upload(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    form = ReferenceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        max_bytes = settings.GUAZHI_MAX_UPLOAD_MB * 1024 * 1024
        try:
            if (upload.size or 0) > max_bytes:
                raise CorpusFileError(
                    f"文件超过 {settings.GUAZHI_MAX_UPLOAD_MB} MB 的上限，请分批上传。"
                )
            essays = read_upload(upload.name or "", upload.read(), max_bytes=max_bytes)
            outcome = actions.add_reference_texts(
                actor=user,
                essays=essays,
                source_note=form.cleaned_data["source_note"],
                file_name=upload.name or "",
                ip=client_ip(request),
            )
        except CorpusFileError as e:
            form.add_error("file", str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            text = f"已加入参考范文库 {len(outcome.added)} 篇。"
            if outcome.skipped:
                skipped = "；".join(f"《{t}》{why}" for t, why in outcome.skipped[:10])
                more = "等" if len(outcome.skipped) > 10 else ""
                text += f"跳过重复 {len(outcome.skipped)} 篇：{skipped}{more}。"
            messages.success(request, text)
            return redirect("similarity:reference_list")
    return render(request, "similarity/reference_upload.html", {"form": form})


@require_GET
def reference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reference = get_reference(request, pk)
    return render(request, "similarity/reference_detail.html", {"reference": reference})


@require_POST
def reference_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = programme_admin(request)
    reference = get_removable_reference(request, pk)
    actions.remove_reference_text(actor=user, reference=reference, ip=client_ip(request))
    messages.success(request, f"已从参考范文库移除《{reference.title}》。")
    return redirect("similarity:reference_list")
