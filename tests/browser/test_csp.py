"""The Content-Security-Policy breaks nothing: each role's main pages load in Chromium with no
CSP violation in the console (inline scripts, style attributes, eval, outside resources), and
the second-factor enrolment page with its QR code too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from guazhi.accounts.models import User

pytestmark = pytest.mark.browser

PAGES = {
    "programme_admin": [
        "/",
        "/roster/cadres/",
        "/roster/secondments/",
        "/ledger/",
        "/writings/",
        "/assessment/",
        "/evaluation/",
        "/library/",
        "/search/?q=企业",
        "/accounts/security/",
    ],
    "host_liaison": ["/", "/ledger/", "/ledger/pending/", "/writings/review/", "/assessment/"],
    "home_liaison": ["/", "/ledger/"],
    "cadre_user": ["/", "/ledger/", "/ledger/new/", "/assessment/"],
    "system_admin": ["/", "/accounts/users/"],
    "security_admin": ["/", "/accounts/users/"],
    "audit_admin": ["/", "/audit/"],
}


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    violations: list[str] = []

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return violations


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_of_each_role_raise_no_csp_violation(page, log_in, request, entry_a, role):
    user: User = request.getfixturevalue(role)
    violations = _watch(page)
    log_in(user)
    for url in PAGES[role]:
        response = page.goto(url)
        assert response is not None
        assert response.status < 500, url
        assert "content-security-policy" in response.headers, url
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_enrolment_page_with_its_qr_code_raises_no_csp_violation(page, programme_admin):
    violations = _watch(page)
    programme_admin.set_password("Browser#2026")
    programme_admin.save()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(programme_admin.username)
    page.get_by_label("密码").fill("Browser#2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/2fa/setup/**")
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("totp-secret")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_watch_sees_a_violation(page, log_in, cadre_user):
    """Control: the console check does catch what the policy blocks."""
    violations = _watch(page)
    log_in(cadre_user)
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<span style=\"color: red\">x</span>')"
    )
    page.wait_for_timeout(300)
    assert violations and "style" in violations[0]
