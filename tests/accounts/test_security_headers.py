"""CSP without 'unsafe-inline', no-store on every page but static files, cookie flags, and no
template that the CSP would break (inline scripts, style attributes, event handler attributes)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from guazhi.lib.headers import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_the_policy_allows_only_the_site_itself():
    d = _directives(CONTENT_SECURITY_POLICY)
    assert d["default-src"] == "'self'"
    assert d["script-src"] == "'self'" and d["style-src"] == "'self'"
    assert d["img-src"] == "'self' data: blob:"
    assert d["frame-ancestors"] == "'none'" and d["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_login_page_has_csp_and_no_store():
    response = Client().get(reverse("login"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_pages_of_a_signed_in_user_are_never_stored(cadre_user, client_for):
    client = client_for(cadre_user)
    for url in (reverse("home"), reverse("ledger:entry_list"), reverse("accounts:security")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "Content-Security-Policy" in response


def test_a_views_own_cache_header_gives_way(attachment_a, cadre_user, client_for):
    """Thumbnails said "private, max-age=3600": a shared office PC must not keep them."""
    response = client_for(cadre_user).get(
        reverse("ledger:attachment_thumbnail", args=[attachment_a.pk])
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable():
    response = Client().get("/static/vendor/bootstrap/bootstrap.min.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_session_and_csrf_cookies(programme_admin):
    client = Client()
    client.get(reverse("login"))
    client.post(reverse("login"), {"username": "admin_wang", "password": "Guazhi#2026"})
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["secure"]  # plain HTTP unless GUAZHI_HTTPS


def test_https_switch_makes_cookies_secure_and_sends_hsts(monkeypatch):
    from guazhi import settings as project_settings

    monkeypatch.setenv("GUAZHI_HTTPS", "true")
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.CSRF_COOKIE_SECURE
        assert reloaded.SECURE_HSTS_SECONDS >= 365 * 24 * 3600
        assert reloaded.SESSION_COOKIE_SAMESITE == "Lax"
    finally:
        monkeypatch.delenv("GUAZHI_HTTPS")
        importlib.reload(project_settings)


def _templates() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", "an inline script"),
        (r"\sstyle=\"", "a style attribute"),
        (r"<style[\s>]", "a style element"),
        (r"\son[a-z]+=\"", "an event handler attribute"),
        (r"href=\"javascript:", "a javascript: link"),
    ],
)
def test_no_template_has_what_the_csp_blocks(pattern, what):
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _templates()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(pattern, line)
    ]
    assert not found, f"{what} in {found}"
