"""Downloads of a writing in the official format: Word (python-docx, always) and PDF (LibreOffice,
where installed; otherwise the page says so). Each download is audited; what is printed is what
the page shows the reader (`guazhi.writings.documents`).

The batch export of a cohort's writings is `guazhi.writings.views_export`.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from guazhi.audit.exports import audited_document
from guazhi.audit.log import client_ip
from guazhi.lib.office import OfficeError
from guazhi.lib.official_docx import render_docx, render_pdf
from guazhi.writings import documents
from guazhi.writings.access import business_user, get_visible_version, get_visible_writing

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _download(
    request: HttpRequest, text: documents.WritingText, fmt: str, back: str
) -> HttpResponse:
    """The file, or back to the page it came from with the Chinese reason (no LibreOffice)."""
    writing = text.writing
    render = render_pdf if fmt == "pdf" else render_docx
    try:
        data = audited_document(
            actor=business_user(request),
            ip=client_ip(request),
            obj=writing,
            render=lambda: render(documents.official_document(text)),
            detail=(
                f"下载材料（{documents.FORMATS[fmt]}）：{writing.secondment.cadre.name}"
                f"《{text.title}》{text.version_label}"
            ),
            after={"writing": writing.pk, "version": text.number, "format": fmt},
        )
    except OfficeError as error:
        messages.error(request, str(error))
        return redirect(back)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = documents.file_name(text, fmt)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def _writing_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    writing = get_visible_writing(request, pk)
    text = documents.shown_text(writing, is_author=writing.is_author(business_user(request)))
    if text is None:
        raise Http404
    return _download(request, text, fmt, writing.get_absolute_url())


def _version_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    version = get_visible_version(request, pk)
    return _download(request, documents.version_text(version), fmt, version.get_absolute_url())


@require_GET
def writing_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _writing_download(request, pk, "docx")


@require_GET
def writing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _writing_download(request, pk, "pdf")


@require_GET
def version_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_download(request, pk, "docx")


@require_GET
def version_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_download(request, pk, "pdf")
