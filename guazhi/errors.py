"""The site's own error pages, in Chinese: never Django's English ones, whatever DEBUG says."""

from __future__ import annotations

import errno
import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the error may come from the database the context processors use.
    # The request id (guazhi.lib.request_id) is what the user quotes to find the traceback.
    # Django calls this inside its `except` block, so the exception is still at hand.
    full = disk_full(sys.exc_info()[1])
    context = {"request_id": getattr(request, "request_id", ""), "disk_full": full}
    body = loader.get_template("500.html").render(context)
    return HttpResponse(body, status=507 if full else 500)


def disk_full(error: BaseException | None) -> bool:
    """The database or the file system is out of space: SQLite's SQLITE_FULL, PostgreSQL's
    53100 disk_full, or ENOSPC from a file write (uploads, exports), also as a cause."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        if getattr(error, "sqlstate", None) == "53100" or getattr(error, "pgcode", None) == "53100":
            return True
        text = str(error)
        if "database or disk is full" in text or "No space left on device" in text:
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
