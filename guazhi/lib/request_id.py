"""A request id on every request, in the response header, in every log line written while the
request runs, and on the 500 page (「错误编号」), so that a user's report finds its traceback.

The id comes from X-Request-ID only when the request came through a trusted proxy
(GUAZHI_TRUSTED_PROXIES), so that the proxy's access log and ours share it.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from guazhi.lib.client_address import is_trusted_proxy

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")
current_request_id: ContextVar[str] = ContextVar("guazhi_request_id", default="-")


def new_request_id() -> str:
    return secrets.token_hex(6)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        trusted = is_trusted_proxy(
            request.META.get("REMOTE_ADDR", ""), getattr(settings, "GUAZHI_TRUSTED_PROXIES", [])
        )
        request_id = given if trusted and _VALID.fullmatch(given) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestContextFilter(logging.Filter):
    """Adds request_id, method, path and user_id to every record (dashes outside a request).
    django.request passes the request with each error it logs; other loggers get the id from
    the context variable."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        record.method = getattr(request, "method", None) or "-"
        record.path = getattr(request, "path", None) or "-"
        user = getattr(request, "user", None) if request is not None else None
        try:
            user_id = user.pk if user is not None and user.is_authenticated else None
        except Exception:  # the user lookup may itself be what failed
            user_id = None
        record.user_id = user_id if user_id is not None else "-"
        return True
