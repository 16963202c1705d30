"""Security headers on every page: a Content-Security-Policy with no 'unsafe-inline' and no
'unsafe-eval', and `Cache-Control: no-store` so that pages with personal data never stay in a
shared browser's or proxy's cache. Static files never get here (WhiteNoise answers them first),
so they stay cacheable.

A middleware of twenty lines rather than django-csp: the policy is one constant string with no
nonces, because no template has an inline script or style.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Thumbnails and QR codes arrive as data: or blob: URLs built by the page's own script.
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        # Every dynamic answer: the login page, pages of signed-in users and their downloads.
        # A view's own "private, max-age" gives way: a shared office PC must not keep them.
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response
