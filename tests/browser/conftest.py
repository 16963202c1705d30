"""Browser journeys: Playwright driving the system Chromium (/usr/bin/chromium) against
pytest-django's live server. Screenshots are kept in test-artifacts/screenshots/.

`make test-browser` runs these (marker `browser`); `make test` leaves them out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import reseed_data_migrations

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there (fixtures, assertions on row counts) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "Browser#2026"
_CALL_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(item.fspath).parents]
    if not ours or CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        # CI installs Chromium; a silent skip there would hide that nothing was tested.
        raise pytest.UsageError(f"CI: {CHROMIUM} is missing, the browser tests cannot run.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium)")
    for item in ours:
        item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _rows_from_data_migrations(transactional_db) -> None:
    # Live-server tests flush the database after each test (see tests/conftest.py).
    reseed_data_migrations()


@pytest.fixture
def page(browser, live_server, request) -> Iterator:
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if request.node.stash.get(_CALL_FAILED, False):
        # What the browser showed when the test failed, for the CI artefacts.
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w-]+", "_", request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-FAILED.png"), full_page=True)
    context.close()


@pytest.fixture
def screenshot(page, request) -> Callable[[str], Path]:
    """screenshot("step") → test-artifacts/screenshots/<test>-<n>-<step>.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w-]+", "_", request.node.name)
    taken = 0

    def take(step: str) -> Path:
        nonlocal taken
        taken += 1
        path = SCREENSHOTS / f"{test_name}-{taken:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def totp_now(device) -> str:  # type: ignore[no-untyped-def]
    """The six digits an authenticator app shows for `device` now (or for the next step, if this
    step's code was used already: django-otp accepts each step's code once)."""
    import time

    from django_otp.oath import totp

    device.refresh_from_db()
    now_t = int(time.time() - device.t0) // device.step
    drift = max(0, device.last_t + 1 - now_t)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:06d}"


@pytest.fixture
def log_in(page) -> Callable:
    """log_in(user): sign in through the login form, as a person would; users who must have a
    second factor get an enrolled authenticator and type its current code."""

    def do(user) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from guazhi.accounts.two_factor import required_for

        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        device = None
        if required_for(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if device is not None:
            page.wait_for_url(lambda url: "/accounts/2fa/verify/" in url)
            page.get_by_label("验证码").fill(totp_now(device))
            page.get_by_role("button", name="验证").click()
            page.wait_for_url(lambda url: "/accounts/2fa/" not in url)

    return do
